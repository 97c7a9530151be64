"""The real `loa run` with Telegram webhooks, under hostile traffic that carries the
right secret: JSON nested 100,000 levels deep, type-confused updates, a client that
sends its headers one byte at a time, one that resets mid-body. Each is refused or
cut off, nothing is stored but real updates, a real user is still answered, and the
log holds no traceback."""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.web import IDLE_TIMEOUT
from tests.bot.webhook_harness import (
    TELEGRAM_FIXTURES,
    open_raw,
    post_head,
    read_until_closed,
    reset,
    send,
)
from tests.e2e.harness import LoaProcess, free_port, loa_env, run_loa_async
from tests.fakes.telegram_api import FakeTelegram

pytestmark = pytest.mark.e2e

TOKEN = "123456:E2E-hostile-token-not-real"
SECRET = "e2e-telegram-webhook-secret-7d1c"
ADMIN = 9001
PLAN = """\
plan:
  id: e2e-hostile
  title: Kế hoạch kiểm thử
  year: 2026
admins: [telegram:9001]
units:
  - id: phong-a
    name: Phòng A
tasks:
  - id: bao-cao
    title: Báo cáo
    owners: [phong-a]
    due: 2026-11-15
"""


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram(TOKEN)
    await server.start()
    server.add_chat(ADMIN, "private")
    yield server
    await server.stop()


async def post(url: str, body: bytes) -> int:
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with (
        aiohttp.ClientSession() as http,
        http.post(url, data=body, headers=headers) as answer,
    ):
        return answer.status


async def slow_headers(port: int) -> float:
    """Seconds until the server cuts a client that sends its headers a byte at a time."""
    loop = asyncio.get_running_loop()
    sock = await open_raw(port)
    head = post_head("telegram", 2, secret=SECRET)
    started = loop.time()

    async def dribble() -> None:
        for index in range(len(head) - 1):
            await send(sock, head[index : index + 1])
            await asyncio.sleep(0.5)

    dribbling = asyncio.create_task(dribble())
    try:
        assert await read_until_closed(sock, within=IDLE_TIMEOUT + 15) == b""
    finally:
        dribbling.cancel()
        sock.close()
    return loop.time() - started


async def test_hostile_webhook_traffic_is_refused_and_a_real_user_still_answered(
    tmp_path: Path, fake: FakeTelegram
) -> None:
    port = free_port()
    env = loa_env(
        LOA_DATABASE_URL=f"sqlite:///{tmp_path / 'loa.db'}",
        LOA_TELEGRAM_TOKEN=TOKEN,
        LOA_TELEGRAM_API_URL=fake.url,
        LOA_NOW="2026-03-02T10:00:00+07:00",
        LOA_LISTEN=f"127.0.0.1:{port}",
        LOA_WEBHOOK_BASE_URL=f"http://127.0.0.1:{port}",
        LOA_WEBHOOK_SECRET=SECRET,
    )
    (tmp_path / "plan.yaml").write_text(PLAN, encoding="utf-8")
    loaded = await run_loa_async("load", str(tmp_path / "plan.yaml"), env=env)
    assert loaded.returncode == 0, loaded.stderr

    async with LoaProcess(env, cwd=tmp_path) as loa:
        health = await loa.wait_healthy()
        assert health["channels"]["telegram"]["mode"] == "webhook"
        url = f"{loa.url}/webhook/telegram"
        slow = asyncio.create_task(slow_headers(port))

        assert await post(url, b"[" * 100_000 + b"]" * 100_000) == 400
        assert await post(url, b'{"update_id": true}') == 400
        confused = json.loads(json.dumps(TELEGRAM_FIXTURES["private_start"]))
        confused["message"]["chat"]["id"] = "9001"
        assert await post(url, json.dumps(confused).encode()) == 400

        body = json.dumps(TELEGRAM_FIXTURES["private_start"]).encode()
        resetting = await open_raw(port)
        await send(resetting, post_head("telegram", len(body), secret=SECRET) + body[:40])
        await asyncio.sleep(0.2)
        reset(resetting)

        # A real user, through the fake Telegram's own webhook delivery.
        fake.message(ADMIN, "/huongdan", chat_type="private")
        [answer] = await fake.wait_for_messages(1, chat_id=ADMIN, timeout=20)
        assert answer.text

        assert await slow < IDLE_TIMEOUT + 10  # cut off, not held while it dribbles on
        assert (await loa.wait_healthy())["status"] == "ok"
        assert await loa.kill(signal.SIGTERM) == 0

    output = loa.output()
    assert "Traceback" not in output, output
    assert "closed the connection mid-body" in output
    with sqlite3.connect(tmp_path / "loa.db") as db:
        stored = [json.loads(row[0]) for row in db.execute("SELECT payload FROM inbound_events")]
    assert [update["message"]["text"] for update in stored] == ["/huongdan"]
