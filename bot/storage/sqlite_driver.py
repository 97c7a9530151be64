"""SQLite through aiosqlite, one trip to its worker thread per statement.

SQLAlchemy's aiosqlite adapter makes four trips per statement (open a cursor, execute,
fetch, close) and one more to roll back a connection that has no transaction open. Each
trip wakes the worker thread and then the event loop through its self-pipe: that cost,
not SQLite, was most of a button press. Here the cursor is opened, executed, read and
closed in a single function on the worker thread, and a reset with nothing to undo
stays on the loop.

Given to SQLAlchemy as its DBAPI module (`create_async_engine(..., module=...)`), so
the dialect, the statement cache and the pool are SQLAlchemy's own. Like SQLAlchemy's
adapter it uses aiosqlite's queue of work (`Connection._execute`), which aiosqlite
does not document.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT

_Outcome = tuple[Any, int, int | None, list[Any]]  # description, rowcount, lastrowid, rows


def _run(connection: sqlite3.Connection, operation: str, parameters: Any) -> _Outcome:
    """On the worker thread: the whole life of one cursor."""
    cursor = connection.cursor()
    try:
        cursor.execute(operation, () if parameters is None else parameters)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


def _run_many(connection: sqlite3.Connection, operation: str, seq: Any) -> _Outcome:
    cursor = connection.cursor()
    try:
        cursor.executemany(operation, seq)
        return None, cursor.rowcount, cursor.lastrowid, []
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """A cursor that exists only for the duration of one trip; keeps what it returned."""

    __slots__ = ("_arraysize", "_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: AsyncAdapt_aiosqlite_connection) -> None:
        # Deliberately not the base __init__: that opens a cursor on the worker thread.
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._soft_closed_memoized = EMPTY_DICT
        self._rows: deque[Any] = deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None
        self._arraysize = 1  # the DB-API default, as sqlite3's

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> Any:
        return self._lastrowid

    @property
    def arraysize(self) -> int:  # rows per fetchmany() without a size
        return self._arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._arraysize = value

    def close(self) -> None:
        self._rows.clear()  # the sqlite3 cursor was closed on the worker thread

    def setinputsizes(self, *inputsizes: Any) -> None:
        return None  # as sqlite3's: SQLite needs no type hints

    def nextset(self) -> None:
        raise sqlite3.NotSupportedError("SQLite returns one result set per statement")

    async def _async_soft_close(self) -> None:
        return None  # nothing is left open to close

    def _keep(self, outcome: _Outcome) -> None:
        self._description, self._rowcount, self._lastrowid, rows = outcome
        self._rows = deque(rows)

    async def _execute_async(self, operation: Any, parameters: Any) -> None:
        async with self._adapt_connection._execute_mutex:
            connection = self._connection
            self._keep(await connection._execute(_run, connection._conn, operation, parameters))

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> None:
        async with self._adapt_connection._execute_mutex:
            connection = self._connection
            self._keep(
                await connection._execute(_run_many, connection._conn, operation, seq_of_parameters)
            )


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = OneTripCursor

    def rollback(self) -> None:
        # The pool resets every connection it takes back; most have nothing to undo.
        # Read on the loop. If a cancelled caller left a statement queued, this may
        # skip a rollback that was needed, but SQLAlchemy then closes the connection
        # (queued after that statement), which undoes it: nothing is committed later.
        connection = self._connection._connection
        if connection is not None and connection.in_transaction:
            super().rollback()


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *args: Any, **kwargs: Any) -> OneTripConnection:
        adapted = super().connect(*args, **kwargs)
        return OneTripConnection(self, adapted._connection)


def dbapi() -> OneTripDBAPI:
    return OneTripDBAPI(aiosqlite, sqlite3)
