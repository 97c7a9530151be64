"""The one place that knows SQLite and PostgreSQL spell "insert, ignore a duplicate"
differently; everything else in the store is plain portable SQLAlchemy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from sqlalchemy import CursorResult, Result
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession

# Both have `.on_conflict_do_nothing(index_elements=...)` and `.on_conflict_do_update`.
Insert = postgresql.Insert | sqlite.Insert
InsertFunction = Callable[[Any], Insert]  # a model class or a Table in, its INSERT out
_Statement = TypeVar("_Statement")


def insert_for(session: AsyncSession) -> InsertFunction:
    """The dialect's `insert`."""
    return postgresql.insert if _dialect(session) == "postgresql" else sqlite.insert


def _dialect(session: AsyncSession) -> str:
    return session.bind.dialect.name if session.bind is not None else "sqlite"


_prepared: dict[tuple[str, str], Any] = {}


def prepared_insert(
    session: AsyncSession, name: str, build: Callable[[InsertFunction], _Statement]
) -> _Statement:
    """`build(insert)` for this session's dialect, built once per name and dialect: a
    statement run for every update or press, its values passed as parameters, so
    SQLAlchemy neither rebuilds it nor recomputes its cache key each time."""
    key = (name, _dialect(session))
    if key not in _prepared:
        _prepared[key] = build(insert_for(session))
    return cast(_Statement, _prepared[key])


def rows_affected(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE changed (the driver's rowcount; 0 if unknown)."""
    return cast(CursorResult[Any], result).rowcount or 0
