"""/lich: anniversaries of the next 60 days, with round years marked."""

from __future__ import annotations

from tests.handlers.support import VAN_PHONG, Loa, texts

PARTY = (
    "• Thứ Ba, 03/02/2026 (còn 1 ngày): Kỷ niệm 96 năm Ngày thành lập Đảng Cộng sản Việt Nam "
    "(03/02/1930 - 03/02/2026)"
)
SPORT = "Kỷ niệm 80 năm Ngày Thể thao Việt Nam (27/03/1946 - 27/03/2026) ⭐ năm tròn"
PROVINCE = "Ngày thành lập Đảng bộ tỉnh Lào Cai"


async def test_unit_chat_sees_its_plans_anniversaries(loa: Loa) -> None:
    text = texts(await loa.send("/lich", chat_id=VAN_PHONG))

    lines = text.splitlines()
    assert lines[0] == "🗓 Ngày lễ, kỷ niệm trong 60 ngày tới"
    assert lines[1] == "Theo: Kế hoạch triển khai thực hiện công tác tuyên truyền năm 2026"
    assert lines[2] == PARTY
    assert "• Thứ Ba, 17/02/2026 (còn 15 ngày): Tết Nguyên đán Bính Ngọ 2026" in lines
    assert any(line.endswith(SPORT) for line in lines)
    assert any(PROVINCE in line for line in lines)
    # 60 days from 02/02 end on 03/04: nothing later.
    assert not any("/04/2026 (" in line for line in lines)


async def test_unlinked_chat_sees_national_days(loa: Loa) -> None:
    text = texts(await loa.send("/lich", chat_id="-100777"))

    assert "Theo: các ngày lễ, kỷ niệm toàn quốc" in text
    assert PARTY in text
    assert PROVINCE not in text
