"""Hostile webhook traffic over real HTTP (raw sockets where a client must misbehave):
bodies that only look like updates, JSON a database or a recursive parser chokes on,
clients that send slowly, too many connections, resets mid-request. Each is refused
with a 4xx (or the connection closed), stores nothing and logs no traceback."""

from __future__ import annotations

import asyncio
import copy
import gzip
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.channels import webhook
from bot.storage.db import Database
from tests.bot.telegram_harness import RecordingHandlers
from tests.bot.webhook_harness import (
    SECRET,
    SECRET_HEADERS,
    TELEGRAM_FIXTURES,
    ZALO_FIXTURES,
    Hooks,
    open_raw,
    post_head,
    read_until_closed,
    reset,
    send,
    stored,
    unreadable,
    webhooks,
)
from tests.fakes import FakeTelegram, FakeZalo

TEXT_UPDATE = TELEGRAM_FIXTURES["private_start"]
ZALO_TEXT = ZALO_FIXTURES["text_private"]


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO)
    return caplog


def tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.exc_info]


async def post(hooks: Hooks, platform: str, body: bytes, **headers: str) -> int:
    headers = {"Content-Type": "application/json", SECRET_HEADERS[platform]: SECRET, **headers}
    async with (
        aiohttp.ClientSession() as http,
        http.post(hooks.url(platform), data=body, headers=headers) as response,
    ):
        return response.status


def changed(update: dict[str, Any], path: str, value: Any) -> bytes:
    """The update as JSON with the field at the dotted `path` set to `value`."""
    edited = copy.deepcopy(update)
    *parents, last = path.split(".")
    target = edited
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    target[last] = value
    return json.dumps(edited).encode()


# --- bodies --------------------------------------------------------------------------------------


@pytest.mark.parametrize("platform", ["telegram", "zalo"])
async def test_json_nested_100000_levels_deep_is_a_400_without_a_traceback(
    hooks: Hooks, platform: str, logs: pytest.LogCaptureFixture
) -> None:
    assert await post(hooks, platform, b"[" * 100_000 + b"]" * 100_000) == 400
    assert await post(hooks, platform, b'{"a":' * 100_000 + b"1" + b"}" * 100_000) == 400
    assert tracebacks(logs) == []
    assert await stored(hooks.database) == []


@pytest.mark.parametrize(
    "body",
    [
        b'{"update_id": true}',
        b'{"update_id": "512000104"}',
        b'{"update_id": 512000104.0}',
        b'{"update_id": -1}',
        b'{"update_id": 18446744073709551616}',
        changed(TEXT_UPDATE, "update_id", False),
        changed(TEXT_UPDATE, "message", []),
        changed(TEXT_UPDATE, "message.chat.id", "-100123"),
        changed(TEXT_UPDATE, "message.text", 5),
        changed(TEXT_UPDATE, "message.from.is_bot", "false"),
        changed(TEXT_UPDATE, "message.date", "hôm nay"),
        changed(TEXT_UPDATE, "message.sticker", 5),  # read by PTB, not by Loa's check
        changed(
            TEXT_UPDATE, "message.entities", [{"type": "url", "offset": 1, "length": 1}]
        ).replace(b'"/start', b'"\\ud83d\\ude00 /start'),  # a link half inside an emoji
        changed(TELEGRAM_FIXTURES["callback_query"], "callback_query.data", 5),
        changed(TELEGRAM_FIXTURES["my_chat_member_kicked"], "my_chat_member.new_chat_member", {}),
        b"[]",
        b'"update"',
        b"null",
    ],
)
async def test_type_confused_telegram_updates_are_refused_and_not_stored(
    hooks: Hooks, body: bytes, logs: pytest.LogCaptureFixture, handlers: RecordingHandlers
) -> None:
    assert await post(hooks, "telegram", body) == 400
    assert await stored(hooks.database) == []
    assert handlers.events == []
    assert tracebacks(logs) == []


@pytest.mark.parametrize(
    "body",
    [
        changed(ZALO_TEXT, "message", [1]),
        changed(ZALO_TEXT, "message.from", "Lan"),
        changed(ZALO_TEXT, "message.from.id", True),
        changed(ZALO_TEXT, "message.chat.id", {"id": 1}),
        changed(ZALO_TEXT, "message.text", ["xong"]),
        changed(ZALO_TEXT, "message.message_id", "x" * 1000),
        changed(ZALO_TEXT, "message.from.is_bot", "false"),
        changed(ZALO_FIXTURES["webhook_wrapped"], "result.message.chat", []),
        b'{"event_name": 1}',
    ],
)
async def test_type_confused_zalo_updates_are_refused_and_not_stored(
    hooks: Hooks, body: bytes, logs: pytest.LogCaptureFixture, handlers: RecordingHandlers
) -> None:
    assert await post(hooks, "zalo", body) == 400
    assert await stored(hooks.database) == []
    assert handlers.events == []
    assert tracebacks(logs) == []


@pytest.mark.parametrize("platform", ["telegram", "zalo"])
@pytest.mark.parametrize(
    "spoiler",
    [
        b"NaN",
        b"1e400",  # infinite: JSON (and PostgreSQL) have no such number
        b'"\\ud800"',  # half a surrogate pair: not text
        b'"\xff\xfe"',  # not UTF-8
        b"[" * 40 + b"]" * 40,  # deeper than MAX_DEPTH inside a valid update
    ],
    ids=["nan", "infinity", "lone surrogate", "not utf-8", "too deep"],
)
async def test_json_the_database_cannot_store_is_a_400(
    hooks: Hooks, platform: str, spoiler: bytes
) -> None:
    update = TEXT_UPDATE if platform == "telegram" else ZALO_TEXT
    body = json.dumps({**update, "extra": "SPOILER"}).encode().replace(b'"SPOILER"', spoiler)
    assert await post(hooks, platform, body) == 400
    assert await stored(hooks.database) == []


