"""The real `loa run` under the faults that used to lose or double messages: a kill
between the parts of a long message, a 502 outage while people wait for answers, a kill
right after a confirmation was recorded, a platform failing at start-up, an instance
killed while it held messages (SQLite: restarted at once; PostgreSQL: another instance
takes them over without any restart)."""

from __future__ import annotations

import asyncio
import json
import signal
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.storage.db import Database
from bot.storage.models import OutboxMessage
from tests.e2e.harness import LoaProcess, free_port, loa_env, run_loa_async
from tests.fakes import FakeTelegram, FakeZalo
from tests.fakes._common import wait_until

pytestmark = pytest.mark.e2e

TOKEN = "123456:E2E-faults-token-not-real"
NOW = "2026-03-02T07:29:57+07:00"  # Thứ Hai 02/03/2026, three seconds before the digests
GROUP = -1001
ZALO_GROUP = "f18c2e6a9b0d47c3e5a1"
ADMIN = 9001
MEMBER = 501
WAIT = 30.0


def plan_yaml(channels: list[str], tasks: int = 2, admins: str = f"telegram:{ADMIN}") -> str:
    """One unit per chat in `channels`, each with `tasks` tasks due today: with forty
    tasks the digest is far over a message's length and goes out in parts."""
    units = "".join(
        f"  - id: don-vi-{n}\n    name: Đơn vị {n}\n    channels: [{chat}]\n"
        for n, chat in enumerate(channels, 1)
    )
    work = "".join(
        f"  - id: viec-{n:02d}\n"
        f"    title: Việc số {n:02d} - đăng tin, bài tuyên truyền về chủ đề {n:02d} trên trang "
        "thông tin điện tử và các nhóm mạng xã hội của đơn vị, kèm đường dẫn minh chứng\n"
        "    owners: [all]\n"
        "    due: 2026-03-02\n"
        for n in range(1, tasks + 1)
    )
    return (
        "plan:\n  id: e2e-loi\n  title: Kế hoạch kiểm thử lỗi năm 2026\n  issuer: Sở Kiểm thử\n"
        f"  year: 2026\nadmins: [{admins}]\nanniversaries:\n  include: []\n"
        f"units:\n{units}tasks:\n{work}"
    )


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(TOKEN) as fake:
        fake.add_chat(GROUP, "supergroup", title="Đơn vị 1")
        fake.add_chat(ADMIN, "private")
        yield fake


@pytest.fixture
async def zalo() -> AsyncIterator[FakeZalo]:
    async with FakeZalo(seed=5) as fake:
        yield fake


def environment(tmp_path: Path, database_url: str | None = None, **more: str) -> dict[str, str]:
    return loa_env(
        LOA_DATABASE_URL=database_url or f"sqlite:///{tmp_path / 'loa.db'}",
        LOA_NOW=NOW,
        LOA_TICK_SECONDS="0.5",
        LOA_LISTEN=f"127.0.0.1:{free_port()}",
        **more,
    )


def telegram_env(fake: FakeTelegram) -> dict[str, str]:
    return {"LOA_TELEGRAM_TOKEN": TOKEN, "LOA_TELEGRAM_API_URL": fake.url}


def zalo_env(fake: FakeZalo) -> dict[str, str]:
    return {"LOA_ZALO_TOKEN": fake.token, "LOA_ZALO_API_URL": fake.url}


async def load(plan: str, tmp_path: Path, env: dict[str, str]) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(plan, encoding="utf-8")
    result = await run_loa_async("load", str(path), env=env)
    assert result.returncode == 0, result.stderr


async def until(condition: Callable[[], Any], what: str, seconds: float = WAIT) -> Any:
    return await wait_until(condition, within=seconds, describe=lambda: f"no {what}")


async def health(loa: LoaProcess) -> tuple[int, dict[str, Any]]:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{loa.url}/healthz") as response,
    ):
        return response.status, await response.json(content_type=None)


async def kill_when_held(loa: LoaProcess, fake: FakeTelegram | FakeZalo) -> None:
    """kill -9 while a send is held at the fake (never processed: the client is gone)."""
    await until(lambda: fake.gate.waiting >= 1, "send in flight")
    await asyncio.sleep(0.5)  # answers that came before the hold are committed by now
    await loa.kill(signal.SIGKILL)
    fake.release()


# --- split messages -------------------------------------------------------------------------


