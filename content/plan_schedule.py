"""When a plan's work falls: its period, the anniversaries it campaigns for in it, and
each task's due dates (once, recurring, or per anniversary)."""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from content.anniversaries import Anniversary, Occurrence, Tier, occurrences_between

if TYPE_CHECKING:  # content.plan imports this module: Task is only named here
    from content.plan import Task


def plan_period(year: int, start: date | None, end: date | None) -> tuple[date, date]:
    """A plan's period: the given dates, or 1 January to 31 December of its year."""
    return (start or date(year, 1, 1), end or date(year, 12, 31))


def campaign_occurrences(
    anniversaries: Sequence[Anniversary], period: tuple[date, date], tiers: Sequence[Tier]
) -> tuple[Occurrence, ...]:
    return tuple(
        occurrence
        for occurrence in occurrences_between(list(anniversaries), *period)
        if occurrence.tier in tiers
    )


def task_schedule(
    task: Task, period: tuple[date, date], occurrences: Sequence[Occurrence]
) -> tuple[tuple[date, Occurrence | None], ...]:
    """When a task is due in the plan's period: the pure rule behind item expansion.

    `occurrences` are the plan's campaign occurrences in the period; only
    per_anniversary tasks use them.
    """
    if task.kind == "once":
        assert task.due_date is not None
        return ((task.due_date, None),)
    if task.kind == "per_anniversary":
        # Only an explicit from/until bounds these: an early-January anniversary with a
        # negative offset is due in the December before, and still belongs to this plan.
        offset = timedelta(days=task.offset_days)
        chosen = [
            (occurrence.date + offset, occurrence)
            for occurrence in occurrences
            if occurrence.tier in task.anniversary_tiers
            and (task.anniversary_keys is None or occurrence.key in task.anniversary_keys)
        ]
        return tuple(
            (due, occurrence)
            for due, occurrence in sorted(chosen, key=lambda pair: pair[0])
            if (task.start is None or task.start <= due)
            and (task.until is None or due <= task.until)
        )
    first = task.start or period[0]
    last = task.until or period[1]
    return tuple((due, None) for due in _recurring_dates(task, first, last))


def _clamped(year: int, month: int, day: int) -> date:
    # A monthly "day 31" means the month's last day in shorter months.
    return date(year, month, min(day, monthrange(year, month)[1]))


def _recurring_dates(task: Task, first: date, last: date) -> list[date]:
    day = task.due_day or 1
    if task.repeat == "daily":
        candidates = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    elif task.repeat == "weekly":
        # Start from the first such weekday on or after `first`.
        start = first + timedelta(days=(day - first.isoweekday()) % 7)
        candidates = [start + timedelta(weeks=n) for n in range((last - start).days // 7 + 1)]
    else:
        if task.repeat == "monthly":
            months = range(1, 13)
        elif task.repeat == "quarterly":
            months = range(task.due_month or 1, 13, 3)
        else:
            months = range(task.due_month or 1, (task.due_month or 1) + 1)
        candidates = [
            _clamped(year, month, day)
            for year in range(first.year, last.year + 1)
            for month in months
        ]
    return [due for due in candidates if first <= due <= last]
