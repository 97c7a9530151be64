"""What the admins get about a plan, instead of a list every day (docs/reminders.md):

- an ALERT (kind "escalation", key `alert/<plan>/<admin>/<date>`) on a send day when
  units have just crossed `escalate_after_days`: they have an open owner item that
  late and had none on the previous send day. One alert per unit and episode;
- the weekly REPORT (kind "weekly", key `weekly/<plan>/<admin>/<ISO week>`) on
  `settings.report_weekday` at `settings.report_time` (a day off moves it to the
  working day before in the same week, else the next one): the plan's progress and
  every unit with items that late (long-overdue items live here, not in unit chats);
  no alert on that day, the report says it all;
- once, on the plan's opening day, a BACKLOG summary (kind "notice", key
  `backlog/<plan>/<admin>`) of the owner items due before the plan's first day, which
  are not chased in unit chats.

Units without a linked chat are included: they are the ones nobody reminds. At most
UNITS_SHOWN units with ITEMS_PER_UNIT items each are written out, the rest counted;
`loa progress` and /tiendo give everything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from content.admin_messages import EscalationKind, render_backlog, render_escalation
from content.due import DueMessage
from content.payloads import BacklogPayload, EscalationPayload, EscalationUnit
from content.plan import Address, Plan
from content.working_days import WorkingDays

UNITS_SHOWN = 20
ITEMS_PER_UNIT = 3

# (count, [(key, task id, title, due ISO, due ordinal)] oldest first)
Late = tuple[int, Sequence[tuple[str, str, str, str, int]]]
LanguageOf = Callable[[str], str]  # a chat's address -> the language its messages are in


@dataclass(frozen=True)
class UnitView:
    unit_id: str
    unit_name: str
    linked: bool


def report_day(calendar: WorkingDays, weekday: int, day: int) -> int | None:
    """The day of the weekly report in the ISO week of `day` (ordinals): the chosen
    weekday, else the working day before it in that week, else the first after it."""
    monday = day - date.fromordinal(day).weekday()
    chosen = monday + weekday - 1
    for candidate in (*range(chosen, monday - 1, -1), *range(chosen + 1, monday + 7)):
        if calendar.works(candidate):
            return candidate
    return None


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def escalation_payload(
    plan: Plan,
    day: date,
    late: Sequence[tuple[UnitView, Late]],
    *,
    done: int | None = None,
    due_so_far: int | None = None,
) -> EscalationPayload:
    """`late`: (unit, (count, its late items oldest first)) for every unit to show."""
    number = day.toordinal()
    shown = late[:UNITS_SHOWN]
    rest = late[UNITS_SHOWN:]
    payload: EscalationPayload = {
        "plan_id": plan.id,
        "plan_title": plan.title,
        "date": day.isoformat(),
        "threshold": plan.settings.escalate_after_days,
        "entries": [
            {
                "unit_id": unit.unit_id,
                "unit_name": unit.unit_name,
                "key": key,
                "task_id": task_id,
                "title": title,
                "due": due,
                "days": due_number - number,
            }
            for unit, (_, items) in shown
            for key, task_id, title, due, due_number in items[:ITEMS_PER_UNIT]
        ],
        "units": [_unit(unit, count) for unit, (count, _) in shown],
        "more_units": len(rest),
        "more_items": sum(count for _, (count, _) in rest),
    }
    if done is not None and due_so_far is not None:
        payload["week"] = iso_week(day)
        payload["done"] = done
        payload["due_so_far"] = due_so_far
    return payload


def _unit(unit: UnitView, count: int) -> EscalationUnit:
    return {
        "unit_id": unit.unit_id,
        "unit_name": unit.unit_name,
        "linked": unit.linked,
        "overdue": count,
    }


def escalation_messages(
    plan: Plan,
    admins: Iterable[Address],
    payload: EscalationPayload,
    language_of: LanguageOf,
    window: tuple[datetime, datetime],
    kind: EscalationKind,
) -> list[DueMessage]:
    """The alert (one a day at most) or the weekly report (one an ISO week), each admin
    in their chat's language."""
    texts = _Texts(lambda locale: render_escalation(payload, locale, kind), language_of)
    if kind == "weekly":
        week = payload.get("week") or iso_week(date.fromisoformat(payload["date"]))
        return _to_admins(plan, admins, "weekly", week, "weekly", texts, payload, window)
    return _to_admins(plan, admins, "alert", payload["date"], "escalation", texts, payload, window)


def backlog_messages(
    plan: Plan,
    admins: Iterable[Address],
    day: date,
    counts: Sequence[tuple[UnitView, int]],
    language_of: LanguageOf,
    window: tuple[datetime, datetime],
) -> list[DueMessage]:
    """`counts`: (unit, its owner items due before the plan's first day, still open)."""
    ranked = sorted(counts, key=lambda pair: -pair[1])
    payload: BacklogPayload = {
        "plan_id": plan.id,
        "plan_title": plan.title,
        "date": day.isoformat(),
        "open_items": sum(count for _, count in counts),
        "units": [_unit(unit, count) for unit, count in ranked[:UNITS_SHOWN]],
        "more_units": max(len(ranked) - UNITS_SHOWN, 0),
    }
    texts = _Texts(lambda locale: render_backlog(payload, locale), language_of)
    return _to_admins(plan, admins, "backlog", None, "notice", texts, payload, window)


class _Texts:
    """A message's text per admin: rendered once per language their chats chose."""

    def __init__(self, render: Callable[[str], str], language_of: LanguageOf) -> None:
        self.render, self.language_of = render, language_of
        self.rendered: dict[str, str] = {}

    def of(self, admin: Address) -> str:
        locale = self.language_of(str(admin))
        if locale not in self.rendered:
            self.rendered[locale] = self.render(locale)
        return self.rendered[locale]


def _to_admins(
    plan: Plan,
    admins: Iterable[Address],
    name: str,
    when: str | None,
    kind: str,
    texts: _Texts,
    payload: EscalationPayload | BacklogPayload,
    window: tuple[datetime, datetime],
) -> list[DueMessage]:
    not_before, expires_at = window
    suffix = f"/{when}" if when else ""
    return [
        DueMessage(
            key=f"{name}/{plan.id}/{admin}{suffix}",
            channel=admin.channel,
            chat_id=admin.id,
            kind=kind,
            text=texts.of(admin),
            not_before=not_before,
            expires_at=expires_at,
            plan_id=plan.id,
            payload=payload,
        )
        for admin in admins
    ]
