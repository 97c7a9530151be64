"""Schema versions: a new database starts at the newest revision, the migrations build
exactly what the models declare, and a database at any other revision is refused with
what to do (on SQLite, and on PostgreSQL with LOA_TEST_DATABASE_URL)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from bot.storage import schema
from bot.storage.db import Database, open_database
from bot.storage.schema import SchemaError
from tests.bot.legacy_db import with_alembic


async def _differences(url: str) -> list[object]:
    """What Alembic's autogenerate would change to make the database match the models."""
    database = Database(url)
    try:
        async with database.engine.connect() as connection:
            return await connection.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), SQLModel.metadata)
            )
    finally:
        await database.close()


async def _status(url: str) -> schema.SchemaStatus:
    database = Database(url)
    try:
        return await schema.status(database)
    finally:
        await database.close()


async def test_a_new_database_is_created_at_the_newest_revision(database_url):
    database = await open_database(database_url)
    await database.close()

    found = await _status(database_url)
    assert (found.state, found.current) == ("current", schema.head())
    assert await _differences(database_url) == []


async def test_the_migrations_build_exactly_the_tables_the_models_declare(database_url):
    await with_alembic(database_url, lambda config: command.upgrade(config, "head"))

    assert await _differences(database_url) == []
    assert (await _status(database_url)).state == "current"


async def test_every_migration_can_be_undone_and_done_again(database_url):
    await with_alembic(database_url, lambda config: command.upgrade(config, "head"))
    await with_alembic(database_url, lambda config: command.downgrade(config, "base"))
    assert (await _status(database_url)).state == "empty"

    await with_alembic(database_url, lambda config: command.upgrade(config, "head"))
    assert await _differences(database_url) == []


def test_the_migrations_are_one_line_of_history_covering_every_file():
    scripts = schema.scripts()
    assert len(scripts.get_heads()) == 1, "two migrations revise the same one: renumber yours"
    chain = [script.revision for script in scripts.walk_revisions()]
    files = sorted(path.name for path in (schema.MIGRATIONS / "versions").glob("*.py"))
    assert [name.split("_")[0] for name in files] == sorted(chain)
    assert all(name.split("_")[0].isdigit() for name in files)


async def test_a_database_behind_the_code_is_refused_with_the_command_to_run(database_url):
    await (await open_database(database_url)).close()
    await with_alembic(database_url, lambda config: command.downgrade(config, "0001"))

    with pytest.raises(SchemaError) as refused:
        await open_database(database_url)

    message = str(refused.value)
    assert "0001" in message and schema.head() in message
    assert "loa db upgrade" in message and "\n" not in message


async def test_a_database_from_a_newer_loa_is_refused_and_not_upgraded(database_url):
    database = await open_database(database_url)
    async with database.engine.begin() as connection:
        await connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0999'")
    await database.close()

    with pytest.raises(SchemaError, match="bản Loa mới hơn"):
        await open_database(database_url)
    database = Database(database_url)
    with pytest.raises(SchemaError, match="bản Loa mới hơn"):
        await schema.upgrade(database)
    await database.close()
    assert (await _status(database_url)).current == "0999"


async def test_a_database_with_only_some_of_loas_tables_is_refused_and_left_alone(database_url):
    database = Database(database_url)
    async with database.engine.begin() as connection:
        await connection.exec_driver_sql("CREATE TABLE plans (id VARCHAR PRIMARY KEY)")

    with pytest.raises(SchemaError, match=r"không khớp phiên bản nào.*thiếu bảng chat_links"):
        await schema.prepare(database)
    async with database.engine.connect() as connection:
        tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    await database.close()
    assert tables == ["plans"]


async def test_another_applications_tables_are_left_beside_loas(database_url):
    database = Database(database_url)
    async with database.engine.begin() as connection:
        await connection.exec_driver_sql("CREATE TABLE accounts (id INTEGER PRIMARY KEY)")
    await schema.prepare(database)
    await database.close()

    assert (await _status(database_url)).state == "current"


async def test_two_processes_opening_a_new_database_at_once_both_get_it_ready(database_url):
    first, second = await asyncio.gather(open_database(database_url), open_database(database_url))
    await first.close()
    await second.close()

    assert (await _status(database_url)).state == "current"


async def test_several_processes_creating_one_new_sqlite_file_all_succeed(tmp_path: Path):
    # Each switches the new file to WAL on connecting, and SQLite refuses all but one
    # at once (it failed about one opening in twenty before they tried again).
    for attempt in range(15):
        url = f"sqlite:///{tmp_path / f'moi-{attempt}.db'}"
        opened = await asyncio.gather(*(open_database(url) for _ in range(4)))
        for database in opened:
            await database.close()
        assert (await _status(url)).state == "current"


async def test_reading_the_version_of_a_missing_sqlite_file_does_not_create_it(tmp_path: Path):
    path = tmp_path / "chua-co.db"

    found = await _status(f"sqlite:///{path}")

    assert found.state == "missing" and not found.up_to_date
    assert not path.exists()
