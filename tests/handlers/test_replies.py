"""What staff write back, as Loa reads and answers it: done in their own words, photo
captions, questions and negations that record nothing, numbers read strictly, and one
short question (buttons on Telegram, numbered choices on Zalo) when Loa is unsure."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.handlers.support import (
    BULLETIN_VP,
    DICH_VU_ZALO,
    MONTHLY_DV,
    PARTY_POST_VP,
    PLAN_DV,
    STAFF,
    STAFF_NAME,
    VAN_PHONG,
    Loa,
    texts,
)

BANNER_PHOTO = "telegram-photo:AgADbangron"
LINK = "https://sldtbxh.laocai.gov.vn/tin-tuc/ky-niem-96-nam-thanh-lap-dang"


def _buttons(reply) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {button.label: button.data for row in reply.buttons for button in row}


async def _reply(loa: Loa, text: str, **fields: object) -> list:  # type: ignore[type-arg]
    """`text` as a reply to this morning's digest of Văn phòng Sở."""
    sent = await loa.deliver_digests([VAN_PHONG])
    return await loa.send(text, reply_to_message_id=sent[VAN_PHONG], quotes_bot=True, **fields)


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("Dạ em xong 2 rồi ạ", [PARTY_POST_VP]),
        ("xong 2 đã đăng trên trang của Sở", [PARTY_POST_VP]),
        ("Việc 1 xong rồi, việc 2 chưa", [BULLETIN_VP]),
        ("da xong viec 1 va viec 2 roi nha", [BULLETIN_VP, PARTY_POST_VP]),
        ("xong 1-2", [BULLETIN_VP, PARTY_POST_VP]),
        ("Dạ bên em xong hết rồi ạ", [BULLETIN_VP, PARTY_POST_VP]),
    ],
)
async def test_done_in_their_own_words_is_recorded(loa: Loa, text: str, keys: list[str]) -> None:
    replies = await _reply(loa, text)

    assert sorted(await loa.active()) == sorted(keys)
    assert texts(replies).startswith("✅ Đã ghi nhận việc")


@pytest.mark.parametrize(
    "text",
    [
        "chưa xong 2",
        "2 chưa xong",
        "việc 2 xong chưa?",
        "sắp xong",
        "gần xong rồi ạ",
        "mai em xong 2 nhé",
        "không xong được",
        "xong 1 hoặc 2",
        "xong -1",
        "xong 1.5",
        "xong 10.000",
        "2",
    ],
)
async def test_negations_questions_and_loose_numbers_record_nothing(loa: Loa, text: str) -> None:
    await _reply(loa, text)

    assert await loa.confirmations() == []


async def test_a_photo_captioned_with_its_item_confirms_it_with_the_photo(loa: Loa) -> None:
    replies = await _reply(loa, "xong 1 - ảnh băng rôn trước trụ sở", evidence=(BANNER_PHOTO,))

    assert (await loa.active())[BULLETIN_VP].evidence == [BANNER_PHOTO]
    assert texts(replies).startswith(f"✅ Đã ghi nhận việc 1 của Văn phòng Sở — {STAFF_NAME}")
    assert "(kèm minh chứng)" in texts(replies)


async def test_a_link_anywhere_is_evidence_of_the_item_named(loa: Loa) -> None:
    await _reply(loa, f"xong 2, link {LINK}")

    assert (await loa.active())[PARTY_POST_VP].evidence == [LINK]


async def test_a_question_about_an_item_is_answered_with_its_state(loa: Loa) -> None:
    sent = await loa.deliver_digests([VAN_PHONG])
    await loa.send("/xong 2")

    replies = await loa.send(
        "Việc 1, việc 2 xong chưa ạ?", reply_to_message_id=sent[VAN_PHONG], user_id="777"
    )

    assert texts(replies) == (f"Việc 1 chưa được xác nhận.\nViệc 2 đã xong ({STAFF_NAME}, 08:12).")
    assert list(await loa.active()) == [PARTY_POST_VP]


async def test_a_question_to_colleagues_gets_no_answer(loa: Loa) -> None:
    assert await _reply(loa, "xong chưa em?") == []


async def test_not_done_yet_is_acknowledged_and_nothing_recorded(loa: Loa) -> None:
    replies = await _reply(loa, "Dạ việc 2 chiều nay em mới đăng được ạ")

    assert await loa.confirmations() == []
    assert texts(replies) == "Loa chưa ghi nhận việc 2. Khi xong, trả lời «xong 2»."


