"""Loa's web server: the health check, and the Telegram webhook refusing forged or
over-long requests and handling each real update once."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import func, select

from bot.channels.telegram import SECRET_HEADER, WEBHOOK_PATH, TelegramChannel
from bot.channels.webhook import read_json
from bot.storage.db import Database
from bot.storage.models import InboundEvent
from bot.web import WebServer
from scheduler.delivery import ChannelDown
from tests.bot.telegram_harness import (
    PRIVATE,
    RecordingHandlers,
    running_channel,
    telegram_config,
)
from tests.fakes import FakeTelegram

SECRET = "Loa-webhook_secret-0123456789abcdef"


@pytest.fixture
async def server() -> AsyncIterator[WebServer]:
    web = WebServer(client_max_size=64 * 1024)
    await web.start("127.0.0.1", 0)
    yield web
    await web.stop()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def url(server: WebServer, path: str) -> str:
    return f"http://127.0.0.1:{server.port}{path}"


async def get_json(http: aiohttp.ClientSession, address: str) -> tuple[int, Any]:
    async with http.get(address) as response:
        return response.status, await response.json()


# --- health -----------------------------------------------------------------------------------

TICK = {"last_tick": "2026-02-03T07:29:56+07:00", "age_seconds": 4.0, "alive": True}


async def database_up() -> bool:
    return True


async def test_healthz_is_ok_when_every_part_is_alive(
    server: WebServer, http: aiohttp.ClientSession
) -> None:
    server.add_health("database", database_up)
    server.add_health("scheduler", lambda: TICK)
    server.add_health("telegram", lambda: {"running": True, "mode": "webhook"})
    server.add_health("zalo", lambda: {"running": True, "mode": "polling", "alive": True})
    status, body = await get_json(http, url(server, "/healthz"))
    assert status == 200
    assert body == {
        "status": "ok",
        "database": True,
        "scheduler": TICK,
        "channels": {
            "telegram": {"running": True, "mode": "webhook"},
            "zalo": {"running": True, "mode": "polling", "alive": True},
        },
    }


async def test_healthz_is_503_when_the_scheduler_stalls(
    server: WebServer, http: aiohttp.ClientSession
) -> None:
    server.add_health("database", database_up)
    server.add_health("scheduler", lambda: {**TICK, "age_seconds": 300.0, "alive": False})
    status, body = await get_json(http, url(server, "/healthz"))
    assert (status, body["status"], body["database"]) == (503, "degraded", True)
    assert body["scheduler"]["alive"] is False


async def test_healthz_is_503_when_the_database_fails_or_a_channel_stops(
    server: WebServer, http: aiohttp.ClientSession
) -> None:
    async def database_down() -> bool:
        raise OSError("connection refused")

    server.add_health("database", database_down)
    server.add_health("telegram", lambda: {"running": True, "mode": "polling"})
    status, body = await get_json(http, url(server, "/healthz"))
    assert (status, body["database"]) == (503, False)

    server.add_health("database", database_up)
    assert (await get_json(http, url(server, "/healthz")))[0] == 200
    server.add_health("telegram", lambda: {"running": False, "mode": "polling"})
    status, body = await get_json(http, url(server, "/healthz"))
    assert (status, body["status"], body["channels"]["telegram"]["running"]) == (
        503,
        "degraded",
        False,
    )


# --- routes -------------------------------------------------------------------------------------


async def test_unknown_paths_are_404_and_bodies_over_the_limit_413(
    server: WebServer, http: aiohttp.ClientSession
) -> None:
    async def echo(request: web.Request) -> web.Response:
        return web.json_response(await read_json(request))

    server.add_post_route("/echo", echo)  # added while the server runs
    async with http.post(url(server, "/echo"), json={"a": "á"}) as response:
        assert (response.status, await response.json()) == (200, {"a": "á"})
    async with http.post(url(server, "/echo"), data=b"{not json") as response:
        assert response.status == 400
    async with http.post(url(server, "/echo"), data=b"x" * (65 * 1024)) as response:
        assert response.status == 413
    async with http.post(url(server, "/nowhere"), json={}) as response:
        assert response.status == 404


# --- the Telegram webhook -------------------------------------------------------------------------


@pytest.fixture
async def webhook_channel(
    tg: FakeTelegram, database: Database, handlers: RecordingHandlers, server: WebServer
) -> AsyncIterator[TelegramChannel]:
    # The secret comes from the store (generated), not from LOA_WEBHOOK_SECRET.
    async with running_channel(
        tg,
        database,
        handlers,
        web=server,
        webhook_secret=SECRET,
        webhook_base_url=f"http://127.0.0.1:{server.port}",
    ) as channel:
        server.add_health("telegram", channel.health)
        yield channel


async def stored_updates(database: Database) -> int:
    async with database.session() as session:
        return int((await session.exec(select(func.count(InboundEvent.id)))).scalar_one())


def update(update_id: int, text: str) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "from": {"id": PRIVATE, "is_bot": False, "first_name": "Hà", "last_name": "Lê"},
            "chat": {"id": PRIVATE, "type": "private", "first_name": "Hà"},
            "date": 1770080000,
            "text": text,
        },
    }


async def post(
    http: aiohttp.ClientSession, server: WebServer, body: bytes, secret: str | None
) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    async with http.post(url(server, WEBHOOK_PATH), data=body, headers=headers) as response:
        return response.status


async def test_start_registers_the_webhook_with_its_secret(
    tg: FakeTelegram,
    server: WebServer,
    webhook_channel: TelegramChannel,
    http: aiohttp.ClientSession,
) -> None:
    assert tg.webhook.config is not None
    assert tg.webhook.config.url == url(server, WEBHOOK_PATH)
    assert tg.webhook.config.secret_token == SECRET
    status, body = await get_json(http, url(server, "/healthz"))
    assert (status, body["channels"]["telegram"]) == (200, {"running": True, "mode": "webhook"})


async def test_a_request_without_the_right_secret_is_refused_and_not_stored(
    server: WebServer,
    webhook_channel: TelegramChannel,
    http: aiohttp.ClientSession,
    database: Database,
    caplog: pytest.LogCaptureFixture,
) -> None:
    body = json.dumps(update(1, "/tiendo")).encode()
    assert await post(http, server, body, None) == 403
    assert await post(http, server, body, "wrong-secret") == 403
    assert await post(http, server, body, SECRET[:-1]) == 403
    assert await stored_updates(database) == 0
    assert "refused" in caplog.text
    assert SECRET not in caplog.text


async def test_an_update_posted_twice_is_handled_once(
    server: WebServer,
    webhook_channel: TelegramChannel,
    http: aiohttp.ClientSession,
    database: Database,
    handlers: RecordingHandlers,
) -> None:
    first = json.dumps(update(10, "xong")).encode()
    assert await post(http, server, first, SECRET) == 200
    assert await post(http, server, first, SECRET) == 200  # Telegram's retry
    assert await post(http, server, json.dumps(update(11, "/tiendo")).encode(), SECRET) == 200
    await handlers.wait_for(2)
    assert [event.text for event in handlers.events] == ["xong", "/tiendo"]
    assert await stored_updates(database) == 2


async def test_bad_bodies_are_refused(
    server: WebServer,
    webhook_channel: TelegramChannel,
    http: aiohttp.ClientSession,
    database: Database,
) -> None:
    assert await post(http, server, b"{not json", SECRET) == 400
    assert await post(http, server, b'{"message": {}}', SECRET) == 400  # no update_id
    assert await post(http, server, b"[1, 2]", SECRET) == 400
    huge = json.dumps(update(12, "x" * (70 * 1024))).encode()
    assert await post(http, server, huge, SECRET) == 413
    assert await stored_updates(database) == 0


async def test_updates_from_telegram_arrive_through_the_webhook(
    tg: FakeTelegram, webhook_channel: TelegramChannel, handlers: RecordingHandlers
) -> None:
    tg.message(PRIVATE, "/tiendo")
    [event] = await handlers.wait_for(1)
    assert (event.command, event.chat_id) == ("tiendo", str(PRIVATE))
    assert tg.webhook.deliveries[0].status == 200


async def test_webhooks_without_a_usable_secret_do_not_start(
    tg: FakeTelegram, database: Database, server: WebServer
) -> None:
    # A configured secret is checked when the settings are read (tests/bot/test_config.py);
    # this one is the channel's own check of the secret it is handed.
    for secret in (None, "has spaces and ü"):
        channel = TelegramChannel(
            telegram_config(tg, webhook_base_url=f"http://127.0.0.1:{server.port}"),
            database,
            RecordingHandlers(database),
            webhook_secret=secret,
        )
        with pytest.raises(ChannelDown, match="LOA_WEBHOOK_SECRET"):
            await channel.start(server)
    assert tg.requests == []  # refused before any call to Telegram
