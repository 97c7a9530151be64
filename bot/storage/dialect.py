"""The one place that knows SQLite and PostgreSQL spell "insert, ignore a duplicate"
differently; everything else in the store is plain portable SQLAlchemy."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession


def insert_for(session: AsyncSession) -> Any:
    """The dialect's `insert` (both have `.on_conflict_do_nothing(index_elements=...)`)."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    return postgresql.insert if dialect == "postgresql" else sqlite.insert
