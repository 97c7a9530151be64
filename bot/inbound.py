"""Incoming updates are stored before they are acknowledged and handled once.

Platforms may deliver an update twice (Zalo's getUpdates has no offset; webhooks are
retried). The (channel, event key) pair is unique in the table, so a second delivery
is recognised and dropped; an update stored but not yet handled when the process
died is handled after the restart.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.db import Database
from bot.storage.dialect import prepared_insert
from bot.storage.models import InboundEvent
from scheduler.clock import Clock

log = logging.getLogger(__name__)

# The statements run for every update address the table, not the model: through the
# ORM's bulk-persistence layer the "handled" UPDATE costs twice the CPU (measured).
_TABLE = InboundEvent.__table__


async def record_many(
    database: Database,
    channel: str,
    updates: Sequence[tuple[str, dict[str, Any]]],
    now: datetime,
) -> dict[str, int]:
    """Store a batch of (event key, payload) in one transaction; the row id of each one
    not seen before, by key (a repeat, also within the batch, gets none)."""
    if not updates:
        return {}
    async with database.session() as session:
        statement = prepared_insert(
            session,
            "inbound event",
            lambda insert: (
                insert(_TABLE)
                .on_conflict_do_nothing(index_elements=["channel", "event_key"])
                .returning(_TABLE.c.id, _TABLE.c.event_key)
            ),
        )
        result = await session.execute(
            statement,
            [
                {"channel": channel, "event_key": key, "payload": payload, "received_at": now}
                for key, payload in updates
            ],
        )
        return {key: row_id for row_id, key in result.all()}


async def record(
    database: Database, channel: str, event_key: str, payload: dict[str, Any], now: datetime
) -> int | None:
    """Store an update; return its row id, or None if it was seen before."""
    stored = await record_many(database, channel, [(event_key, payload)], now)
    return stored.get(event_key)


async def mark_processed(database: Database, row_id: int, now: datetime) -> None:
    async with database.session() as session:
        await HandledMark(row_id, now)(session)


_MARK_HANDLED = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("row_id"), _TABLE.c.processed_at.is_(None))
    .values(processed_at=bindparam("now"))
)  # built once: run for every update


class HandledMark:
    """Marks one stored update handled. The handlers run it inside the transaction that
    records what the update did, so the two are committed together; if the process
    dies first, neither is, and the update is handled after the restart. (When the
    handlers fail, only the mark is committed: the update would fail again.)"""

    def __init__(self, row_id: int, now: datetime) -> None:
        self.row_id = row_id
        self.now = now
        self.ran = False

    async def __call__(self, session: AsyncSession) -> None:
        await session.execute(_MARK_HANDLED, {"row_id": self.row_id, "now": self.now})
        self.ran = True


async def unprocessed(database: Database, channel: str) -> list[InboundEvent]:
    """Updates stored but never handled (the process died in between)."""
    async with database.session() as session:
        result = await session.execute(
            select(InboundEvent)
            .where(InboundEvent.channel == channel)
            .where(InboundEvent.processed_at.is_(None))
            .order_by(InboundEvent.id)
        )
        return list(result.scalars())


class ChatOrderedHandler:
    """Handles stored updates in the background: one chat's updates in the order they
    arrived, different chats side by side, each marked processed once handled (also
    when handling failed: it would fail again), in the handlers' own transaction
    when they took the mark. `drain` gives the ones in flight a
    moment at stop; any cut short stay unprocessed and are handled at the next start."""

    def __init__(self, database: Database, clock: Clock, channel: str) -> None:
        self.database = database
        self.clock = clock
        self.channel = channel
        self._tasks: set[asyncio.Task[None]] = set()
        self._tails: dict[str, asyncio.Task[None]] = {}

    def schedule(
        self, row_id: int, chat_key: str, handle: Callable[[HandledMark], Awaitable[None]]
    ) -> None:
        """`handle` passes the mark on to the handlers (on_event); an update they never
        saw, or whose handling raised, is marked here."""
        task = asyncio.create_task(self._run(row_id, handle, self._tails.get(chat_key)))
        self._tails[chat_key] = task
        self._tasks.add(task)
        task.add_done_callback(lambda done: self._forget(chat_key, done))

    def _forget(self, chat_key: str, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if self._tails.get(chat_key) is task:
            del self._tails[chat_key]

    async def _run(
        self,
        row_id: int,
        handle: Callable[[HandledMark], Awaitable[None]],
        previous: asyncio.Task[None] | None,
    ) -> None:
        if previous is not None:
            await asyncio.wait({previous})
        mark = HandledMark(row_id, self.clock.now())
        failed = False
        try:
            await handle(mark)
        except Exception:
            failed = True
            log.exception("%s update %s failed", self.channel, row_id)
        if mark.ran and not failed:
            return
        try:
            await mark_processed(self.database, row_id, self.clock.now())
        except Exception:
            log.exception("%s update %s: could not mark it processed", self.channel, row_id)

    async def drain(self, grace: float) -> None:
        if not self._tasks:
            return
        _, pending = await asyncio.wait(set(self._tasks), timeout=grace)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
