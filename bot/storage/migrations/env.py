"""Alembic's environment. Loa runs migrations from code (`bot.storage.schema` and
`tools/new_migration.py`), which open the transaction and hand its connection over in
`config.attributes["connection"]`; the async engine stays theirs (`run_sync`)."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import AutoString

from bot.storage import models  # noqa: F401  (registers the tables)
from bot.storage.types import AwareDateTime


def render_item(kind: str, item: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Migrations name plain SQLAlchemy types, so that none of them breaks when
    Loa's own column types change: both of these are only Python-side wrappers."""
    if kind == "type" and isinstance(item, AwareDateTime):
        return "sa.DateTime(timezone=True)"
    if kind == "type" and isinstance(item, AutoString):
        return "sa.String()"
    return False


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError(
            "Loa's migrations run through `loa db upgrade` or tools/new_migration.py, "
            "not through the alembic command"
        )
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        # SQLite alters a table by copying it; batch operations do that for SQLite and
        # are plain ALTERs on PostgreSQL, so one migration serves both.
        render_as_batch=True,
        render_item=render_item,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
