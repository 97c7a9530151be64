"""/nhiemvu: a unit's open items, numbered as in today's reminder."""

from __future__ import annotations

from tests.handlers.support import ADMIN_TG, DICH_VU_ZALO, VAN_PHONG, Loa, texts

BULLETIN = "Cập nhật tin, bài trên Trang thông tin điện tử và Bản tin của Sở"


async def test_items_keep_the_numbers_of_todays_digest(loa: Loa) -> None:
    await loa.deliver_digests([VAN_PHONG])

    text = texts(await loa.send("/nhiemvu"))

    assert text.startswith("📋 Việc của Văn phòng Sở\n")
    assert f"1. {BULLETIN} — quá hạn 8 ngày (hạn 25/01)" in text
    assert "2. Đăng tin, bài tuyên truyền kỷ niệm 96 năm" in text and "hạn hôm nay" in text
    assert text.endswith("trả lời «xong N» hoặc gõ /xong N.")


async def test_without_a_digest_items_are_bullets_and_confirmed_ones_go(loa: Loa) -> None:
    first = texts(await loa.send("/nhiemvu"))
    assert f"• {BULLETIN} — quá hạn 8 ngày" in first
    assert "xong N" not in first

    await loa.deliver_digests([VAN_PHONG])
    await loa.send("/xong 1 2")
    after = texts(await loa.send("/nhiemvu"))
    assert BULLETIN not in after.split("Việc tiếp theo")[0]
    assert "Không có việc nào đang mở. 👍" in after
    assert "Việc tiếp theo: Đăng tin, bài tuyên truyền Tết Nguyên đán Bính Ngọ 2026" in after


async def test_zalo_unit_with_two_overdue_items(loa: Loa) -> None:
    await loa.deliver_digests([DICH_VU_ZALO])

    text = texts(await loa.send("/nhiemvu", channel="zalo", chat_id=DICH_VU_ZALO))

    assert "1. Xây dựng kế hoạch tuyên truyền hưởng ứng kỷ niệm 80 năm" in text
    assert "quá hạn 41 ngày (hạn 23/12)" in text
    assert "2. Gửi tin, bài lồng ghép" in text


async def test_unlinked_chat(loa: Loa) -> None:
    text = texts(
        await loa.send("/nhiemvu", chat_id=ADMIN_TG, chat_type="private", user_id=ADMIN_TG)
    )
    assert text.startswith("Nơi này chưa liên kết với đơn vị nào.")
    assert "/tiendo" in text
