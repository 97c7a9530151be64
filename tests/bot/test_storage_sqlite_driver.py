"""SQLite with one trip to aiosqlite's thread per statement: results, row counts and ids,
errors and rollbacks behave as with SQLAlchemy's own adapter, and a statement costs one
trip instead of four."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import aiosqlite
import pytest
from sqlalchemy import func, insert, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError

from bot.storage.db import Database, open_database
from bot.storage.models import ChatLink, Setting
from content.clock import LOCAL_TZ


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await open_database(f"sqlite:///{tmp_path / 'loa.db'}")
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of every function sent to aiosqlite's worker thread."""
    sent: list[str] = []
    original = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        sent.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    return sent


def link(chat_id: str) -> ChatLink:
    return ChatLink(
        plan_id="ke-hoach",
        unit_id="xa-a",
        channel="telegram",
        chat_id=chat_id,
        chat_type="group",
        origin="invite",
        linked_by="telegram:1",
        linked_at=datetime(2026, 11, 22, 8, 0, tzinfo=LOCAL_TZ),
    )


async def settings(db: Database) -> dict[str, str]:
    async with db.session() as session:
        rows = await session.exec(select(Setting.key, Setting.value).order_by(Setting.key))
        return dict(rows.all())


async def test_each_query_is_one_trip_and_a_read_only_session_adds_its_commit(
    db: Database, trips: list[str]
) -> None:
    await db.ping()  # the pool's connection exists from here on
    trips.clear()
    async with db.session() as session:
        await session.exec(select(Setting))
        await session.exec(select(ChatLink).where(ChatLink.chat_id == "-100"))
    # Two statements and the commit; no rollback when the pool takes the connection back.
    assert trips == ["_run", "_run", "commit"]


async def test_rows_come_back_with_their_columns(db: Database) -> None:
    async with db.session() as session:
        session.add_all([Setting(key="b", value="hai"), Setting(key="a", value="một")])
    async with db.session() as session:
        result = await session.execute(select(Setting.key, Setting.value).order_by(Setting.key))
        assert list(result.keys()) == ["key", "value"]
        assert [tuple(row) for row in result] == [("a", "một"), ("b", "hai")]


async def test_rows_can_be_fetched_a_few_at_a_time(db: Database) -> None:
    three = "SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3"
    async with db.engine.connect() as connection:
        result = await connection.execute(text(three))
        assert [tuple(row) for row in result.fetchmany()] == [(1,)]  # arraysize 1
        assert [tuple(row) for row in result.fetchmany(5)] == [(2,), (3,)]
        result = await connection.execute(text(three))
        assert [len(part) for part in result.partitions(2)] == [2, 1]


async def test_the_rest_of_the_cursor_answers_as_sqlite3_does(db: Database) -> None:
    async with db.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        cursor = raw.dbapi_connection.cursor()
        assert cursor.setinputsizes(10) is None
        with pytest.raises(sqlite3.NotSupportedError):
            cursor.nextset()
        cursor.arraysize = 2
        assert cursor.arraysize == 2
        cursor.close()


async def test_an_insert_gives_its_new_id_and_an_update_its_row_count(db: Database) -> None:
    async with db.session() as session:
        first, second = link("-1001"), link("-1002")
        session.add(first)
        await session.flush()
        session.add(second)
        await session.flush()
        assert (first.id, second.id) == (1, 2)
        changed = await session.execute(
            update(ChatLink).where(ChatLink.chat_type == "group").values(active=False)
        )
        assert changed.rowcount == 2  # type: ignore[attr-defined]
        unchanged = await session.execute(
            update(ChatLink).where(ChatLink.chat_id == "-999").values(active=False)
        )
        assert unchanged.rowcount == 0  # type: ignore[attr-defined]


async def test_many_rows_in_one_statement(db: Database, trips: list[str]) -> None:
    await db.ping()
    trips.clear()
    async with db.session() as session:
        await session.execute(
            insert(Setting),
            [{"key": f"k{n}", "value": str(n)} for n in range(50)],
        )
    async with db.session() as session:
        count = await session.scalar(select(func.count()).select_from(Setting))
    assert count == 50
    assert trips[:2] == ["_run_many", "commit"]  # not a trip per row


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
        # No commit: the pool's reset must roll this back, not skip it.
    assert await settings(db) == {}


async def test_sql_errors_reach_the_caller(db: Database) -> None:
    async with db.engine.connect() as connection:
        with pytest.raises(OperationalError, match="no such table"):
            await connection.execute(text("SELECT * FROM khong_co"))
        assert (await connection.execute(text("SELECT 41 + 1"))).scalar() == 42


async def test_a_statement_its_caller_gave_up_on_is_never_committed_by_the_next_user(
    db: Database,
) -> None:
    """A cancelled caller leaves its statement queued on the worker thread, so the
    connection's "no transaction open" is not to be trusted at that moment: SQLAlchemy
    closes such a connection rather than resetting it, and the next session gets a
    fresh one."""
    gate = threading.Event()
    asyncio.get_running_loop().call_later(0.2, gate.set)  # unblocks the worker whatever happens
    async with db.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        worker_blocked = asyncio.ensure_future(raw.driver_connection._execute(gate.wait))
        late = asyncio.create_task(
            connection.execute(insert(Setting).values(key="late", value="bỏ dở"))
        )
        await asyncio.sleep(0.05)  # queued behind the blocked worker
        late.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await late
    await worker_blocked
    async with db.session() as session:  # the same pooled connection
        session.add(Setting(key="next", value="sau"))
    assert await settings(db) == {"next": "sau"}
