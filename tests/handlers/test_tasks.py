"""/nhiemvu: a unit's open items, every one numbered (as in today's reminder where it
has a number), sent through the outbox so that a reply to the list confirms by number."""

from __future__ import annotations

from datetime import timedelta

from tests.handlers.support import (
    ADMIN_TG,
    BULLETIN_VP,
    DICH_VU_ZALO,
    PARTY_POST_VP,
    VAN_PHONG,
    Loa,
    texts,
)

BULLETIN = "Cập nhật tin, bài trên Trang thông tin điện tử và Bản tin của Sở"


async def _tasks(loa: Loa, **where: object) -> tuple[str, str]:
    """/nhiemvu, and the list as it goes out: (text, message id)."""
    assert await loa.send("/nhiemvu", **where) == []  # the list goes out through the outbox
    assert loa.wakes
    [sent] = await loa.deliver("tasks")
    return sent


async def test_items_keep_the_numbers_of_todays_digest(loa: Loa) -> None:
    await loa.deliver_digests([VAN_PHONG])

    text, _ = await _tasks(loa)

    assert text.startswith("📋 Việc của Văn phòng Sở\n")
    assert f"1. {BULLETIN} — quá hạn 8 ngày (hạn 25/01)" in text
    assert "2. Đăng tin, bài tuyên truyền kỷ niệm 96 năm" in text and "hạn hôm nay" in text
    assert text.endswith("Việc nào xong, trả lời tin này: xong 1 (kèm link/ảnh minh chứng)")


async def test_without_a_digest_every_open_item_still_has_a_number(loa: Loa) -> None:
    first, _ = await _tasks(loa)
    assert f"1. {BULLETIN} — quá hạn 8 ngày" in first
    assert "•" not in first.split("Việc tiếp theo")[0]

    await loa.deliver_digests([VAN_PHONG])
    await loa.send("/xong 1 2")
    loa.clock.advance(timedelta(minutes=1))
    after, _ = await _tasks(loa)
    assert BULLETIN not in after.split("Việc tiếp theo")[0]
    assert "Không có việc nào đang mở. 👍" in after
    assert "Việc tiếp theo: Đăng tin, bài tuyên truyền Tết Nguyên đán Bính Ngọ 2026" in after


async def test_a_reply_to_the_list_confirms_by_its_numbers(loa: Loa) -> None:
    text, message_id = await _tasks(loa)
    assert "1. Cập nhật tin, bài" in text

    replies = await loa.send("Dạ em xong 1 rồi ạ", reply_to_message_id=message_id, quotes_bot=True)

    assert list(await loa.active()) == [BULLETIN_VP]
    assert texts(replies).startswith("✅ Đã ghi nhận việc 1 của Văn phòng Sở")


async def test_on_zalo_the_newest_list_is_the_one_answered(loa: Loa) -> None:
    await loa.deliver_digests([DICH_VU_ZALO])
    text, _ = await _tasks(loa, channel="zalo", chat_id=DICH_VU_ZALO)
    assert "1. Xây dựng kế hoạch tuyên truyền hưởng ứng kỷ niệm 80 năm" in text
    assert "quá hạn 41 ngày (hạn 23/12/2025)" in text
    assert "2. Gửi tin, bài lồng ghép" in text
    assert text.endswith("Việc nào xong, trả lời (trích dẫn) tin này: xong 1")

    await loa.send("xong 2", channel="zalo", chat_id=DICH_VU_ZALO, quotes_bot=True)

    [key] = list(await loa.active())
    assert key.startswith("sldtbxh-laocai-2026/tin-bai-chuyen-mon/")


async def test_a_party_post_confirmed_from_the_digest_leaves_the_list(loa: Loa) -> None:
    sent = await loa.deliver_digests([VAN_PHONG])
    await loa.send("xong 2", reply_to_message_id=sent[VAN_PHONG], quotes_bot=True)

    text, _ = await _tasks(loa)

    assert PARTY_POST_VP in await loa.active()
    assert "Đăng tin, bài tuyên truyền kỷ niệm 96 năm" not in text.split("Việc tiếp theo")[0]
    assert f"1. {BULLETIN}" in text


async def test_unlinked_chat(loa: Loa) -> None:
    text = texts(
        await loa.send("/nhiemvu", chat_id=ADMIN_TG, chat_type="private", user_id=ADMIN_TG)
    )
    assert text.startswith("Nơi này chưa liên kết với đơn vị nào.")
    assert "/tiendo" in text
