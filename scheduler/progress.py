"""Who has done what: one row per owner item, with its status on a given day. Pure.

Statuses, for an owner item on day `today` (the plan's local date):
- "done": the unit confirmed it (whenever that was, even before it fell due);
- "not_applicable": an optional item ("… (nếu có)") the unit answered "không phát
  sinh": closed, with nothing to do; it counts neither as done nor as not done;
- "overdue": not confirmed and its due date has passed (due < today);
- "open": not confirmed, due today or later but already inside its reminder window,
  i.e. due - today <= the largest lead day of its tier, or a week (the weekly digest
  announces what falls due until the next one; 30 days for a round-year anniversary);
- "upcoming": not confirmed and not reminded yet.
Cooperating units are informed, not chased, so their items are not rows here.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal, Protocol

from content.i18n import N_
from content.items import Item
from content.plan import Plan
from scheduler.state import PlanState

Status = Literal["done", "not_applicable", "open", "overdue", "upcoming"]
STATUSES: tuple[Status, ...] = ("done", "not_applicable", "open", "overdue", "upcoming")
STATUS_LABELS: dict[Status, str] = {  # N_: translated where shown
    "done": N_("Đã xong"),
    "not_applicable": N_("Không phát sinh"),
    "open": N_("Đang nhắc"),
    "overdue": N_("Quá hạn"),
    "upcoming": N_("Chưa đến hạn"),
}
WEEK = 7  # days: what the weekly digest announces


class ConfirmationLike(Protocol):
    @property
    def confirmed_at(self) -> datetime: ...
    @property
    def confirmed_by(self) -> str: ...
    @property
    def evidence(self) -> Sequence[str]: ...


@dataclass(frozen=True)
class ProgressRow:
    plan: str
    task: str
    task_title: str
    unit: str
    unit_name: str
    item_key: str
    due: date
    status: Status
    confirmed_at: datetime | None
    confirmed_by: str | None  # the confirmer's address, e.g. telegram:123
    evidence: tuple[str, ...]
    role: str = "owner"
    confirmed_by_name: str | None = None


@dataclass(frozen=True)
class UnitSummary:
    unit: str
    unit_name: str
    done: int
    open: int
    overdue: int
    upcoming: int
    not_applicable: int = 0

    @property
    def total(self) -> int:
        return self.done + self.open + self.overdue + self.upcoming + self.not_applicable

    @property
    def share_done(self) -> float | None:
        """Done out of what is done or already asked for (done + open + overdue); items
        that had nothing to do ("không phát sinh") are left out of both. None while
        nothing has been asked for yet."""
        asked = self.done + self.open + self.overdue
        return self.done / asked if asked else None


def owner_statuses(
    state: PlanState,
    confirmed: Container[str],
    today: date,
    *,
    unit_id: str | None = None,
) -> Iterator[tuple[Item, Status]]:
    """Each owner item of the plan (of one unit if `unit_id`) with its status today, in
    the plan's item order; `confirmed` holds the keys of the standing confirmations.

    The statuses of the module's docstring, in one flat loop over the item tuples: the
    web page's overview of a 100,000-item plan runs it on every request."""
    default_end = today + timedelta(days=WEEK)
    # The last day an item of each tier is "open" rather than "upcoming".
    window_ends = {
        tier: today + timedelta(days=max((*days, WEEK), default=WEEK))
        for tier, days in state.plan.settings.lead_days.items()
    }
    not_applicable = state.not_applicable
    for item in state.items:
        key, _plan, _task, unit, role, due, _title, _occurrence, tier = item
        if role != "owner" or (unit_id is not None and unit != unit_id):
            continue
        status: Status
        if key in confirmed:
            status = "not_applicable" if key in not_applicable else "done"
        elif due < today:
            status = "overdue"
        elif due <= window_ends.get(tier, default_end):
            status = "open"
        else:
            status = "upcoming"
        yield item, status


def progress_rows(
    state: PlanState,
    confirmations: Mapping[str, ConfirmationLike],
    today: date,
    *,
    unit_id: str | None = None,
) -> list[ProgressRow]:
    """Owner items of the plan (of one unit if `unit_id`), ordered by unit as the
    plan lists them, then by due date, then by task as the plan lists them."""
    plan = state.plan
    unit_order = {unit.id: index for index, unit in enumerate(plan.units)}
    task_order = {task.id: index for index, task in enumerate(plan.tasks)}
    rows = []
    for item, status in owner_statuses(state, confirmations, today, unit_id=unit_id):
        confirmation = confirmations.get(item.key)
        try:
            unit_name = plan.unit(item.unit_id).name
        except KeyError:
            unit_name = item.unit_id
        rows.append(
            ProgressRow(
                plan=plan.id,
                task=item.task_id,
                task_title=item.title,
                unit=item.unit_id,
                unit_name=unit_name,
                item_key=item.key,
                due=item.due,
                status=status,
                confirmed_at=confirmation.confirmed_at if confirmation else None,
                confirmed_by=confirmation.confirmed_by if confirmation else None,
                evidence=tuple(confirmation.evidence) if confirmation else (),
                role=item.role,
                confirmed_by_name=(getattr(confirmation, "confirmed_by_name", None) or None)
                if confirmation
                else None,
            )
        )
    rows.sort(
        key=lambda row: (
            unit_order.get(row.unit, len(unit_order)),
            row.due,
            task_order.get(row.task, len(task_order)),
            row.item_key,
        )
    )
    return rows


def tally(plan: Plan, statuses: Iterable[tuple[Item, Status]]) -> list[UnitSummary]:
    """Counts per unit from `owner_statuses`, units in the plan's order (those with no
    owner item left out): the figures of `summary_by_unit` without building the rows."""
    counts: dict[str, dict[str, int]] = {}
    for item, status in statuses:
        tallied = counts.get(item.unit_id)
        if tallied is None:
            tallied = counts[item.unit_id] = dict.fromkeys(STATUSES, 0)
        tallied[status] += 1
    ordered = [unit.id for unit in plan.units if unit.id in counts]
    listed = set(ordered)
    ordered += [unit_id for unit_id in counts if unit_id not in listed]
    return [_summary(unit_id, _unit_name(plan, unit_id), counts[unit_id]) for unit_id in ordered]


def _unit_name(plan: Plan, unit_id: str) -> str:
    try:
        return plan.unit(unit_id).name
    except KeyError:
        return unit_id


def _summary(unit: str, name: str, tally: Mapping[str, int]) -> UnitSummary:
    return UnitSummary(
        unit=unit,
        unit_name=name,
        done=tally["done"],
        open=tally["open"],
        overdue=tally["overdue"],
        upcoming=tally["upcoming"],
        not_applicable=tally["not_applicable"],
    )


def summary_by_unit(rows: Iterable[ProgressRow]) -> list[UnitSummary]:
    """Counts per unit, units in the order they first appear in `rows`."""
    counts: dict[str, dict[str, int]] = {}
    names: dict[str, str] = {}
    for row in rows:
        names.setdefault(row.unit, row.unit_name)
        tally = counts.setdefault(row.unit, dict.fromkeys(STATUSES, 0))
        tally[row.status] += 1
    return [_summary(unit, names[unit], tally) for unit, tally in counts.items()]