async def test_every_recorded_update_is_accepted_stored_and_readable(
    hooks: Hooks, handlers: RecordingHandlers
) -> None:
    for update in TELEGRAM_FIXTURES.values():
        assert await post(hooks, "telegram", json.dumps(update).encode()) == 200
    for update in ZALO_FIXTURES.values():
        assert await post(hooks, "zalo", json.dumps(update).encode()) == 200
    rows = await stored(hooks.database)
    assert len(rows) == len(TELEGRAM_FIXTURES) + len(ZALO_FIXTURES)
    assert [unreadable(hooks, row) for row in rows] == [None] * len(rows)


# --- connections --------------------------------------------------------------------------------


@pytest.fixture
async def strict_hooks(
    tg: FakeTelegram, fake_zalo: FakeZalo, database: Database, handlers: RecordingHandlers
) -> AsyncIterator[Hooks]:
    """The webhooks on a server with a 1-second idle timeout and room for 3 connections."""
    async with webhooks(
        tg, fake_zalo, database, handlers, idle_timeout=1.0, max_connections=3
    ) as running:
        yield running


async def test_a_client_sending_its_headers_slowly_is_disconnected(strict_hooks: Hooks) -> None:
    sock = await open_raw(strict_hooks.web.port or 0)
    head = post_head("telegram", 2)
    loop = asyncio.get_running_loop()
    started = loop.time()

    async def dribble() -> None:
        for index in range(len(head) - 1):  # never the last byte
            await send(sock, head[index : index + 1])
            await asyncio.sleep(0.05)

    dribbling = asyncio.create_task(dribble())
    try:
        answer = await read_until_closed(sock, within=10)
    finally:
        dribbling.cancel()
        sock.close()
    assert answer == b""  # closed without a request ever being handled
    assert loop.time() - started < 5  # the idle timeout (1 s), not the 3 s of dribbling
    assert await stored(strict_hooks.database) == []


async def test_a_client_sending_its_body_slowly_gets_a_408_and_is_disconnected(
    strict_hooks: Hooks, monkeypatch: pytest.MonkeyPatch, logs: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(webhook, "BODY_TIMEOUT", 0.5)
    body = json.dumps(TEXT_UPDATE).encode()
    sock = await open_raw(strict_hooks.web.port or 0)
    try:
        await send(sock, post_head("telegram", len(body)) + body[:10])
        answer = await read_until_closed(sock, within=15)
    finally:
        sock.close()
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert "body not received within" in logs.text
    assert tracebacks(logs) == []
    assert await stored(strict_hooks.database) == []


async def test_past_the_connection_limit_new_clients_get_a_503_until_one_closes(
    strict_hooks: Hooks, logs: pytest.LogCaptureFixture
) -> None:
    port = strict_hooks.web.port or 0
    idle = [await open_raw(port) for _ in range(3)]
    try:
        await asyncio.sleep(0.1)  # accepted by the server
        for _ in range(2):
            extra = await open_raw(port)
            try:
                answer = await read_until_closed(extra, within=5)
            finally:
                extra.close()
            assert answer.startswith(b"HTTP/1.1 503 ")
        assert logs.text.count("refusing new ones") == 1  # once per episode, not per client
        idle.pop().close()
        await asyncio.sleep(0.1)
        assert await post(strict_hooks, "telegram", json.dumps(TEXT_UPDATE).encode()) == 200
    finally:
        for sock in idle:
            sock.close()


@pytest.mark.parametrize("platform", ["telegram", "zalo"])
async def test_a_client_reset_mid_body_is_one_log_line_and_nothing_stored(
    hooks: Hooks, platform: str, logs: pytest.LogCaptureFixture
) -> None:
    body = json.dumps(TEXT_UPDATE if platform == "telegram" else ZALO_TEXT).encode()
    sock = await open_raw(hooks.web.port or 0)
    await send(sock, post_head(platform, len(body)) + body[: len(body) // 2])
    await asyncio.sleep(0.2)
    reset(sock)
    await asyncio.sleep(0.3)
    assert "closed the connection mid-body" in logs.text
    assert tracebacks(logs) == []
    assert await stored(hooks.database) == []
    assert await post(hooks, platform, body) == 200  # the server carries on


async def test_a_malformed_request_is_a_400_logged_on_one_line(
    hooks: Hooks, logs: pytest.LogCaptureFixture
) -> None:
    sock = await open_raw(hooks.web.port or 0)
    try:
        await send(
            sock,
            b"POST /webhook/telegram HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"zz\r\n{}\r\n",
        )
        answer = await read_until_closed(sock, within=5)
    finally:
        sock.close()
    assert answer.split(b"\r\n")[0].endswith(b" 400 Bad Request")
    assert "web server: dropped a bad request" in logs.text
    assert tracebacks(logs) == []


async def test_a_compressed_body_is_not_inflated(hooks: Hooks) -> None:
    zeros = gzip.compress(b"0" * 10_000_000)  # 10 MB of zeros in 10 KB
    assert await post(hooks, "telegram", zeros, **{"Content-Encoding": "gzip"}) == 400
    assert await stored(hooks.database) == []
