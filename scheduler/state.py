"""Everything the planner needs to know about one plan at one moment: gathered from
the store here, or built by hand in tests and simulations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.broadcasts import broadcast_items
from bot.storage.chat_settings import chat_languages
from bot.storage.confirmations import confirmed_times, not_applicable_keys
from bot.storage.contacts import private_chats, unit_contacts
from bot.storage.links import active_chat_addresses
from bot.storage.pauses import pauses as chat_pauses
from bot.storage.plan_cache import plan_items, stored_plan, stored_plans
from bot.storage.plan_closures import closed_plans
from bot.storage.plan_starts import plan_starts
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
    # When the plan started reminding (its first `loa load`); None: from its period's
    # start. Items due before its first day are not chased (`first_day`).
    started_at: datetime | None = None
    # "channel:chat_id" -> (first, last) paused day (/tamdung), local dates included.
    pauses: Mapping[str, tuple[date, date]] = field(default_factory=dict)
    # Confirmed items whose answer was "không phát sinh" (a subset of `confirmed`).
    not_applicable: frozenset[str] = frozenset()

    def language_of(self, address: str) -> str:
        """The language of the messages to a chat: its own choice (/ngonngu), else the
        plan's."""
        return self.chat_locales.get(address, self.locale)

    @property
    def first_day(self) -> date:
        """The first day the plan reminds: items due before it are not chased in unit
        chats (`settings.remind_from`, else the day of the first load)."""
        return self.plan.reminds_from(self.started_at)

    @property
    def last_day(self) -> date:
        """The last day the plan's items are reminded: the end of its period (or its last
        due date, when later), or the day before it was closed."""
        last = self.plan.active_until
        if self.closed_at is not None:
            closed = self.closed_at.astimezone(self.plan.tz).date() - timedelta(days=1)
            last = min(last, closed)
        return last


@dataclass(frozen=True)
class _Shared:
    """What every plan's state reads from tables of all plans: read once per gathering."""

    closed: Mapping[str, datetime]
    starts: Mapping[str, datetime]
    pauses: Mapping[str, tuple[date, date]]
    chat_locales: Mapping[str, str]  # chat address -> the language it chose (/ngonngu)


async def _shared(session: AsyncSession) -> _Shared:
    return _Shared(
        closed=await closed_plans(session),
        starts=await plan_starts(session),
        pauses=await chat_pauses(session),
        chat_locales=await chat_languages(session),
    )


async def _state(
    session: AsyncSession,
    plan: Plan,
    extra_admins: Sequence[Address],
    shared: _Shared,
) -> PlanState:
    units = {unit.id for unit in plan.units}
    # A broadcast aimed at a unit since removed from the plan has no one to remind.
    extra = [item for item in await broadcast_items(session, plan.id) if item.unit_id in units]
    confirmed = await confirmed_times(session, plan.id)
    contacts = await unit_contacts(session, plan)
    addresses = (str(contact.address) for people in contacts.values() for contact in people)
    links = await active_chat_addresses(session, plan.id)
    chats = {str(chat) for unit_chats in links.values() for chat in unit_chats}
    return PlanState(
        plan=plan,
        items=(*plan_items(plan), *extra),
        confirmed=confirmed,
        links=links,
        admins=merge_admins(plan, extra_admins),
        locale=plan.settings.language,
        chat_locales=shared.chat_locales,
        closed_at=shared.closed.get(plan.id),
        contacts=contacts,
        reachable=await private_chats(session, addresses),
        started_at=shared.starts.get(plan.id),
        pauses={chat: pause for chat, pause in shared.pauses.items() if chat in chats},
        not_applicable=await not_applicable_keys(session, plan.id),
    )


async def plan_states(
    session: AsyncSession, extra_admins: Sequence[Address] = ()
) -> list[PlanState]:
    shared = await _shared(session)
    return [
        await _state(session, plan, extra_admins, shared) for plan in await stored_plans(session)
    ]


async def plan_state(
    session: AsyncSession, plan_id: str, extra_admins: Sequence[Address] = ()
) -> PlanState | None:
    plan = await stored_plan(session, plan_id)
    if plan is None:
        return None
    return await _state(session, plan, extra_admins, await _shared(session))
