"""The store's transactions on SQLite through SQLAlchemy's stock aiosqlite dialect: what
a session commits, and what it must never leave behind for the next one."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError

from bot.storage.db import Database, open_database
from bot.storage.models import Setting


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await open_database(f"sqlite:///{tmp_path / 'loa.db'}")
    try:
        yield database
    finally:
        await database.close()


async def settings(db: Database) -> dict[str, str]:
    async with db.session() as session:
        rows = await session.exec(select(Setting.key, Setting.value).order_by(Setting.key))
        return dict(rows.all())


async def test_a_session_that_ends_normally_commits_what_it_wrote(db: Database) -> None:
    async with db.session() as session:
        session.add_all([Setting(key="b", value="hai"), Setting(key="a", value="một")])
    assert await settings(db) == {"a": "một", "b": "hai"}


async def test_a_broken_constraint_raises_and_keeps_nothing_of_the_transaction(
    db: Database,
) -> None:
    async with db.session() as session:
        session.add(Setting(key="webhook_secret", value="cũ"))
    with pytest.raises(IntegrityError):
        async with db.session() as session:
            session.add(Setting(key="new", value="mới"))
            await session.flush()
            session.add(Setting(key="webhook_secret", value="trùng"))
            await session.flush()
    assert await settings(db) == {"webhook_secret": "cũ"}
    async with db.session() as session:  # the connection is usable again
        session.add(Setting(key="after", value="sau"))
    assert await settings(db) == {"after": "sau", "webhook_secret": "cũ"}


async def test_an_unfinished_transaction_is_undone_when_its_connection_returns(
    db: Database,
) -> None:
    async with db.engine.connect() as connection:
        await connection.execute(insert(Setting).values(key="half", value="dở dang"))
        # No commit: returning the connection must roll this back.
    assert await settings(db) == {}


async def test_a_task_cancelled_mid_statement_commits_nothing_and_leaves_no_lock(
    db: Database,
) -> None:
    """The cancelled statement still runs to its end on aiosqlite's worker thread, and
    SQLAlchemy discards the connection with the statement's cursor left open; the next
    session must neither see the cancelled work nor wait for that connection's write
    lock (it would fail with "database is locked" after busy_timeout)."""
    gate = threading.Event()
    asyncio.get_running_loop().call_later(0.2, gate.set)  # unblocks the worker whatever happens
    started = asyncio.Event()

    async def handle_and_get_cancelled() -> None:
        async with db.session() as session:
            await session.exec(insert(Setting).values(key="early", value="bỏ dở"))
            connection = await session.connection()
            raw = await connection.get_raw_connection()
            await raw.driver_connection.create_function("wait_for_gate", 0, gate.wait)
            started.set()
            await session.exec(text("SELECT wait_for_gate()"))  # blocks the worker
            await session.exec(insert(Setting).values(key="late", value="bỏ dở"))

    task = asyncio.create_task(handle_and_get_cancelled())
    await started.wait()
    await asyncio.sleep(0.05)  # the blocking SELECT is on the worker thread now
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert gate.is_set()  # the connection was let go only after its statement ended
    async with db.session() as session:
        session.add(Setting(key="next", value="sau"))
    assert await settings(db) == {"next": "sau"}
