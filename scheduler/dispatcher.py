"""Hands claimed outbox rows to their channels.

Each chat is served by its own task, in order, so a chat that is rate-limited (429)
or slow waits alone while every other chat goes on. Every outcome is committed right
after the platform answers, which keeps the window for a duplicate to one request.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from bot.storage import outbox
from bot.storage.db import Database
from bot.storage.models import OutboxMessage
from content.buttons import Button
from content.clock import Clock
from scheduler.delivery import (
    Channel,
    ChannelDown,
    ChatGone,
    FileUpload,
    Outgoing,
    PartlyDelivered,
    Rejected,
    RetryLater,
)

log = logging.getLogger(__name__)

ChatGoneHook = Callable[[str, str, str], Awaitable[None]]
# Makes the file a message carries from its payload's description (a report's draft).
Attach = Callable[[dict[str, Any]], Awaitable[FileUpload | None]]
ChannelDownHook = Callable[[str, str], Awaitable[None]]


@dataclass
class DispatchReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    stale: int = 0

    def add(self, other: DispatchReport) -> None:
        self.sent += other.sent
        self.retried += other.retried
        self.failed += other.failed
        self.stale += other.stale


PARTS_SENT = "parts_sent"  # payload key: ids of the parts of a split text already delivered


def backoff(attempts: int) -> timedelta:
    """2 s, 4 s, 8 s ... capped at 10 minutes (30 attempts span about 4 hours)."""
    return timedelta(seconds=min(2 ** (attempts + 1), 600))


def to_outgoing(row: OutboxMessage) -> Outgoing:
    buttons = tuple(
        tuple(Button(label=label, data=data) for label, data in button_row)
        for button_row in row.payload.get("buttons", [])
    )
    return Outgoing(
        chat_id=row.chat_id,
        text=row.text,
        buttons=buttons,
        photo=row.payload.get("photo"),
        document=row.payload.get("document"),
        payload=row.payload,
        parts_sent=tuple(row.payload.get(PARTS_SENT, ())),
    )


class Dispatcher:
    def __init__(
        self,
        database: Database,
        channels: Mapping[str, Channel],
        clock: Clock,
        worker_id: str,
        *,
        batch_size: int = 200,
        max_attempts: int = 30,
        on_chat_gone: ChatGoneHook | None = None,
        on_channel_down: ChannelDownHook | None = None,
        chat_ids: Sequence[str] | None = None,
        attach: Attach | None = None,
    ) -> None:
        self.database = database
        self.channels = dict(channels)
        self.clock = clock
        self.worker_id = worker_id
        self.batch_size = batch_size
        self.max_attempts = max_attempts
        self.on_chat_gone = on_chat_gone
        self.on_channel_down = on_channel_down
        self.chat_ids = chat_ids  # only these chats (`loa chat` serves one); None: all
        self.attach = attach
        self._paused_until: dict[str, datetime] = {}
        self._lock = asyncio.Lock()

    def _live_channels(self, now: datetime) -> list[str]:
        return [name for name in self.channels if self._paused_until.get(name, now) <= now]

    async def dispatch(self) -> DispatchReport:
        """Send everything that is ready now; return what happened."""
        report = DispatchReport()
        async with self._lock:
            while True:
                now = self.clock.now()
                async with self.database.session() as session:
                    report.stale += await outbox.expire(session, now)
                    live = self._live_channels(now)
                    rows = (
                        await outbox.claim(
                            session,
                            self.worker_id,
                            now,
                            self.batch_size,
                            channels=live,
                            chat_ids=self.chat_ids,
                        )
                        if live
                        else []
                    )
                if not rows:
                    return report
                by_chat: dict[tuple[str, str], list[OutboxMessage]] = {}
                for row in rows:
                    by_chat.setdefault((row.channel, row.chat_id), []).append(row)
                results = await asyncio.gather(
                    *(self._send_chat(chat_rows) for chat_rows in by_chat.values())
                )
                for result in results:
                    report.add(result)
                if len(rows) < self.batch_size:
                    return report

    async def _postpone(
        self, rows: list[OutboxMessage], at: datetime, error: str, count_first: bool
    ) -> None:
        async with self.database.session() as session:
            for index, row in enumerate(rows):
                await outbox.retry_later(
                    session, row.id, at, error, count_attempt=count_first and index == 0
                )

    async def _keep_parts(self, row: OutboxMessage, delivered: list[str]) -> None:
        async with self.database.session() as session:
            await outbox.keep_parts(session, row.id, {**row.payload, PARTS_SENT: delivered})

    async def _outgoing(self, row: OutboxMessage) -> Outgoing:
        """The row as a message, with the file its payload describes (`"report"`) made
        now; a file that cannot be made leaves the message as text."""
        message = to_outgoing(row)
        described = row.payload.get("report")
        if self.attach is None or not isinstance(described, dict):
            return message
        try:
            upload = await self.attach(described)
        except Exception:
            log.exception("the file of outbox row %s could not be made", row.id)
            return message
        return replace(message, upload=upload) if upload is not None else message

    async def _send_chat(self, rows: list[OutboxMessage]) -> DispatchReport:
        report = DispatchReport()
        channel_name = rows[0].channel
        channel = self.channels[channel_name]
        for index, row in enumerate(rows):
            now = self.clock.now()
            paused = self._paused_until.get(channel_name)
            if paused and paused > now:
                await self._postpone(rows[index:], paused, "channel paused", count_first=False)
                report.retried += len(rows) - index
                return report
            try:
                try:
                    message_ids = await channel.deliver(await self._outgoing(row))
                except PartlyDelivered as partial:
                    await self._keep_parts(row, partial.delivered)
                    raise partial.cause from None
            except RetryLater as error:
                retry_at = now + (
                    timedelta(seconds=error.retry_after)
                    if error.retry_after is not None
                    else backoff(row.attempts)
                )
                rate_limited = error.retry_after is not None
                # A row with an expiry is retried until it goes stale; one without
                # (a broadcast) gives up after max_attempts, hours into an outage.
                if (
                    not rate_limited
                    and row.expires_at is None
                    and row.attempts + 1 >= self.max_attempts
                ):
                    async with self.database.session() as session:
                        await outbox.mark_failed(session, row.id, f"gave up: {error}")
                    report.failed += 1
                    continue
                if not error.per_chat:
                    self._paused_until[channel_name] = retry_at
                log.info("%s chat %s: retry at %s (%s)", channel_name, row.chat_id, retry_at, error)
                # Later rows of this chat keep their order behind the postponed one.
                await self._postpone(
                    rows[index:], retry_at, str(error), count_first=not rate_limited
                )
                report.retried += len(rows) - index
                return report
            except ChatGone as error:
                async with self.database.session() as session:
                    report.failed += await outbox.fail_chat(
                        session, channel_name, row.chat_id, str(error)
                    )
                if self.on_chat_gone:
                    await self.on_chat_gone(channel_name, row.chat_id, str(error))
                return report
            except Rejected as error:
                log.warning("%s rejected outbox row %s: %s", channel_name, row.id, error)
                async with self.database.session() as session:
                    await outbox.mark_failed(session, row.id, str(error))
                report.failed += 1
                continue
            except ChannelDown as error:
                log.error("%s channel is down: %s", channel_name, error)
                retry_at = now + timedelta(minutes=5)
                self._paused_until[channel_name] = retry_at
                await self._postpone(rows[index:], retry_at, str(error), count_first=False)
                report.retried += len(rows) - index
                if self.on_channel_down:
                    await self.on_channel_down(channel_name, str(error))
                return report
            except Exception as error:  # an adapter bug must not lose the row
                log.exception("unexpected error sending outbox row %s", row.id)
                await self._postpone(
                    rows[index:], now + backoff(row.attempts), repr(error), count_first=True
                )
                report.retried += len(rows) - index
                return report
            async with self.database.session() as session:
                await outbox.mark_sent(session, row, message_ids, self.clock.now())
            report.sent += 1
        return report
