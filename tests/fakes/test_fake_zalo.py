"""FakeZalo driven over HTTP with aiohttp, as Loa's Zalo adapter will drive the real API."""

from __future__ import annotations

import asyncio
import json
import re
import sys
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from ._common import wait_until
from .webhook_receiver import Receiver
from .zalo_api import FakeZalo

FIXTURES = Path(__file__).parents[1] / "fixtures" / "zalo"
REPO = Path(__file__).parents[2]
USER = "6ede9afa66b88fe6d6a9"
GROUP = "f18c2e6a9b0d47c3e5a1"
OPAQUE = re.compile(r"[0-9a-f]{20}")


async def call(
    http: aiohttp.ClientSession, zalo: FakeZalo, method: str, body: dict | None = None, **kw: Any
) -> tuple[int, dict]:
    token = kw.pop("token", zalo.token)
    async with http.post(f"{zalo.url}/bot{token}/{method}", json=body or {}, **kw) as response:
        return response.status, await response.json()


async def test_get_me(zalo: FakeZalo, http: aiohttp.ClientSession) -> None:
    status, body = await call(http, zalo, "getMe")
    assert status == 200 and body["ok"] is True
    assert body["result"] == {
        "id": "1459232241454765289",
        "account_name": "bot.LoaTest",
        "account_type": "BASIC",
        "can_join_groups": True,
    }


async def test_bad_token_and_unknown_method(zalo: FakeZalo, http: aiohttp.ClientSession) -> None:
    assert await call(http, zalo, "getMe", token="1459232241454765289:wrong") == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )
    status, body = await call(http, zalo, "sendVoice", {"chat_id": USER})
    assert (status, body["error_code"], body["ok"]) == (404, 404, False)


async def test_send_message_and_its_limits(zalo: FakeZalo, http: aiohttp.ClientSession) -> None:
    status, body = await call(http, zalo, "sendMessage", {"chat_id": USER, "text": "ư" * 2000})
    assert status == 200 and OPAQUE.fullmatch(body["result"]["message_id"])
    assert body["result"]["date"] > 1_600_000_000_000  # milliseconds
    for bad in (
        {"chat_id": USER, "text": "ư" * 2001},
        {"chat_id": USER, "text": ""},
        {"chat_id": 12345, "text": "id phải là chuỗi"},
    ):
        status, body = await call(http, zalo, "sendMessage", bad)
        assert (status, body["ok"], body["error_code"]) == (400, False, 400)
    assert [(s.chat_id, len(s.text or "")) for s in zalo.sent] == [(USER, 2000)]


async def test_photo_sticker_and_chat_action(zalo: FakeZalo, http: aiohttp.ClientSession) -> None:
    photo = {"chat_id": GROUP, "photo": "https://example.org/bang-ron.jpg", "caption": "Mẫu"}
    assert (await call(http, zalo, "sendPhoto", photo))[0] == 200
    assert (await call(http, zalo, "sendPhoto", {"chat_id": GROUP, "photo": "tep.jpg"}))[0] == 400
    assert (await call(http, zalo, "sendSticker", {"chat_id": GROUP, "sticker": "0e07"}))[0] == 200
    status, body = await call(http, zalo, "sendChatAction", {"chat_id": GROUP, "action": "typing"})
    assert (status, body) == (200, {"ok": True, "result": True})
    assert [(s.method, s.content) for s in zalo.sent] == [
        ("sendPhoto", "Mẫu"),
        ("sendSticker", "0e07"),
    ]
    assert zalo.chat_actions == [(GROUP, "typing")]


async def test_get_updates_gives_one_update_then_408(
    zalo: FakeZalo, http: aiohttp.ClientSession
) -> None:
    first = zalo.text_message(USER, "xong")
    second = zalo.text_message(GROUP, "xong 2", user_id=USER, chat_type="GROUP")
    assert await call(http, zalo, "getUpdates", {"timeout": "30"}) == (
        200,
        {"ok": True, "result": first},
    )
    assert (await call(http, zalo, "getUpdates", {"timeout": "30"}))[1]["result"] == second
    assert await call(http, zalo, "getUpdates", {"timeout": "0.2"}) == (
        408,
        {"ok": False, "error_code": 408, "description": "Request timeout"},
    )


