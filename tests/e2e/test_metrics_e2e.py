"""The real `loa run` (polling Telegram, logs as JSON) serves /metrics on LOA_LISTEN, as
an operator's Prometheus and log collector would read them."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.harness import LoaProcess, free_port, loa_env, run_loa_async
from tests.fakes.telegram_api import FakeTelegram

pytestmark = pytest.mark.e2e

TOKEN = "424242:metrics-e2e-token-not-real"
GROUP, ADMIN = -1001, 9001
PLAN = """\
plan:
  id: e2e-metrics
  title: Kế hoạch kiểm thử đo đếm
  year: 2026
admins: [telegram:9001]
units:
  - id: phong-a
    name: Phòng A
    channels: [telegram:-1001]
tasks:
  - id: bao-cao
    title: Gửi báo cáo tháng 2
    owners: [phong-a]
    due: 2026-03-02
"""


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram(TOKEN)
    server.add_chat(GROUP, "supergroup", title="Phòng A")
    server.add_chat(ADMIN, "private")
    await server.start()
    yield server
    await server.stop()


async def scrape(loa: LoaProcess) -> dict[str, float]:
    """{'name{label="value"}': value} from GET /metrics."""
    async with aiohttp.ClientSession() as http, http.get(f"{loa.url}/metrics") as response:
        assert response.status == 200
        text = await response.text()
    return {
        sample.name + "".join(f'{{{k}="{v}"}}' for k, v in sorted(sample.labels.items())): (
            sample.value
        )
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_loa_run_serves_metrics_and_logs_json_lines(tmp_path: Path, fake) -> None:
    env = loa_env(
        LOA_DATABASE_URL=f"sqlite:///{tmp_path / 'loa.db'}",
        LOA_TELEGRAM_TOKEN=TOKEN,
        LOA_TELEGRAM_API_URL=fake.url,
        LOA_NOW="2026-03-02T07:29:58+07:00",
        LOA_TICK_SECONDS="0.5",
        LOA_LISTEN=f"127.0.0.1:{free_port()}",
        LOA_LOG_FORMAT="json",
    )
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    assert (await run_loa_async("load", str(plan), env=env)).returncode == 0

    async with LoaProcess(env, cwd=tmp_path) as loa:
        await loa.wait_healthy()
        before = await scrape(loa)
        # The digest is due at 07:30:00: on a slow machine it may be out already.
        assert before['loa_messages_sent_total{channel="telegram"}'] in (0, 1)
        assert before['loa_inbound_updates_total{channel="telegram"}'] == 0

        await fake.wait_for_messages(1, chat_id=GROUP, timeout=30)  # the morning digest
        fake.message(ADMIN, "/tiendo", user_id=ADMIN, chat_type="private")
        await fake.wait_for_messages(1, chat_id=ADMIN, timeout=15)
        for _ in range(100):  # a send is counted once its outcome is committed
            after = await scrape(loa)
            if after['loa_messages_sent_total{channel="telegram"}'] >= 2:
                break
            await asyncio.sleep(0.1)
        # The digest and the reply to /tiendo (replies go through the outbox too).
        assert after['loa_messages_sent_total{channel="telegram"}'] == 2
        assert after['loa_messages_failed_total{channel="telegram"}'] == 0
        assert after['loa_inbound_updates_total{channel="telegram"}'] == 1
        assert after['loa_outbox_messages{status="sent"}'] == 2
        assert after['loa_outbox_messages{status="pending"}'] == 0
        assert 0 <= after["loa_last_tick_age_seconds"] < 10
        output = loa.output()

    entries = [json.loads(line) for line in output.splitlines() if line.strip()]
    assert entries, "loa run wrote no log line"
    for entry in entries:
        assert {"time", "level", "logger", "message"} <= set(entry)
        assert entry["time"].endswith("+07:00")
    assert any(entry["message"].startswith("Loa is running") for entry in entries)
    assert TOKEN not in output
