"""`loa import`'s reader: what it finds in plan documents, and the draft it writes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from content.catalogues import available_provinces, catalogue
from content.plan_import import ImportResult, Line, lines_of_text, read_plan_document
from content.plan_import.draft import REVIEW, render_draft
from content.plan_loader import parse_plan
from tests.content.import_accuracy import documents, read, scores

EVERY_DAY = catalogue(include=("national", *available_provinces()))


def read_text(text: str) -> ImportResult:
    return read_plan_document(lines_of_text(text))


def draft_of(text: str, name: str = "van-ban.txt") -> str:
    return render_draft(read_text(text), name, catalogue=EVERY_DAY)


# --- accuracy over the collected documents -----------------------------------------------


def test_the_reader_meets_its_aims_on_every_collected_plan() -> None:
    table = scores()["all"]
    anniversaries, deadlines = table["anniversaries"], table["deadlines"]
    assert anniversaries.expected >= 60 and deadlines.expected >= 5
    assert anniversaries.found_rate >= 0.90, anniversaries.misses
    assert deadlines.found_rate >= 0.80, deadlines.misses
    for what, score in table.items():
        assert score.wrong_rate <= 0.05, (what, score.errors)


@pytest.mark.parametrize("folder", documents(), ids=lambda path: path.name)
def test_every_collected_plan_gives_a_draft_the_plan_loader_accepts(folder: Path) -> None:
    result, expected = read(folder)
    text = render_draft(result, "document.txt", catalogue=EVERY_DAY)
    plan = parse_plan(text, source_name="draft.yaml")
    assert plan.year == expected["year"]
    if "province" in expected:
        assert plan.province == expected["province"]


# --- what a plan writes, read the way it is written -----------------------------------------

PORTAL = """\
Tổ chức các hoạt động Kỷ niệm 80 năm Ngày Khởi nghĩa Ba Tơ (11/3/1945 - 11/3/2025) và 50 năm \
Ngày Giải phóng tỉnh Quảng Ngãi (24/3/1975 - 24/3/2025)

Ủy ban nhân dân tỉnh vừa ban hành Kế hoạch số 32/KH-UBND tổ chức các hoạt động Kỷ niệm 80 năm \
Ngày Khởi nghĩa Ba Tơ (11/3/1945 - 11/3/2025) và 50 năm Ngày Giải phóng tỉnh Quảng Ngãi \
(24/3/1975-24/3/2025)

Tổ chức các hoạt động chào mừng kỷ niệm 80 năm Ngày Khởi nghĩa Ba Tơ và kỷ niệm 50 năm Ngày \
Giải phóng tỉnh Quảng Ngãi nhằm tuyên truyền truyền thống cách mạng.
"""


def test_the_same_anniversary_in_title_lead_and_body_is_found_once() -> None:
    result = read_text(PORTAL)
    found = [(a.key, a.year, a.ordinal, a.line, a.also_lines) for a in result.anniversaries]
    assert found == [
        ("qn_ba_to", 2025, 80, 1, (3, 5)),
        ("qn_giai_phong", 2025, 50, 1, (3, 5)),
    ]


def test_a_portal_notice_gives_number_province_and_the_unnamed_provinces_issuer() -> None:
    header = read_text(PORTAL).header
    assert header.number == "32/KH-UBND"
    assert header.issuer == "Ủy ban nhân dân tỉnh Quảng Ngãi"  # "Ủy ban nhân dân tỉnh"
    assert (header.province, header.year) == ("quang-ngai", 2025)


def test_a_range_without_spaces_dots_or_a_separator_is_still_an_anniversary() -> None:
    text = (
        "Năm 2025: Kỷ niệm 95 năm Ngày thành lập Đảng Cộng sản Việt Nam (3.2.1930-3.2.2025); "
        "41 năm Ngày giải phóng miền nam thống nhất đất nước (30/04/1984 30/04/2025)."
    )
    found = {(a.key, a.ordinal) for a in read_text(text).anniversaries}
    assert ("thanh_lap_dang", 95) in found


def test_lunar_days_and_tet_are_read_with_their_year() -> None:
    text = (
        "Kế hoạch tuyên truyền năm 2023: đón Tết nguyên đán Quý Mão; Giỗ Tổ Hùng Vương "
        "(mùng 10/3 âm lịch); Lễ hội Đền Thượng (mùng 15 tháng Giêng âm lịch)."
    )
    found = [(a.key, a.calendar, a.day, a.month, a.year) for a in read_text(text).anniversaries]
    assert found == [
        ("tet", "lunar", 1, 1, 2023),
        ("gio_to", "lunar", 10, 3, 2023),
        (None, "lunar", 15, 1, 2023),
    ]


def test_a_document_date_is_not_an_anniversary() -> None:
    text = (
        "Căn cứ Kế hoạch số 433/KH-UBND ngày 31/12/2022 của UBND tỉnh; kết quả sau 05 năm "
        "thực hiện Chỉ thị số 05-CT/TW ngày 15/5/2016; Chiến lược 10 năm 2021 - 2030."
    )
    assert read_text(text).anniversaries == ()


# --- who, what, by when ---------------------------------------------------------------------

ORGANISATION = """\
KẾ HOẠCH
Công tác tuyên truyền năm 2026

