"""The built-in catalogues, ordinals, tiers and titles, and malformed catalogue files."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import date
from pathlib import Path

import holidays
import pytest

from content.anniversaries import (
    Anniversary,
    occurrence_of,
    occurrences_between,
    occurrences_in_year,
    tier_of,
)
from content.catalogues import (
    DATA_DIR,
    CatalogueError,
    available_provinces,
    catalogue,
    closest_province,
    load_catalogue_file,
    match_province,
    resolve_province,
    scope_display_name,
)
from content.i18n import language
from content.lunar import LunarDate, LunarDateError, to_lunar, to_solar

ALL_PROVINCES = tuple(available_provinces())


def by_key(key: str) -> Anniversary:
    everything = catalogue(include=["national", *ALL_PROVINCES])
    matches = [a for a in everything if a.key == key]
    assert len(matches) == 1, key
    return matches[0]


def occurrence(key: str, year: int):
    found = occurrence_of(by_key(key), year)
    assert found is not None
    return found


# --- ordinals and tiers -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "year", "ordinal", "tier"),
    [
        ("thanh_lap_dang", 2026, 96, "regular"),  # major
        ("thanh_lap_dang", 2030, 100, "round10"),
        ("giai_phong_mien_nam", 2025, 50, "round10"),
        ("quoc_khanh", 2025, 80, "round10"),
        ("cach_mang_thang_tam", 2020, 75, "round5"),
        ("sinh_nhat_bac", 2025, 135, "round5"),
        ("dien_bien_phu", 2026, 72, "regular"),
        ("the_thao", 2026, 80, "round10"),  # founding
        ("cong_an_nhan_dan", 2025, 80, "round10"),
        ("thuong_binh_liet_si", 2022, 75, "regular"),  # founding: N ending in 5 is not round
        ("thanh_lap_doan", 2026, 95, "regular"),
        ("tong_tuyen_cu", 2026, 80, "round10"),
        ("lc_thanh_lap_tinh", 2027, 120, "round10"),
        ("kt_giai_phong", 2025, 50, "round10"),
    ],
)
def test_ordinal_and_tier(key: str, year: int, ordinal: int, tier: str) -> None:
    found = occurrence(key, year)
    assert (found.ordinal, found.tier) == (ordinal, tier)


def test_tier_rules_differ_for_major_and_founding() -> None:
    assert [tier_of("major", n) for n in (10, 15, 20, 75, 96, 100)] == [
        "round10",
        "round5",
        "round10",
        "round5",
        "regular",
        "round10",
    ]
    assert [tier_of("founding", n) for n in (10, 15, 75, 80, 96)] == [
        "round10",
        "regular",
        "regular",
        "round10",
        "regular",
    ]
    assert tier_of("major", None) == "regular"
    assert tier_of("founding", None) == "regular"
    with pytest.raises(ValueError, match="kind"):
        tier_of("anniversary", 10)  # type: ignore[arg-type]
    # A locality that marks N ending in 5 (seed: "65 năm Ngày Bác Hồ lên thăm Lào Cai" is
    # "đặc biệt") says so per entry; ND 111/2018 days do not otherwise.
    assert [tier_of("event", n, round5=True) for n in (65, 70, 66)] == [
        "round5",
        "round10",
        "regular",
    ]


def test_major_holidays_are_the_decree_145_days() -> None:
    major = {a.key for a in catalogue(include=["national"]) if a.kind == "major"}
    assert major == {
        "tet",
        "thanh_lap_dang",
        "gio_to",
        "giai_phong_mien_nam",
        "dien_bien_phu",
        "sinh_nhat_bac",
        "cach_mang_thang_tam",
        "quoc_khanh",
    }
    provincial = catalogue(include=ALL_PROVINCES)
    assert provincial
    # Only the decree's days are major: a province's days never get "năm lẻ 5" by default.
    assert "major" not in {a.kind for a in provincial}


def test_no_occurrence_before_the_first_anniversary() -> None:
    assert occurrence_of(by_key("phap_luat"), 2013) is None
    assert occurrence_of(by_key("phap_luat"), 2012) is None
    assert occurrence_of(by_key("phap_luat"), 2014).ordinal == 1


# --- titles and dates ---------------------------------------------------------------------


def test_solar_title_in_the_plans_style() -> None:
    found = occurrence("thanh_lap_dang", 2026)
    assert found.date == date(2026, 2, 3)
    assert found.origin == date(1930, 2, 3)
    assert found.lunar is None
    assert found.key == "thanh_lap_dang"
    assert found.title == (
        "Kỷ niệm 96 năm Ngày thành lập Đảng Cộng sản Việt Nam (03/02/1930 - 03/02/2026)"
    )
    assert occurrence("lc_bac_ho_tham", 2023).title == (
        "Kỷ niệm 65 năm Ngày Bác Hồ lên thăm Lào Cai (23/09/1958 - 23/09/2023)"
    )


def test_tet_2026() -> None:
    found = occurrence("tet", 2026)
    assert found.date == date(2026, 2, 17)
    assert found.lunar == LunarDate(2026, 1, 1)
    assert (found.ordinal, found.origin, found.tier) == (None, None, "regular")
    assert found.title == "Tết Nguyên đán Bính Ngọ 2026"


def test_gio_to_2026() -> None:
    found = occurrence("gio_to", 2026)
    assert found.date == date(2026, 4, 26)
    assert found.lunar == LunarDate(2026, 3, 10)
    assert found.ordinal is None
    assert found.title == "Giỗ Tổ Hùng Vương (10/3 âm lịch năm Bính Ngọ)"


def test_gio_bac_counts_lunar_years_from_1969() -> None:
    found = occurrence("gio_bac", 2025)
    assert found.date == date(2025, 9, 12)
    assert found.origin == date(1969, 9, 2)
    assert found.ordinal == 56
    assert found.title == "Kỷ niệm 56 năm Ngày giỗ Chủ tịch Hồ Chí Minh (21/7 âm lịch)"
    assert occurrence("gio_bac", 2026).title == (
        "Kỷ niệm 57 năm Ngày giỗ Chủ tịch Hồ Chí Minh (21/7 âm lịch)"
    )


def test_tet_and_gio_to_match_the_holidays_package() -> None:
    oracle = holidays.VN(years=range(1901, 2101), language="en_US")
    tet = {d.year: d for d, name in oracle.items() if name == "Lunar New Year"}
    gio_to = {d.year: d for d, name in oracle.items() if name == "Hung Kings' Commemoration Day"}
    assert len(tet) == 200 and len(gio_to) >= 90
    assert {y: occurrence("tet", y).date for y in tet} == tet
    assert {y: occurrence("gio_to", y).date for y in gio_to} == gio_to


def test_lunar_month_12_day_falls_in_january_of_the_next_solar_year() -> None:
    # 15/12 of lunar year 2025 (Ất Tỵ) is in early 2026, before Tết Bính Ngọ.
    late = Anniversary("cuoi_nam", "Ngày cuối năm", "lunar", 15, 12, 2000, "founding")
    in_2026 = occurrences_in_year([late], 2026)
    assert len(in_2026) == 1
    found = in_2026[0]
    assert found.date == to_solar(15, 12, 2025)
    assert found.date.year == 2026 and found.date < date(2026, 2, 17)
    assert found.lunar == LunarDate(2025, 12, 15)
    assert (found.year, found.ordinal) == (2025, 25)
    # Lunar year 2026's 15/12 falls in 2027, so nothing else in 2026.
    assert occurrence_of(late, 2026).date.year == 2027


def test_a_lunar_day_can_fall_twice_in_one_solar_year() -> None:
    early = Anniversary("dau_dong", "Ngày đầu đông", "lunar", 20, 11, None, "founding")
    twice = [y for y in range(1990, 2060) if len(occurrences_in_year([early], y)) == 2]
    assert twice, "some solar year must hold 20/11 of two lunar years"
    year = twice[0]
    first, second = occurrences_in_year([early], year)
    assert (first.lunar.year, second.lunar.year) == (year - 1, year)
    assert first.date.month == 1 and second.date.month == 12


def test_lunar_day_30_is_kept_on_day_29_in_a_short_month() -> None:
    short = next(
        (y, m) for y in range(2020, 2030) for m in range(1, 13) if _month_length(y, m) == 29
    )
    year, month = short
    last = Anniversary("ngay_30", "Ngày ba mươi", "lunar", 30, month, None, "founding")
    found = occurrence_of(last, year)
    assert found.date == to_solar(29, month, year)
    assert found.lunar == LunarDate(year, month, 29)


def _month_length(year: int, month: int) -> int:
    try:
        to_solar(30, month, year)
    except LunarDateError:
        return 29
    return 30


def test_solar_29_february_is_kept_on_28_february_in_common_years() -> None:
    leap_day = Anniversary("ngay_nhuan", "Ngày nhuận", "solar", 29, 2, 1960, "founding")
    assert occurrence_of(leap_day, 2024).date == date(2024, 2, 29)
    common = occurrence_of(leap_day, 2026)
    assert common.date == date(2026, 2, 28)
    assert common.title == "Kỷ niệm 66 năm Ngày nhuận (29/02/1960 - 28/02/2026)"


def test_occurrences_in_year_are_sorted_by_date_then_key() -> None:
    found = occurrences_in_year(catalogue(), 2026)
    assert [(o.date, o.key) for o in found] == sorted((o.date, o.key) for o in found)
    assert all(o.date.year == 2026 for o in found)
    same_day = [o.key for o in found if o.date == date(2026, 8, 19)]
    assert same_day == ["cach_mang_thang_tam", "cong_an_nhan_dan", "ngay_hoi_antq"]
    assert len(found) == len(catalogue())  # every national day once in 2026


def test_occurrences_between_is_inclusive_and_spans_years() -> None:
    found = occurrences_between(catalogue(), date(2025, 12, 22), date(2026, 2, 17))
    assert [o.key for o in found] == [
        "qdnd",
        "quoc_phong_toan_dan",
        "tong_tuyen_cu",
        "hiep_dinh_paris",
        "bac_ho_ve_nuoc",
        "thanh_lap_dang",
        "tet",
    ]
    assert found[0].date == date(2025, 12, 22) and found[-1].date == date(2026, 2, 17)
    with pytest.raises(ValueError):
        occurrences_between(catalogue(), date(2026, 2, 1), date(2026, 1, 1))


def test_plan_anniversaries_are_built_directly() -> None:
    own = Anniversary(
        key="sld-thanh-lap-nganh",
        name="Ngày truyền thống ngành Lao động - Thương binh và Xã hội",
        calendar="solar",
        day=28,
        month=8,
        origin_year=1945,
        kind="founding",
    )
    found = occurrence_of(own, 2025)
    assert (found.ordinal, found.tier, found.date) == (80, "round10", date(2025, 8, 28))
    assert found.title == (
        "Kỷ niệm 80 năm Ngày truyền thống ngành Lao động - Thương binh và Xã hội"
        " (28/08/1945 - 28/08/2025)"
    )
    village = Anniversary("le_hoi", "Lễ hội làng", "lunar", 15, 8, None, "founding")
    assert occurrence_of(village, 2026).title == "Lễ hội làng (15/8 âm lịch năm Bính Ngọ)"
    no_origin = Anniversary("ngay_x", "Ngày X", "solar", 1, 6, None, "founding")
    assert occurrence_of(no_origin, 2026).title == "Ngày X (01/06/2026)"


def test_a_day_a_council_chose_prints_the_years_only_never_a_historical_date() -> None:
    chosen = Anniversary(
        "danh_xung_x",
        "Danh xưng X",
        "solar",
        8,
        5,
        1029,
        "founding",
        chosen_by="Nghị quyết số 1/NQ-HĐND",
    )
    found = occurrence_of(chosen, 2026)
    assert found is not None
    assert found.title == "Kỷ niệm 997 năm Danh xưng X (1029 - 2026)"
    assert (found.date, found.origin, found.ordinal, found.tier) == (
        date(2026, 5, 8),
        None,
        997,
        "regular",
    )
    assert "08/05/1029" not in found.title
    assert occurrence_of(chosen, 2029).tier == "round10"
    # 29/2 of a common year is no date, but a chosen 29/2 claims nothing of that year.
    leap_day = dataclasses.replace(chosen, day=29, month=2, origin_year=1901)
    assert occurrence_of(leap_day, 2028).title == "Kỷ niệm 127 năm Danh xưng X (1901 - 2028)"
    shipped = occurrence("th_danh_xung", 2026)
    assert shipped.title == "Kỷ niệm 997 năm Danh xưng Thanh Hóa (1029 - 2026)"
    assert shipped.date == date(2026, 5, 8) and shipped.origin is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"day": 30, "month": 2}, "30/2"),
        ({"day": 31, "calendar": "lunar"}, "31/1"),
        ({"month": 13}, "1/13"),
        ({"kind": "lon"}, "kind"),
        ({"kind": "major", "round5": True}, "round5"),
        ({"verb": "Chào mừng"}, "verb"),
        ({"summary": "x" * 601}, "summary"),
        ({"summary_source": "nguồn"}, "summary_source"),
        ({"calendar": "julian"}, "calendar"),
        ({"origin_year": 2101}, "origin year"),
        ({"day": 29, "month": 2, "origin_year": 1901}, "29/2/1901"),
        ({"verified": "NO"}, "verified"),
        ({"verified": "partial"}, "note"),
        ({"key": "Bad Key"}, "key"),
        ({"name": " "}, "name"),
        ({"chosen_by": "Nghị quyết số 1/NQ-HĐND", "origin_year": None}, "origin year"),
    ],
)
def test_invalid_anniversaries_are_refused(fields: dict, message: str) -> None:
    values = {
        "key": "ngay_x",
        "name": "Ngày X",
        "calendar": "solar",
        "day": 1,
        "month": 1,
        "origin_year": 1950,
        "kind": "founding",
    } | fields
    with pytest.raises(ValueError, match=message):
        Anniversary(**values)


# --- the shipped data ---------------------------------------------------------------------


def test_unverified_and_dateless_rows_are_not_shipped() -> None:
    keys = {a.key for a in catalogue(include=["national", *ALL_PROVINCES])}
    assert {"lc_chi_bo_nong_thon", "qn_dang_bo", "yb_dang_bo"}.isdisjoint(keys)
    assert {"lc_dang_bo", "yb_thanh_lap_tinh", "kt_tai_lap", "gio_bac"} <= keys


def test_every_shipped_entry_has_a_source_and_partial_ones_a_note() -> None:
    for a in catalogue(include=["national", *ALL_PROVINCES]):
        assert a.source.startswith(("https://", "http://")), a.key
        assert a.verified in ("yes", "partial"), a.key
        if a.verified == "partial":
            assert a.note.strip(), a.key
    assert by_key("kt_tai_lap").verified == "partial"


def test_provinces_and_their_former_provinces() -> None:
    # The 34 provinces and cities since 1/7/2025 (Nghị quyết 202/2025/QH15).
    assert len(available_provinces()) == 34
    assert available_provinces()["quang-ngai"] == "Quảng Ngãi"
    assert available_provinces()["ho-chi-minh"] == "Thành phố Hồ Chí Minh"
    lao_cai = catalogue(province="lao-cai")
    keys = [a.key for a in lao_cai]
    assert "thanh_lap_dang" in keys and "lc_dang_bo" in keys and "qn_ba_to" not in keys
    former = {a.key: a.former_province for a in lao_cai if a.scope == "lao-cai"}
    assert former["yb_thanh_lap_tinh"] == "Yên Bái"
    assert former["yb_nghia_lo"] == "Yên Bái"
    assert former["lc_dang_bo"] is None
    quang_ngai = {a.key: a for a in catalogue(include=["quang-ngai"])}
    assert quang_ngai["kt_thanh_lap_tinh"].former_province == "Kon Tum"
    assert {a.scope for a in quang_ngai.values()} == {"quang-ngai"}
    assert scope_display_name("quang-ngai") == "Quảng Ngãi"
    assert scope_display_name("national") == "Toàn quốc"


def test_province_selection() -> None:
    national = catalogue()
    assert {a.scope for a in national} == {"national"}
    assert catalogue(province="Lào Cai") == catalogue(province="lao-cai")
    assert resolve_province("Quảng Ngãi") == "quang-ngai"
    assert resolve_province("lao_cai") == "lao-cai"
    assert catalogue(include=["national"], province="lao-cai") == national
    # A former province is not a province any more: its name finds the merged one.
    assert catalogue(province="Hà Giang") == catalogue(province="tuyen-quang")
    assert catalogue(include=["national", "yen-bai"]) == catalogue(province="lao-cai")
    with pytest.raises(CatalogueError, match=r"unknown province .Hà Giangg.*lao-cai"):
        catalogue(province="Hà Giangg")


@pytest.mark.parametrize(
    ("written", "slug", "former"),
    [
        ("quang-ngai", "quang-ngai", None),
        ("Quảng Ngãi", "quang-ngai", None),
        ("tỉnh Quảng Ngãi", "quang-ngai", None),
        ("TP. Hồ Chí Minh", "ho-chi-minh", None),
        ("TP.HCM", "ho-chi-minh", None),
        ("Kon Tum", "quang-ngai", "Kon Tum"),
        ("tinh kon tum", "quang-ngai", "Kon Tum"),
        ("Bà Rịa - Vũng Tàu", "ho-chi-minh", "Bà Rịa - Vũng Tàu"),
        ("Sóc Trăng", "can-tho", "Sóc Trăng"),  # a former province with no row of its own yet
    ],
)
def test_a_province_is_found_by_any_of_its_names(
    written: str, slug: str, former: str | None
) -> None:
    match = match_province(written)
    assert (match.slug, match.former) == (slug, former)
    assert match.name == available_provinces()[slug]


# The 29 provinces and cities merged into another on 1/7/2025 (Nghị quyết 202/2025/QH15).
MERGED_INTO = {
    "Kiên Giang": "an-giang", "Bắc Giang": "bac-ninh", "Bạc Liêu": "ca-mau",
    "Sóc Trăng": "can-tho", "Hậu Giang": "can-tho", "Quảng Nam": "da-nang",
    "Phú Yên": "dak-lak", "Bình Phước": "dong-nai", "Tiền Giang": "dong-thap",
    "Bình Định": "gia-lai", "Hải Dương": "hai-phong", "Bình Dương": "ho-chi-minh",
    "Bà Rịa - Vũng Tàu": "ho-chi-minh", "Thái Bình": "hung-yen", "Ninh Thuận": "khanh-hoa",
    "Đắk Nông": "lam-dong", "Bình Thuận": "lam-dong", "Yên Bái": "lao-cai",
    "Hà Nam": "ninh-binh", "Nam Định": "ninh-binh", "Vĩnh Phúc": "phu-tho",
    "Hòa Bình": "phu-tho", "Kon Tum": "quang-ngai", "Quảng Bình": "quang-tri",
    "Long An": "tay-ninh", "Bắc Kạn": "thai-nguyen", "Hà Giang": "tuyen-quang",
    "Bến Tre": "vinh-long", "Trà Vinh": "vinh-long",
}  # fmt: skip


@pytest.mark.parametrize(("former", "slug"), MERGED_INTO.items())
def test_every_former_province_finds_the_one_it_was_merged_into(former: str, slug: str) -> None:
    match = match_province(f"tỉnh {former}")
    assert (match.slug, match.former) == (slug, former)


def test_every_former_province_day_belongs_to_the_file_it_is_in() -> None:
    for slug in available_provinces():
        for a in catalogue(include=[slug]):
            if a.former_province:
                assert MERGED_INTO[a.former_province] == slug, a.key


def test_a_misspelt_province_gets_the_nearest_name() -> None:
    assert closest_province("Quang Ngia") == "Quảng Ngãi"
    assert closest_province("Kon Tom") == "Kon Tum"
    assert closest_province("Atlantis") is None


def test_a_former_note_says_where_the_days_are() -> None:
    assert match_province("Quảng Ngãi").former_note() == ""
    with language("en"):
        assert match_province("Kon Tum").former_note() == (
            "'Kon Tum' is a former province, part of Quảng Ngãi (quang-ngai) since 01/07/2025: "
            "the anniversaries of Quảng Ngãi are used, those of the former Kon Tum included"
        )
    assert match_province("Yên Bái").former_note() == (
        "'Yên Bái' là tỉnh cũ, từ 01/7/2025 thuộc Lào Cai (lao-cai): dùng các ngày kỷ niệm "
        "của Lào Cai, gồm cả các ngày của Yên Bái cũ"
    )


# --- catalogue files ----------------------------------------------------------------------

HEADER = "key,name,calendar,day,month,origin_year,kind,source,verified,note"
GOOD = "ngay_x,Ngày X,solar,3,2,1930,major,https://example.vn/x,yes,"


def write(directory: Path, name: str, *lines: str) -> Path:
    path = directory / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_valid_file_loads_every_row(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "national.csv",
        "# comment",
        HEADER,
        GOOD,
        '"ngay_y","Ngày Y, mở rộng",lunar,10,3,,major,https://example.vn/y,partial,"Ghi chú"',
    )
    loaded = load_catalogue_file(path)
    assert [a.key for a in loaded] == ["ngay_x", "ngay_y"]
    assert loaded[1] == Anniversary(
        "ngay_y",
        "Ngày Y, mở rộng",
        "lunar",
        10,
        3,
        None,
        "major",
        scope="national",
        source="https://example.vn/y",
        verified="partial",
        note="Ghi chú",
    )


def test_a_row_can_name_the_document_that_chose_its_day(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "national.csv",
        HEADER + ",chosen_by",
        "danh_xung,Danh xưng X,solar,8,5,1029,founding,https://example.vn/x,yes,,"
        "Nghị quyết số 1/NQ-HĐND",
        GOOD + ",",
    )
    chosen, plain = load_catalogue_file(path)
    assert (chosen.chosen_by, plain.chosen_by) == ("Nghị quyết số 1/NQ-HĐND", "")
    assert occurrence_of(chosen, 2026).title == "Kỷ niệm 997 năm Danh xưng X (1029 - 2026)"
    dateless = write(
        tmp_path,
        "national.csv",
        HEADER + ",chosen_by",
        "danh_xung,Danh xưng X,solar,8,5,,founding,https://example.vn/x,yes,,Nghị quyết số 1",
    )
    with pytest.raises(CatalogueError, match=r"national\.csv:2: .*origin year"):
        load_catalogue_file(dateless)


@pytest.mark.parametrize(
    ("lines", "line", "message"),
    [
        ((HEADER, GOOD, "ngay_y,Ngày Y,solar,30,2,1930,founding,https://e.vn,yes,"), 3, "30/2"),
        ((HEADER, GOOD, "", GOOD), 4, "duplicate key 'ngay_x' \\(first on line 2\\)"),
        (("# c", HEADER + ",tier", GOOD + ",A"), 2, "unknown column 'tier'"),
        (("key,name,calendar,day,month,kind,source", GOOD), 1, "missing column.*verified"),
        ((HEADER, GOOD.replace("major", "lon")), 2, "kind"),
        ((HEADER, GOOD.replace("1930", "19x0")), 2, "origin_year must be a whole number"),
        ((HEADER, GOOD.replace("1930", "3000")), 2, "origin year"),
        ((HEADER, GOOD.replace(",yes,", ",NO,")), 2, "must not be shipped"),
        ((HEADER, GOOD.replace(",3,2,", ",,,")), 2, "cannot be shipped"),
        ((HEADER, GOOD.replace(",yes,", ",partial,")), 2, "note"),
        ((HEADER, GOOD.replace("https://example.vn/x", "")), 2, "source"),
        ((HEADER, GOOD + ",extra"), 2, "11 fields where the header has 10"),
        ((HEADER, 'ngay_z,"Ngày Z,solar'), 2, "malformed CSV"),
        ((HEADER, GOOD.replace("solar,3", "lunar,31")), 2, "31/2"),
        (("# only a comment",), 1, "no header"),
    ],
)
def test_malformed_files_fail_with_file_and_line(
    tmp_path: Path, lines: tuple[str, ...], line: int, message: str
) -> None:
    path = write(tmp_path, "national.csv", *lines)
    with pytest.raises(CatalogueError, match=message) as caught:
        load_catalogue_file(path)
    assert str(caught.value).startswith(f"{path}:{line}: ")
    assert (caught.value.path, caught.value.line) == (str(path), line)


def test_province_file_needs_its_name_and_a_slug_file_name(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="# province") as caught:
        load_catalogue_file(write(tmp_path, "ha-noi.csv", HEADER, GOOD))
    assert str(caught.value).startswith(f"{tmp_path / 'ha-noi.csv'}:1: ")
    with pytest.raises(CatalogueError, match="slug"):
        load_catalogue_file(write(tmp_path, "Hà Nội.csv", "# province: Hà Nội", HEADER, GOOD))
    with pytest.raises(CatalogueError, match=r"national\.csv cannot name a province"):
        load_catalogue_file(write(tmp_path, "national.csv", "# province: Hà Nội", HEADER, GOOD))


def test_adding_a_province_is_adding_a_file(tmp_path: Path) -> None:
    shutil.copy(DATA_DIR / "national.csv", tmp_path / "national.csv")
    write(
        tmp_path,
        "tuyen-quang.csv",
        "# province: Tuyên Quang",
        HEADER + ",former_province",
        "tq_tan_trao,Ngày Quốc dân Đại hội Tân Trào,solar,16,8,1945,founding,"
        "https://example.vn/tq,yes,,",
        "hg_thanh_lap,Ngày thành lập tỉnh Hà Giang,solar,20,8,1891,founding,"
        "https://example.vn/hg,yes,,Hà Giang",
    )
    assert available_provinces(data_dir=tmp_path) == {"tuyen-quang": "Tuyên Quang"}
    chosen = catalogue(province="Tuyên Quang", data_dir=tmp_path)
    provincial = [a for a in chosen if a.scope == "tuyen-quang"]
    assert [(a.key, a.former_province) for a in provincial] == [
        ("tq_tan_trao", None),
        ("hg_thanh_lap", "Hà Giang"),
    ]
    assert occurrence_of(provincial[0], 2025).title == (
        "Kỷ niệm 80 năm Ngày Quốc dân Đại hội Tân Trào (16/08/1945 - 16/08/2025)"
    )


def test_a_former_province_must_be_on_the_former_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "tuyen-quang.csv",
        "# province: Tuyên Quang",
        "# former: Hà Giang",
        HEADER + ",former_province",
        "hg_x,Ngày X,solar,20,8,1891,founding,https://example.vn/hg,yes,,Ha Giang",
    )
    with pytest.raises(CatalogueError, match="former_province 'Ha Giang' is not on") as caught:
        load_catalogue_file(path)
    assert str(caught.value).startswith(f"{path}:4: ")


def test_two_provinces_cannot_answer_to_one_name(tmp_path: Path) -> None:
    shutil.copy(DATA_DIR / "national.csv", tmp_path / "national.csv")
    write(tmp_path, "lao-cai.csv", "# province: Lào Cai", "# former: Hà Giang", HEADER)
    path = write(
        tmp_path, "tuyen-quang.csv", "# province: Tuyên Quang", "# former: Hà Giang", HEADER
    )
    with pytest.raises(CatalogueError, match=r"'Hà Giang' is also used by lao-cai\.csv") as caught:
        available_provinces(data_dir=tmp_path)
    assert caught.value.path == str(path)


def test_a_key_used_in_two_files_is_refused(tmp_path: Path) -> None:
    shutil.copy(DATA_DIR / "national.csv", tmp_path / "national.csv")
    clash = GOOD.replace("ngay_x", "thanh_lap_dang")
    path = write(tmp_path, "ha-noi.csv", "# province: Hà Nội", HEADER, clash)
    with pytest.raises(CatalogueError, match="duplicate key 'thanh_lap_dang'") as caught:
        catalogue(data_dir=tmp_path)
    assert str(caught.value).startswith(f"{path}:3: ")


def test_lunar_origin_matches_the_lunar_calendar() -> None:
    # The note in the data says 21/7 âm lịch 1969 = 02/9/1969: keep it true.
    assert to_lunar(date(1969, 9, 2)) == LunarDate(1969, 7, 21)
