"""/huongdan and /start: adapted to the platform and to admins."""

from __future__ import annotations

from tests.handlers.support import ADMIN_TG, DICH_VU_ZALO, VAN_PHONG, Loa, texts


async def test_staff_help_on_telegram(loa: Loa) -> None:
    text = texts(await loa.send("/huongdan", chat_id=VAN_PHONG))

    assert "bấm ✅ dưới tin nhắc" in text
    assert "/nhiemvu — việc đang mở của đơn vị" in text
    assert "/guitin" not in text


async def test_staff_help_on_zalo_explains_quoting(loa: Loa) -> None:
    text = texts(await loa.send("/huongdan", channel="zalo", chat_id=DICH_VU_ZALO))

    assert "trả lời (trích dẫn) tin nhắc «xong 2»" in text
    assert "bấm ✅" not in text


async def test_admin_help_lists_admin_commands(loa: Loa) -> None:
    text = texts(
        await loa.send("/huongdan", chat_id=ADMIN_TG, chat_type="private", user_id=ADMIN_TG)
    )

    assert "/guitin — gửi tin, ảnh, tệp tới các đơn vị" in text
    assert "/lienket MÃ_ĐƠN_VỊ — tạo mã liên kết cho một đơn vị" in text


async def test_start_in_private_welcomes(loa: Loa) -> None:
    text = texts(
        await loa.send("/start", chat_id="42", chat_type="private", user_id="42", user_name="An")
    )
    assert text.startswith("Xin chào An! Mình là Loa")
    assert "/lienket MÃ" in text

    admin = texts(await loa.send("/start", chat_id=ADMIN_TG, chat_type="private", user_id=ADMIN_TG))
    assert "Bạn là quản trị viên" in admin


async def test_start_in_a_group_without_code_explains_linking(loa: Loa) -> None:
    text = texts(await loa.send("/start", chat_id="-100777"))
    assert "gửi /lienket MÃ (mã do quản trị viên cấp)" in text
