"""Suggested posts: the voice of each kind, facts from the catalogue, the unit that posts,
slogans once and as written, and what a plan may replace."""

from __future__ import annotations

import dataclasses
import re
from types import MappingProxyType

import pytest

from content.anniversaries import Anniversary, Occurrence, occurrence_of
from content.catalogues import available_provinces, catalogue
from content.placeholders import fill_placeholders
from content.plan import Plan
from content.plan_loader import PlanError, load_plan, parse_plan
from content.posts import ZALO_TEXT_LIMIT, post_slogans, render_post
from tests.conftest import SAMPLE_PLAN

PLAN: Plan = load_plan(SAMPLE_PLAN)
EVERYTHING = catalogue(include=["national", *available_provinces()])
FESTIVE_WORDS = ("hào hùng", "chiến công", "chào mừng", "NHIỆT LIỆT", "🇻🇳")


def occurrence(key: str, year: int) -> Occurrence:
    found = occurrence_of(next(a for a in EVERYTHING if a.key == key), year)
    assert found is not None
    return found


def test_a_massacre_memorial_is_written_soberly_even_in_a_round_year() -> None:
    son_my = occurrence("qn_son_my", 2028)  # 60 years
    assert son_my.tier == "round10"
    text = render_post(son_my, unit="UBND xã Tịnh Khê")
    assert text.startswith("🕯 TƯỞNG NIỆM 60 NĂM VỤ THẢM SÁT SƠN MỸ (16/03/1968 - 16/03/2028)")
    assert "504 thường dân" in text  # the catalogue's sourced summary
    assert "thành kính tưởng nhớ những người đã khuất" in text
    for word in FESTIVE_WORDS:
        assert word.lower() not in text.lower(), word


def test_a_plan_that_lists_a_memorial_as_major_can_give_it_the_memorial_voice() -> None:
    plan = parse_plan(
        SAMPLE_PLAN.read_text(encoding="utf-8")
        + "\nposts:\n  dien_bien_phu:\n    template: memorial\n"
    )
    text = render_post(occurrence("dien_bien_phu", 2029), plan)
    assert text.startswith("🕯 ")
    assert "hào hùng" not in text and "chiến công" not in text


def test_a_provincial_day_states_what_happened_where_and_who() -> None:
    text = render_post(occurrence("qn_tra_bong", 2026), unit="UBND xã Trà Bồng")
    assert "Ngày 28/8/1959, đồng bào các dân tộc Cor, Hrê, Ca Dong, Kinh ở Trà Bồng" in text
    assert "là dịp để ôn lại ý nghĩa lịch sử của sự kiện" in text  # the event voice
    assert text.endswith("#KỷNiệm67Năm #NgàyKhởiNghĩaTràBồngVàMiềnTâyQuảngNgãi #QuảngNgãi")


def test_a_day_a_council_chose_is_posted_with_the_document_that_chose_it() -> None:
    text = render_post(occurrence("th_danh_xung", 2026), unit="UBND phường Hạc Thành")
    assert text.startswith("🇻🇳 Kỷ niệm 997 năm Danh xưng Thanh Hóa (1029 - 2026)\n")
    assert (
        "Nghị quyết số 112/NQ-HĐND của HĐND tỉnh Thanh Hóa chọn ngày 8/5 hằng năm làm ngày kỷ "
        "niệm Danh xưng Thanh Hóa (năm 1029)."
    ) in text
    assert "/1029" not in text  # the chosen day is never given as the day of 1029
    english = render_post(occurrence("th_danh_xung", 2029), locale="en")
    assert "chose 8/5 of every year as the day to commemorate Danh xưng Thanh Hóa (1029)" in (
        english
    )
    historical = render_post(occurrence("th_ham_rong", 2026))
    assert "hằng năm làm ngày kỷ niệm" not in historical


@pytest.mark.parametrize(
    ("key", "voice"),
    [
        ("thay_thuoc", "tôn vinh những đóng góp của các thế hệ cán bộ, người lao động trong ngành"),
        ("ag_ton_duc_thang", "học tập tấm gương đạo đức, phong cách của nhà lãnh đạo tiền bối"),
        ("hg_thanh_lap_tinh", "ôn lại truyền thống và ý nghĩa lịch sử"),
        ("hp_giai_phong", "ôn lại ý nghĩa lịch sử của sự kiện"),
    ],
)
def test_each_kind_has_its_own_voice(key: str, voice: str) -> None:
    assert voice in render_post(occurrence(key, 2026))


def test_a_post_speaks_for_the_unit_that_receives_it_not_the_issuer() -> None:
    text = render_post(occurrence("quoc_khanh", 2026), PLAN, unit="Phòng Người có công")
    assert "cán bộ, công chức, viên chức và người lao động Phòng Người có công" in text
    assert PLAN.issuer not in text
    # A preview without a unit speaks for the issuer.
    assert PLAN.issuer in render_post(occurrence("quoc_khanh", 2026), PLAN)


