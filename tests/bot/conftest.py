"""Plans and helpers for the store, channel and CLI tests, all handed out as fixtures
(the database fixtures are the root conftest's: a fresh SQLite file per test, and
PostgreSQL as well when LOA_TEST_DATABASE_URL is set).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import TypeVar
from zoneinfo import ZoneInfo

import pytest

from bot.storage.db import Database, open_database
from bot.storage.plans import LoadReport, save_plan
from content.plan_loader import parse_plan
from tests.bot.telegram_harness import RecordingHandlers, fake_telegram
from tests.fakes import FakeTelegram

T = TypeVar("T")
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL)

PLAN_V1 = """\
plan:
  id: ke-hoach-thu
  title: Kế hoạch tuyên truyền thử nghiệm năm 2026
  issuer: Sở Thử nghiệm
  year: 2026
admins:
  - telegram:111
units:
  - id: van-phong
    name: Văn phòng Sở
    tags: [so]
    channels: [telegram:-1001]
  - id: phong-a
    name: Phòng A
    tags: [phong]
  - id: phong-b
    name: Phòng B
    tags: [phong]
    channels: [zalo:abc123]
tasks:
  - id: bao-cao
    title: Báo cáo kết quả năm 2026
    owners: [tag:phong]
    cooperating: [van-phong]
    due: 2026-11-15
  - id: ban-tin
    title: Cập nhật Bản tin
    owners: [van-phong]
    repeat: monthly
    due: {day: 25}
  - id: ke-hoach
    title: Xây dựng kế hoạch tuyên truyền
    owners: [van-phong]
    due: 2026-02-27
"""

# Phòng A renamed and retagged, Phòng B removed (its chat goes with it), a new unit,
# bao-cao moved to 10/11, ke-hoach removed, a new task, a new admin.
PLAN_V2 = """\
plan:
  id: ke-hoach-thu
  title: Kế hoạch tuyên truyền thử nghiệm năm 2026
  issuer: Sở Thử nghiệm
  year: 2026
admins:
  - telegram:111
  - zalo:admin222
units:
  - id: van-phong
    name: Văn phòng Sở
    tags: [so]
    channels: [telegram:-1001]
  - id: phong-a
    name: Phòng Tuyên truyền A
    tags: [phong, tuyen-truyen]
  - id: phong-c
    name: Phòng C
    tags: [phong]
tasks:
  - id: bao-cao
    title: Báo cáo kết quả năm 2026
    owners: [tag:phong]
    cooperating: [van-phong]
    due: 2026-11-10
  - id: ban-tin
    title: Cập nhật Bản tin của Sở
    owners: [van-phong]
    repeat: monthly
    due: {day: 25}
  - id: so-ket
    title: Sơ kết 6 tháng
    owners: [van-phong, phong-a]
    due: 2026-06-30
"""

SECOND_PLAN = """\
plan:
  id: ke-hoach-khac
  title: Kế hoạch khác năm 2026
  year: 2026
units:
  - id: van-phong
    name: Văn phòng UBND
tasks:
  - id: bao-cao
    title: Báo cáo năm
    owners: [van-phong]
    due: 2026-12-01
"""


@pytest.fixture
def now() -> datetime:
    """09:00 on Monday 02/03/2026, local time."""
    return NOW


@pytest.fixture
def plans() -> SimpleNamespace:
    """Plan texts: v1, v2 (v1 edited), second (another plan), and parse(text)."""
    return SimpleNamespace(
        v1=PLAN_V1, v2=PLAN_V2, second=SECOND_PLAN, parse=lambda text: parse_plan(text, "kh.yaml")
    )


@pytest.fixture
def store(database: Database) -> Callable[..., Awaitable[LoadReport]]:
    """await store(text, now=NOW): save_plan in its own session, returning the report."""

    async def save(text: str, now: datetime = NOW) -> LoadReport:
        async with database.session() as session:
            return await save_plan(session, parse_plan(text, "kh.yaml"), text, now)

    return save


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
def cli_env(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Environment for running `loa` in-process against the test database; returns its URL."""
    for name in (
        "LOA_CONFIG",
        "LOA_TELEGRAM_TOKEN",
        "LOA_TELEGRAM_BOT_USERNAME",
        "LOA_ZALO_TOKEN",
        "LOA_ADMINS",
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
def handlers() -> RecordingHandlers:
    return RecordingHandlers()
