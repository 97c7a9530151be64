"""The Telegram channel against a fake Bot API over real HTTP: what users receive, how
platform failures reach the outbox, and what the handlers get from users' updates."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image
from sqlmodel import select
from telegram import Update

from bot.channels.ratelimit import RateLimiter, RateLimits
from bot.channels.telegram import ERROR_TEXT, TelegramChannel
from bot.channels.telegram_updates import update_to_event
from bot.logging_setup import REDACTED
from bot.storage import updates
from bot.storage.db import Database
from bot.storage.models import InboundEvent, OutboxMessage
from content.banner import CHAT_SIZE, BannerSpec
from content.buttons import Button
from handlers.events import Event, FileUpload, Reply
from scheduler.delivery import (
    ChannelDown,
    ChatGone,
    Outgoing,
    Rejected,
    RetryLater,
)
from tests.bot.telegram_harness import (
    COMMANDS,
    GROUP,
    PRIVATE,
    RecordingHandlers,
    running_channel,
    telegram_config,
)
from tests.fakes import FakeTelegram

CONFIRM = ((Button("✅ Đã đăng tin", "c:ke-hoach:1"),),)


@pytest.fixture
async def channel(
    tg: FakeTelegram, database: Database, handlers: RecordingHandlers
) -> AsyncIterator[TelegramChannel]:
    async with running_channel(tg, database, handlers) as running:
        yield running


# --- start --------------------------------------------------------------------------------


async def test_start_learns_the_username_and_registers_the_commands(
    tg: FakeTelegram, channel: TelegramChannel
) -> None:
    assert channel.username == "loa_test_bot"
    assert channel.health() == {"running": True, "mode": "polling"}
    await tg.wait_for_request("setMyCommands", 2)  # in the background: the bot works meanwhile
    assert tg.commands[("default", "")] == [
        {"command": "xong", "description": "Báo đã hoàn thành một việc"},
        {"command": "tiendo", "description": "Xem tiến độ thực hiện"},
    ]
    assert tg.command_names(language_code="en") == ["xong", "tiendo"]
    assert any(call.method == "deleteWebhook" for call in tg.requests)


async def test_a_rejected_token_stops_the_channel_without_showing_the_token(
    tg: FakeTelegram, database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "987654321:AAHwrongTokenThatTelegramRefuses_xyz"
    channel = TelegramChannel(
        telegram_config(tg, telegram_token=wrong), database, RecordingHandlers(database), COMMANDS
    )
    with pytest.raises(ChannelDown) as raised:
        await channel.start()
    assert wrong not in str(raised.value)
    assert wrong not in repr(raised.value.__context__)
    assert "LOA_TELEGRAM_TOKEN" in caplog.text
    assert wrong not in caplog.text
    assert REDACTED in caplog.text  # the URLs were logged, redacted
    assert not channel.running


async def test_a_failing_start_up_call_is_for_trying_again_and_leaves_nothing_running(
    tg: FakeTelegram, database: Database, handlers: RecordingHandlers
) -> None:
    channel = TelegramChannel(telegram_config(tg), database, handlers, COMMANDS)
    tg.fail_next(1, status=502, methods=["getMe"])
    with pytest.raises(RetryLater, match=r"502|Bad Gateway"):
        await channel.start()
    tg.fail_next(1, status=502, methods=["deleteWebhook"])
    with pytest.raises(RetryLater):
        await channel.start()
    assert not channel.running
    await channel.start()  # the app's next try
    try:
        assert channel.running and channel.username == "loa_test_bot"
        tg.message(PRIVATE, "/tiendo")
        await handlers.wait_for(1)  # polling works after the retries
    finally:
        await channel.stop()


async def test_the_command_menu_is_registered_once_telegram_takes_it(
    tg: FakeTelegram, database: Database, handlers: RecordingHandlers
) -> None:
    tg.fail_next(2, status=502, methods=["setMyCommands"])
    async with running_channel(tg, database, handlers) as channel:
        assert channel.running  # the bot works while the menu waits
        await tg.wait_for_request("setMyCommands", 2, timeout=10)
    assert tg.command_names() == ["xong", "tiendo"]
    assert tg.command_names(language_code="en") == ["xong", "tiendo"]


def test_commands_that_telegram_would_refuse_are_caught_early(
    tg: FakeTelegram, database: Database
) -> None:
    with pytest.raises(ValueError, match="a-z0-9_"):
        TelegramChannel(
            telegram_config(tg), database, RecordingHandlers(database), [("Xong", "Xong", "Done")]
        )


def test_benchmark_limits_come_from_loa_telegram_limits(
    tg: FakeTelegram, database: Database
) -> None:
    def limits(value: str | None) -> RateLimits:
        config = telegram_config(tg, telegram_limits=value)
        return TelegramChannel(config, database, RecordingHandlers(database)).limiter.limits

    assert limits("300,20,1") == RateLimits(300.0, 20, 1.0)
    assert limits(None) == RateLimits(30.0, 20, 1.0)  # unset: Telegram's own
    with pytest.raises(ValueError, match="telegram_limits"):
        limits("300/s")


# --- delivering -----------------------------------------------------------------------------


async def test_deliver_sends_the_text_with_buttons_and_returns_the_id(
    tg: FakeTelegram, channel: TelegramChannel
) -> None:
    ids = await channel.deliver(Outgoing(str(GROUP), "Nhắc việc <b>hôm nay</b> & mai", CONFIRM))
    [sent] = tg.sent
    assert ids == [str(sent.message_id)]
    assert sent.text == "Nhắc việc <b>hôm nay</b> & mai"  # plain text, shown as written
    assert sent.parse_mode is None
    assert [button["callback_data"] for button in sent.buttons] == ["c:ke-hoach:1"]


async def test_long_text_is_split_with_the_buttons_on_the_last_part(
    tg: FakeTelegram, channel: TelegramChannel
) -> None:
    paragraph = ("Tuyên truyền kỷ niệm ngày thành lập Đảng. " * 30).strip()  # 1,259 characters
    text = "\n\n".join([paragraph] * 4)
    ids = await channel.deliver(Outgoing(str(GROUP), text, CONFIRM))
    # Three paragraphs fit in 4,096 characters; the cut falls on the blank line after them.
    assert [sent.text for sent in tg.sent] == ["\n\n".join([paragraph] * 3), paragraph]
    assert [bool(sent.buttons) for sent in tg.sent] == [False, True]
    assert ids == [str(sent.message_id) for sent in tg.sent]


async def test_a_photo_takes_a_short_text_as_caption_and_a_long_one_after_it(
    tg: FakeTelegram, channel: TelegramChannel
) -> None:
    photo = "https://example.vn/bang-ron.png"
    await channel.deliver(Outgoing(str(GROUP), "Băng rôn mẫu", CONFIRM, photo=photo))
    long_text = "Nội dung tuyên truyền. " * 60  # over the 1,024 caption limit
    ids = await channel.deliver(Outgoing(str(GROUP), long_text, CONFIRM, photo=photo))
    first, photo_only, text_after = tg.sent
    assert (first.method, first.caption, bool(first.buttons)) == ("sendPhoto", "Băng rôn mẫu", True)
    assert (photo_only.method, photo_only.caption, photo_only.buttons) == ("sendPhoto", None, [])
    assert (text_after.method, text_after.text, bool(text_after.buttons)) == (
        "sendMessage",
        long_text,
        True,
    )
    assert len(ids) == 2


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 16, 46)).save(buffer, "PNG")
    return buffer.getvalue()


async def test_a_stored_file_goes_up_once_and_to_the_next_chats_by_its_file_id(
    tg: FakeTelegram, channel: TelegramChannel
) -> None:
    data = _png()
    photo = FileUpload("co-to-quoc.png", data, "photo", key="ab12.png")
    for chat in (GROUP, PRIVATE):
        await channel.deliver(Outgoing(str(chat), "Treo cờ Tổ quốc", upload=photo))
    first, second = tg.sent
    assert first.upload is not None and first.upload.data == data
    assert second.upload is None  # no bytes the second time
    assert second.photo == first.photo  # the file id Telegram gave the first upload
    assert tg.world.files[second.photo].data == data


async def test_a_file_id_telegram_refuses_is_forgotten_and_the_bytes_sent_again(
    tg: FakeTelegram, channel: TelegramChannel
) -> None:
    data = _png()
    photo = FileUpload("co-to-quoc.png", data, "photo", key="cd34.png")
    await channel.deliver(Outgoing(str(GROUP), "Treo cờ Tổ quốc", upload=photo))
    tg.world.files.clear()  # as if Telegram no longer knew the id
    ids = await channel.deliver(Outgoing(str(PRIVATE), "Treo cờ Tổ quốc", upload=photo))
    delivered = [m for m in tg.sent if m.chat_id == PRIVATE]
    assert len(delivered) == len(ids) == 1  # refused, then uploaded: one message
    assert delivered[0].upload is not None and delivered[0].upload.data == data


async def test_a_document_is_sent_with_its_caption(
    tg: FakeTelegram, channel: TelegramChannel
) -> None:
    document = "https://example.vn/ke-hoach.pdf"
    await channel.deliver(Outgoing(str(PRIVATE), "Kế hoạch số 12", document=document))
    [sent] = tg.sent
    assert (sent.method, sent.document, sent.caption) == (
        "sendDocument",
        document,
        "Kế hoạch số 12",
    )


async def test_an_empty_message_is_rejected(channel: TelegramChannel) -> None:
    with pytest.raises(Rejected):
        await channel.deliver(Outgoing(str(GROUP), "  \n "))


# --- failures the outbox acts on --------------------------------------------------------------


class RecordingLimiter(RateLimiter):
    def __init__(self) -> None:
        super().__init__()
        self.penalties: list[tuple[str, float]] = []

    def penalise(self, chat_id: str, seconds: float) -> None:
        self.penalties.append((chat_id, seconds))
        super().penalise(chat_id, seconds)


async def test_429_becomes_retry_later_and_penalises_only_that_chat(
    tg: FakeTelegram, database: Database
) -> None:
    limiter = RecordingLimiter()
    channel = TelegramChannel(
        telegram_config(tg), database, RecordingHandlers(database), COMMANDS, limiter=limiter
    )
    await channel.start()
    try:
        tg.storm(retry_after=7, count=1, chat_ids=[GROUP])
        with pytest.raises(RetryLater) as raised:
            await channel.deliver(Outgoing(str(GROUP), "Nhắc việc"))
        assert raised.value.retry_after == 7
        assert raised.value.per_chat
        assert limiter.penalties == [(str(GROUP), 7)]
        assert await channel.deliver(Outgoing(str(PRIVATE), "Tin riêng"))  # not held back
        assert [sent.chat_id for sent in tg.sent] == [PRIVATE]
    finally:
        await channel.stop()


async def test_a_kicked_bot_or_a_blocking_user_means_the_chat_is_gone(
    tg: FakeTelegram, channel: TelegramChannel
) -> None:
    tg.kicked(GROUP)
    with pytest.raises(ChatGone, match="kicked"):
        await channel.deliver(Outgoing(str(GROUP), "Nhắc việc"))
    tg.blocked(PRIVATE)
    with pytest.raises(ChatGone, match="blocked"):
        await channel.deliver(Outgoing(str(PRIVATE), "Nhắc việc"))
    with pytest.raises(ChatGone, match=r"(?i)chat not found"):
        await channel.deliver(Outgoing("-100999", "Nhắc việc"))


async def test_a_server_error_is_retried_later_and_a_bad_request_is_rejected(
    tg: FakeTelegram, channel: TelegramChannel
) -> None:
    tg.fail_next(1, status=502)
    with pytest.raises(RetryLater) as raised:
        await channel.deliver(Outgoing(str(GROUP), "Nhắc việc"))
    assert raised.value.retry_after is None
    with pytest.raises(Rejected, match=r"(?i)wrong file identifier"):
        await channel.deliver(Outgoing(str(GROUP), "Ảnh", photo="not-a-file-id"))
    assert tg.sent == []


async def test_a_429_on_a_later_part_resumes_there_so_no_part_is_sent_twice(
    tg: FakeTelegram, channel: TelegramChannel
) -> None:
    paragraph = ("Đoạn dài. " * 300).strip()
    message = Outgoing(str(GROUP), f"{paragraph}\n\n{paragraph}")
    recorded: list[list[str]] = []

    async def record(ids: list[str]) -> None:
        recorded.append(list(ids))

    tg.storm(retry_after=1, every=2, chat_ids=[GROUP])  # the second send gets a 429
    with pytest.raises(RetryLater):
        await channel.deliver(message, record)
    tg.calm()
    assert recorded == [[str(tg.sent[0].message_id)]]  # told before the second part went
    # The outbox's retry carries the delivered part: only the rest goes out.
    retry = Outgoing(message.chat_id, message.text, parts_sent=tuple(recorded[-1]))
    ids = await channel.deliver(retry, record)
    assert [sent.text for sent in tg.sent] == [paragraph, paragraph]
    assert ids == [str(sent.message_id) for sent in tg.sent]
    assert tg.stats()["rate_limited"] == 1


async def test_the_token_stays_out_of_errors_and_logs_when_sending_fails(
    tg: FakeTelegram, channel: TelegramChannel, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    tg.fail_next(1, status=502)
    with pytest.raises(RetryLater) as raised:
        await channel.deliver(Outgoing(str(GROUP), "Nhắc việc"))
    tg.kicked(GROUP)
    with pytest.raises(ChatGone) as gone:
        await channel.deliver(Outgoing(str(GROUP), "Nhắc việc"))
    for error in (raised.value, gone.value):
        assert tg.token not in f"{error} {error!r} {error.__context__!r}"
    assert "sendMessage" in caplog.text  # the failed calls were logged, at DEBUG
    assert tg.token not in caplog.text
    assert tg.token.split(":")[1] not in caplog.text


# --- updates to events ------------------------------------------------------------------------


async def test_a_command_addressed_to_the_bot_in_a_group(
    tg: FakeTelegram, channel: TelegramChannel, handlers: RecordingHandlers
) -> None:
    tg.add_user(700000001, "Lan", last_name="Nguyễn Thị")
    tg.message(GROUP, "/XONG@loa_test_bot 2 3", user_id=700000001)
    [event] = await handlers.wait_for(1)
    assert (event.kind, event.command, event.args) == ("command", "xong", ("2", "3"))
    assert (event.chat_id, event.chat_type, event.chat_title) == (
        str(GROUP),
        "group",
        "Phòng Văn hóa xã",
    )
    assert (event.user_id, event.user_name) == ("700000001", "Lan Nguyễn Thị")
    assert event.received_at.tzinfo is not None


async def test_a_deep_link_start_carries_its_payload(
    tg: FakeTelegram, channel: TelegramChannel, handlers: RecordingHandlers
) -> None:
    tg.start_command("MA-moi_123", chat_id=GROUP, chat_type="supergroup")
    [event] = await handlers.wait_for(1)
    assert (event.command, event.args, event.chat_type) == ("start", ("MA-moi_123",), "group")


async def test_a_command_for_another_bot_is_ignored(
    tg: FakeTelegram, channel: TelegramChannel, handlers: RecordingHandlers
) -> None:
    tg.message(PRIVATE, "/start@other_bot abc")
    tg.message(PRIVATE, "/tiendo")
    [event] = await handlers.wait_for(1)  # same chat: handled in order
    assert (event.command, event.chat_type) == ("tiendo", "private")


async def test_a_reply_to_the_bots_reminder_quotes_it(
    tg: FakeTelegram, channel: TelegramChannel, handlers: RecordingHandlers
) -> None:
    [reminder_id] = await channel.deliver(Outgoing(str(GROUP), "1. Đăng tin\n2. Treo băng rôn"))
    tg.message(GROUP, "xong 2", reply_to_message=tg.sent[0])
    [event] = await handlers.wait_for(1)
    assert (event.kind, event.text) == ("message", "xong 2")
    assert event.quotes_bot
    assert event.reply_to_message_id == reminder_id


async def test_a_reply_to_a_person_does_not_quote_the_bot(
    tg: FakeTelegram, channel: TelegramChannel, handlers: RecordingHandlers
) -> None:
    first = tg.message(PRIVATE, "Chào Loa")
    tg.message(PRIVATE, "xong", reply_to_message=first["message"])
    _, event = await handlers.wait_for(2)
    assert not event.quotes_bot
    assert event.reply_to_message_id is None


async def test_a_photo_and_its_links_become_evidence(
    tg: FakeTelegram, channel: TelegramChannel, handlers: RecordingHandlers
) -> None:
    update = tg.message(
        GROUP, photo=True, caption="/xong 1 https://laocai.gov.vn/tin-tuc/bai-1 (đã đăng)"
    )
    [event] = await handlers.wait_for(1)
    largest = max(update["message"]["photo"], key=lambda size: size["width"])
    assert (event.kind, event.command, event.args[0]) == ("command", "xong", "1")
    assert event.evidence == (
        f"telegram-photo:{largest['file_id']}",
        "https://laocai.gov.vn/tin-tuc/bai-1",
    )


async def test_a_document_and_a_hidden_link_become_evidence(
    tg: FakeTelegram, channel: TelegramChannel, handlers: RecordingHandlers
) -> None:
    message = tg.world.add_message(
        tg.world.chat(PRIVATE),
        tg.world.user(PRIVATE),
        document={"file_id": "BQACAgUAAxkBAAIB", "file_unique_id": "AgADBQ"},
        caption="Báo cáo kết quả",
        caption_entities=[
            {"type": "text_link", "offset": 0, "length": 7, "url": "https://drive.example/x"}
        ],
    )
    tg.inject_update({"message": message})
    [event] = await handlers.wait_for(1)
    assert (event.kind, event.text) == ("message", "Báo cáo kết quả")
    assert event.evidence == ("telegram-document:BQACAgUAAxkBAAIB", "https://drive.example/x")


async def test_a_sticker_is_unsupported_and_a_service_message_ignored(
    tg: FakeTelegram, channel: TelegramChannel, handlers: RecordingHandlers
) -> None:
    chat, user = tg.world.chat(PRIVATE), tg.world.user(PRIVATE)
    tg.inject_update({"message": tg.world.add_message(chat, user, pinned_message=None,
                                                      new_chat_title="Tên mới")})  # fmt: skip
    sticker = {"file_id": "CAACAgIAAxk", "file_unique_id": "AgADs", "type": "regular",
               "width": 512, "height": 512, "is_animated": False, "is_video": False}  # fmt: skip
    tg.inject_update({"message": tg.world.add_message(chat, user, sticker=sticker)})
    [event] = await handlers.wait_for(1)
    assert (event.kind, event.text, event.evidence) == ("unsupported", "", ())


async def test_the_bot_removed_from_a_group_is_a_member_event(
    tg: FakeTelegram, channel: TelegramChannel, handlers: RecordingHandlers
) -> None:
    tg.my_chat_member(GROUP, "member", "kicked", user_id=700000009)
    [event] = await handlers.wait_for(1)
    assert (event.kind, event.member_status, event.chat_id) == ("member", "kicked", str(GROUP))
    assert event.user_id == "700000009"


async def test_an_update_delivered_twice_is_handled_once(
    tg: FakeTelegram, channel: TelegramChannel, handlers: RecordingHandlers
) -> None:
    update = tg.message(PRIVATE, "xong")
    tg.inject_update(update)  # the same update_id again
    tg.message(PRIVATE, "/tiendo")
    await handlers.wait_for(2)
    assert [event.text for event in handlers.events] == ["xong", "/tiendo"]


async def test_an_update_is_stored_exactly_as_telegram_sent_it(
    tg: FakeTelegram, database: Database, channel: TelegramChannel, handlers: RecordingHandlers
) -> None:
    update = tg.world.message_update(PRIVATE, "xong")
    update["message"]["field_from_a_newer_bot_api"] = {"kept": True}
    sent = tg.inject_update(update)
    await handlers.wait_for(1)
    async with database.session() as session:
        [stored] = (await session.exec(select(InboundEvent.payload))).all()
    assert stored == sent


def test_without_the_raw_answer_the_update_is_stored_as_ptb_read_it(tg: FakeTelegram) -> None:
    """If PTB ever stops handing the raw answer to the request class, nothing is lost."""
    raw = {"update_id": 5, **tg.world.message_update(PRIVATE, "xong")}
    update = Update.de_json(raw, None)
    assert TelegramChannel._as_sent([], [update]) == [update.to_dict()]
    assert TelegramChannel._as_sent([raw], [update]) == [raw]


async def test_an_update_stored_before_a_crash_is_handled_at_start(
    tg: FakeTelegram, database: Database, handlers: RecordingHandlers
) -> None:
    payload = {"update_id": 77, **tg.world.message_update(PRIVATE, "/tiendo")}
    await updates.record(database, "telegram", "77", payload, datetime.now(UTC))
    async with running_channel(tg, database, handlers):
        [event] = await handlers.wait_for(1)
        assert event.command == "tiendo"
    assert await updates.unprocessed(database, "telegram") == []


# --- replies ------------------------------------------------------------------------------------


async def test_a_reply_in_a_group_answers_the_command_message(
    tg: FakeTelegram, channel: TelegramChannel, handlers: RecordingHandlers
) -> None:
    handlers.respond = lambda event: [Reply(text="Tiến độ: 3/5 việc", buttons=CONFIRM)]
    command = tg.message(GROUP, "/tiendo")
    [sent] = await tg.wait_for_messages(1)
    assert sent.text == "Tiến độ: 3/5 việc"
    assert sent.reply_to_message_id == command["message"]["message_id"]
    assert [button["callback_data"] for button in sent.buttons] == ["c:ke-hoach:1"]


async def test_replies_in_private_to_another_chat_and_notices_outside_buttons(
    tg: FakeTelegram, channel: TelegramChannel, handlers: RecordingHandlers
) -> None:
    handlers.respond = lambda event: [
        Reply(notice="Đã nhận"),
        Reply(text="Đã gửi tới nhóm"),
        Reply(text="Tin từ quản trị", chat_id=str(GROUP)),
        Reply(text="Ảnh mẫu", photo="https://example.vn/mau.png"),
    ]
    tg.message(PRIVATE, "/guitin")
    sent = await tg.wait_for_messages(4)
    # In order within each chat; the chats side by side.
    assert [(s.method, s.content) for s in sent if s.chat_id == PRIVATE] == [
        ("sendMessage", "Đã nhận"),
        ("sendMessage", "Đã gửi tới nhóm"),
        ("sendPhoto", "Ảnh mẫu"),
    ]
    assert [(s.method, s.content) for s in sent if s.chat_id == GROUP] == [
        ("sendMessage", "Tin từ quản trị")
    ]
    assert all(s.reply_to_message_id is None for s in sent)


async def test_replies_are_outbox_rows_and_a_file_made_on_request_goes_direct(
    tg: FakeTelegram, channel: TelegramChannel, handlers: RecordingHandlers, database: Database
) -> None:
    export = FileUpload("du-lieu-cua-toi.json", b'{"ten": "Nguyen Van A"}')
    handlers.respond = lambda event: [
        Reply(text="Loa đang giữ những dữ liệu này về bạn.", file=export),
        Reply(text="Gõ /xoadulieu để xoá."),
    ]
    tg.message(PRIVATE, "/dulieucuatoi")
    sent = await tg.wait_for_messages(2)
    assert {(m.method, m.content) for m in sent} == {
        ("sendDocument", "Loa đang giữ những dữ liệu này về bạn."),
        ("sendMessage", "Gõ /xoadulieu để xoá."),
    }

    async def stored() -> list[tuple[str, str, str]]:
        async with database.session() as session:
            rows = (await session.exec(select(OutboxMessage))).all()
        return [(row.kind, row.status, row.text) for row in rows]

    for _ in range(100):  # the answer is committed right after Telegram's reply
        if await stored() == [("reply", "sent", "Gõ /xoadulieu để xoá.")]:
            break
        await asyncio.sleep(0.02)
    # The message is a row, and sent; the file is not kept in the database.
    assert await stored() == [("reply", "sent", "Gõ /xoadulieu để xoá.")]


async def test_a_button_press_is_answered_and_the_message_edited_in_place(
    tg: FakeTelegram, channel: TelegramChannel, handlers: RecordingHandlers
) -> None:
    await channel.deliver(Outgoing(str(GROUP), "Việc hôm nay: đăng tin", CONFIRM))
    handlers.respond = lambda event: [
        Reply(
            notice="Đã ghi nhận ✅",
            edit_message_id=event.message_id,
            text="Việc hôm nay: đăng tin\n✅ Đã xong",
            buttons=((Button("↩️ Hoàn tác", "u:ke-hoach:1"),),),
        )
    ]
    tg.callback_query(GROUP, tg.sent[0], "c:ke-hoach:1", user_id=700000005)
    [event] = await handlers.wait_for(1)
    assert (event.kind, event.button_data) == ("button", "c:ke-hoach:1")
    assert event.message_id == str(tg.sent[0].message_id)
    assert event.user_id == "700000005"
    await tg.wait_for_request("editMessageText")
    [edit] = tg.edits
    assert edit.text == "Việc hôm nay: đăng tin\n✅ Đã xong"
    assert edit.reply_markup == {
        "inline_keyboard": [[{"text": "↩️ Hoàn tác", "callback_data": "u:ke-hoach:1"}]]
    }
    await tg.wait_for_request("answerCallbackQuery")
    assert [answer.text for answer in tg.callback_answers] == ["Đã ghi nhận ✅"]
    assert len(tg.sent) == 1  # nothing new was posted


async def test_pressing_twice_is_harmless(
    tg: FakeTelegram,
    channel: TelegramChannel,
    handlers: RecordingHandlers,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await channel.deliver(Outgoing(str(GROUP), "Việc hôm nay", CONFIRM))
    handlers.respond = lambda event: [
        Reply(edit_message_id=event.message_id, text="Việc hôm nay ✅", buttons=CONFIRM)
    ]
    tg.callback_query(GROUP, tg.sent[0], "c:ke-hoach:1")
    tg.callback_query(GROUP, tg.sent[0], "c:ke-hoach:1")
    await tg.wait_for_request("answerCallbackQuery", 2)
    await tg.wait_for_request("editMessageText", 1)
    assert len(tg.edits) == 1  # the second edit changed nothing: "message is not modified"
    assert len(tg.sent) == 1
    assert [answer.text for answer in tg.callback_answers] == [None, None]
    assert not [record for record in caplog.records if record.levelno >= logging.WARNING]


async def test_a_failing_handler_still_answers_the_user(
    tg: FakeTelegram, channel: TelegramChannel, handlers: RecordingHandlers
) -> None:
    def broken(event: Event) -> list[Reply]:
        raise RuntimeError("handler bug")

    handlers.respond = broken
    await channel.deliver(Outgoing(str(GROUP), "Việc hôm nay", CONFIRM))
    tg.callback_query(GROUP, tg.sent[0], "c:ke-hoach:1")
    await tg.wait_for_request("answerCallbackQuery")
    assert [answer.text for answer in tg.callback_answers] == [ERROR_TEXT]
    tg.message(PRIVATE, "/tiendo")
    [_, reply] = await tg.wait_for_messages(2)
    assert (reply.chat_id, reply.text) == (PRIVATE, ERROR_TEXT)


async def test_a_429_on_a_reply_is_waited_out_and_sent_once(
    tg: FakeTelegram, channel: TelegramChannel, handlers: RecordingHandlers
) -> None:
    handlers.respond = lambda event: [Reply(text="Tiến độ của đơn vị")]
    tg.storm(retry_after=1, count=1, chat_ids=[PRIVATE])
    tg.message(PRIVATE, "/tiendo")
    [sent] = await tg.wait_for_messages(1)
    assert sent.text == "Tiến độ của đơn vị"
    assert tg.stats()["rate_limited"] == 1


# --- raw updates as Telegram sends them ---------------------------------------------------------

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "telegram"
FIXTURE_NOW = datetime(2026, 2, 3, 9, 0, tzinfo=UTC)


def fixture_event(name: str) -> Event | None:
    data = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return update_to_event(
        Update.de_json(data, None), bot_id=123456789, bot_username="loa_test_bot", now=FIXTURE_NOW
    )


def test_fixture_group_command() -> None:
    event = fixture_event("group_text")
    assert event is not None
    assert (event.kind, event.command, event.args, event.chat_type) == (
        "command",
        "tiendo",
        (),
        "group",
    )
    assert (event.chat_id, event.chat_title) == (
        "-1002154839012",
        "Chi bộ Phòng Văn hóa - Thông tin",
    )
    assert (event.user_id, event.user_name, event.message_id) == ("700000123", "Lan Nguyễn", "1842")


def test_fixture_private_start_with_an_invite_code() -> None:
    event = fixture_event("private_start")
    assert event is not None
    assert (event.command, event.args, event.chat_type) == ("start", ("Kx7_pQ2-vT9mWz",), "private")
    assert event.chat_title is None


def test_fixture_reply_xong_quotes_the_reminder() -> None:
    event = fixture_event("reply_xong")
    assert event is not None
    assert (event.kind, event.text, event.command) == ("message", "xong 2", None)
    assert (event.quotes_bot, event.reply_to_message_id) == (True, "1843")


def test_fixture_button_press() -> None:
    event = fixture_event("callback_query")
    assert event is not None
    assert (event.kind, event.button_data, event.message_id) == ("button", "done:417:2", "1843")
    assert (event.user_id, event.user_name, event.text) == ("700000124", "Minh Trần", "")


def test_fixture_bot_kicked() -> None:
    event = fixture_event("my_chat_member_kicked")
    assert event is not None
    assert (event.kind, event.member_status, event.user_id) == ("member", "kicked", "700000126")


def test_fixture_photo_reply_with_caption() -> None:
    event = fixture_event("photo_caption")
    assert event is not None
    assert (event.kind, event.text, event.quotes_bot) == (
        "message",
        "xong 1 - băng rôn đã treo ở cổng UBND",
        True,
    )
    assert event.evidence == ("telegram-photo:AgACAgUAAxkBAAIHR2XbannerLarge1280x960AAQ",)


async def test_a_suggested_post_arrives_with_its_banner_drawn_at_send_time(
    tg: FakeTelegram, channel: TelegramChannel
) -> None:
    banner = BannerSpec(
        heading="NHIỆT LIỆT CHÀO MỪNG",
        title="Kỷ niệm 81 năm Ngày Quốc khánh nước Cộng hòa xã hội chủ nghĩa Việt Nam",
        dates="(02/09/1945 - 02/09/2026)",
        slogan="",
        unit="Phòng Người có công",
    )
    post = "Bài gợi ý đăng. " * 80  # over the caption limit: the text follows the image
    await channel.deliver(Outgoing(str(GROUP), post, payload={"banner": banner.as_payload()}))
    image, text = tg.sent
    assert image.method == "sendPhoto" and image.upload is not None
    assert Image.open(io.BytesIO(image.upload.data)).size == CHAT_SIZE
    assert (text.method, text.text) == ("sendMessage", post)


async def test_a_banner_that_cannot_be_drawn_leaves_the_post_as_text(
    tg: FakeTelegram, channel: TelegramChannel
) -> None:
    await channel.deliver(Outgoing(str(GROUP), "Bài gợi ý", payload={"banner": {"style": "x"}}))
    [sent] = tg.sent
    assert (sent.method, sent.text) == ("sendMessage", "Bài gợi ý")
