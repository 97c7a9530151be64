"""/tiendo: a unit's own progress in its chat; the whole plan for an admin."""

from __future__ import annotations

from tests.handlers.support import ADMIN_TG, VAN_PHONG, Loa, texts

ADMIN = {"chat_id": ADMIN_TG, "chat_type": "private", "user_id": ADMIN_TG}


async def test_unit_chat_sees_its_counts_and_items(loa: Loa) -> None:
    await loa.deliver_digests([VAN_PHONG])
    await loa.send("/xong 2")

    text = texts(await loa.send("/tiendo"))

    lines = text.splitlines()
    assert lines[0] == "📊 Tiến độ — Văn phòng Sở"
    assert lines[2] == "✅ 1 xong · ⏳ 0 đang nhắc · ⚠️ 1 quá hạn · 26 chưa đến hạn"
    assert lines[3] == "Quá hạn:"
    assert "quá hạn 8 ngày (hạn 25/01)" in lines[4]
    assert lines[5] == "Xong gần đây:"
    assert lines[6].endswith("— Nguyễn Văn A, 08:12")


async def test_admin_sees_every_unit_worst_first(loa: Loa) -> None:
    await loa.deliver_digests([VAN_PHONG])
    await loa.send("/xong 1 2")

    text = texts(await loa.send("/tiendo", **ADMIN))

    lines = text.splitlines()
    assert lines[2] == "Đã xong 2/14 việc đã đến kỳ nhắc; 12 việc quá hạn."
    units = [line for line in lines if line.startswith("• ")]
    assert len(units) == 10
    assert units[0].startswith("• Cơ sở cai nghiện ma túy tỉnh Lào Cai: ✅ 0 · ⏳ 0 · ⚠️ 2")
    assert units[-1] == "• Văn phòng Sở: ✅ 2 · ⏳ 0 · ⚠️ 0"


async def test_admin_asks_for_one_unit(loa: Loa) -> None:
    text = texts(await loa.send("/tiendo phong-nguoi-co-cong", **ADMIN))
    assert text.startswith("📊 Tiến độ — Phòng Người có công")

    missing = texts(await loa.send("/tiendo phong-khong-co", **ADMIN))
    assert missing == "Không có đơn vị phong-khong-co trong kế hoạch bạn quản trị."


async def test_stranger_in_a_private_chat(loa: Loa) -> None:
    text = texts(await loa.send("/tiendo", chat_id="42", chat_type="private", user_id="42"))
    assert text.startswith("Nơi này chưa liên kết với đơn vị nào.")
