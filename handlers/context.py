"""What every handler gets: the long-lived context (store, clock, admins, bot names)
and, per incoming event, a Turn (the event, its one database session, "now", the
chat's language).

Admins are people, not chats: an admin is identified by the user address
`channel:user_id`, and reaching an admin means writing to their private chat with
the bot, whose id on both platforms is the user's id.

A chat's language: what it chose with /ngonngu, else that of the plan it is linked
to (settings.language; an admin's private chat: of the first plan they run), else
Vietnamese. Messages to a chat other than the one of the turn (notices to admins)
are written in that chat's language.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage import outbox
from bot.storage.chat_settings import ChatView, chat_languages, chat_view
from bot.storage.db import Database
from bot.storage.files import FileStore
from bot.storage.models import ChatLink
from bot.storage.plan_cache import stored_plans
from content.channels import ChannelTraits, command_text, traits
from content.clock import Clock
from content.due import DueMessage
from content.i18n import DEFAULT_LOCALE, Translator, translator
from content.plan import Address, Plan, Unit, merge_admins
from handlers.events import Event, Reply
from scheduler.housekeeping import Retention

# The channel's end of a turn, run in the turn's transaction with the turn's replies:
# it stores them as outbox messages and marks the update handled, so what the turn
# changed, its answers and "handled" are committed together or not at all.
TurnHook = Callable[[AsyncSession, Sequence[Reply]], Awaitable[None]]


class EventHandler(Protocol):
    """What a channel hands its events to (LoaApp.on_event). `finish` is run in the
    handlers' transaction with the replies (see TurnHook)."""

    async def __call__(self, event: Event, finish: TurnHook | None = None) -> Sequence[Reply]: ...


# A notice nobody could deliver for this long is no longer news.
NOTICE_LIFETIME = timedelta(days=3)

# A notice's text in a given language (each admin reads it in their chat's language).
NoticeText = str | Callable[[Translator], str]


def _no_wake() -> None:
    return None


@dataclass(frozen=True)
class ChatUnit:
    """A unit this chat serves (an active link whose unit the stored plan still has)."""

    plan: Plan
    unit: Unit
    link: ChatLink


def units_of(view: ChatView) -> list[ChatUnit]:
    """The units behind a chat's links (a unit that left the plan is skipped: its link
    is about to be switched off)."""
    found: list[ChatUnit] = []
    for link, plan in view.links:
        try:
            found.append(ChatUnit(plan, plan.unit(link.unit_id), link))
        except KeyError:
            continue
    return found