async def test_long_poll_wakes_on_an_update(zalo: FakeZalo, http: aiohttp.ClientSession) -> None:
    poll = asyncio.create_task(call(http, zalo, "getUpdates", {"timeout": "30"}))
    await wait_until(lambda: zalo.requests, within=5, describe=str)
    update = zalo.image_message(USER, "https://photo.example/a.jpg", "băng rôn")
    assert (await poll)[1]["result"] == update
    assert update["message"]["photo"] == "https://photo.example/a.jpg"


async def test_redelivery_hands_each_update_out_twice(
    zalo: FakeZalo, http: aiohttp.ClientSession
) -> None:
    zalo.redeliver = True
    first = zalo.text_message(USER, "xong 1")
    second = zalo.text_message(USER, "xong 2")
    got = [(await call(http, zalo, "getUpdates", {"timeout": "1"}))[1]["result"] for _ in range(4)]
    assert got == [first, first, second, second]


async def test_update_builders_look_like_zalo(zalo: FakeZalo) -> None:
    group = zalo.updates.text(GROUP, "xong 2", user_id=USER, chat_type="GROUP", display_name="Lan")
    message = group["message"]
    assert group["event_name"] == "message.text.received"
    assert message["chat"] == {"id": GROUP, "chat_type": "GROUP"}
    assert message["from"] == {"id": USER, "display_name": "Lan", "is_bot": False}
    assert OPAQUE.fullmatch(message["message_id"]) and isinstance(message["date"], int)
    unsupported = zalo.updates.unsupported(USER)["message"]
    assert set(unsupported) == {"from", "chat", "message_id", "date"}  # content withheld
    with pytest.raises(ValueError, match="GROUP message needs user_id"):
        zalo.updates.text(GROUP, "xong", chat_type="GROUP")


@pytest.mark.parametrize("name", ["text_private", "group_quote_xong", "image", "unsupported"])
async def test_fixtures_come_back_from_get_updates(
    zalo: FakeZalo, http: aiohttp.ClientSession, name: str
) -> None:
    update = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    assert isinstance(update["message"]["from"]["id"], str) and update["event_name"].endswith(
        ".received"
    )
    zalo.inject_update(update)
    assert (await call(http, zalo, "getUpdates", {"timeout": "1"}))[1]["result"] == update


async def test_webhook_posts_wrapped_or_bare_with_the_secret(
    zalo: FakeZalo, http: aiohttp.ClientSession, receiver: Receiver
) -> None:
    wrapped = json.loads((FIXTURES / "webhook_wrapped.json").read_text(encoding="utf-8"))
    receiver.secret = "loa-webhook-secret"
    assert (await call(http, zalo, "setWebhook", {"url": receiver.url, "secret_token": "short"}))[
        0
    ] == 400
    status, body = await call(
        http, zalo, "setWebhook", {"url": receiver.url, "secret_token": receiver.secret}
    )
    assert status == 200 and body["result"]["url"] == receiver.url
    zalo.inject_update(wrapped["result"])
    await wait_until(lambda: receiver.received, within=5, describe=str)
    headers, posted = receiver.received[0]
    assert headers["X-Bot-Api-Secret-Token"] == "loa-webhook-secret" and posted == wrapped
    zalo.webhook_wrap, zalo.redeliver = False, True
    bare = zalo.text_message(USER, "xong")
    await wait_until(lambda: len(receiver.received) == 3, within=5, describe=str)
    assert [body for _, body in receiver.received[1:]] == [bare, bare]
    assert [d.status for d in zalo.deliveries] == [200, 200, 200]
    assert (await call(http, zalo, "getUpdates", {"timeout": "1"}))[0] == 400
    assert (await call(http, zalo, "getWebhookInfo"))[1]["result"]["url"] == receiver.url
    assert (await call(http, zalo, "deleteWebhook"))[1]["result"]["url"] == ""


