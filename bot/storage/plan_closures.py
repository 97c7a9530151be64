"""Closed plans: `loa plan close ID` records when; the planner stops reminding their
items and the admins get one closing summary (scheduler/plan_period.py)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.models import PlanClosure


async def close_plan(
    session: AsyncSession, plan_id: str, now: datetime, by: str
) -> tuple[datetime, bool]:
    """Close a plan; closing it again keeps the first time. Returns when it was closed,
    and whether this call closed it."""
    closure = await session.get(PlanClosure, plan_id)
    if closure is not None:
        return closure.closed_at, False
    session.add(PlanClosure(plan_id=plan_id, closed_at=now, closed_by=by))
    await session.flush()
    return now, True


async def closed_plans(session: AsyncSession) -> dict[str, datetime]:
    """Plan id -> when it was closed."""
    result = await session.exec(select(PlanClosure.plan_id, PlanClosure.closed_at))
    return dict(result.all())