@pytest.mark.parametrize("platform", ["telegram", "zalo"])
async def test_a_kill_between_the_parts_of_a_long_digest_sends_no_part_twice(
    platform: str, tmp_path: Path, telegram: FakeTelegram, zalo: FakeZalo
) -> None:
    fake: FakeTelegram | FakeZalo = telegram if platform == "telegram" else zalo
    chat: Any = GROUP if platform == "telegram" else ZALO_GROUP
    env = environment(tmp_path, **(telegram_env(telegram) if fake is telegram else zalo_env(zalo)))
    await load(plan_yaml([f"{platform}:{chat}"], tasks=40), tmp_path, env)
    last_item = "Việc số 40"

    first = LoaProcess(env).start()
    try:
        await first.wait_healthy()
        await fake.wait_for_messages(1, chat, timeout=WAIT)
        # Loa sends one message a second to a chat: the next part is a second away.
        fake.hold()
        await kill_when_held(first, fake)
    finally:
        await first.kill(signal.SIGKILL)
    before = len(fake.sent_to(chat))
    assert before >= 1 and not any(last_item in m.content for m in fake.sent_to(chat))

    async with LoaProcess(env) as second:
        await second.wait_healthy()
        await until(lambda: any(last_item in m.content for m in fake.sent_to(chat)), "last part")
        await asyncio.sleep(1.5)  # time for a repeated part to show, if there were one
    parts = [m.content for m in fake.sent_to(chat)]
    assert len(parts) >= 2 and len(parts) == len(set(parts))  # every part once
    assert parts[0].startswith("🔔") and "Việc số 01" in parts[0]
    assert fake.duplicates() == []


# --- replies ----------------------------------------------------------------------------------


async def test_replies_wait_out_a_502_outage_and_a_kill_and_arrive_once(
    tmp_path: Path, telegram: FakeTelegram
) -> None:
    env = environment(tmp_path, **telegram_env(telegram))
    await load(plan_yaml([f"telegram:{GROUP}"]), tmp_path, env)
    people = [700_001 + n for n in range(5)]

    first = LoaProcess(env).start()
    try:
        await first.wait_healthy()
        [digest] = await telegram.wait_for_messages(1, GROUP, timeout=WAIT)
        # Twelve seconds in which every message Loa sends fails.
        telegram.fail_next(100_000, status=502, methods=["sendMessage"])
        for person in people:
            telegram.message(person, "/huongdan", user_id=person, chat_type="private")
        await asyncio.sleep(12)
        assert all(telegram.sent_to(person) == [] for person in people)
        telegram.faults.clear()
        for person in people:
            [answer] = await telegram.wait_for_messages(1, person, timeout=WAIT)
            assert answer.content.startswith("📖 Hướng dẫn dùng Loa")

        # A confirmation recorded, then the process dies before its answer went out.
        telegram.hold(["sendMessage"])
        telegram.message(GROUP, "xong 1", user_id=MEMBER, reply_to_message=digest)
        await kill_when_held(first, telegram)
    finally:
        await first.kill(signal.SIGKILL)
    rows = await progress(env)
    assert rows["viec-01"]["status"] == "done"  # committed with the stored answer

    async with LoaProcess(env) as second:
        await second.wait_healthy()
        [_, answer] = await telegram.wait_for_messages(2, GROUP, timeout=WAIT)
        assert answer.content.startswith("✅ Đã ghi nhận việc 1")
        assert answer.reply_to_message_id is not None  # still quotes the "xong 1"
        await asyncio.sleep(1.5)
    assert [len(telegram.sent_to(person)) for person in people] == [1] * 5
    assert len(telegram.sent_to(GROUP)) == 2
    assert telegram.duplicates() == []


