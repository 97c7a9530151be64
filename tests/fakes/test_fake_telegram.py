"""FakeTelegram driven by python-telegram-bot's real Bot: the Bot API as PTB sees it."""

from __future__ import annotations

import asyncio

import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Conflict, EndPointNotFound, Forbidden, InvalidToken
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes

from ._common import wait_until
from .telegram_api import FakeTelegram

GROUP = -1002154839012


async def polling(tg: FakeTelegram) -> None:
    await wait_until(lambda: tg.queue.polling, within=5, describe=lambda: "no getUpdates came")


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(f"Xong {d}", callback_data=d) for d in data]]
    )


async def test_get_me_is_the_bot(bot: telegram.Bot, tg: FakeTelegram) -> None:
    me = await bot.get_me()
    assert me.is_bot and me.username == "loa_test_bot" and me.id == 123456789
    assert me.can_read_all_group_messages is False  # privacy mode, as by default


async def test_send_message_returns_a_realistic_message(
    bot: telegram.Bot, tg: FakeTelegram
) -> None:
    tg.add_chat(GROUP, "supergroup", title="Chi bộ Văn hóa")
    sent = await bot.send_message(
        GROUP, "<b>Nhắc việc</b> hôm nay", parse_mode="HTML", reply_markup=keyboard("done:1")
    )
    again = await bot.send_message(GROUP, "Lần hai")

    assert sent.message_id == 1 and again.message_id == 2
    assert sent.chat.title == "Chi bộ Văn hóa" and sent.chat.type == "supergroup"
    assert sent.from_user.id == 123456789 and sent.from_user.is_bot
    assert sent.text == "Nhắc việc hôm nay"  # tags parsed away, as users see it
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [("bold", 0, 9)]
    assert sent.reply_markup.inline_keyboard[0][0].callback_data == "done:1"
    record = tg.sent[0]
    assert (record.chat_id, record.message_id, record.method) == (GROUP, 1, "sendMessage")
    assert record.text == "Nhắc việc hôm nay" and record.raw_text.startswith("<b>")
    assert record.buttons == [{"text": "Xong done:1", "callback_data": "done:1"}]
    assert [r.text for r in tg.sent_to(GROUP)] == ["Nhắc việc hôm nay", "Lần hai"]


async def test_wrong_token_is_unauthorized(tg: FakeTelegram) -> None:
    intruder = telegram.Bot("123456789:wrong", base_url=f"{tg.url}/bot")
    with pytest.raises(InvalidToken, match="Unauthorized"):
        await intruder.get_me()


async def test_unknown_method_is_not_found(bot: telegram.Bot) -> None:
    with pytest.raises(EndPointNotFound, match="sendTelepathy"):
        await bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": 1})


@pytest.mark.parametrize(
    ("text", "parse_mode", "error"),
    [
        ("x" * 4097, None, "Message is too long"),
        ("   ", None, "Message text is empty"),
        ("<b></b>", "HTML", "Message text is empty"),
        ("<marquee>xin chào</marquee>", "HTML", '(?i)unsupported start tag "marquee"'),
        ("<b>chưa đóng thẻ", "HTML", '(?i)find end tag corresponding to start tag "b"'),
        ("<b>sai <i>thứ tự</b></i>", "HTML", '(?i)expected "</i>", found "</b>"'),
        ("Ngày 03/02/2026.", "MarkdownV2", "(?i)character '.' is reserved"),
    ],
)
async def test_invalid_text_is_refused_and_not_delivered(
    bot: telegram.Bot, tg: FakeTelegram, text: str, parse_mode: str | None, error: str
) -> None:
    tg.add_chat(GROUP, "supergroup")
    with pytest.raises(BadRequest, match=error):
        await bot.send_message(GROUP, text, parse_mode=parse_mode)
    assert tg.sent == []


async def test_length_limit_applies_after_entity_parsing(
    bot: telegram.Bot, tg: FakeTelegram
) -> None:
    tg.add_chat(GROUP, "supergroup")
    await bot.send_message(GROUP, "<b>" + "ă" * 4096 + "</b>", parse_mode="HTML")
    assert len(tg.sent[0].text) == 4096


async def test_callback_data_is_limited_to_64_bytes(bot: telegram.Bot, tg: FakeTelegram) -> None:
    tg.add_chat(GROUP, "supergroup")
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(GROUP, "Chọn", reply_markup=keyboard("đ" * 33))  # 66 bytes
    await bot.send_message(GROUP, "Chọn", reply_markup=keyboard("x" * 64))
    assert len(tg.sent) == 1


async def test_sending_where_the_bot_cannot_go_is_forbidden(
    bot: telegram.Bot, tg: FakeTelegram
) -> None:
    with pytest.raises(Forbidden, match="can't initiate conversation"):
        await bot.send_message(700000999, "Chào")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(-4012345678, "Chào")
    tg.add_chat(GROUP, "supergroup")
    tg.kicked(GROUP)
    with pytest.raises(Forbidden, match="bot was kicked from the supergroup chat"):
        await bot.send_message(GROUP, "Chào")
    tg.message(700000555, "/start")
    tg.blocked(700000555)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(700000555, "Chào")
    tg.restore(GROUP)
    await bot.send_message(GROUP, "Đã quay lại")
    assert [r.text for r in tg.sent] == ["Đã quay lại"]