@dataclass
class HandlerContext:
    database: Database
    clock: Clock
    extra_admins: tuple[Address, ...] = ()
    bot_usernames: Mapping[str, str] = field(default_factory=dict)  # channel -> @username
    wake: Callable[[], None] = _no_wake  # run the dispatcher now (new outbox rows)
    locale: str = DEFAULT_LOCALE  # when neither the chat nor a plan says otherwise
    evidence_store: FileStore | None = None  # where evidence files are kept (reports)
    retention: Retention = field(default_factory=Retention)  # told in /baomat
    public_url: str | None = None  # the office's web page (LOA_PUBLIC_URL): sign-in links

    @property
    def translate(self) -> Translator:
        return translator(self.locale)

    async def chat_view(self, session: AsyncSession, event: Event) -> ChatView:
        """The chat's language choice and links, read once at the start of a turn."""
        return await chat_view(session, event.channel, event.chat_id)

    async def locale_for(self, session: AsyncSession, event: Event, view: ChatView) -> str:
        """The language of the chat `event` came from (see the module docstring)."""
        if view.chosen is not None:
            return view.chosen
        plans = view.plans
        if not plans and event.chat_type == "private":
            plans = await self.admin_plans(session, event)
        return plans[0].settings.language if plans else self.locale

    def is_extra_admin(self, user_address: str) -> bool:
        return any(str(admin) == user_address for admin in self.extra_admins)

    async def admin_plans(self, session: AsyncSession, event: Event) -> list[Plan]:
        """The stored plans this person administers (every plan for LOA_ADMINS)."""
        plans = await stored_plans(session)
        if self.is_extra_admin(event.user_address):
            return plans
        return [
            plan for plan in plans if any(str(admin) == event.user_address for admin in plan.admins)
        ]

    async def is_admin(self, session: AsyncSession, event: Event) -> bool:
        if self.is_extra_admin(event.user_address):
            return True
        return bool(await self.admin_plans(session, event))

    async def chat_units(self, session: AsyncSession, event: Event) -> list[ChatUnit]:
        """The units this chat receives messages for, plan by plan."""
        return units_of(await self.chat_view(session, event))

    async def notify_admins(
        self,
        session: AsyncSession,
        plan: Plan,
        text: NoticeText,
        key: str,
        *,
        kind: str = "notice",
        skip_channels: Collection[str] = (),
    ) -> int:
        """Queue `text` for the private chat of every admin of `plan` (and LOA_ADMINS),
        except on `skip_channels`, each in that chat's language when `text` is a
        function of the translator. `kind` "alert" goes before every other message.

        `key` identifies the occasion: the same occasion never notifies twice."""
        now = self.clock.now()
        admins = [
            admin
            for admin in merge_admins(plan, self.extra_admins)
            if admin.channel not in skip_channels
        ]
        chosen = await chat_languages(session, map(str, admins)) if callable(text) else {}
        messages = [
            DueMessage(
                key=f"{key}/{admin}",
                channel=admin.channel,
                chat_id=admin.id,
                kind=kind,
                text=text(translator(chosen.get(str(admin), plan.settings.language)))
                if callable(text)
                else text,
                not_before=now,
                expires_at=now + NOTICE_LIFETIME,
                plan_id=plan.id,
            )
            for admin in admins
        ]
        return await outbox.enqueue(session, messages, now)


@dataclass
class Turn:
    """One event being handled: everything it changes goes through `session`, which
    is committed only if the handler finishes."""

    event: Event
    ctx: HandlerContext
    session: AsyncSession
    now: datetime
    locale: str = DEFAULT_LOCALE  # the chat's language (HandlerContext.locale_for)
    wake_requested: bool = False
    # The chat's units as read at the start of the turn; None after a handler changed
    # the chat's links (forget_chat_units), so the next ask reads them again.
    known_units: list[ChatUnit] | None = None

    @property
    def _(self) -> Translator:
        return translator(self.locale)

    @property
    def private(self) -> bool:
        return self.event.chat_type == "private"

    @property
    def traits(self) -> ChannelTraits:
        """What the chat's channel can do (buttons, edits, how replies point)."""
        return traits(self.event.channel)

    @property
    def bot_name(self) -> str:
        return self.ctx.bot_usernames.get(self.event.channel) or "Loa"

    def command(self, text: str) -> str:
        """How to type the command `text` here: "/nhiemvu", or "@Loa /nhiemvu" in a
        group that hears only messages mentioning the bot (content/channels.py)."""
        return command_text(self.traits, text, group=not self.private, bot_name=self.bot_name)

    def request_wake(self) -> None:
        """New outbox rows: wake the dispatcher once the session is committed."""
        self.wake_requested = True

    async def is_admin(self) -> bool:
        return await self.ctx.is_admin(self.session, self.event)

    async def admin_plans(self) -> list[Plan]:
        return await self.ctx.admin_plans(self.session, self.event)

    async def chat_units(self) -> list[ChatUnit]:
        if self.known_units is None:
            self.known_units = await self.ctx.chat_units(self.session, self.event)
        return self.known_units

    def forget_chat_units(self) -> None:
        """This turn linked or unlinked the chat: read its units again when asked."""
        self.known_units = None

    async def notify_admins(self, plan: Plan, text: NoticeText, key: str) -> int:
        count = await self.ctx.notify_admins(self.session, plan, text, key)
        if count:
            self.request_wake()
        return count
