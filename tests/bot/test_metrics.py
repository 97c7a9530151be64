"""GET /metrics: the figures an operator's Prometheus reads, from the running app (the
real `loa run` process is exercised in tests/e2e/test_metrics_e2e.py)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.app import LoaApp
from bot.config import Config
from bot.metrics import Metrics, MetricSources
from bot.storage.db import Database
from bot.storage.plans import save_plan
from content.plan_loader import parse_plan
from scheduler.dispatcher import DispatchReport
from tests.bot.telegram_harness import FAST_LIMITS, GROUP, PRIVATE
from tests.fakes import FakeTelegram

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]

PLAN = f"""\
plan:
  id: ke-hoach-do-dem
  title: Kế hoạch đo đếm
  year: 2026
units:
  - id: van-phong
    name: Văn phòng
    channels: [telegram:{GROUP}]
tasks:
  - id: bao-cao
    title: Gửi báo cáo tháng
    owners: [van-phong]
    due: 2026-03-02
"""
DIGEST_TIME = datetime.fromisoformat("2026-03-02T07:29:59+07:00")


def samples(text: str) -> Samples:
    """{(sample name, sorted labels): value} of a Prometheus text exposition."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_the_figures_come_from_their_sources_in_prometheus_text_format() -> None:
    async def depth() -> dict[str, int]:
        return {"pending": 4, "sent": 120, "failed": 2}

    metrics = Metrics(
        MetricSources(
            deliveries=lambda: {
                "telegram": DispatchReport(sent=120, retried=7, failed=2),
                "zalo": DispatchReport(),
            },
            inbound=lambda: {"telegram": 15, "zalo": 0},
            last_tick_age=lambda: 2.5,
            outbox_depth=depth,
        )
    )
    found = samples((await metrics.render()).decode())
    assert found[("loa_messages_sent_total", (("channel", "telegram"),))] == 120
    assert found[("loa_messages_retried_total", (("channel", "telegram"),))] == 7
    assert found[("loa_messages_failed_total", (("channel", "telegram"),))] == 2
    assert found[("loa_messages_sent_total", (("channel", "zalo"),))] == 0
    assert found[("loa_inbound_updates_total", (("channel", "telegram"),))] == 15
    assert {
        labels[0][1]: value
        for (name, labels), value in found.items()
        if name == "loa_outbox_messages"
    } == {"pending": 4, "sending": 0, "sent": 120, "failed": 2, "stale": 0}
    assert found[("loa_last_tick_age_seconds", ())] == 2.5


async def test_before_the_first_tick_there_is_no_tick_age() -> None:
    async def depth() -> dict[str, int]:
        return {}

    metrics = Metrics(MetricSources(dict, dict, lambda: None, depth))
    found = samples((await metrics.render()).decode())
    assert not any(name == "loa_last_tick_age_seconds" for name, _ in found)
    assert found[("loa_outbox_messages", (("status", "pending"),))] == 0


@pytest.fixture
async def app(tg: FakeTelegram, database_url: str, database: Database) -> AsyncIterator[LoaApp]:
    """Loa (Telegram, polling) on a free port, its plan due this morning."""
    async with database.session() as session:
        await save_plan(session, parse_plan(PLAN, "kh.yaml"), PLAN, DIGEST_TIME)
    config = Config(
        database_url=database_url,
        telegram_token=tg.token,
        telegram_api_url=tg.url,
        listen=("127.0.0.1", 0),
        now=DIGEST_TIME,
        tick_seconds=0.2,
        **FAST_LIMITS,
    )
    loa = LoaApp(config)
    await loa.start()
    try:
        yield loa
    finally:
        await loa.stop()


async def scrape(app: LoaApp) -> Samples:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{app.web.port}/metrics") as response,
    ):
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain; version=")
        return samples(await response.text())


async def test_a_polling_app_serves_its_deliveries_and_updates(
    tg: FakeTelegram, app: LoaApp
) -> None:
    await tg.wait_for_messages(1, chat_id=GROUP, timeout=15)  # the digest, from the outbox
    tg.message(PRIVATE, "/huongdan", chat_type="private")
    await tg.wait_for_messages(1, chat_id=PRIVATE, timeout=15)  # a reply: an outbox row too
    sent = ("loa_messages_sent_total", (("channel", "telegram"),))
    inbound = ("loa_inbound_updates_total", (("channel", "telegram"),))
    found = await scrape(app)
    for _ in range(50):  # a send is counted once its outcome is committed
        if found[sent] == 2 and found[inbound]:
            break
        await asyncio.sleep(0.1)
        found = await scrape(app)
    assert (found[sent], found[inbound]) == (2, 1)
    assert found[("loa_messages_failed_total", (("channel", "telegram"),))] == 0
    assert found[("loa_outbox_messages", (("status", "sent"),))] == 2
    assert found[("loa_outbox_messages", (("status", "pending"),))] == 0
    assert 0 <= found[("loa_last_tick_age_seconds", ())] < 5
