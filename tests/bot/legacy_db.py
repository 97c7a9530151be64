"""Databases as earlier versions of Loa left them, for the schema and upgrade tests.

    await build_schema(url, "b10de42")     # the CREATE statements of that commit
    await fill_first_schema(url)           # realistic rows (fixtures/schemas/*.json)
    rows = await table_rows(url, ["outbox"])  # every row of these tables, to compare
    await with_alembic(url, lambda config: command.downgrade(config, "0001"))

Rows go in through tables reflected from the database itself, never through today's
models: the test data must stay what the old schema held whatever the models become.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic.config import Config
from sqlalchemy import DateTime, MetaData
from sqlalchemy.engine import Connection

from bot.storage.db import Database
from bot.storage.schema import alembic_config

SCHEMAS = Path(__file__).resolve().parent.parent / "fixtures" / "schemas"
ROWS = SCHEMAS / "first-schema-rows.json"


def schema_statements(commit: str, dialect: str) -> list[str]:
    text = (SCHEMAS / f"{commit}.{dialect}.sql").read_text(encoding="utf-8")
    code = "\n".join(line for line in text.splitlines() if not line.startswith("--"))
    return [statement.strip() for statement in code.split(";") if statement.strip()]


async def build_schema(url: str, commit: str) -> None:
    database = Database(url)
    try:
        async with database.engine.begin() as connection:
            for statement in schema_statements(commit, connection.dialect.name):
                await connection.exec_driver_sql(statement)
    finally:
        await database.close()


def first_schema_rows() -> dict[str, list[dict[str, Any]]]:
    """What a department's database held after a few days of the first version
    (fixtures/schemas/first-schema-rows.json): a plan with three linked chats (one by
    invite, one since removed), confirmations (one undone), digests sent, pending, stale
    and failed, updates handled and not yet, a broadcast, an admin half-way through
    /guitin, the Zalo quota counter. Times are ISO strings there."""
    return json.loads(ROWS.read_text(encoding="utf-8"))


async def fill_first_schema(url: str) -> None:
    database = Database(url)
    try:
        async with database.engine.begin() as connection:
            tables = await connection.run_sync(_reflect)
            for name, rows in first_schema_rows().items():
                table = tables[name]
                moments = {c.name for c in table.columns if isinstance(c.type, DateTime)}
                for row in rows:
                    # Numbered ids come from the database (PostgreSQL's sequences must
                    # know them); a new table numbers rows 1, 2, ... as the file does.
                    values = _with_instants(row, moments)
                    if isinstance(values.get("id"), int):
                        given = values.pop("id")
                        inserted = await connection.execute(table.insert(), values)
                        assert inserted.inserted_primary_key[0] == given, (name, given)
                    else:
                        await connection.execute(table.insert(), values)
    finally:
        await database.close()


def _with_instants(row: dict[str, Any], moments: set[str]) -> dict[str, Any]:
    # In UTC: SQLite's DATETIME keeps the digits and drops the offset, as Loa's type did.
    return {
        name: datetime.fromisoformat(value).astimezone(UTC)
        if name in moments and value is not None
        else value
        for name, value in row.items()
    }


def _reflect(connection: Connection) -> dict[str, Any]:
    metadata = MetaData()
    metadata.reflect(connection)
    return dict(metadata.tables)


async def table_rows(url: str, names: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Every row of these tables, in primary-key order, as the database returns them."""
    database = Database(url)
    try:
        async with database.engine.connect() as connection:
            tables = await connection.run_sync(_reflect)
            found = {}
            for name in names:
                table = tables[name]
                query = table.select().order_by(*table.primary_key.columns)
                found[name] = [dict(row._mapping) for row in await connection.execute(query)]
            return found
    finally:
        await database.close()


def old_columns(
    rows: dict[str, list[dict[str, object]]], before: dict[str, list[dict[str, object]]]
) -> dict[str, list[dict[str, object]]]:
    """`rows` with only the columns the old schema had (a row lost or added: unequal)."""
    return {
        name: [
            {column: row.get(column) for column in old}
            for row, old in zip(table, before[name], strict=False)
        ]
        + table[len(before[name]) :]
        for name, table in rows.items()
    }


async def with_alembic(url: str, action: Callable[[Config], Any]) -> None:
    """Run an Alembic command (upgrade, downgrade to a revision) on the database."""
    database = Database(url)
    try:
        async with database.schema_transaction() as connection:
            await connection.run_sync(lambda sync: action(alembic_config(sync)))
    finally:
        await database.close()
