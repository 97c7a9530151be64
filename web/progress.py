"""A plan's progress as the pages show it, from the same statuses `/tiendo`, `loa
progress` and the reports use (scheduler/progress.py), gathered once per page.

The overview of a large plan (1,000 units × 100 tasks) counts statuses without
building a row per item and reads only the confirmed keys; a unit's page reads only
that unit's confirmations (bench/bench_web.py)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.confirmations import active_confirmations
from bot.storage.models import Confirmation
from content.items import Item
from content.plan import Address, Plan
from scheduler.progress import (
    WEEK,
    ProgressRow,
    Status,
    UnitSummary,
    owner_statuses,
    progress_rows,
    tally,
)
from scheduler.state import PlanState, plan_state


@dataclass(frozen=True)
class DueThisWeek:
    due: date
    title: str
    units: int  # units that have not closed it yet


@dataclass(frozen=True)
class PlanOverview:
    plan: Plan
    today: date
    summaries: list[UnitSummary]
    due_this_week: list[DueThisWeek]
    units_without_chat: list[str]


async def plan_overview(
    session: AsyncSession, plan_id: str, today: date, extra_admins: tuple[Address, ...]
) -> PlanOverview | None:
    state = await plan_state(session, plan_id, extra_admins)
    if state is None:
        return None
    end = today + timedelta(days=WEEK)
    due: Counter[tuple[date, str]] = Counter()

    def noting_due(statuses: Iterator[tuple[Item, Status]]) -> Iterator[tuple[Item, Status]]:
        for item, status in statuses:
            if status in ("open", "overdue") and today <= item.due < end:
                due[item.due, item.title] += 1
            yield item, status

    # Streamed, never listed: 100,000 (item, status) pairs held at once would wake the
    # garbage collector again and again over the plan's cached items (4× slower).
    summaries = tally(state.plan, noting_due(owner_statuses(state, state.confirmed, today)))
    plan = state.plan
    due_this_week = [DueThisWeek(day, title, n) for (day, title), n in sorted(due.items())]
    return PlanOverview(
        plan=plan,
        today=today,
        summaries=summaries,
        due_this_week=due_this_week,
        units_without_chat=[unit.name for unit in plan.units if not state.links.get(unit.id)],
    )


@dataclass(frozen=True)
class UnitProgress:
    state: PlanState
    rows: list[ProgressRow]
    confirmations: dict[str, Confirmation]


async def unit_progress(
    session: AsyncSession,
    plan_id: str,
    unit_id: str,
    today: date,
    extra_admins: tuple[Address, ...],
) -> UnitProgress | None:
    state = await plan_state(session, plan_id, extra_admins)
    if state is None:
        return None
    confirmations = await active_confirmations(session, plan_id, unit_id)
    rows = progress_rows(state, confirmations, today, unit_id=unit_id)
    return UnitProgress(state, rows, confirmations)
