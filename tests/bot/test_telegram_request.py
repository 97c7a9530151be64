"""PTB's Bot on Loa's aiohttp request class, against the fake Bot API over HTTP: what goes
over the wire (form fields, uploads) and how failures reach PTB (TimedOut, NetworkError)."""

from __future__ import annotations

import asyncio

import pytest
from telegram import Bot, InputFile
from telegram.error import NetworkError, TimedOut

from bot.channels.telegram_request import AiohttpRequest, UpdatesRequest
from tests.bot.telegram_harness import GROUP, PRIVATE
from tests.e2e.harness import free_port
from tests.fakes import FakeTelegram


def make_bot(url: str, token: str, request: AiohttpRequest) -> Bot:
    return Bot(token, base_url=f"{url}/bot", request=request, get_updates_request=request)


async def test_a_message_with_buttons_arrives_as_sent(tg: FakeTelegram) -> None:
    async with make_bot(tg.url, tg.token, AiohttpRequest(4)) as bot:
        sent = await bot.send_message(
            GROUP,
            "Nhắc việc: <b>không</b> phải HTML",
            reply_markup={"inline_keyboard": [[{"text": "✅ 1", "callback_data": "ok:1"}]]},
        )
    [message] = tg.sent
    assert sent.message_id == message.message_id
    assert message.text == "Nhắc việc: <b>không</b> phải HTML"
    assert [button["callback_data"] for button in message.buttons] == ["ok:1"]
    [call] = [call for call in tg.requests if call.method == "sendMessage"]
    assert call.content_type == "application/json"


async def test_an_upload_goes_as_multipart_with_its_name_and_caption(tg: FakeTelegram) -> None:
    content = "Báo cáo tháng 11\n".encode() * 100
    async with make_bot(tg.url, tg.token, AiohttpRequest(4)) as bot:
        await bot.send_document(
            GROUP, InputFile(content, filename="bao-cao-thang-11.txt"), caption="Báo cáo"
        )
    [message] = tg.sent
    assert message.caption == "Báo cáo"
    assert message.upload is not None
    assert (message.upload.filename, message.upload.data) == ("bao-cao-thang-11.txt", content)
    [call] = [call for call in tg.requests if call.method == "sendDocument"]
    assert call.content_type == "multipart/form-data"


async def test_the_updates_request_keeps_each_answers_updates_as_sent(tg: FakeTelegram) -> None:
    update = tg.world.message_update(PRIVATE, "xong 1")
    update["message"]["field_from_a_newer_bot_api"] = [1, 2]
    sent = [tg.inject_update(update), tg.message(PRIVATE, "/tiendo")]
    request = UpdatesRequest()
    async with Bot(tg.token, base_url=f"{tg.url}/bot", get_updates_request=request) as bot:
        updates = await bot.get_updates(timeout=0)
        assert [u.update_id for u in updates] == [u["update_id"] for u in sent]
        assert request.take_updates() == sent
        assert request.take_updates() == []  # handed over once
        assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0) == ()
        assert request.take_updates() == []


async def test_an_answer_slower_than_the_read_timeout_is_a_timeout(tg: FakeTelegram) -> None:
    tg.hold()
    async with make_bot(tg.url, tg.token, AiohttpRequest(4, read_timeout=0.3)) as bot:
        with pytest.raises(TimedOut):
            await bot.send_message(GROUP, "Nhắc việc")
    tg.release()


async def test_a_read_timeout_given_on_the_call_replaces_the_requests_own(
    tg: FakeTelegram,
) -> None:
    tg.hold()
    async with make_bot(tg.url, tg.token, AiohttpRequest(4, read_timeout=30)) as bot:
        async with asyncio.timeout(5):  # the request's own 30 s would run past this
            with pytest.raises(TimedOut):
                await bot.send_message(GROUP, "Nhắc việc", read_timeout=0.3)
    tg.release()


async def test_a_server_that_is_not_there_is_a_network_error_without_the_token() -> None:
    token = "123456:SECRET-token-value"
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(NetworkError) as raised:
        async with make_bot(url, token, AiohttpRequest(4)):  # getMe fails
            pass
    assert not isinstance(raised.value, TimedOut)
    assert "aiohttp.ClientConnectorError" in str(raised.value)
    assert "SECRET" not in f"{raised.value} {raised.value.__cause__}"


async def test_a_full_pool_waits_for_a_free_connection(tg: FakeTelegram) -> None:
    """With one connection, five sends go out one after another, none is refused."""
    async with make_bot(tg.url, tg.token, AiohttpRequest(1, pool_timeout=10)) as bot:
        await asyncio.gather(*(bot.send_message(GROUP, f"Tin {n}") for n in range(5)))
    assert sorted(message.text or "" for message in tg.sent) == [f"Tin {n}" for n in range(5)]


async def test_it_must_be_initialized_and_can_be_reused_after_shutdown(tg: FakeTelegram) -> None:
    request = AiohttpRequest(2)
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request(f"{tg.url}/bot{tg.token}/getMe", "POST")
    for _ in range(2):
        await request.initialize()
        status, body = await request.do_request(f"{tg.url}/bot{tg.token}/getMe", "POST")
        await request.shutdown()
        assert status == 200 and b'"is_bot":true' in body.replace(b" ", b"")


def test_the_pool_needs_a_connection() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        AiohttpRequest(0)
