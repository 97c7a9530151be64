"""Upgrading a database that an earlier Loa made with `create_all`, with no version.

The databases are built from the CREATE statements of the first schema (commit
b10de42), of the first commit with a README (0d8164c), of the erasure log's (5ea1aef)
and of main just before migrations (0a162e8), filled with a department's rows, and
upgraded by `loa db upgrade`, on SQLite and (with LOA_TEST_DATABASE_URL) on PostgreSQL.
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import inspect

from bot.cli import main
from bot.storage import outbox, sent_messages
from bot.storage.db import Database, open_database
from bot.storage.schema import head
from content.due import DueMessage
from tests.bot.legacy_db import (
    build_schema,
    fill_first_schema,
    first_schema_rows,
    old_columns,
    table_rows,
)

TABLES = list(first_schema_rows())
SENT_DIGEST = first_schema_rows()["outbox"][0]
DONE = first_schema_rows()["confirmations"][0]


@pytest.fixture(params=["b10de42", "0d8164c", "5ea1aef", "0a162e8"])
def legacy_url(request: pytest.FixtureRequest, cli_env: str) -> str:
    """The test database as that commit's `loa run` left it after a few days' work."""

    async def build() -> None:
        await build_schema(cli_env, request.param)
        await fill_first_schema(cli_env)

    _run(build())
    return cli_env


def _run(coroutine):  # type: ignore[no-untyped-def]
    import asyncio

    return asyncio.run(coroutine)


def _indexes(url: str, table: str) -> set[str]:
    async def read() -> set[str]:
        database = Database(url)
        try:
            async with database.engine.connect() as connection:
                found = await connection.run_sync(lambda sync: inspect(sync).get_indexes(table))
            return {index["name"] for index in found}
        finally:
            await database.close()

    return _run(read())


def test_an_old_database_is_refused_until_upgraded_then_keeps_every_row(legacy_url, capsys):
    before = _run(table_rows(legacy_url, TABLES))

    assert main(["progress"]) == 2
    refusal = capsys.readouterr().err
    assert "loa db upgrade" in refusal and refusal.count("\n") == 1

    assert main(["db", "upgrade"]) == 0
    out = capsys.readouterr().out
    assert "bản Loa cũ" in out
    assert "ix_outbox_expiry" in _indexes(legacy_url, "outbox")
    after = _run(table_rows(legacy_url, TABLES))
    assert old_columns(after, before) == before
    assert all(  # columns added since (a broadcast's stored file) start empty
        value is None
        for name, rows in after.items()
        for row, old in zip(rows, before[name], strict=True)
        for column, value in row.items()
        if column not in old
    )

    assert main(["db", "current", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["up_to_date"] is True


def test_the_first_schema_is_upgraded_from_0001_to_the_newest(cli_env, capsys):
    async def build() -> None:
        await build_schema(cli_env, "b10de42")
        await fill_first_schema(cli_env)

    _run(build())
    assert main(["db", "current", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) | {"database": None} == {
        "database": None,
        "state": "legacy",
        "current": "0001",
        "head": head(),
        "up_to_date": False,
    }
    assert "ix_outbox_expiry" not in _indexes(cli_env, "outbox")

    assert main(["db", "upgrade"]) == 0
    assert f"0001 → {head()}" in capsys.readouterr().out


def test_after_the_upgrade_loa_reads_the_old_rows_as_its_own(legacy_url, capsys):
    assert main(["db", "upgrade"]) == 0
    capsys.readouterr()

    assert main(["progress", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    [done] = [row for row in rows if row["task"] == "ke-hoach" and row["unit"] == "van-phong"]
    assert done["status"] == "done"
    assert done["confirmed_by"] == DONE["confirmed_by"]
    assert datetime.fromisoformat(done["confirmed_at"]) == datetime.fromisoformat(
        DONE["confirmed_at"]
    )
    assert done["evidence"] == DONE["evidence"]

    async def check() -> None:
        database = await open_database(legacy_url)
        try:
            async with database.session() as session:
                # A button under the digest sent before the upgrade finds its items...
                row = await sent_messages.by_message_id(session, "telegram", "-1001", "42")
                assert row is not None and row.key == SENT_DIGEST["key"]
                # ...and the same digest is never stored (so never sent) again.
                again = DueMessage(
                    key=SENT_DIGEST["key"],
                    channel="telegram",
                    chat_id="-1001",
                    kind="digest",
                    text="again",
                    not_before=datetime.fromisoformat(SENT_DIGEST["not_before"]),
                )
                assert await outbox.enqueue(session, [again], again.not_before) == 0
        finally:
            await database.close()

    _run(check())
