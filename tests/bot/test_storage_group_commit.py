"""Delivery outcomes are committed as soon as they arrive: many at once share one
transaction instead of queueing one commit behind another, and none is lost."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import event, text
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.db import Database
from bot.storage.group_commit import GroupCommit
from bot.storage.settings import set_setting


def count_commits(database: Database) -> list[int]:
    commits = [0]

    def committed(connection: object) -> None:
        commits[0] += 1

    event.listen(database.engine.sync_engine, "commit", committed)
    return commits


def store(key: str):  # type: ignore[no-untyped-def]
    async def write(session: AsyncSession) -> None:
        await set_setting(session, key, "sent")

    return write


async def stored(database: Database, key: str) -> str | None:
    """Read without committing anything (the commits are what is counted)."""
    async with database.engine.connect() as connection:
        found = await connection.execute(
            text("SELECT value FROM settings WHERE key = :key"), {"key": key}
        )
        return found.scalar_one_or_none()


async def test_outcomes_arriving_together_share_a_commit_and_each_waits_for_it(
    database: Database,
) -> None:
    commits = count_commits(database)
    group = GroupCommit(database)
    seen_after_return: list[str | None] = []

    async def one(n: int) -> None:
        await group.write(store(f"row-{n}"))
        seen_after_return.append(await stored(database, f"row-{n}"))

    await asyncio.gather(*(one(n) for n in range(60)))
    assert seen_after_return == ["sent"] * 60  # committed before write() returned
    # The first answer is committed alone, at once; the 59 that came meanwhile together.
    assert commits[0] <= 3


async def test_a_failing_write_does_not_take_the_others_with_it(database: Database) -> None:
    group = GroupCommit(database)

    async def broken(session: AsyncSession) -> None:
        await session.exec(text("SELECT * FROM no_such_table"))

    results = await asyncio.gather(
        group.write(store("first")),
        group.write(store("second")),
        group.write(broken),
        group.write(store("third")),
        return_exceptions=True,
    )
    assert [type(result).__name__ for result in results[:2]] == ["NoneType", "NoneType"]
    assert isinstance(results[2], Exception)
    assert results[3] is None
    assert [await stored(database, key) for key in ("first", "second", "third")] == ["sent"] * 3


async def test_an_outcome_is_committed_even_when_its_sender_is_cancelled(
    database: Database,
) -> None:
    group = GroupCommit(database)
    blocker = asyncio.Event()

    async def slow(session: AsyncSession) -> None:
        await blocker.wait()
        await set_setting(session, "slow", "sent")

    first = asyncio.create_task(group.write(slow))
    await asyncio.sleep(0)
    second = asyncio.create_task(group.write(store("cancelled")))
    await asyncio.sleep(0)
    second.cancel()  # the app stops while the answer waits for its commit
    with pytest.raises(asyncio.CancelledError):
        await second
    blocker.set()
    await first
    await group.flush()
    assert await stored(database, "cancelled") == "sent"
