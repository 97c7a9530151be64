"""Helpers for the store, channel and CLI tests, handed out as fixtures (the database
and plan fixtures are the root conftest's: a fresh SQLite file per test, and
PostgreSQL as well when LOA_TEST_DATABASE_URL is set).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import pytest

from bot.storage.db import Database, open_database
from tests.bot.telegram_harness import RecordingHandlers, fake_telegram
from tests.bot.webhook_harness import Hooks, webhooks
from tests.conftest import NOW
from tests.fakes import FakeTelegram, FakeZalo

T = TypeVar("T")


@pytest.fixture
def with_database(database_url: str) -> Callable[[Callable[[Database], Awaitable[T]]], T]:
    """For synchronous (CLI) tests: with_database(async_fn) runs async_fn(database)."""

    def run(function: Callable[[Database], Awaitable[T]]) -> T:
        async def go() -> T:
            database = await open_database(database_url)
            try:
                return await function(database)
            finally:
                await database.close()

        return asyncio.run(go())

    return run


@pytest.fixture
def write_plan(tmp_path: Path):  # type: ignore[no-untyped-def]
    """write_plan(text, name) -> path of a plan file in the test's directory."""

    def write(text: str, name: str = "ke-hoach.yaml") -> str:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory (no stray .env) and an environment without Loa's
    settings; the test suite's own LOA_TEST_ variables stay."""
    for name in list(os.environ):
        if name.startswith("LOA_") and not name.startswith("LOA_TEST_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def cli_env(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Environment for running `loa` in-process against the test database; returns its URL."""
    for name in (
        "LOA_CONFIG",
        "LOA_TELEGRAM_TOKEN",
        "LOA_TELEGRAM_BOT_USERNAME",
        "LOA_ZALO_TOKEN",
        "LOA_ADMINS",
        "LOA_PUBLIC_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env file
    monkeypatch.setenv("LOA_DATABASE_URL", database_url)
    monkeypatch.setenv("LOA_NOW", NOW.isoformat())
    return database_url


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    """The fake Bot API over HTTP, knowing a unit's group and a private chat."""
    async with fake_telegram() as fake:
        yield fake


@pytest.fixture
def handlers(database: Database) -> RecordingHandlers:
    return RecordingHandlers(database)


@pytest.fixture
async def fake_zalo() -> AsyncIterator[FakeZalo]:
    async with FakeZalo(seed=3) as fake:
        yield fake


@pytest.fixture
async def hooks(
    tg: FakeTelegram, fake_zalo: FakeZalo, database: Database, handlers: RecordingHandlers
) -> AsyncIterator[Hooks]:
    """Loa's web server with the Telegram and Zalo webhooks, each against its fake."""
    async with webhooks(tg, fake_zalo, database, handlers) as running:
        yield running