def test_slogans_are_printed_once_and_as_the_plan_wrote_them() -> None:
    written = "Nhiệt liệt chào mừng {ordinal} năm Ngày Quốc khánh!"
    slogans = {"quoc_khanh": (written, "  nhiệt liệt CHÀO MỪNG 80 năm ngày quốc khánh ", written)}
    plan = dataclasses.replace(PLAN, slogans=MappingProxyType(slogans))
    text = render_post(occurrence("quoc_khanh", 2025), plan)
    assert text.count("Nhiệt liệt chào mừng 80 năm Ngày Quốc khánh!") == 1
    assert "nhiệt liệt CHÀO MỪNG" not in text  # says the same as the first
    # The post's own closing line gives way to the official slogan instead of repeating it.
    assert "Nhiệt liệt chào mừng kỷ niệm 80 năm" not in text
    assert post_slogans(occurrence("quoc_khanh", 2025), plan) == [
        "Nhiệt liệt chào mừng 80 năm Ngày Quốc khánh!"
    ]


def test_the_plan_can_replace_a_posts_text() -> None:
    plan = parse_plan(
        SAMPLE_PLAN.read_text(encoding="utf-8")
        + "\nposts:\n  quoc_khanh:\n"
        + '    text: "{unit} tổ chức {anniversary} tại hội trường."\n'
    )
    text = render_post(occurrence("quoc_khanh", 2026), plan, unit="Văn phòng Sở")
    assert (
        "Văn phòng Sở tổ chức kỷ niệm 81 năm Ngày Quốc khánh nước Cộng hòa xã hội chủ nghĩa "
        "Việt Nam (02/09/1945 - 02/09/2026) tại hội trường." in text
    )
    assert "Ngày 02/9/1945, tại Quảng trường Ba Đình" not in text  # the built-in body is gone
    assert text.splitlines()[1].startswith("📅 ")


@pytest.mark.parametrize(
    ("posts", "message"),
    [
        ("  khong_co:\n    text: x\n", "posts: không có ngày kỷ niệm 'khong_co'"),
        ("  quoc_khanh:\n    template: buon\n", "template 'buon' không có"),
        ('  quoc_khanh:\n    text: "{don_vi}"\n', "không có chỗ điền {don_vi}"),
        ('  tet:\n    text: "{ordinal} năm"\n', "không có năm gốc"),
        ("  quoc_khanh: {}\n", "cần text hoặc template"),
    ],
)
def test_bad_post_overrides_are_refused_with_their_line(posts: str, message: str) -> None:
    with pytest.raises(PlanError, match=message):
        parse_plan(SAMPLE_PLAN.read_text(encoding="utf-8") + "\nposts:\n" + posts)


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{anniversary}: đăng tin", "Kỷ niệm 96 năm Ngày thành lập"),
        ("Tổ chức {anniversary}", "Tổ chức kỷ niệm 96 năm Ngày thành lập"),
        ("Đăng bài kỷ niệm {anniversary}", "Đăng bài kỷ niệm 96 năm Ngày thành lập"),
        ("Xong. {anniversary}", "Xong. Kỷ niệm 96 năm"),
    ],
)
def test_the_anniversary_is_lower_case_inside_a_sentence(template: str, expected: str) -> None:
    values = {"anniversary": occurrence("thanh_lap_dang", 2026).title}
    assert fill_placeholders(template, values).startswith(expected)


def test_a_memorial_title_inside_a_sentence_keeps_one_verb() -> None:
    title = occurrence("qn_son_my", 2026).title
    assert fill_placeholders("Dâng hương {anniversary}", {"anniversary": title}).startswith(
        "Dâng hương tưởng niệm 58 năm vụ thảm sát Sơn Mỹ"
    )
    assert fill_placeholders("Lễ tưởng niệm {anniversary}", {"anniversary": title}).startswith(
        "Lễ tưởng niệm 58 năm vụ thảm sát"
    )


def test_every_catalogue_entry_renders_a_complete_post_for_years_to_come() -> None:
    units = ("Phòng Người có công", "UBND xã Tịnh Khê - " + "Ủy ban nhân dân " * 6)
    for year in (2025, 2026, 2030, 2035):
        for anniversary in EVERYTHING:
            found = occurrence_of(anniversary, year)
            if found is None:
                continue
            for unit in units:
                text = render_post(found, PLAN, unit=unit)
                assert len(text) <= ZALO_TEXT_LIMIT, (anniversary.key, year)
                assert not re.search(r"None|\{|\}|\n\n\n", text), (anniversary.key, year)
                assert unit in text, (anniversary.key, year)


def test_a_plans_own_memorial_day_gets_the_memorial_voice() -> None:
    own = Anniversary("tn_xa", "vụ thảm sát ở xã X", "solar", 5, 4, 1969, "memorial")
    found = occurrence_of(own, 2026)
    assert found is not None and found.title.startswith("Tưởng niệm 57 năm vụ thảm sát ở xã X")
    text = render_post(found, PLAN, unit="UBND xã X")
    assert text.startswith("🕯 Tưởng niệm 57 năm") and "chào mừng" not in text.lower()
