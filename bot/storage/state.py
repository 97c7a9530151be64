"""Gathers a PlanState (scheduler/state.py) from the store: the plan, its items and
the broadcast items, what is confirmed, which chats serve which units, the admins."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.broadcasts import broadcast_items
from bot.storage.confirmations import active_confirmations
from bot.storage.links import active_chat_addresses
from bot.storage.plan_cache import plan_items, stored_plan, stored_plans
from content.plan import Address, Plan
from scheduler.state import PlanState


def merge_admins(plan: Plan, extra_admins: Sequence[Address]) -> tuple[Address, ...]:
    """The plan's admins then the extra ones (LOA_ADMINS), each once, in that order."""
    return tuple(dict.fromkeys((*plan.admins, *extra_admins)))


async def _state(
    session: AsyncSession, plan: Plan, extra_admins: Sequence[Address], locale: str
) -> PlanState:
    units = {unit.id for unit in plan.units}
    # A broadcast aimed at a unit since removed from the plan has no one to remind.
    extra = [item for item in await broadcast_items(session, plan.id) if item.unit_id in units]
    confirmations = await active_confirmations(session, plan.id)
    return PlanState(
        plan=plan,
        items=(*plan_items(plan), *extra),
        confirmed={key: row.confirmed_at for key, row in confirmations.items()},
        links=await active_chat_addresses(session, plan.id),
        admins=merge_admins(plan, extra_admins),
        locale=locale,
    )


async def plan_states(
    session: AsyncSession, extra_admins: Sequence[Address] = (), locale: str = "vi"
) -> list[PlanState]:
    return [
        await _state(session, plan, extra_admins, locale) for plan in await stored_plans(session)
    ]


async def plan_state(
    session: AsyncSession, plan_id: str, extra_admins: Sequence[Address] = (), locale: str = "vi"
) -> PlanState | None:
    plan = await stored_plan(session, plan_id)
    if plan is None:
        return None
    return await _state(session, plan, extra_admins, locale)
