"""When each plan started reminding: its first `loa load` (a plan starts when it is
loaded; items due before are not chased in unit chats, scheduler/cadence.py)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.models import PlanRecord, PlanStart


async def record_start(session: AsyncSession, plan_id: str, when: datetime) -> datetime:
    """The plan's start, recorded as `when` if it has none yet; the start it has."""
    row = await session.get(PlanStart, plan_id)
    if row is not None:
        return row.started_at
    session.add(PlanStart(plan_id=plan_id, started_at=when))
    await session.flush()
    return when


async def restart(session: AsyncSession, plan_id: str, when: datetime) -> None:
    """Start the plan over at `when` (`loa demo`, which shows a fresh plan every time)."""
    row = await session.get(PlanStart, plan_id)
    if row is None:
        session.add(PlanStart(plan_id=plan_id, started_at=when))
    else:
        row.started_at = when
    await session.flush()


async def plan_starts(session: AsyncSession) -> dict[str, datetime]:
    """Plan id -> when it started reminding. Plans stored before starts were recorded
    count from their last load, the earliest moment the database still knows."""
    result = await session.exec(select(PlanRecord.id, PlanRecord.loaded_at))
    starts = dict(result.all())
    recorded = await session.exec(select(PlanStart.plan_id, PlanStart.started_at))
    starts.update(recorded.all())
    return starts
