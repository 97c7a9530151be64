"""Database engine and sessions.

Users give a plain SQLAlchemy URL (`sqlite:///loa.db`, `postgresql://...`); Loa picks
the async driver itself so the same URL works for the CLI and the running bot. The
tables' versions are bot/storage/schema.py's business.
"""

from __future__ import annotations

import asyncio
import sqlite3
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage import schema
from bot.storage.errors import DatabaseMissing, MissingDriver

_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",
}


def async_url(url: str) -> str:
    parsed = make_url(url)
    driver = _ASYNC_DRIVERS.get(parsed.drivername)
    if driver is None:
        return url
    return parsed.set(drivername=driver).render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite URL; None for an in-memory database or another backend."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def shown_url(url: str) -> str:
    """The URL as it may be printed: without its password."""
    return make_url(url).render_as_string(hide_password=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # busy_timeout waits instead of failing, first: switching a new file to WAL needs
    # the lock another process creating the schema holds. WAL lets the CLI read while
    # `loa run` writes.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Deleted rows are overwritten, not left in free pages: an erased person's data
    # must not linger in the file or in the backups made from it (docs/privacy.md).
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def _sqlite_explicit_transactions(dbapi_connection: Any, record: Any) -> None:
    _sqlite_pragmas(dbapi_connection, record)
    # The driver would begin transactions only before INSERT/UPDATE/DELETE, leaving
    # CREATE and DROP outside them; `_begin_immediate` begins every one instead.
    dbapi_connection.isolation_level = None


def _begin_immediate(connection: Connection) -> None:
    # IMMEDIATE takes the write lock at once, so the schema is read and changed by
    # one process at a time (a running `loa run` waits, within busy_timeout).
    connection.exec_driver_sql("BEGIN IMMEDIATE")


# Any constant will do, as long as only schema changes take it.
_SCHEMA_LOCK = int.from_bytes(b"LoaSchem", "big")


class ClosingConnection(sqlite3.Connection):
    """A SQLite connection that closes its cursors when it closes.

    A task cancelled in the middle of a statement leaves that statement unfinished on
    its cursor; SQLAlchemy then discards the connection without closing the cursor,
    and SQLite defers closing a connection until all its statements are finished. Until
    the cursor happened to be garbage-collected, the discarded connection would keep its
    transaction and the database's write lock, and every later write would wait for
    `busy_timeout` and fail."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._cursors: weakref.WeakSet[sqlite3.Cursor] = weakref.WeakSet()

    def cursor(self, factory: Any = sqlite3.Cursor) -> Any:
        cursor = super().cursor(factory)
        self._cursors.add(cursor)
        return cursor

    def close(self) -> None:
        for cursor in list(self._cursors):
            cursor.close()
        super().close()


class Database:
    """Owns the engine; `session()` yields a session that commits on success."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = is_sqlite(url)
        options: dict[str, Any] = {}
        if self.is_sqlite:
            # SQLite has one writer: with one connection, concurrent sessions queue in
            # asyncio instead of sleeping in SQLite's busy handler.
            options.update(
                pool_size=1,
                max_overflow=0,
                pool_timeout=120,
                connect_args={"factory": ClosingConnection},
            )
        else:
            options.update(pool_pre_ping=True)  # a server may drop idle connections
        try:
            self.engine: AsyncEngine = create_async_engine(async_url(url), **options)
        except ModuleNotFoundError as error:
            backend = make_url(url).get_backend_name()
            raise MissingDriver(shown_url(url), backend, error.name) from None
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self._sessions = async_sessionmaker(
            self.engine, class_=AsyncSession, expire_on_commit=False
        )

    def exists(self) -> bool:
        """False for an SQLite file not yet created (reading never creates one)."""
        path = sqlite_path(self.url)
        return path is None or path.exists()

    @asynccontextmanager
    async def schema_transaction(self) -> AsyncIterator[AsyncConnection]:
        """One transaction on a connection of its own, DDL included, holding the lock
        that schema changes take: all or nothing, and one process at a time."""
        engine = create_async_engine(async_url(self.url), poolclass=NullPool)
        if self.is_sqlite:
            event.listen(engine.sync_engine, "connect", _sqlite_explicit_transactions)
            event.listen(engine.sync_engine, "begin", _begin_immediate)
        try:
            async with engine.begin() as connection:
                if not self.is_sqlite:
                    await connection.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK}
                    )
                yield connection
        finally:
            await engine.dispose()

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self._sessions() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as connection:
                await connection.exec_driver_sql("SELECT 1")
        except Exception:
            return False
        return True

    async def close(self) -> None:
        await self.engine.dispose()


def ensure_exists(url: str) -> None:
    """For the commands that only read: DatabaseMissing where an SQLite file is not
    there, rather than creating an empty one."""
    path = sqlite_path(url)
    if path is not None and not path.exists():
        raise DatabaseMissing(shown_url(url))


async def open_database(url: str, *, upgrade: bool = False) -> Database:
    """The database, ready for this version of Loa: created if new; an older one is
    upgraded if `upgrade`, otherwise refused (schema.SchemaError), as is a newer one."""
    database = Database(url)
    try:
        await _make_ready(database, upgrade)
    except BaseException:
        await database.close()
        raise
    return database


LOCKED_RETRIES = 6  # 0.05 s doubling: about 3 s in all


async def _make_ready(database: Database, upgrade: bool) -> None:
    for attempt in range(LOCKED_RETRIES + 1):
        try:
            if upgrade:
                await schema.upgrade(database)
            else:
                await schema.prepare(database)
            return
        except OperationalError as error:
            # Processes opening a new SQLite file at once all switch it to WAL; SQLite
            # refuses all but one at once (a deadlock: the busy timeout does not
            # apply). The schema step is all or nothing, so it is simply tried again.
            locked = database.is_sqlite and "database is locked" in str(error.orig)
            if not locked or attempt == LOCKED_RETRIES:
                raise
            await asyncio.sleep(0.05 * 2**attempt)