async def test_my_chat_member_kicked_makes_later_sends_forbidden(
    bot: telegram.Bot, tg: FakeTelegram
) -> None:
    update = tg.my_chat_member(-4012345678, "member", "kicked")
    parsed = telegram.Update.de_json(update, bot)
    assert parsed.my_chat_member.new_chat_member.status == "kicked"
    with pytest.raises(Forbidden, match="kicked from the group chat"):
        await bot.send_message(-4012345678, "Chào")
    tg.my_chat_member(-4012345678, "left", "member")
    await bot.send_message(-4012345678, "Chào lại")
    assert len(tg.sent) == 1


async def test_get_updates_returns_injected_updates_and_honours_offset(
    bot: telegram.Bot, tg: FakeTelegram
) -> None:
    first = tg.message(700000001, "/start")
    second = tg.message(700000001, "xong")
    third = tg.message(700000001, "xong 2")

    updates = await bot.get_updates()
    assert [u.update_id for u in updates] == [
        first["update_id"],
        second["update_id"],
        third["update_id"],
    ]
    assert [u.message.text for u in updates] == ["/start", "xong", "xong 2"]
    again = await bot.get_updates(offset=second["update_id"])
    assert [u.message.text for u in again] == ["xong", "xong 2"]  # the first is now confirmed
    assert await bot.get_updates(offset=third["update_id"] + 1) == ()
    assert tg.queue.pending == []


async def test_negative_offset_keeps_only_the_last_updates(
    bot: telegram.Bot, tg: FakeTelegram
) -> None:
    for text in ("một", "hai", "ba"):
        tg.message(700000001, text)
    assert [u.message.text for u in await bot.get_updates(offset=-1)] == ["ba"]
    assert [u.message.text for u in await bot.get_updates()] == ["ba"]


async def test_long_poll_wakes_on_an_update_and_ends_empty(
    bot: telegram.Bot, tg: FakeTelegram
) -> None:
    assert await bot.get_updates(timeout=1) == ()
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await polling(tg)
    tg.message(700000001, "xong")
    updates = await poll
    assert [u.message.text for u in updates] == ["xong"]


async def test_allowed_updates_filters_later_updates(bot: telegram.Bot, tg: FakeTelegram) -> None:
    await bot.get_updates(allowed_updates=["message"])
    sent = await _sent_with_button(bot, tg, "done:1")
    tg.callback_query(700000001, sent, "done:1")
    tg.message(700000001, "xong")
    assert [u.message.text for u in await bot.get_updates()] == ["/start", "xong"]
    assert [next(k for k in u if k != "update_id") for u in tg.queue.filtered] == ["callback_query"]


async def test_a_second_instance_polling_terminates_the_first(
    bot: telegram.Bot, tg: FakeTelegram
) -> None:
    older = asyncio.create_task(bot.get_updates(timeout=30))
    await polling(tg)
    async with telegram.Bot(tg.token, base_url=f"{tg.url}/bot") as second_instance:
        newer = asyncio.create_task(second_instance.get_updates(timeout=1))
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await older
        assert await newer == ()


async def _sent_with_button(bot: telegram.Bot, tg: FakeTelegram, *data: str) -> telegram.Message:
    tg.message(700000001, "/start")
    return await bot.send_message(700000001, "Nhắc việc", reply_markup=keyboard(*data))


async def test_edit_message_text(bot: telegram.Bot, tg: FakeTelegram) -> None:
    sent = await _sent_with_button(bot, tg, "done:1")
    edited = await bot.edit_message_text(
        "Nhắc việc ✓",
        chat_id=700000001,
        message_id=sent.message_id,
        reply_markup=keyboard("undo:1"),
    )
    assert edited.text == "Nhắc việc ✓" and edited.edit_date is not None
    assert edited.reply_markup.inline_keyboard[0][0].callback_data == "undo:1"
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text(
            "Nhắc việc ✓",
            chat_id=700000001,
            message_id=sent.message_id,
            reply_markup=keyboard("undo:1"),
        )
    plain = await bot.edit_message_text("Đã xong", chat_id=700000001, message_id=sent.message_id)
    assert plain.reply_markup is None  # omitting reply_markup removes the keyboard
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("?", chat_id=700000001, message_id=99)
    assert [(e.method, e.text) for e in tg.edits] == [
        ("editMessageText", "Nhắc việc ✓"),
        ("editMessageText", "Đã xong"),
    ]
    assert [r.text for r in tg.sent] == ["Nhắc việc"]  # edits are not new deliveries


async def test_edit_reply_markup_and_delete(bot: telegram.Bot, tg: FakeTelegram) -> None:
    sent = await _sent_with_button(bot, tg, "done:1", "done:2")
    await bot.edit_message_reply_markup(700000001, sent.message_id, reply_markup=keyboard("done:2"))
    assert tg.world.find_message(700000001, sent.message_id)["reply_markup"] == {
        "inline_keyboard": [[{"text": "Xong done:2", "callback_data": "done:2"}]]
    }
    assert await bot.delete_message(700000001, sent.message_id)
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(700000001, sent.message_id)
    assert tg.deleted == [(700000001, sent.message_id)]


