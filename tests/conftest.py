"""Fixtures shared by every test package.

`plans` holds small plan texts, `store` saves one, `now` is 09:00 on Monday
02/03/2026. `database` runs each test against a fresh SQLite file and, when
LOA_TEST_DATABASE_URL names a PostgreSQL server (as `.ci/run` arranges), against a
fresh PostgreSQL database as well.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import make_url

from bot.storage.db import Database, open_database
from bot.storage.plans import save_plan
from content.load_report import LoadReport
from content.plan_loader import parse_plan

REPO = Path(__file__).resolve().parent.parent
SAMPLE_PLAN = REPO / "content" / "plans" / "sample-sldtbxh-laocai-2026.yaml"
POSTGRES_URL = os.environ.get("LOA_TEST_DATABASE_URL", "")

BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


@pytest.fixture(autouse=True)
def vietnamese_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts as a run in the default language, whatever the developer's
    locale: `loa` (in-process or a child process) speaks English under LANG=en_US."""
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    monkeypatch.delenv("LOA_LANGUAGE", raising=False)


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
