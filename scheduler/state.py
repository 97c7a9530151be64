"""Everything the planner needs to know about one plan at one moment: gathered from
the store here, or built by hand in tests and simulations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.broadcasts import broadcast_items
from bot.storage.chat_settings import chat_languages
from bot.storage.confirmations import active_confirmations
from bot.storage.contacts import private_chats, unit_contacts
from bot.storage.links import active_chat_addresses
from bot.storage.plan_cache import plan_items, stored_plan, stored_plans
from bot.storage.plan_closures import closed_plans
from content.items import Item
from content.plan import Address, Contact, Plan, merge_admins


@dataclass(frozen=True)
class PlanState:
    plan: Plan
    items: Sequence[Item]  # expand_items(plan) plus broadcast items that need confirming
    confirmed: Mapping[str, datetime] = field(default_factory=dict)  # item key -> when
    links: Mapping[str, Sequence[Address]] = field(default_factory=dict)  # unit id -> chats
    admins: Sequence[Address] = ()  # plan admins plus LOA_ADMINS; a user's private chat
    locale: str = "vi"  # the plan's language (settings.language)
    chat_locales: Mapping[str, str] = field(default_factory=dict)  # chat address -> its choice
    closed_at: datetime | None = None  # `loa plan close`: reminders stop from that day
    # unit id -> its contacts (the plan's, then /daumoi's); and the contact addresses
    # that opened a private chat with the bot, so Loa may write to them.
    contacts: Mapping[str, Sequence[Contact]] = field(default_factory=dict)
    reachable: frozenset[str] = frozenset()

    @property
    def last_day(self) -> date:
        """The last day the plan's items are reminded: the end of its period (or its last
        due date, when later), or the day before it was closed."""
        last = self.plan.active_until
        if self.closed_at is not None:
            closed = self.closed_at.astimezone(self.plan.tz).date() - timedelta(days=1)
            last = min(last, closed)
        return last


async def _state(
    session: AsyncSession,
    plan: Plan,
    extra_admins: Sequence[Address],
    chat_locales: Mapping[str, str],
    closed: Mapping[str, datetime],
) -> PlanState:
    units = {unit.id for unit in plan.units}
    # A broadcast aimed at a unit since removed from the plan has no one to remind.
    extra = [item for item in await broadcast_items(session, plan.id) if item.unit_id in units]
    confirmations = await active_confirmations(session, plan.id)
    contacts = await unit_contacts(session, plan)
    addresses = (str(contact.address) for people in contacts.values() for contact in people)
    return PlanState(
        plan=plan,
        items=(*plan_items(plan), *extra),
        confirmed={key: row.confirmed_at for key, row in confirmations.items()},
        links=await active_chat_addresses(session, plan.id),
        admins=merge_admins(plan, extra_admins),
        locale=plan.settings.language,
        chat_locales=chat_locales,
        closed_at=closed.get(plan.id),
        contacts=contacts,
        reachable=await private_chats(session, addresses),
    )


async def plan_states(
    session: AsyncSession, extra_admins: Sequence[Address] = ()
) -> list[PlanState]:
    plans = await stored_plans(session)
    if not plans:
        return []
    chosen, closed = await chat_languages(session), await closed_plans(session)
    return [await _state(session, plan, extra_admins, chosen, closed) for plan in plans]


async def plan_state(
    session: AsyncSession, plan_id: str, extra_admins: Sequence[Address] = ()
) -> PlanState | None:
    plan = await stored_plan(session, plan_id)
    if plan is None:
        return None
    return await _state(
        session, plan, extra_admins, await chat_languages(session), await closed_plans(session)
    )
