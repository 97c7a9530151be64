"""Writes committed as soon as they arrive, without queueing one commit behind another.

The dispatcher records the outcome of every send the moment the platform answers: until
that commit, a process killed would send the message again. With many chats answered
at once (a broadcast fans out to sixty chats at a time), one transaction per answer
queues the commits behind one another on the database (SQLite has one writer; a
PostgreSQL pool has a few connections), and the last answers wait for all the others.
Here the writes that arrive while a commit is running are committed together, in the
next transaction, which starts the moment the running one ends: no timer, no batch
size to wait for. A write with a `write_all(session, writes)` (outbox.Delivered) is
merged with the others of its kind in the batch: one statement for all of them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.db import Database

log = logging.getLogger(__name__)

Write = Callable[[AsyncSession], Awaitable[object]]


class GroupCommit:
    def __init__(self, database: Database) -> None:
        self.database = database
        self._waiting: list[tuple[Write, asyncio.Future[None]]] = []
        self._committer: asyncio.Task[None] | None = None

    async def write(self, write: Write) -> None:
        """Run `write` in a transaction and return once it is committed (or raise what
        made it fail). A caller cancelled meanwhile does not cancel the write."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((write, future))
        if self._committer is None or self._committer.done():
            self._committer = asyncio.create_task(self._commit_waiting())
        await future

    async def _commit_waiting(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                async with self.database.session() as session:
                    await _run(session, [write for write, _ in batch])
            except Exception as error:
                if len(batch) == 1:
                    _settle(batch[0][1], error)
                    continue
                # One failing write must not take the others with it: each on its own.
                for write, future in batch:
                    try:
                        async with self.database.session() as session:
                            await write(session)
                    except Exception as single:
                        _settle(future, single)
                    else:
                        _settle(future, None)
            else:
                for _, future in batch:
                    _settle(future, None)

    async def flush(self) -> None:
        """Wait until every write handed in so far is committed (at stop)."""
        while self._committer is not None and not self._committer.done():
            await asyncio.wait({self._committer})


async def _run(session: AsyncSession, writes: list[Write]) -> None:
    merged: dict[Callable[..., Awaitable[object]], list[Write]] = {}
    for write in writes:
        write_all = getattr(write, "write_all", None)
        if write_all is None:
            await write(session)
        else:
            merged.setdefault(write_all, []).append(write)
    for write_all, group in merged.items():
        await write_all(session, group)


def _settle(future: asyncio.Future[None], error: Exception | None) -> None:
    if future.done():  # its caller was cancelled: nobody waits for the outcome
        if error is not None:
            log.error("a delivery outcome could not be recorded: %s", error)
        return
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(error)