async def test_a_number_not_in_the_digest_is_answered_not_guessed(loa: Loa) -> None:
    replies = await _reply(loa, "Dạ em xong 7 rồi ạ")

    assert await loa.confirmations() == []
    assert texts(replies) == (
        "Tin nhắc ngày 02/02 không có việc số 7. Các số có trong tin: 1 và 2. "
        "Không ghi nhận việc nào."
    )


async def test_an_invalid_number_gets_one_question_with_buttons(loa: Loa) -> None:
    [question] = await _reply(loa, "xong 1.5")

    assert question.text.startswith("«1.5» không phải số việc trong tin nhắc. Việc nào đã xong?")
    assert "1. Cập nhật tin, bài" in question.text
    buttons = _buttons(question)
    assert list(buttons) == ["✅ 1", "✅ 2", "✅ Tất cả"]
    assert all(data.startswith("ask:") for data in buttons.values())

    replies = await loa.press(buttons["✅ Tất cả"], "question-1")

    assert sorted(await loa.active()) == sorted([BULLETIN_VP, PARTY_POST_VP])
    assert replies[0].edit_message_id == "question-1"
    assert replies[0].text.startswith("✅ Đã ghi nhận việc 1 và 2 của Văn phòng Sở")
    assert replies[-1].edit_message_id is not None  # and the digest shows the ✅ marks


async def test_a_typed_answer_to_the_question_confirms(loa: Loa) -> None:
    await _reply(loa, "Xong rồi ạ")  # two items are open: Loa asks which

    replies = await loa.send("2 ạ", quotes_bot=True)

    assert list(await loa.active()) == [PARTY_POST_VP]
    assert texts(replies).startswith("✅ Đã ghi nhận việc 2 của Văn phòng Sở")
    # The question is answered: a "2" now is no longer an answer.
    assert await loa.send("1", quotes_bot=True) != []
    assert list(await loa.active()) == [PARTY_POST_VP]


async def test_a_number_alone_asks_whether_it_is_done_and_yes_confirms(loa: Loa) -> None:
    [question] = await _reply(loa, "việc 2 ạ")
    assert question.text.startswith("Bạn báo việc 2 đã xong?\n2. Đăng tin, bài")
    assert list(_buttons(question)) == ["✅ 2"]

    replies = await loa.send("đúng rồi ạ", quotes_bot=True)

    assert list(await loa.active()) == [PARTY_POST_VP]
    assert texts(replies).startswith("✅ Đã ghi nhận việc 2")


async def test_no_to_the_question_records_nothing(loa: Loa) -> None:
    await _reply(loa, "Xong rồi ạ")

    replies = await loa.send("chưa ạ", quotes_bot=True)

    assert await loa.confirmations() == []
    assert texts(replies) == "Vâng, Loa chưa ghi nhận việc nào."


async def test_zalo_has_no_buttons_the_question_lists_numbered_choices(loa: Loa) -> None:
    await loa.deliver_digests([DICH_VU_ZALO])
    zalo = {"channel": "zalo", "chat_id": DICH_VU_ZALO, "quotes_bot": True}

    [question] = await loa.send("Dạ em báo cáo đã xong ạ", **zalo)

    assert question.buttons == ()
    assert question.text == (
        "Tin nhắc còn 2 việc chưa xác nhận: 1 và 2. Việc nào đã xong?\n"
        "1. Xây dựng kế hoạch tuyên truyền hưởng ứng kỷ niệm 80 năm Ngày Tổng…\n"
        "2. Gửi tin, bài lồng ghép tuyên truyền công tác chuyên môn cho Trang…\n"
        "Trả lời (trích dẫn) tin này bằng số việc đã xong, ví dụ «1» hoặc «1 2»; «tất cả» "
        "nếu xong hết."
    )
    replies = await loa.send("tất cả", **zalo)
    assert sorted(await loa.active()) == sorted([PLAN_DV, MONTHLY_DV])
    assert texts(replies).startswith("✅ Đã ghi nhận việc 1 và 2 của Trung tâm Dịch vụ việc làm")


async def test_a_zalo_photo_captioned_xong_confirms_with_the_photo(loa: Loa) -> None:
    await loa.deliver_digests([DICH_VU_ZALO])
    photo = "https://photo.zalo.me/bang-ron.jpg"

    await loa.send(
        "Xong 2 - ảnh băng rôn trước trụ sở",
        channel="zalo",
        chat_id=DICH_VU_ZALO,
        quotes_bot=True,
        evidence=(photo,),
    )

    assert (await loa.active())[MONTHLY_DV].evidence == [photo]