async def test_callback_query_and_its_single_answer(bot: telegram.Bot, tg: FakeTelegram) -> None:
    sent = await _sent_with_button(bot, tg, "done:1", "done:2")
    update = tg.callback_query(700000001, tg.sent[0], "done:2")
    query = telegram.Update.de_json(update, bot).callback_query
    assert query.data == "done:2" and query.message.message_id == sent.message_id
    assert await bot.answer_callback_query(query.id, text="Đã ghi nhận")
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query.id)
    assert [(a.callback_query_id, a.text) for a in tg.callback_answers] == [
        (query.id, "Đã ghi nhận")
    ]
    with pytest.raises(ValueError, match="has no button 'done:9'"):
        tg.callback_query(700000001, sent.message_id, "done:9")


async def test_set_my_commands_is_recorded(bot: telegram.Bot, tg: FakeTelegram) -> None:
    await bot.set_my_commands([("xong", "Báo đã làm xong"), ("tiendo", "Xem tiến độ")])
    await bot.set_my_commands(
        [("done", "Mark an item done")],
        language_code="en",
        scope=telegram.BotCommandScopeAllGroupChats(),
    )
    assert tg.command_names() == ["xong", "tiendo"]
    assert tg.command_names("all_group_chats", "en") == ["done"]
    assert [c.command for c in await bot.get_my_commands()] == ["xong", "tiendo"]
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([("Xong", "Có chữ hoa")])


async def test_chat_info_member_and_action(bot: telegram.Bot, tg: FakeTelegram) -> None:
    tg.add_chat(GROUP, "supergroup", title="Chi bộ Văn hóa")
    chat = await bot.get_chat(GROUP)
    assert (chat.id, chat.title, chat.type) == (GROUP, "Chi bộ Văn hóa", "supergroup")
    member = await bot.get_chat_member(GROUP, 123456789)
    assert member.status == "member" and member.user.id == 123456789
    assert await bot.send_chat_action(GROUP, "typing")
    assert tg.chat_actions == [(GROUP, "typing")]


async def test_photos_and_documents(bot: telegram.Bot, tg: FakeTelegram) -> None:
    tg.add_chat(GROUP, "supergroup")
    by_url = await bot.send_photo(
        GROUP, "https://example.org/bang-ron.jpg", caption="<i>Mẫu</i>", parse_mode="HTML"
    )
    assert by_url.caption == "Mẫu" and len(by_url.photo) == 3
    uploaded = await bot.send_document(
        GROUP, b"STT;Noi dung\n1;Treo bang ron\n", filename="ke-hoach.csv"
    )
    assert uploaded.document.file_name == "ke-hoach.csv"
    file = await bot.get_file(uploaded.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"STT;Noi dung\n1;Treo bang ron\n"
    reused = await bot.send_photo(GROUP, by_url.photo[-1].file_id)
    assert reused.photo[-1].width == 800
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_photo(GROUP, "https://example.org/a.jpg", caption="c" * 1025)
    with pytest.raises(BadRequest, match="Wrong file identifier"):
        await bot.send_photo(GROUP, "not-a-file-id")
    assert [(r.method, r.caption) for r in tg.sent] == [
        ("sendPhoto", "Mẫu"),
        ("sendDocument", None),
        ("sendPhoto", None),
    ]
    assert tg.sent[0].photo == "https://example.org/bang-ron.jpg"
    assert tg.sent[1].upload is not None and tg.sent[1].upload.filename == "ke-hoach.csv"


async def test_a_ptb_application_polls_and_replies(tg: FakeTelegram) -> None:
    """The way Loa runs: an Application with base_url, polling, handlers replying."""

    async def start(update: telegram.Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(
            f"Đã liên kết: {' '.join(context.args)}", reply_markup=keyboard("done:1")
        )

    async def pressed(update: telegram.Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer("Đã ghi nhận")
        await update.callback_query.edit_message_text("Đã xong mục 1")

    application = (
        ApplicationBuilder()
        .token(tg.token)
        .base_url(f"{tg.url}/bot")
        .base_file_url(f"{tg.url}/file/bot")
        .build()
    )
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(pressed))
    async with application:
        await application.start()
        await application.updater.start_polling(poll_interval=0, timeout=1)
        tg.start_command("INV42", chat_id=GROUP, chat_type="supergroup")
        [reply] = await tg.wait_for_messages(1, chat_id=GROUP)
        assert reply.text == "Đã liên kết: INV42" and reply.reply_to_message_id is not None
        tg.callback_query(GROUP, reply, "done:1", user_id=700000124)
        await wait_until(lambda: tg.edits, within=5, describe=tg.describe_requests)
        await application.updater.stop()
        await application.stop()
    assert [a.text for a in tg.callback_answers] == ["Đã ghi nhận"]
    assert tg.edits[0].text == "Đã xong mục 1"
    assert tg.queue.pending == []  # stopping confirmed every handled update
