"""Hands claimed outbox rows to their channels.

Each chat is served by its own task, in order, so a chat that is rate-limited (429)
or slow waits alone while every other chat goes on. Every outcome is committed as soon
as the platform answers, through one group commit (bot/storage/group_commit.py) so that
sixty chats answered at once do not queue sixty commits; a split message records each
part as it goes. That keeps the window for a duplicate to the instant between an
answer and its commit.

A claim is a lease (LOA_CLAIM_LEASE_SECONDS). While this worker sends a row it renews
the lease (`renew_leases`, every third of it); every dispatch pass, at most once per
quarter lease, takes back rows whose lease ran out: their worker died or stalled, on
this machine or on another instance sharing the database. They go back to pending, or
stale once their moment has passed, so nothing stays "sending" for ever.

Just over 400 lines: claiming, leases, pauses and outcomes share the dispatcher's
per-chat state, and split apart they would each reach into it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage import outbox
from bot.storage.db import Database
from bot.storage.group_commit import GroupCommit
from bot.storage.models import OutboxMessage
from content.buttons import Button
from content.clock import Clock
from scheduler.delivery import (
    Channel,
    ChannelDown,
    ChatGone,
    FileLink,
    FileUpload,
    Outgoing,
    PartHook,
    Rejected,
    RetryLater,
)

log = logging.getLogger(__name__)

ChatGoneHook = Callable[[str, str, str], Awaitable[None]]
# Payload keys describing a file a message carries: "report", a report's draft made
# as it goes out; "file", a file kept in Loa's store (a web broadcast's photo).
ATTACHED = ("report", "file")
# Makes that file for the row's channel from (the key, its description, the channel):
# its bytes, where it can be fetched (a channel taking URLs only), or None.
Attach = Callable[[str, dict[str, Any], str], Awaitable[FileUpload | FileLink | None]]
ChannelDownHook = Callable[[str, str], Awaitable[None]]

DEFAULT_LEASE = timedelta(seconds=60)
MAX_CHANNEL_PAUSE = timedelta(minutes=1)  # a channel down is tried again every minute


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


REPLY_TO = "reply_to"  # payload key: the platform message a reply answers


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
        parts_sent=tuple(row.payload.get(outbox.PARTS_SENT, ())),
        reply_to=row.payload.get(REPLY_TO),
        kind=row.kind,
    )


def _by_chat(rows: Iterable[OutboxMessage]) -> list[list[OutboxMessage]]:
    chats: dict[tuple[str, str], list[OutboxMessage]] = {}
    for row in rows:
        chats.setdefault((row.channel, row.chat_id), []).append(row)
    return list(chats.values())


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
        lease: timedelta = DEFAULT_LEASE,
        on_chat_gone: ChatGoneHook | None = None,
        on_channel_down: ChannelDownHook | None = None,
        chat_ids: Sequence[str] | None = None,
        attach: Attach | None = None,
        wake: Callable[[], None] | None = None,
        commits: GroupCommit | None = None,
    ) -> None:
        """`wake()` asks for a dispatch pass: called when the earliest row postponed
        (a reply after a 429, say) is due again, so it does not wait for the next tick.
        `commits` writes the outcomes (bench/bench_outcomes.py measures others)."""
        self.database = database
        self.channels = dict(channels)
        self.clock = clock
        self.worker_id = worker_id
        self.batch_size = batch_size
        self.max_attempts = max_attempts
        self.lease = lease
        self.on_chat_gone = on_chat_gone
        self.on_channel_down = on_channel_down
        self.chat_ids = chat_ids  # only these chats (`loa chat` serves one); None: all
        self.attach = attach
        self._paused_until: dict[str, datetime] = {}
        self._channel_failures: dict[str, int] = {}  # failures hitting every chat, in a row
        self._lock = asyncio.Lock()
        self._commits = commits or GroupCommit(database)
        self._in_flight: set[int] = set()  # rows this worker holds: their leases are renewed
        self._recovered_at: datetime | None = None
        self._wake = wake
        self._wake_call: tuple[datetime, asyncio.TimerHandle] | None = None
        # Per channel, everything this dispatcher sent since it was made (for /metrics).
        self.totals: dict[str, DispatchReport] = {name: DispatchReport() for name in channels}

    def add_channel(self, channel: Channel) -> None:
        """A channel that has started: its rows are claimed from now on."""
        self.channels[channel.name] = channel
        self.totals.setdefault(channel.name, DispatchReport())

    def _live_channels(self, now: datetime) -> list[str]:
        return [name for name in self.channels if self._paused_until.get(name, now) <= now]

    async def dispatch(self) -> DispatchReport:
        """Send everything that is ready now; return what happened."""
        report = DispatchReport()
        async with self._lock:
            await self.recover_abandoned()
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
                report.add(await self.send_claimed(rows))
                if len(rows) < self.batch_size:
                    return report

    async def send_claimed(self, rows: Sequence[OutboxMessage]) -> DispatchReport:
        """Send rows this worker has claimed (by `dispatch`, or stored claimed: the
        replies to an update), each chat's in order, the chats side by side."""
        self._in_flight.update(row.id for row in rows if row.id is not None)
        report = DispatchReport()
        chats = _by_chat(rows)
        results = await asyncio.gather(*(self._send_chat(chat) for chat in chats))
        for chat, result in zip(chats, results, strict=True):
            report.add(result)
            self.totals.setdefault(chat[0].channel, DispatchReport()).add(result)
        return report

    async def renew_leases(self) -> None:
        """Keep the leases of the rows this worker is sending (run every third of one)."""
        held = sorted(self._in_flight)
        if held:
            async with self.database.session() as session:
                await outbox.renew(session, self.worker_id, held, self.clock.now())

    async def recover_abandoned(self, *, force: bool = False) -> int:
        """Take back rows whose lease ran out (at most once per quarter lease)."""
        now = self.clock.now()
        recent = self._recovered_at is not None and now - self._recovered_at < self.lease / 4
        if recent and not force:
            return 0
        self._recovered_at = now
        async with self.database.session() as session:
            recovered = await outbox.recover(
                session, self.worker_id, now, self.lease, keep=sorted(self._in_flight)
            )
        if recovered:
            log.warning("took back %d message(s) whose sender stopped or stalled", recovered)
        return recovered

    async def close(self) -> None:
        """Let outcomes already handed in reach the database (at stop)."""
        await self._commits.flush()

    # --- one chat ------------------------------------------------------------------------------

    async def _postpone(
        self, rows: Sequence[OutboxMessage], at: datetime, error: str, count_first: bool
    ) -> None:
        async def write(session: AsyncSession) -> None:
            for index, row in enumerate(rows):
                await outbox.retry_later(
                    session,
                    _id(row),
                    self.worker_id,
                    at,
                    error,
                    count_attempt=count_first and index == 0,
                )

        await self._commits.write(write)
        self._wake_at(at)

    def _wake_at(self, at: datetime) -> None:
        """One timer, for the earliest postponed row (the tick covers the others)."""
        if self._wake is None:
            return
        if self._wake_call is not None:
            if self._wake_call[0] <= at and not self._wake_call[1].cancelled():
                return
            self._wake_call[1].cancel()
        delay = max((at - self.clock.now()).total_seconds(), 0.0)
        self._wake_call = (at, asyncio.get_running_loop().call_later(delay, self._woken))

    def _woken(self) -> None:
        self._wake_call = None
        if self._wake is not None:
            self._wake()

    async def _fail(self, row: OutboxMessage, error: str) -> None:
        await self._commits.write(
            lambda session: outbox.mark_failed(session, _id(row), self.worker_id, error)
        )

    async def _outgoing(self, row: OutboxMessage) -> Outgoing:
        """The row as a message, with the file its payload describes (`ATTACHED`) made
        now, as bytes or as a link; a file that cannot be made leaves it as text."""
        message = to_outgoing(row)
        found = [(key, row.payload[key]) for key in ATTACHED if key in row.payload]
        if self.attach is None or not found or not isinstance(found[0][1], dict):
            return message
        key, described = found[0]
        try:
            attached = await self.attach(key, described, row.channel)
        except Exception:
            log.exception("the file of outbox row %s could not be made", row.id)
            return message
        if isinstance(attached, FileLink):
            if attached.kind == "photo":
                return replace(message, photo=attached.url)
            return replace(message, document=attached.url)
        return replace(message, upload=attached) if attached is not None else message

    async def _send_chat(self, rows: list[OutboxMessage]) -> DispatchReport:
        try:
            return await self._send_rows(rows)
        finally:
            # Settled, or left "sending" when an outcome could not be written: then
            # the lease runs out and the row is taken back like an abandoned one.
            self._in_flight.difference_update(row.id for row in rows)

    async def _send_rows(self, rows: list[OutboxMessage]) -> DispatchReport:
        report = DispatchReport()
        channel_name = rows[0].channel
        channel = self.channels.get(channel_name)
        if channel is None:  # stored for a channel that has not started (yet)
            retry_at = self.clock.now() + backoff(0)
            await self._postpone(rows, retry_at, f"{channel_name} is not running", False)
            report.retried += len(rows)
            return report
        for index, row in enumerate(rows):
            now = self.clock.now()
            paused = self._paused_until.get(channel_name)
            if paused and paused > now:
                await self._postpone(rows[index:], paused, "channel paused", count_first=False)
                report.retried += len(rows) - index
                return report
            try:
                message_ids = await channel.deliver(
                    await self._outgoing(row), self._part_recorder(row)
                )
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
                    await self._fail(row, f"gave up: {error}")
                    report.failed += 1
                    continue
                if not error.per_chat:
                    self._pause(channel_name, retry_at if rate_limited else None)
                log.info("%s chat %s: retry at %s (%s)", channel_name, row.chat_id, retry_at, error)
                # Later rows of this chat keep their order behind the postponed one.
                await self._postpone(
                    rows[index:], retry_at, str(error), count_first=not rate_limited
                )
                report.retried += len(rows) - index
                return report
            except ChatGone as error:
                report.failed += await self._fail_chat(channel_name, row.chat_id, str(error))
                if self.on_chat_gone:
                    await self.on_chat_gone(channel_name, row.chat_id, str(error))
                return report
            except Rejected as error:
                log.warning("%s rejected outbox row %s: %s", channel_name, row.id, error)
                await self._fail(row, str(error))
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
            self._channel_failures.pop(channel_name, None)
            await self._sent(row, message_ids)
            report.sent += 1
        return report

    def _pause(self, channel: str, until: datetime | None) -> None:
        """Hold every chat of a channel: until the platform's `retry_after`, or after a
        failure that hits every chat alike (the network, a 5xx) for a wait that doubles
        with the channel's failures in a row, not with the failing row's attempts: one
        message that failed often must not stall every chat, answers included, for
        minutes."""
        now = self.clock.now()
        if until is None:
            if self._paused_until.get(channel, now) > now:
                return  # a send begun before the pause failed too: the same outage
            failures = self._channel_failures.get(channel, 0) + 1
            self._channel_failures[channel] = failures
            until = now + min(backoff(failures - 1), MAX_CHANNEL_PAUSE)
        self._paused_until[channel] = max(self._paused_until.get(channel, now), until)

    async def _sent(self, row: OutboxMessage, message_ids: list[str]) -> None:
        await self._commits.write(outbox.Delivered(row, message_ids, self.clock.now()))

    def _part_recorder(self, row: OutboxMessage) -> PartHook:
        async def record(delivered: list[str]) -> None:
            parts, now = list(delivered), self.clock.now()
            await self._commits.write(lambda session: outbox.record_parts(session, row, parts, now))

        return record

    async def _fail_chat(self, channel: str, chat_id: str, error: str) -> int:
        failed = 0

        async def write(session: AsyncSession) -> None:
            nonlocal failed
            failed = await outbox.fail_chat(session, channel, chat_id, error)

        await self._commits.write(write)
        return failed


def _id(row: OutboxMessage) -> int:
    assert row.id is not None, "a row is stored before it is sent"
    return row.id