async def test_undo_in_words(loa: Loa) -> None:
    sent = await loa.deliver_digests([VAN_PHONG])
    await loa.send("/xong 2")

    replies = await loa.send("Em bấm nhầm việc 2 ạ", reply_to_message_id=sent[VAN_PHONG])

    assert await loa.active() == {}
    assert texts(replies).startswith("↩️ Đã hoàn tác xác nhận việc 2 của Văn phòng Sở")


async def test_khong_phat_sinh_of_an_item_that_is_not_optional_records_nothing(loa: Loa) -> None:
    replies = await _reply(loa, "Dạ việc 1 không phát sinh ạ")

    assert await loa.confirmations() == []
    assert texts(replies).startswith("Việc 1 không phải việc «nếu có» nên không báo «không phát")
    # Optional items ("… (nếu có)") are closed this way: tests/handlers/test_not_applicable.py


async def test_a_private_chat_reads_plain_messages(loa: Loa) -> None:
    await loa.link("van-phong", STAFF, "private")
    await loa.deliver_digests([STAFF])
    private = {"chat_id": STAFF, "chat_type": "private"}

    unsure = await loa.send("xong 2 việc rồi", **private)  # 2 items open: all of them
    assert sorted(await loa.active()) == sorted([BULLETIN_VP, PARTY_POST_VP])
    assert texts(unsure).startswith("✅ Đã ghi nhận việc 1 và 2")
    assert "/huongdan" in texts(await loa.send("alo", **private))


async def test_an_unaddressed_group_message_acts_only_on_plain_numbers(loa: Loa) -> None:
    await loa.deliver_digests([VAN_PHONG])

    assert await loa.send("3") == []
    assert await loa.send("xong 1.5") == []
    assert await loa.send("Xong rồi, đi ăn trưa thôi") == []
    assert await loa.send("Xong hết rồi, về thôi") == []
    assert await loa.confirmations() == []
    await loa.send("xong 2")
    assert list(await loa.active()) == [PARTY_POST_VP]


async def test_counted_overdue_items_can_be_confirmed_by_their_number(loa: Loa) -> None:
    """A digest that lists item 1 and counts one more ("… và 1 việc quá hạn khác (số 2)")."""
    sent = await loa.deliver_digests([VAN_PHONG])
    [row] = await loa.outbox_rows("digest")
    async with loa.database.session() as session:
        stored = await session.get(type(row), row.id)
        assert stored is not None
        payload = dict(stored.payload)
        payload["entries"] = [e for e in payload["entries"] if e["key"] == PARTY_POST_VP]
        payload["entries"][0] = {**payload["entries"][0], "n": 1}
        payload["overdue_more"], payload["more_keys"] = 1, [BULLETIN_VP]
        stored.payload = payload

    replies = await loa.send("xong 2", reply_to_message_id=sent[VAN_PHONG])

    assert list(await loa.active()) == [BULLETIN_VP]
    assert texts(replies).startswith("✅ Đã ghi nhận việc 2 của Văn phòng Sở")
    # "xong hết" means what the digest lists, not what it only counts.
    await loa.send("/hoantac 2", reply_to_message_id=sent[VAN_PHONG])
    await loa.send("xong hết", reply_to_message_id=sent[VAN_PHONG])
    assert [k for k in await loa.active()] == [PARTY_POST_VP]


async def test_a_stranger_pressing_a_question_button_elsewhere_records_nothing(loa: Loa) -> None:
    [question] = await _reply(loa, "Xong rồi ạ")
    data = _buttons(question)["✅ 1"]

    replies = await loa.press(data, "question-1", chat_id="-100999")
    forged = await loa.press("ask:1:x", "question-1")

    assert await loa.confirmations() == []
    assert "chưa liên kết" in texts(replies)
    assert [reply.notice for reply in forged] == ["Nút này không còn hiệu lực."]


async def test_the_question_is_forgotten_after_half_an_hour(loa: Loa) -> None:
    await _reply(loa, "Xong rồi ạ")
    loa.clock.advance(timedelta(minutes=31))

    replies = await loa.send("2", quotes_bot=True)

    assert await loa.confirmations() == []
    assert texts(replies).startswith("Bạn báo việc 2 đã xong?")


async def test_a_number_alone_for_an_item_already_confirmed_says_so(loa: Loa) -> None:
    sent = await loa.deliver_digests([VAN_PHONG])
    await loa.send("/xong 2")

    replies = await loa.send("việc 2 ạ", reply_to_message_id=sent[VAN_PHONG])

    assert texts(replies) == "Việc 2 đã được xác nhận trước đó."
