"""A plan's progress as the pages show it: the same rows `/tiendo`, `loa progress`
and the reports are made of (scheduler/progress.py), gathered once per page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.confirmations import active_confirmations
from content.plan import Address, Plan
from scheduler.progress import WEEK, ProgressRow, progress_rows
from scheduler.state import PlanState, plan_state


@dataclass(frozen=True)
class PlanProgress:
    state: PlanState
    today: date
    rows: list[ProgressRow]

    @property
    def plan(self) -> Plan:
        return self.state.plan

    def due_this_week(self) -> list[ProgressRow]:
        """Owner items not closed that fall due from today to a week ahead."""
        end = self.today + timedelta(days=WEEK)
        return [
            row
            for row in self.rows
            if row.status in ("open", "overdue") and self.today <= row.due < end
        ]

    def units_without_chat(self) -> list[str]:
        return [unit.name for unit in self.plan.units if not self.state.links.get(unit.id)]


async def plan_progress(
    session: AsyncSession,
    plan_id: str,
    today_of: date | None,
    extra_admins: tuple[Address, ...],
    unit_id: str | None = None,
) -> PlanProgress | None:
    state = await plan_state(session, plan_id, extra_admins)
    if state is None:
        return None
    today = today_of or date.today()
    confirmations = await active_confirmations(session, plan_id)
    return PlanProgress(state, today, progress_rows(state, confirmations, today, unit_id=unit_id))
