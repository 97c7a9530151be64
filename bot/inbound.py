"""Incoming updates are stored before they are acknowledged and handled once.

Platforms may deliver an update twice (Zalo's getUpdates has no offset; webhooks are
retried). The (channel, event key) pair is unique in the table, so a second delivery
is recognised and dropped; an update stored but not yet handled when the process
died is handled after the restart.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bot.storage.db import Database
from bot.storage.models import InboundEvent
from scheduler.clock import Clock

log = logging.getLogger(__name__)


async def record(
    database: Database, channel: str, event_key: str, payload: dict[str, Any], now: datetime
) -> int | None:
    """Store an update; return its row id, or None if it was seen before."""
    try:
        async with database.session() as session:
            row = InboundEvent(
                channel=channel, event_key=event_key, payload=payload, received_at=now
            )
            session.add(row)
            await session.flush()
            return row.id
    except IntegrityError:
        return None


async def mark_processed(database: Database, row_id: int, now: datetime) -> None:
    async with database.session() as session:
        await session.execute(
            update(InboundEvent).where(InboundEvent.id == row_id).values(processed_at=now)
        )


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
    when handling failed: it would fail again). `drain` gives the ones in flight a
    moment at stop; any cut short stay unprocessed and are handled at the next start."""

    def __init__(self, database: Database, clock: Clock, channel: str) -> None:
        self.database = database
        self.clock = clock
        self.channel = channel
        self._tasks: set[asyncio.Task[None]] = set()
        self._tails: dict[str, asyncio.Task[None]] = {}

    def schedule(self, row_id: int, chat_key: str, handle: Callable[[], Awaitable[None]]) -> None:
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
        handle: Callable[[], Awaitable[None]],
        previous: asyncio.Task[None] | None,
    ) -> None:
        if previous is not None:
            await asyncio.wait({previous})
        try:
            await handle()
        except Exception:
            log.exception("%s update %s failed", self.channel, row_id)
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
