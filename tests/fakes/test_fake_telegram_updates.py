"""Update JSON (builders and fixtures) as PTB parses it, privacy mode, and the HTTP controls."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import telegram

from ._common import wait_until
from .telegram_api import FakeTelegram

FIXTURES = Path(__file__).parents[1] / "fixtures" / "telegram"
REPO = Path(__file__).parents[2]
GROUP = -1002154839012


def parse(update: dict, bot: telegram.Bot) -> telegram.Update:
    parsed = telegram.Update.de_json(update, bot)
    assert parsed is not None and parsed.api_kwargs == {}  # no field PTB does not know
    return parsed


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("group_text", "message"),
        ("reply_xong", "message"),
        ("callback_query", "callback_query"),
        ("private_start", "message"),
        ("my_chat_member_kicked", "my_chat_member"),
        ("photo_caption", "message"),
    ],
)
async def test_fixtures_are_updates_ptb_reads_fully(
    bot: telegram.Bot, tg: FakeTelegram, name: str, kind: str
) -> None:
    update = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    parsed = parse(update, bot)
    assert getattr(parsed, kind) is not None
    tg.inject_update(update)
    [received] = await bot.get_updates()
    assert received.to_dict() == parsed.to_dict()
    chat_id = parsed.effective_chat.id
    if kind == "my_chat_member":  # the bot was kicked: the chat is now closed to it
        with pytest.raises(telegram.error.Forbidden):
            await bot.send_message(chat_id, "Còn ai không?")
        return
    reply = await bot.send_message(
        chat_id, "Đã nhận", reply_to_message_id=parsed.effective_message.message_id
    )
    assert reply.message_id == parsed.effective_message.message_id + 1
    if kind == "callback_query":
        assert await bot.answer_callback_query(parsed.callback_query.id)


async def test_message_builder_group_reply_to_the_bot(bot: telegram.Bot, tg: FakeTelegram) -> None:
    tg.add_chat(GROUP, "supergroup", title="Chi bộ Văn hóa")
    await bot.send_message(GROUP, "/xong để báo cáo")
    update = parse(tg.message(GROUP, "xong 2", user_id=700000123, reply_to_message=tg.sent[0]), bot)
    message = update.message
    assert (message.chat.type, message.chat.title) == ("supergroup", "Chi bộ Văn hóa")
    assert message.from_user.id == 700000123 and message.from_user.first_name
    assert message.reply_to_message.from_user.id == 123456789
    assert message.message_id == 2  # ids are per chat, shared with the bot's messages


async def test_command_builders_carry_bot_command_entities(
    bot: telegram.Bot, tg: FakeTelegram
) -> None:
    private = parse(tg.start_command("Kx7_pQ2-vT9m", user_id=700000125), bot).message
    assert private.chat.type == "private" and private.chat.id == 700000125
    assert private.text == "/start Kx7_pQ2-vT9m"
    assert [(e.type, e.offset, e.length) for e in private.entities] == [("bot_command", 0, 6)]
    group = parse(tg.start_command("INV42", chat_id=GROUP, chat_type="supergroup"), bot).message
    assert group.text == "/start@loa_test_bot INV42" and group.entities[0].length == 19
    with pytest.raises(ValueError, match="payload"):
        tg.start_command("có dấu")


async def test_photo_message_builder(bot: telegram.Bot, tg: FakeTelegram) -> None:
    update = parse(tg.message(700000001, caption="/xong 1 ảnh băng rôn", photo=True), bot)
    message = update.message
    assert message.caption == "/xong 1 ảnh băng rôn" and message.text is None
    assert message.caption_entities[0].type == "bot_command"
    file = await bot.get_file(message.photo[-1].file_id)
    assert (await file.download_as_bytearray()).startswith(b"\x89PNG")


@pytest.mark.parametrize(
    "status", ["creator", "administrator", "member", "restricted", "left", "kicked"]
)
async def test_my_chat_member_builder_every_status(
    bot: telegram.Bot, tg: FakeTelegram, status: str
) -> None:
    update = parse(tg.my_chat_member(GROUP, "left", status, chat_type="supergroup"), bot)
    assert update.my_chat_member.new_chat_member.status == status
    assert update.my_chat_member.new_chat_member.user.id == 123456789


async def test_privacy_mode_hides_plain_group_chatter(bot: telegram.Bot, tg: FakeTelegram) -> None:
    tg.add_chat(GROUP, "supergroup")
    await bot.send_message(GROUP, "Nhắc việc")
    tg.message(GROUP, "mọi người ơi")  # plain chatter: not for the bot
    tg.message(GROUP, "/tiendo@another_bot")  # a command for another bot
    tg.message(GROUP, "/tiendo")
    tg.message(GROUP, "xong 1", reply_to_message=tg.sent[0])
    tg.message(700000001, "xong")  # private chats are always seen
    seen = [u.message.text for u in await bot.get_updates()]
    assert seen == ["/tiendo", "xong 1", "xong"]
    assert [u["message"]["text"] for u in tg.unseen] == ["mọi người ơi", "/tiendo@another_bot"]


async def control(
    http: aiohttp.ClientSession, fake: FakeTelegram, verb: str, path: str, **kwargs: Any
) -> tuple[int, Any]:
    async with http.request(verb, f"{fake.url}/_fake/{path}", **kwargs) as response:
        return response.status, await response.json()


async def test_http_controls_drive_the_fake(
    tg: FakeTelegram, bot: telegram.Bot, http: aiohttp.ClientSession
) -> None:
    await control(http, tg, "POST", "chats", json={"chat_id": GROUP, "chat_type": "supergroup"})
    _, injected = await control(http, tg, "POST", "message", json={"chat_id": 7001, "text": "/a"})
    assert [u.update_id for u in await bot.get_updates()] == [injected["update_id"]]

    assert (await control(http, tg, "POST", "storm", json={"retry_after": 4, "count": 1}))[0] == 200
    with pytest.raises(telegram.error.RetryAfter):
        await bot.send_message(GROUP, "Bị chặn")

    await control(http, tg, "POST", "hold", json={})
    pending = asyncio.create_task(bot.send_message(GROUP, "Giữ lại"))
    await wait_until(lambda: tg.gate.waiting == 1, within=5, describe=tg.describe_requests)
    assert (await control(http, tg, "GET", "stats"))[1]["held"] == 1
    await control(http, tg, "POST", "release")
    await pending
    _, delivered = await control(http, tg, "GET", "wait", params={"chat_id": str(GROUP)})
    assert [(m["chat_id"], m["text"]) for m in delivered] == [(GROUP, "Giữ lại")]

    status, timeout = await control(http, tg, "GET", "wait", params={"count": 5, "timeout": 0.05})
    assert status == 408 and "Giữ lại" in timeout["error"]
    status, _ = await control(http, tg, "POST", "message", json={"text": "thiếu chat_id"})
    assert status == 400
    _, stats = await control(http, tg, "GET", "stats")
    assert (stats["delivered"], stats["rate_limited"]) == (1, 1)


async def test_standalone_server_prints_its_url_and_serves() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.fakes.telegram_api",
        "--port",
        "0",
        "--token",
        "42:T0k",
        "--global-rate",
        "300",
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        url = (await asyncio.wait_for(process.stdout.readline(), 20)).decode().strip()
        async with telegram.Bot("42:T0k", base_url=f"{url}/bot") as bot:
            assert bot.id == 42
        async with aiohttp.ClientSession() as http, http.get(f"{url}/_fake/stats") as r:
            assert (await r.json())["requests"] == 1
    finally:
        process.terminate()
        assert await process.wait() == 0