async def test_forged_posts_are_refused_by_a_checking_bot(
    zalo: FakeZalo, http: aiohttp.ClientSession, receiver: Receiver
) -> None:
    receiver.secret = "loa-webhook-secret"
    await call(http, zalo, "setWebhook", {"url": receiver.url, "secret_token": receiver.secret})
    assert await zalo.post_forged(secret="not-the-secret") == 403
    assert await zalo.post_forged(secret=None) == 403
    assert "X-Bot-Api-Secret-Token" not in receiver.received[-1][0]
    assert await zalo.post_forged(secret="loa-webhook-secret") == 200  # the control case


async def test_faults(http: aiohttp.ClientSession) -> None:
    async with FakeZalo(monthly_quota=2) as zalo:
        text = {"chat_id": USER, "text": "Nhắc việc"}
        zalo.fail_next(1, status=403)
        assert await call(http, zalo, "sendMessage", text) == (
            403,
            {"ok": False, "error_code": 403, "description": "Internal server error"},
        )
        zalo.fail_next(1, status=502)
        assert (await call(http, zalo, "sendMessage", text))[0] == 502
        assert (await call(http, zalo, "sendMessage", text))[0] == 200
        assert (await call(http, zalo, "sendMessage", text))[0] == 200
        assert await call(http, zalo, "sendMessage", text) == (
            429,
            {"ok": False, "error_code": 429, "description": "Quota exceeded"},
        )
        zalo.revoke_token()
        assert (await call(http, zalo, "getMe"))[0] == 401
        assert len(zalo.sent) == 2


async def test_hold_discards_on_disconnect_and_release_delivers(
    zalo: FakeZalo, http: aiohttp.ClientSession
) -> None:
    zalo.hold()
    with pytest.raises(TimeoutError):
        await call(
            http,
            zalo,
            "sendMessage",
            {"chat_id": USER, "text": "mất"},
            timeout=aiohttp.ClientTimeout(total=0.3),
        )
    await wait_until(lambda: zalo.stats()["discarded"] == 1, within=5, describe=str)
    kept = asyncio.create_task(call(http, zalo, "sendMessage", {"chat_id": USER, "text": "giữ"}))
    await wait_until(lambda: zalo.gate.waiting == 1, within=5, describe=str)
    assert zalo.sent == []
    zalo.release()
    assert (await kept)[0] == 200
    assert [s.text for s in zalo.sent] == ["giữ"]


async def test_http_controls(zalo: FakeZalo, http: aiohttp.ClientSession) -> None:
    async with http.post(f"{zalo.url}/_fake/text", json={"chat_id": USER, "text": "xong"}) as r:
        injected = await r.json()
    assert (await call(http, zalo, "getUpdates", {"timeout": "1"}))[1]["result"] == injected
    await call(http, zalo, "sendMessage", {"chat_id": USER, "text": "Đã ghi nhận"})
    async with http.get(f"{zalo.url}/_fake/sent", params={"chat_id": USER}) as r:
        assert [m["text"] for m in await r.json()] == ["Đã ghi nhận"]
    async with http.post(f"{zalo.url}/_fake/settings", json={"redeliver": True}) as r:
        assert (await r.json())["redeliver"] is True and zalo.redeliver


async def test_standalone_server_prints_its_url_and_serves(http: aiohttp.ClientSession) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.fakes.zalo_api",
        "--token",
        "99:zk",
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        url = (await asyncio.wait_for(process.stdout.readline(), 20)).decode().strip()
        async with http.post(f"{url}/bot99:zk/getMe", json={}) as r:
            assert (await r.json())["result"]["id"] == "99"
    finally:
        process.terminate()
        assert await process.wait() == 0
