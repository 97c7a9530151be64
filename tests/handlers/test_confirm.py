"""Confirming items from a chat: buttons, "xong" replies, /xong, evidence, undo, and
everything that must be refused without recording anything."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.storage.links import deactivate_chat
from tests.handlers.support import (
    BULLETIN_VP,
    DICH_VU_ZALO,
    KE_HOACH,
    MONTHLY_DV,
    MONTHLY_KH,
    MONTHLY_NCC,
    NGUOI_CO_CONG_TG,
    NGUOI_CO_CONG_ZALO,
    PARTY_POST_VP,
    PLAN_DV,
    STAFF_NAME,
    VAN_PHONG,
    Loa,
    texts,
)


def _buttons(reply) -> list[str]:  # type: ignore[no-untyped-def]
    return [button.data for row in reply.buttons for button in row]


async def test_button_confirms_and_edits_the_digest(loa: Loa) -> None:
    sent = await loa.deliver_digests([VAN_PHONG])

    replies = await loa.press("ok:2", sent[VAN_PHONG])

    active = await loa.active()
    assert list(active) == [PARTY_POST_VP]
    row = active[PARTY_POST_VP]
    assert (row.confirmed_by, row.confirmed_by_name) == ("telegram:501", STAFF_NAME)
    assert (row.channel, row.chat_id) == ("telegram", VAN_PHONG)
    edit, notice = replies
    assert edit.edit_message_id == sent[VAN_PHONG]
    assert "2. ✅ Đăng tin, bài tuyên truyền" in edit.text
    assert f"đã xong ({STAFF_NAME}, 08:12 02/02)" in edit.text
    assert "1. Cập nhật tin, bài" in edit.text and "quá hạn 8 ngày" in edit.text
    assert _buttons(edit) == ["ok:1", "undo:2"]
    assert [b.label for row in edit.buttons for b in row] == ["✅ 1", "↩️ 2"]
    assert notice.notice is not None and notice.notice.startswith("Đã ghi nhận: việc 2")


async def test_pressing_twice_changes_nothing(loa: Loa) -> None:
    sent = await loa.deliver_digests([VAN_PHONG])
    await loa.press("ok:1", sent[VAN_PHONG])
    first = (await loa.active())[BULLETIN_VP]

    loa.clock.advance(timedelta(minutes=5))
    replies = await loa.press("ok:1", sent[VAN_PHONG], user_id="777", user_name="Trần Thị B")

    assert [reply.notice for reply in replies] == ["Việc này đã được xác nhận trước đó."]
    assert all(reply.edit_message_id is None for reply in replies)
    again = (await loa.active())[BULLETIN_VP]
    assert (again.confirmed_at, again.confirmed_by) == (first.confirmed_at, "telegram:501")


async def test_reply_xong_2_confirms_item_2(loa: Loa) -> None:
    sent = await loa.deliver_digests([VAN_PHONG])

    replies = await loa.send("xong 2", reply_to_message_id=sent[VAN_PHONG], quotes_bot=True)

    assert list(await loa.active()) == [PARTY_POST_VP]
    assert replies[0].text == f"✅ Đã ghi nhận việc 2 của Văn phòng Sở — {STAFF_NAME}, 08:12"
    assert replies[1].edit_message_id == sent[VAN_PHONG]
    assert _buttons(replies[1]) == ["ok:1", "undo:2"]


@pytest.mark.parametrize(
    "text",
    [
        "Xong",
        "xong",
        "XONG",
        "done",
        "Đã xong",
        "da xong",
        "hoàn thành",
        "hoan thanh",
        "xong rồi",
        "Xong roi!",
        "đã hoàn thành",
    ],
)
async def test_done_words_confirm_the_only_open_item(loa: Loa, text: str) -> None:
    sent = await loa.deliver_digests([KE_HOACH])

    replies = await loa.send(
        text, chat_id=KE_HOACH, reply_to_message_id=sent[KE_HOACH], quotes_bot=True
    )

    assert list(await loa.active()) == [MONTHLY_KH]
    assert replies[0].text.startswith("✅ Đã ghi nhận việc 1 của Phòng Kế hoạch - Tài chính")


async def test_bare_xong_with_several_open_items_asks_which(loa: Loa) -> None:
    sent = await loa.deliver_digests([VAN_PHONG])

    replies = await loa.send("Xong", reply_to_message_id=sent[VAN_PHONG], quotes_bot=True)

    assert await loa.confirmations() == []
    assert "2 việc chưa xác nhận: 1 và 2" in texts(replies)
    assert "«xong 1»" in texts(replies)


@pytest.mark.parametrize("text", ["/xong 1 2", "/xong 1,2", "/done 1 2"])
async def test_xong_command_with_several_numbers(loa: Loa, text: str) -> None:
    await loa.deliver_digests([VAN_PHONG])

    replies = await loa.send(text)

    assert list(await loa.active()) == sorted([BULLETIN_VP, PARTY_POST_VP])
    assert replies[0].text.startswith("✅ Đã ghi nhận việc 1 và 2 của Văn phòng Sở")


async def test_text_with_numbers_and_separators(loa: Loa) -> None:
    await loa.deliver_digests([DICH_VU_ZALO])

    replies = await loa.send(
        "Hoàn thành 1, 2 rồi nhé", channel="zalo", chat_id=DICH_VU_ZALO, quotes_bot=True
    )

    assert list(await loa.active()) == sorted([PLAN_DV, MONTHLY_DV])
    assert "việc 1 và 2 của Trung tâm Dịch vụ việc làm tỉnh Lào Cai" in replies[0].text
    assert len(replies) == 1  # Zalo messages cannot be edited


async def test_zalo_quote_counts_against_the_latest_digest(loa: Loa) -> None:
    await loa.deliver_digests([DICH_VU_ZALO])
    await loa.send("xong 1", channel="zalo", chat_id=DICH_VU_ZALO, quotes_bot=True)
    # The next weekly digest renumbers what is still open: item 1 is now the bulletin.
    loa.clock.advance(timedelta(days=7))
    assert await loa.deliver_digests([DICH_VU_ZALO])

    await loa.send("xong 1", channel="zalo", chat_id=DICH_VU_ZALO, quotes_bot=True)

    assert list(await loa.active()) == sorted([PLAN_DV, MONTHLY_DV])


async def test_links_and_photos_are_kept_as_evidence(loa: Loa) -> None:
    sent = await loa.deliver_digests([VAN_PHONG])

    replies = await loa.send(
        "xong 1 https://sldtbxh.laocai.gov.vn/tin-tuc/ban-tin-thang-1.",
        reply_to_message_id=sent[VAN_PHONG],
        evidence=("telegram-photo:AgADphoto1",),
    )

    row = (await loa.active())[BULLETIN_VP]
    assert row.evidence == [
        "telegram-photo:AgADphoto1",
        "https://sldtbxh.laocai.gov.vn/tin-tuc/ban-tin-thang-1",
    ]
    assert "(kèm minh chứng)" in replies[0].text


async def test_photo_reply_adds_evidence_to_the_confirmed_item(loa: Loa) -> None:
    sent = await loa.deliver_digests([VAN_PHONG])
    await loa.press("ok:2", sent[VAN_PHONG])

    replies = await loa.send(
        "", reply_to_message_id=sent[VAN_PHONG], evidence=("telegram-photo:AgADpost",)
    )

    assert (await loa.active())[PARTY_POST_VP].evidence == ["telegram-photo:AgADpost"]
    assert texts(replies) == "📎 Đã thêm minh chứng cho việc 2 của Văn phòng Sở."
    assert BULLETIN_VP not in await loa.active()


async def test_photo_before_any_confirmation_asks_which_item_it_shows(loa: Loa) -> None:
    sent = await loa.deliver_digests([VAN_PHONG])

    [question] = await loa.send(
        "", reply_to_message_id=sent[VAN_PHONG], evidence=("telegram-photo:AgADpost",)
    )

    assert await loa.confirmations() == []
    assert question.text.startswith("Minh chứng này cho việc nào đã xong?\n1. Cập nhật tin")
    ask_two = next(b.data for row in question.buttons for b in row if b.label == "✅ 2")

    replies = await loa.press(ask_two, "question-1")

    assert (await loa.active())[PARTY_POST_VP].evidence == ["telegram-photo:AgADpost"]
    assert replies[0].edit_message_id == "question-1"  # the question now shows the outcome
    assert replies[0].text.startswith("✅ Đã ghi nhận việc 2 của Văn phòng Sở")
    assert replies[0].text.endswith("(kèm minh chứng)")


async def test_undo_button_withdraws_and_restores_the_button(loa: Loa) -> None:
    sent = await loa.deliver_digests([VAN_PHONG])
    await loa.press("ok:2", sent[VAN_PHONG])

    replies = await loa.press("undo:2", sent[VAN_PHONG], user_id="777", user_name="Trần Thị B")

    assert await loa.active() == {}
    [row] = await loa.confirmations()
    assert row.undone_by == "telegram:777"
    notice, edit = replies
    assert notice.notice is not None and notice.notice.startswith("↩️ Đã hoàn tác")
    assert _buttons(edit) == ["ok:1", "ok:2"]
    assert "✅ Đăng tin" not in edit.text


async def test_undo_command_then_confirm_again(loa: Loa) -> None:
    await loa.deliver_digests([VAN_PHONG])
    await loa.send("/xong 1")

    replies = await loa.send("/hoantac 1")
    assert replies[0].text.startswith("↩️ Đã hoàn tác xác nhận việc 1 của Văn phòng Sở")
    assert await loa.active() == {}

    await loa.send("/xong 1")
    assert list(await loa.active()) == [BULLETIN_VP]


async def test_undo_only_in_the_chat_that_confirmed(loa: Loa) -> None:
    # Phòng Người có công has a Telegram and a Zalo group: each sees its own digest.
    await loa.deliver_digests([NGUOI_CO_CONG_TG, NGUOI_CO_CONG_ZALO])
    await loa.send("/xong 1", chat_id=NGUOI_CO_CONG_TG)

    replies = await loa.send(
        "/hoantac 1", channel="zalo", chat_id=NGUOI_CO_CONG_ZALO, user_id="zu1"
    )

    assert list(await loa.active()) == [MONTHLY_NCC]
    assert "chỉ hoàn tác được ở đó" in texts(replies)


async def test_numbers_that_do_not_exist_record_nothing(loa: Loa) -> None:
    sent = await loa.deliver_digests([VAN_PHONG])

    replies = await loa.send("xong 1 9", reply_to_message_id=sent[VAN_PHONG])

    assert await loa.confirmations() == []
    assert texts(replies) == (
        "Tin nhắc ngày 02/02 không có việc số 9. Các số có trong tin: 1 và 2. "
        "Không ghi nhận việc nào."
    )


async def test_unlinked_chat_records_nothing(loa: Loa) -> None:
    await loa.deliver_digests([VAN_PHONG])

    replies = await loa.send("xong 1", chat_id="-100999", quotes_bot=True)
    private = await loa.send("/xong 1", chat_id="888", chat_type="private", user_id="888")

    assert await loa.confirmations() == []
    assert "chưa liên kết với đơn vị nào" in texts(replies)
    assert "chưa liên kết với đơn vị nào" in texts(private)


async def test_stranger_button_in_another_chat_records_nothing(loa: Loa) -> None:
    sent = await loa.deliver_digests([VAN_PHONG])

    # The digest's message id, pressed from a chat the digest was never sent to.
    replies = await loa.press("ok:1", sent[VAN_PHONG], chat_id=KE_HOACH)

    assert await loa.confirmations() == []
    assert [reply.notice for reply in replies] == ["Nút này không còn hiệu lực."]


async def test_digest_of_a_unit_the_chat_no_longer_serves(loa: Loa) -> None:
    sent = await loa.deliver_digests([VAN_PHONG])
    async with loa.database.session() as session:
        await deactivate_chat(session, "telegram", VAN_PHONG, "test", loa.clock.now())
    await loa.link("thanh-tra", VAN_PHONG)

    replies = await loa.send("xong 1", reply_to_message_id=sent[VAN_PHONG])

    assert await loa.confirmations() == []
    assert "không còn phụ trách" in texts(replies)


@pytest.mark.parametrize("data", ["ok:abc", "ok:9", "ok:", "ok:-1", "undo:x", "zz:1", "ok:1:2"])
async def test_forged_button_data_changes_nothing(loa: Loa, data: str) -> None:
    sent = await loa.deliver_digests([VAN_PHONG])

    replies = await loa.press(data, sent[VAN_PHONG])

    assert await loa.confirmations() == []
    assert [reply.notice for reply in replies] == ["Nút này không còn hiệu lực."]


async def test_button_on_an_unknown_message(loa: Loa) -> None:
    await loa.deliver_digests([VAN_PHONG])

    replies = await loa.press("ok:1", "no-such-message")

    assert await loa.confirmations() == []
    assert [reply.notice for reply in replies] == ["Nút này không còn hiệu lực."]


async def test_chatter_in_a_group_gets_no_answer(loa: Loa) -> None:
    await loa.deliver_digests([VAN_PHONG])

    assert await loa.send("Chào cả nhà, chiều nay họp nhé", quotes_bot=True) == []
    assert await loa.send("xong việc này chưa?", quotes_bot=True) == []
    assert await loa.confirmations() == []


async def test_chatter_in_a_private_chat_gets_a_hint(loa: Loa) -> None:
    replies = await loa.send("alo", chat_id="888", chat_type="private", user_id="888")

    assert "xong 2" in texts(replies) and "/huongdan" in texts(replies)


async def test_no_digest_yet(loa: Loa) -> None:
    replies = await loa.send("xong 1", quotes_bot=True)

    assert await loa.confirmations() == []
    assert texts(replies) == "Chưa có tin nhắc việc nào gửi tới đây để xác nhận."
