"""Fixtures shared by every test package.

`database` runs each test against a fresh SQLite file and, when
LOA_TEST_DATABASE_URL names a PostgreSQL server (as `.ci/run` arranges), against a
fresh PostgreSQL database as well.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.storage.db import Database, open_database

REPO = Path(__file__).resolve().parent.parent
SAMPLE_PLAN = REPO / "content" / "plans" / "sample-sldtbxh-laocai-2026.yaml"
POSTGRES_URL = os.environ.get("LOA_TEST_DATABASE_URL", "")

BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


def _admin_connect():  # type: ignore[no-untyped-def]
    import psycopg

    url = make_url(POSTGRES_URL)
    return psycopg.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        password=url.password or None,
        dbname=url.database or "postgres",
        autocommit=True,
    )


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'loa-test.db'}"
        return
    name = f"loa_test_{uuid.uuid4().hex[:12]}"
    with _admin_connect() as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with _admin_connect() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = await open_database(database_url)
    try:
        yield db
    finally:
        await db.close()