async def progress(env: dict[str, str]) -> dict[str, dict[str, Any]]:
    result = await run_loa_async("progress", "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    return {row["task"]: row for row in json.loads(result.stdout)}


# --- start-up ---------------------------------------------------------------------------------


async def test_a_platform_failing_at_start_up_is_retried_not_fatal(
    tmp_path: Path, telegram: FakeTelegram
) -> None:
    env = environment(tmp_path, **telegram_env(telegram))
    await load(plan_yaml([f"telegram:{GROUP}"]), tmp_path, env)
    telegram.fail_next(2, status=502, methods=["getMe"])
    telegram.fail_next(1, status=502, methods=["deleteWebhook"])
    telegram.fail_next(2, status=502, methods=["setMyCommands"])
    async with LoaProcess(env) as loa:
        report = await loa.wait_healthy(timeout=60)
        assert report["channels"]["telegram"]["running"] is True
        await telegram.wait_for_messages(1, GROUP, timeout=WAIT)  # the digest
        await until(lambda: telegram.command_names(), "command menu")
        assert loa.returncode is None
    assert loa.output().count("starting Telegram failed") == 3


async def test_with_zalo_alone_a_failing_get_me_keeps_loa_trying(
    tmp_path: Path, zalo: FakeZalo
) -> None:
    env = environment(tmp_path, **zalo_env(zalo))
    await load(plan_yaml([f"zalo:{ZALO_GROUP}"], admins=f"zalo:{ZALO_GROUP}"), tmp_path, env)
    zalo.fail_next(1_000, status=500, methods=["getMe"])
    async with LoaProcess(env) as loa:
        await loa.wait_for_output("starting Zalo failed")
        status, report = await health(loa)
        assert status == 503 and report["status"] == "degraded"
        assert report["channels"]["zalo"]["state"] == "starting"
        await asyncio.sleep(3)
        assert loa.returncode is None  # still trying, not exited
        zalo.faults.clear()
        await loa.wait_healthy(timeout=60)
        await zalo.wait_for_messages(1, ZALO_GROUP, timeout=WAIT)  # the digest, late


async def test_admins_hear_through_telegram_that_zalo_does_not_start_and_when_it_does(
    tmp_path: Path, telegram: FakeTelegram, zalo: FakeZalo
) -> None:
    env = environment(tmp_path, **telegram_env(telegram), **zalo_env(zalo))
    plan = plan_yaml([f"telegram:{GROUP}", f"zalo:{ZALO_GROUP}"])
    await load(plan, tmp_path, env)
    zalo.fail_next(1_000, status=500, methods=["getMe"])
    async with LoaProcess(env) as loa:
        [down] = await telegram.wait_for_messages(1, ADMIN, timeout=WAIT)
        assert down.content.startswith("⚠️ Loa chưa kết nối được Zalo")
        status, report = await health(loa)
        assert status == 503 and report["channels"]["telegram"]["running"] is True
        await telegram.wait_for_messages(1, GROUP, timeout=WAIT)  # Telegram goes on
        zalo.faults.clear()
        [_, up] = await telegram.wait_for_messages(2, ADMIN, timeout=60)
        assert up.content == "✅ Loa đã kết nối lại được Zalo."
        await loa.wait_healthy(timeout=WAIT)
        await zalo.wait_for_messages(1, ZALO_GROUP, timeout=WAIT)
    assert telegram.duplicates() == zalo.duplicates() == []


# --- an instance killed while it holds messages -------------------------------------------------


async def test_an_instance_killed_holding_messages_leaves_none_stuck(
    tmp_path: Path, telegram: FakeTelegram, database_url: str
) -> None:
    """SQLite: the process restarts at once (as systemd would) and takes back what it
    held. PostgreSQL: a second instance, running all along, takes the dead one's
    messages over once their lease has run out: no restart needed."""
    groups = [-100_300 - n for n in range(12)]
    for group in groups:
        telegram.add_chat(group, "supergroup")
    lease = 3
    env = environment(
        tmp_path, database_url, LOA_CLAIM_LEASE_SECONDS=str(lease), **telegram_env(telegram)
    )
    await load(plan_yaml([f"telegram:{group}" for group in groups]), tmp_path, env)
    postgres = not database_url.startswith("sqlite")
    telegram.hold()  # every digest request waits at the fake, unanswered
    victim = LoaProcess(env, log_path=tmp_path / "victim.log").start()
    started = asyncio.get_running_loop().time()

    def second_instance() -> LoaProcess:
        """On the same clock as the first (instances compare each other's leases)."""
        elapsed = timedelta(seconds=asyncio.get_running_loop().time() - started)
        now = (datetime.fromisoformat(NOW) + elapsed).isoformat()
        other = env | {"LOA_LISTEN": f"127.0.0.1:{free_port()}", "LOA_NOW": now}
        return LoaProcess(other, log_path=tmp_path / "survivor.log").start()

    survivor: LoaProcess | None = None
    try:
        await victim.wait_healthy()
        await until(lambda: telegram.gate.waiting == len(groups), "all digests in flight")
        if postgres:
            survivor = second_instance()  # up while the first still holds everything
            await survivor.wait_healthy()
        await victim.kill(signal.SIGKILL)
        telegram.release()  # the dead process's requests are dropped, never delivered
        assert await statuses(database_url) == {"sending": len(groups)}
        killed_at = asyncio.get_running_loop().time()
        if survivor is None:
            survivor = second_instance()  # SQLite: the same process again, as systemd would
            await survivor.wait_healthy()
        await until(lambda: len(telegram.sent) == len(groups), "every digest", seconds=60)
        took = asyncio.get_running_loop().time() - killed_at
        await asyncio.sleep(1.5)
    finally:
        await victim.kill(signal.SIGKILL)
        if survivor is not None:
            await survivor.kill()
    assert sorted(m.chat_id for m in telegram.sent) == sorted(groups)  # each digest once
    assert telegram.duplicates() == []
    assert await statuses(database_url) == {"sent": len(groups)}
    if postgres:
        assert took < lease + 10  # taken over when the lease ran out, not at a restart


async def statuses(database_url: str) -> dict[str, int]:
    """How many outbox rows are in each status (read straight from the database)."""
    database = Database(database_url)
    try:
        async with database.session() as session:
            result = await session.exec(
                select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
            )
            return {status: count for status, count in result.all()}
    finally:
        await database.close()