IV. TỔ CHỨC THỰC HIỆN

1. Văn phòng Sở
- Chủ trì, phối hợp với Phòng Kế hoạch - Tài chính xây dựng Bản tin hằng tháng, phát hành \
trước ngày 25 hằng tháng.
- Định kỳ hằng quý tổng hợp kết quả báo cáo Giám đốc Sở.

2. Sở Thông tin và Truyền thông
- Nội dung: Tuyên truyền trên Cổng thông tin điện tử tỉnh.
- Thời gian thực hiện: tháng 3/2026.
- Đơn vị thực hiện: Báo Quảng Ngãi, Đài Phát thanh và Truyền hình tỉnh.
- Đơn vị phối hợp: Sở Văn hóa, Thể thao và Du lịch và các đơn vị liên quan.

3. Chế độ báo cáo
Các phòng, đơn vị báo cáo kết quả qua Văn phòng Sở trước ngày 15/11 để tổng hợp.
"""


def test_units_owning_and_cooperating_are_read_from_headings_sentences_and_labels() -> None:
    result = read_text(ORGANISATION)
    assert result.owners == (
        "Văn phòng Sở",
        "Báo Quảng Ngãi",
        "Đài Phát thanh và Truyền hình tỉnh",
        "Các phòng, đơn vị",
    )
    assert result.cooperating == ("Phòng Kế hoạch - Tài chính", "Sở Văn hóa, Thể thao và Du lịch")


def test_deadlines_and_repeats_are_read_with_the_plan_year_when_none_is_written() -> None:
    result = read_text(ORGANISATION)
    deadlines = [(d.date, d.owners, d.year_given, d.doubts != ()) for d in result.deadlines]
    assert deadlines == [
        (date(2026, 3, 31), ("Báo Quảng Ngãi", "Đài Phát thanh và Truyền hình tỉnh"), True, True),
        (date(2026, 11, 15), ("Các phòng, đơn vị",), False, True),
    ]
    repeats = [(r.repeat, r.day, r.owners) for r in result.repeats]
    assert repeats == [("monthly", 25, ("Văn phòng Sở",)), ("quarterly", None, ("Văn phòng Sở",))]


def test_slogan_lists_are_read_and_tied_to_their_anniversary() -> None:
    text = (
        "Năm 2019\n* Nội dung khẩu hiệu tuyên truyền:\n"
        "- Nhiệt liệt chào mừng 44 năm ngày Giải phóng miền Nam, thống nhất đất nước "
        "(30/4/1975 - 30/4/2019)!\n- Đảng Cộng sản Việt Nam quang vinh muôn năm!\n"
        "\nII. TỔ CHỨC THỰC HIỆN\n"
    )
    slogans = [(s.key, s.text[:20]) for s in read_text(text).slogans]
    assert slogans == [
        ("giai_phong_mien_nam", "Nhiệt liệt chào mừng"),
        (None, "Đảng Cộng sản Việt N"),
    ]


# --- the draft ------------------------------------------------------------------------------


def test_the_draft_quotes_the_line_of_every_uncertain_value_and_lists_what_is_missing() -> None:
    text = draft_of(ORGANISATION)
    plan = parse_plan(text)
    monthly = plan.task(next(t.id for t in plan.tasks if t.repeat == "monthly"))
    assert (monthly.due_day, monthly.owners) == (25, ("van-phong-so",))
    review = [line for line in text.splitlines() if f"# {REVIEW}" in line]
    assert any("due: 2026-11-15" in line and "không ghi năm" in line for line in review)
    assert any("due: 2026-03-31" in line and "dòng 12" in line for line in review)
    assert "# - số văn bản (number): văn bản chưa ghi số" in text


def test_slogans_in_the_draft_follow_next_years_ordinal() -> None:
    text = draft_of(
        "Kế hoạch năm 2019\nKhẩu hiệu tuyên truyền:\n- Nhiệt liệt chào mừng 44 năm ngày Giải "
        "phóng miền Nam, thống nhất đất nước (30/4/1975 - 30/4/2019)!\n"
    )
    plan = parse_plan(text)
    assert plan.slogans["giai_phong_mien_nam"] == (
        "Nhiệt liệt chào mừng {ordinal} năm ngày Giải phóng miền Nam, thống nhất đất nước "
        "(30/4/1975 - 30/4/{year})!",
    )


def test_nothing_is_invented_for_an_anniversary_without_a_date() -> None:
    text = draft_of("Kế hoạch năm 2023: các hoạt động kỷ niệm 120 năm du lịch Sa Pa.")
    assert "extra:" not in text
    assert "# - ngày của “du lịch Sa Pa” (dòng 1): văn bản không ghi ngày" in text


def test_table_rows_are_lines_with_their_cells() -> None:
    lines = (
        Line(1, "Kế hoạch tuyên truyền năm 2026"),
        Line(2, "TT | Nội dung | Thời gian", ("TT", "Nội dung", "Thời gian")),
        Line(
            3,
            "1 | Kỷ niệm 96 năm Ngày thành lập Đảng Cộng sản Việt Nam (3/2/1930 - 3/2/2026) "
            "| tháng 2",
            None,
        ),
    )
    assert [a.key for a in read_plan_document(lines).anniversaries] == ["thanh_lap_dang"]
