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

from bot.storage.db import Database
from bot.storage.updates import HandledMark, mark_processed
from content.clock import Clock

log = logging.getLogger(__name__)


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
