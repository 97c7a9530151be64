"""How loud a plan is for its units: the figures of `loa simulate --stats`. Pure.

Per (plan, unit), counted at one of its chats (the first linked one, or the unit itself
when it has none; every chat of a unit gets the same messages unless it is paused): the
messages per month by kind, the days with a message, those that were days off, and the
largest number of times one item was listed and one suggested post was sent. A digest
shared by several units or plans counts once for each of them.

`confirming_on_due_day` is the same plans with every owner item confirmed on the day it
is reminded as due (the working day on or before the deadline), at the end of that day
so that the day's digest and post still count: the least a unit that does everything
on time still receives. AIMS are the targets docs/reminders.md reports.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from content.due import DueMessage
from content.i18n import N_
from scheduler.state import PlanState

UNIT_KINDS = ("digest", "post", "report")  # "report": a report deadline's reminder


@dataclass
class UnitStats:
    plan_id: str
    unit_id: str
    unit_name: str
    chat: str | None  # the chat counted; None: the unit has none (simulated)
    months: dict[str, Counter[str]] = field(default_factory=dict)  # "2026-03" -> kind -> n
    days: set[date] = field(default_factory=set)
    days_off: set[date] = field(default_factory=set)
    item_sends: Counter[str] = field(default_factory=Counter)
    post_sends: Counter[str] = field(default_factory=Counter)  # "quoc_khanh-2026" -> n

    def total(self, month: str) -> int:
        return sum(self.months.get(month, Counter()).values())

    def as_json(self, months: Sequence[str]) -> dict[str, Any]:
        totals = [self.total(month) for month in months]
        return {
            "plan": self.plan_id,
            "unit": self.unit_id,
            "unit_name": self.unit_name,
            "chat": self.chat,
            "months": {
                month: {
                    **{kind: self.months.get(month, Counter())[kind] for kind in UNIT_KINDS},
                    "total": total,
                }
                for month, total in zip(months, totals, strict=True)
            },
            "average_per_month": round(sum(totals) / len(totals), 2) if totals else 0.0,
            "busiest_month": max(totals, default=0),
            "days_with_message": len(self.days),
            "days_off_with_message": len(self.days_off),
            "most_sends_of_one_item": max(self.item_sends.values(), default=0),
            "most_sends_of_one_post": max(self.post_sends.values(), default=0),
        }


def months_between(start: date, end: date) -> list[str]:
    months = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def unit_stats(states: Sequence[PlanState], messages: Iterable[DueMessage]) -> list[UnitStats]:
    """The figures for every unit of these plans from the messages of a window."""
    rows: dict[tuple[str, str], UnitStats] = {}
    calendars = {state.plan.id: state.plan.calendar for state in states}
    for state in states:
        for unit in state.plan.units:
            chats = state.links.get(unit.id, ())
            chat = str(chats[0]) if chats else None
            rows[(state.plan.id, unit.id)] = UnitStats(state.plan.id, unit.id, unit.name, chat)
    for message in messages:
        if message.kind not in UNIT_KINDS:
            continue
        payload = message.payload
        day = date.fromisoformat(payload["date"])
        if message.kind == "digest":
            parts = payload.get("parts") or [payload]
            owners = {(part["plan_id"], part["unit_id"]) for part in parts}
        elif message.kind == "report":
            report = payload.get("report") or {}
            owners = {(payload["plan_id"], report["unit_id"])} if report.get("unit_id") else set()
        else:
            owners = {(payload["plan_id"], payload["unit_id"])}
        for owner in owners:
            row = rows.get(owner)
            if row is None or (row.chat or ":") != message.chat_address:
                continue
            row.months.setdefault(f"{day:%Y-%m}", Counter())[message.kind] += 1
            row.days.add(day)
            if not calendars[owner[0]].is_working(day):
                row.days_off.add(day)
            if message.kind == "report":
                continue
            if message.kind == "post":
                row.post_sends[f"{payload['anniversary']}-{payload['year']}"] += 1
                continue
            for entry in payload["entries"]:
                if (entry.get("plan_id"), entry.get("unit_id")) == owner and not entry.get(
                    "hidden"
                ):
                    row.item_sends[entry["key"]] += 1
    return list(rows.values())


def confirming_on_due_day(state: PlanState) -> PlanState:
    """The plan as if each unit confirmed every owner item the day it is reminded as due."""
    plan = state.plan
    calendar = plan.calendar
    # Midnight after the reminder day: a confirmation hides an item from its own local
    # day on (scheduler/planner.py), and that day's messages went out in the morning.
    confirmed: dict[str, datetime] = {
        item.key: datetime.combine(
            calendar.on_or_before(item.due) + timedelta(days=1), time(0), tzinfo=plan.tz
        )
        for item in state.items
        if item.role == "owner"
    }
    return replace(state, confirmed=confirmed, not_applicable=frozenset())


@dataclass(frozen=True)
class Aim:
    name: str
    label: str  # for the table: Vietnamese, marked N_ and translated where shown
    limit: float | None  # None: a figure shown next to the aims, not one of them
    value: float

    @property
    def met(self) -> bool | None:
        return None if self.limit is None else self.value <= self.limit

    def as_json(self) -> dict[str, Any]:
        return {"aim": self.name, "limit": self.limit, "value": self.value, "met": self.met}


def aims(
    as_is: Sequence[UnitStats], on_time: Sequence[UnitStats], months: Sequence[str]
) -> list[Aim]:
    """The targets of issue 11, for the window's months (docs/reminders.md)."""

    def totals(rows: Sequence[UnitStats]) -> list[int]:
        return [row.total(month) for row in rows for month in months]

    def average(figures: list[int]) -> float:
        return round(sum(figures) / len(figures), 2) if figures else 0.0

    loud = totals(as_is)
    quiet = totals(on_time)
    return [
        Aim("average_per_month", N_("Trung bình mỗi nhóm đơn vị, tin/tháng"), 12, average(loud)),
        Aim("busiest_month", N_("Tháng nhiều tin nhất của một nhóm"), 20, max(loud, default=0)),
        Aim(
            "days_off_with_message",
            N_("Tin gửi vào ngày nghỉ"),
            0,
            sum(len(row.days_off) for row in (*as_is, *on_time)),
        ),
        Aim(
            "most_sends_of_one_post",
            N_("Số lần một bài gợi ý tới một đơn vị (mỗi ngày kỷ niệm)"),
            2,
            max((max(row.post_sends.values(), default=0) for row in as_is), default=0),
        ),
        Aim(
            "average_per_month_on_time",
            N_("Đơn vị xác nhận đúng hạn: trung bình tin/tháng"),
            8,
            average(quiet),
        ),
        Aim(
            "busiest_month_on_time",
            N_("Đơn vị xác nhận đúng hạn: tháng nhiều tin nhất (để biết)"),
            None,
            max(quiet, default=0),
        ),
    ]
