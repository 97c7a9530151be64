"""`loa plan rollover`'s core: next year's plan file from this year's."""

from __future__ import annotations

from datetime import date

import pytest

from content.plan_loader import parse_plan
from content.plan_rollover import RolloverError, roll_over
from content.working_days import working_day_on_or_before
from tests.conftest import SAMPLE_PLAN

SAMPLE = SAMPLE_PLAN.read_text(encoding="utf-8")

SMALL = """\
# Kế hoạch năm 2025 của Văn phòng
plan:
  id: van-phong
  title: Kế hoạch tuyên truyền năm 2025
  number: 12/KH-VP
  year: 2025

units:
  - id: van-phong
    name: Văn phòng
    channels: [telegram:-100123]

tasks:
  - id: bao-cao-2025
    title: Báo cáo kết quả năm 2025
    owners: [van-phong]
    due: 15/11/2025   # ngày 15/11
  - id: ky-niem-80-nam
    title: Mít tinh kỷ niệm 80 năm {name}
    owners: [van-phong]
    per_anniversary: {tiers: [round10], keys: [quoc_khanh, giai_phong_mien_nam]}
  - id: thang
    title: Bản tin tháng
    owners: [van-phong]
    repeat: monthly
    due: {day: 29}
    from: 2024-02-29
    until: 2025-12-31

slogans:
  quoc_khanh:
    - Nhiệt liệt chào mừng 80 năm Quốc khánh (02/9/1945 - 02/9/2025)!
"""


def messages(kind: str, text: str = SAMPLE, year: int = 2027) -> list[str]:
    return [note.message for note in roll_over(text, year).notes if note.kind == kind]


def test_the_sample_rolls_over_to_a_valid_plan_with_comments_and_layout_kept() -> None:
    result = roll_over(SAMPLE, 2027)
    assert result.problems == []
    plan = parse_plan(result.text)
    assert (plan.id, plan.year, plan.title) == (
        "sldtbxh-laocai-2027",
        2027,
        "Kế hoạch triển khai thực hiện công tác tuyên truyền năm 2027",
    )
    old, new = SAMPLE.splitlines(), result.text.splitlines()
    changed = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
    assert changed == [
        ("  id: sldtbxh-laocai-2026", "  id: sldtbxh-laocai-2027"),
        (
            "  title: Kế hoạch triển khai thực hiện công tác tuyên truyền năm 2026",
            "  title: Kế hoạch triển khai thực hiện công tác tuyên truyền năm 2027",
        ),
        ("  year: 2026", "  year: 2027"),
        ("    due: 2026-02-27", "    due: 2027-02-26"),
        ("    due: 2026-11-15", "    due: 2027-11-15"),
        ("    due: 2026-11-30", "    due: 2027-11-30"),
    ]


def test_a_deadline_on_a_day_off_moves_to_the_working_day_before() -> None:
    assert working_day_on_or_before(date(2027, 2, 27)) == date(2027, 2, 26)  # a Saturday
    assert working_day_on_or_before(date(2027, 1, 1)) == date(2026, 12, 31)  # Tết Dương lịch
    assert working_day_on_or_before(date(2027, 11, 15)) == date(2027, 11, 15)
    assert (
        "nhiệm vụ 'xay-dung-ke-hoach', due: 27/02/2027 là ngày nghỉ, hạn dời về Thứ Sáu, "
        "ngày 26/02/2027"
    ) in messages("changed")


def test_what_needs_a_human_look_is_reported() -> None:
    result = roll_over(SMALL, 2026)
    text = result.text
    assert "  id: van-phong-2026\n" in text  # no year in the id: one is added
    assert "  - id: bao-cao-2026\n" in text
    assert "    due: 13/11/2026   # ngày 15/11\n" in text  # Sunday 15/11/2026 -> Friday 13/11
    assert "    from: 2025-02-28\n" in text
    assert "    - Nhiệt liệt chào mừng 81 năm Quốc khánh (02/9/1945 - 02/9/2026)!\n" in text
    checks = messages("check", SMALL, 2026)
    assert (
        "nhiệm vụ 'bao-cao-2026': nhiệm vụ một lần, hạn mới 13/11/2026; xem năm 2026 còn cần không"
        in checks
    )
    assert (
        "nhiệm vụ 'thang', from: ngày 29/02/2024 không có trong năm 2025; đặt thành 28/02/2025"
        in checks
    )
    assert (
        "slogans, quoc_khanh: số năm viết tay 80 đổi thành 81; nên viết {ordinal} để khỏi "
        "sửa mỗi năm"
    ) in checks
    assert "plan.number: 12/KH-VP: văn bản năm mới có số mới" in checks
    assert "ghi chú còn nhắc năm 2025 ở dòng 1" in checks


def test_anniversaries_the_tiers_leave_out_in_the_new_year_are_dropped_and_said() -> None:
    result = roll_over(SMALL, 2026)
    checks = messages("check", SMALL, 2026)
    assert "nhiệm vụ 'ky-niem-80-nam': bỏ 'quoc_khanh' (năm 2026 là thường)" in checks
    assert "nhiệm vụ 'ky-niem-80-nam': bỏ 'giai_phong_mien_nam' (năm 2026 là thường)" in checks
    assert messages("problem", SMALL, 2026) == [
        "nhiệm vụ 'ky-niem-80-nam': không còn ngày kỷ niệm nào"
    ]
    assert result.problems  # the report says it: `loa check` would refuse it as it is


@pytest.mark.parametrize(
    ("text", "year", "message"),
    [
        (SAMPLE, 2026, "năm mới phải khác năm 2026"),
        (SAMPLE, 2100, "năm mới phải khác năm 2026"),
        ("plan: {id: x}\n", 2027, "kế hoạch cũ chưa hợp lệ"),
    ],
)
def test_a_plan_that_cannot_be_rolled_over_says_why(text: str, year: int, message: str) -> None:
    with pytest.raises(RolloverError, match=message):
        roll_over(text, year)
