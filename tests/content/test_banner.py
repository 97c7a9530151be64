"""Banners: the official title, the plan's slogan and the unit, always inside the frame."""

from __future__ import annotations

import io
from itertools import combinations

import pytest
from PIL import Image

from content.anniversaries import Occurrence, occurrence_of
from content.banner import (
    BannerError,
    BannerSpec,
    Layout,
    banner_spec,
    layout,
    parse_size,
    render_banner,
    split_title,
)
from content.catalogues import available_provinces, catalogue
from content.plan import Plan
from content.plan_loader import load_plan
from tests.conftest import SAMPLE_PLAN

PLAN: Plan = load_plan(SAMPLE_PLAN)
EVERYTHING = catalogue(include=["national", *available_provinces()])
LONG_UNIT = "Trung tâm Dịch vụ việc làm và Giáo dục nghề nghiệp tỉnh Quảng Ngãi (cơ sở 2)"


def occurrence(key: str, year: int) -> Occurrence:
    found = occurrence_of(next(a for a in EVERYTHING if a.key == key), year)
    assert found is not None
    return found


def inside(box: tuple[int, int, int, int], area: tuple[int, int, int, int]) -> bool:
    return area[0] <= box[0] and area[1] <= box[1] and box[2] <= area[2] and box[3] <= area[3]


def overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def check_fits(placed: Layout, spec: BannerSpec) -> None:
    """Every line's ink, measured with the font, lies inside the frame's text area; no
    two blocks overlap; every word of the text is on the banner."""
    for block in placed.blocks:
        for line in block.lines:
            assert inside(line.box, placed.area), (spec.title, block.role, line.text)
    for first, second in combinations(placed.blocks, 2):
        assert not overlap(first.box, second.box), (spec.title, first.role, second.role)
    shown = " ".join(line.text for block in placed.blocks for line in block.lines)
    shown = shown.replace("\u00a0", " ").casefold()
    for text in (spec.heading, spec.title, spec.dates, spec.slogan, spec.unit):
        for word in text.split():
            assert word.casefold() in shown, (spec.title, word)


def test_the_official_title_is_split_from_its_dates() -> None:
    found = occurrence("thanh_lap_dang", 2027)
    assert split_title(found.title) == (
        "Kỷ niệm 97 năm Ngày thành lập Đảng Cộng sản Việt Nam",
        "(03/02/1930 - 03/02/2027)",
    )
    spec = banner_spec(found, PLAN, "Phòng Người có công")
    assert (spec.heading, spec.unit, spec.style) == (
        "NHIỆT LIỆT CHÀO MỪNG",
        "Phòng Người có công",
        "festive",
    )
    assert spec.slogan.startswith("Nhiệt liệt chào mừng 97 năm Ngày thành lập Đảng")  # the plan's


def test_a_day_a_council_chose_shows_the_years_on_its_banner() -> None:
    spec = banner_spec(occurrence("th_danh_xung", 2029), None, "UBND tỉnh Thanh Hóa")
    assert (spec.title, spec.dates) == ("Kỷ niệm 1000 năm Danh xưng Thanh Hóa", "(1029 - 2029)")
    check_fits(layout(spec, (1920, 1080)), spec)


def test_a_memorial_banner_is_sober() -> None:
    spec = banner_spec(occurrence("qn_son_my", 2026), None, "UBND xã Tịnh Khê")
    assert (spec.heading, spec.style) == ("", "memorial")
    assert spec.title == "Tưởng niệm 58 năm vụ thảm sát Sơn Mỹ"
    placed = layout(spec, (1920, 1080))
    assert placed.star is None
    image = Image.open(io.BytesIO(render_banner(spec, (1280, 720)))).convert("RGB")
    red, green, blue = image.getpixel((5, 5))
    assert max(red, green, blue) < 80 and abs(red - blue) < 20  # dark, not red


@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1080)])
def test_every_entry_fits_its_banner_for_years_to_come(size: tuple[int, int]) -> None:
    for year in (2025, 2030, 2036):
        for anniversary in EVERYTHING:
            found = occurrence_of(anniversary, year)
            if found is None:
                continue
            spec = banner_spec(found, PLAN, LONG_UNIT)
            check_fits(layout(spec, size), spec)


@pytest.mark.parametrize("size", [(320, 320), (3840, 1080), (1080, 1350), (1200, 628)])
def test_long_text_is_wrapped_and_sized_down_to_fit(size: tuple[int, int]) -> None:
    spec = BannerSpec(
        heading="NHIỆT LIỆT CHÀO MỪNG",
        title="Kỷ niệm 95 năm Ngày thành lập Mặt trận Dân tộc thống nhất Việt Nam - "
        "Ngày truyền thống Mặt trận Tổ quốc Việt Nam (Ngày hội Đại đoàn kết toàn dân tộc)",
        dates="(18/11/1930 - 18/11/2025)",
        slogan="Phát huy sức mạnh khối đại đoàn kết toàn dân tộc, xây dựng quê hương, đất nước "
        "ngày càng giàu mạnh, văn minh, hạnh phúc!",
        unit=LONG_UNIT,
    )
    placed = layout(spec, size)
    check_fits(placed, spec)
    title = next(block for block in placed.blocks if block.role == "title")
    assert len(title.lines) > 1  # wrapped
    assert all(title.font_size >= block.font_size for block in placed.blocks)


def test_the_drawn_image_keeps_its_margins_clear() -> None:
    spec = banner_spec(occurrence("kt_giai_phong", 2025), PLAN, LONG_UNIT)
    size = (1080, 1080)
    image = Image.open(io.BytesIO(render_banner(spec, size))).convert("RGB")
    assert image.size == size
    placed = layout(spec, size)
    # Between the image's edge and the frame there is only the red background.
    margin = placed.frame[0]
    for x in range(0, size[0], 7):
        for y in (margin // 3, size[1] - margin // 3):
            red, green, blue = image.getpixel((x, y))
            assert red > 140 and green < 40 and blue < 50, (x, y)
    # The title's ink is gold where the layout measured it.
    title = next(block for block in placed.blocks if block.role == "title")
    left, top, right, bottom = title.lines[0].box
    crop = image.crop((left, top, right, bottom)).getcolors(1 << 16) or []
    assert any(r > 240 and g > 190 and b < 60 for _, (r, g, b) in crop)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1920", "RỘNGxCAO"),
        ("100x100", "320 đến 4096"),
        ("4000x320", "quá dẹt"),
    ],
)
def test_bad_sizes_are_refused(text: str, message: str) -> None:
    with pytest.raises(BannerError, match=message):
        parse_size(text)


def test_a_stored_banner_description_is_checked() -> None:
    spec = banner_spec(occurrence("quoc_khanh", 2026), PLAN, "Văn phòng Sở")
    assert BannerSpec.from_payload(spec.as_payload()) == spec
    with pytest.raises(BannerError):
        BannerSpec.from_payload({"title": "x", "style": "party"})
    with pytest.raises(BannerError):
        BannerSpec.from_payload({"style": "festive"})
