"""Backup and restore around the real `loa run` against the local fake Bot API.

The morning digest goes out; a backup is taken while the bot keeps running; a restore
is refused while it runs, and done once it is stopped; the bot started again on the
restored database sends nothing a second time.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path

import pytest

from tests.e2e.harness import LoaProcess, free_port, loa_env, run_loa_async
from tests.fakes.telegram_api import FakeTelegram

pytestmark = pytest.mark.e2e

TOKEN = "123456:E2E-backup-token-not-real"
CHAT = -1001

PLAN = """\
plan:
  id: e2e-backup
  title: Kế hoạch tuyên truyền kiểm thử sao lưu năm 2026
  issuer: Sở Kiểm thử
  year: 2026
units:
  - id: phong-a
    name: Phòng Tuyên truyền A
    channels: [telegram:-1001]
tasks:
  - id: bao-cao-thang
    title: Gửi báo cáo tuyên truyền tháng 2
    owners: [phong-a]
    due: 2026-03-02
"""


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(TOKEN) as server:
        yield server


def _digest_status(database: Path) -> str | None:
    with closing(sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)) as reader:
        row = reader.execute("SELECT status FROM outbox WHERE kind = 'digest'").fetchone()
    return row[0] if row else None


async def _until_sent(database: Path, seconds: float = 15) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while _digest_status(database) != "sent":
        if loop.time() > deadline:
            raise AssertionError("the digest was never recorded as sent")
        await asyncio.sleep(0.05)


async def test_a_restored_backup_sends_nothing_twice(tmp_path: Path, fake: FakeTelegram) -> None:
    fake.add_chat(CHAT, "supergroup", title="Phòng Tuyên truyền A")
    database = tmp_path / "loa.db"
    env = loa_env(
        LOA_DATABASE_URL=f"sqlite:///{database}",
        LOA_TELEGRAM_TOKEN=TOKEN,
        LOA_TELEGRAM_API_URL=fake.url,
        LOA_NOW="2026-03-02T07:29:57+07:00",
        LOA_TICK_SECONDS="0.5",
        LOA_LISTEN=f"127.0.0.1:{free_port()}",
    )
    plan = tmp_path / "ke-hoach.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    backup = tmp_path / "sao-luu.db"

    async with LoaProcess(env, "--plan", str(plan), cwd=tmp_path) as loa:
        await loa.wait_healthy()
        [digest] = await fake.wait_for_messages(1, chat_id=CHAT, timeout=30)
        assert "Gửi báo cáo tuyên truyền tháng 2" in digest.text
        await _until_sent(database)

        taken = await run_loa_async("backup", "-o", str(backup), env=env, cwd=tmp_path)
        assert taken.returncode == 0, taken.stderr
        assert "dữ liệu cá nhân" in taken.stdout

        refused = await run_loa_async("restore", str(backup), env=env, cwd=tmp_path)
        assert refused.returncode == 2
        assert "đang được mở" in refused.stderr

    restored = await run_loa_async("restore", str(backup), env=env, cwd=tmp_path)
    assert restored.returncode == 0, restored.stderr
    assert _digest_status(database) == "sent"

    later = {**env, "LOA_NOW": "2026-03-02T08:00:00+07:00"}  # the digest is due all morning
    async with LoaProcess(later, cwd=tmp_path) as loa:
        await loa.wait_healthy()
        await asyncio.sleep(2)  # four ticks: time for a second digest, if there were one

    assert len(fake.sent_to(CHAT)) == 1
    assert fake.duplicates() == []
