"""Replies go through the outbox like every other message.

Each adapter decides what the handlers' Replies become on its platform: messages, edits
in place, a button's pop-up. The messages are stored in the turn's own transaction,
together with what the turn changed and the update's "handled" mark, already claimed
by this worker, and are sent the moment that transaction is committed (no wait for the
next tick). So a reply is never lost: an outage only delays it (the outbox retries), a
kill leaves it claimed, to be taken back and sent after the restart. And it is never
doubled: an update is handled once, and a reply's key comes from the update
(`reply/<channel>/<update key>/<n>`).

Replies are short-lived: one still unsent after REPLY_LIFETIME (the answer to a
/guitin step, a /tiendo table) would only confuse, so it goes stale instead.

What stays direct, and why, is in docs/architecture.md ("Replies"): a button's pop-up
answer (ephemeral: Telegram forgets an unanswered press after seconds) and edits in
place (they show state already stored, and repeating one changes nothing).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage import outbox
from bot.storage.db import Database
from bot.storage.models import OutboxMessage
from bot.storage.updates import HandledMark
from content.buttons import Button
from content.clock import Clock
from content.due import REPLY, DueMessage
from handlers.events import Reply
from scheduler.delivery import Channel
from scheduler.dispatcher import REPLY_TO, Dispatcher, DispatchReport

REPLY_LIFETIME = timedelta(minutes=30)


@dataclass(frozen=True)
class ReplyMessage:
    """A message an adapter makes of a Reply."""

    chat_id: str
    text: str = ""
    buttons: tuple[tuple[Button, ...], ...] = ()
    photo: str | None = None
    document: str | None = None
    reply_to: str | None = None  # the user's message it answers


Compose = Callable[[Sequence[Reply]], Sequence[ReplyMessage]]


def own_dispatcher(database: Database, clock: Clock, channel: Channel) -> Dispatcher:
    """A dispatcher for a channel that runs without Loa's engine (tests, tools): it sends
    the channel's replies and runs again when a postponed one is due."""
    running: set[asyncio.Task[DispatchReport]] = set()

    def wake() -> None:
        task = asyncio.create_task(dispatcher.dispatch())
        running.add(task)
        task.add_done_callback(running.discard)

    dispatcher = Dispatcher(database, {}, clock, f"{channel.name}-replies", wake=wake)
    dispatcher.add_channel(channel)
    return dispatcher


class TurnReplies:
    """The way out of one update: `finish` is the hook the handlers commit with (it
    stores the messages `compose` makes of the replies, and the handled mark); `send`
    delivers them once committed."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        clock: Clock,
        channel: str,
        update_key: str,
        compose: Compose,
        mark: HandledMark | None = None,
    ) -> None:
        self.dispatcher = dispatcher
        self.clock = clock
        self.channel = channel
        self.update_key = update_key
        self.compose = compose
        self.mark = mark
        self._stored: list[OutboxMessage] = []

    async def finish(self, session: AsyncSession, replies: Sequence[Reply]) -> None:
        # Only this call's rows: a finish whose transaction was rolled back (the router
        # then runs it again with its apology) left nothing behind.
        self._stored = await self._store(session, self.compose(replies), "")
        if self.mark is not None:
            await self.mark(session)

    async def _store(
        self, session: AsyncSession, messages: Sequence[ReplyMessage], tag: str
    ) -> list[OutboxMessage]:
        now = self.clock.now()
        due = [
            DueMessage(
                key=f"reply/{self.channel}/{self.update_key}/{tag}{number}",
                channel=self.channel,
                chat_id=message.chat_id,
                kind=REPLY,
                text=message.text,
                not_before=now,
                expires_at=now + REPLY_LIFETIME,
                payload=_payload(message),
            )
            for number, message in enumerate(messages, 1)
        ]
        return await outbox.enqueue_claimed(session, due, self.dispatcher.worker_id, now)

    async def add(self, messages: Sequence[ReplyMessage], tag: str) -> None:
        """More messages after the turn (an edit that had to become a new message);
        `tag` keeps their keys apart from the turn's."""
        async with self.dispatcher.database.session() as session:
            stored = await self._store(session, messages, tag)
        self._stored += stored

    async def send(self) -> None:
        """Send what is stored and not sent yet (call after the turn is committed)."""
        stored, self._stored = self._stored, []
        if stored:
            await self.dispatcher.send_claimed(stored)


def _payload(message: ReplyMessage) -> dict[str, Any]:
    payload: dict[str, Any] = {}
    if message.buttons:
        payload["buttons"] = [[[b.label, b.data] for b in row] for row in message.buttons]
    for name, value in (
        ("photo", message.photo),
        ("document", message.document),
        (REPLY_TO, message.reply_to),
    ):
        if value:
            payload[name] = value
    return payload
