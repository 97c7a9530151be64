"""Banners (pa nô, băng rôn, màn hình LED) for an anniversary, drawn with Pillow.

The familiar Vietnamese style: red with gold for a celebration ("NHIỆT LIỆT CHÀO MỪNG",
the official title, its dates, a slogan, the unit's name), dark with white for a memorial
day. The font is Be Vietnam Pro (SIL OFL), installed from the package index with Loa
(`fontpkg-be-vietnam-pro`), so every machine draws the same Vietnamese letters.

Text always fits: every block is measured with the font's metrics, wrapped at word
boundaries to the frame's width, and everything is sized down together until the blocks
fit the frame's height. `layout()` returns the boxes (tests measure them);
`render_banner()` draws them and returns PNG bytes. Pure: bytes out, nothing written.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import fontpkg
from PIL import Image, ImageDraw, ImageFont

from content.anniversaries import Occurrence
from content.payloads import BannerPayload
from content.plan import Plan
from content.posts import distinct, is_memorial

Style = Literal["festive", "memorial"]
Size = tuple[int, int]
Box = tuple[int, int, int, int]  # left, top, right, bottom (right/bottom exclusive)
Colour = tuple[int, int, int]

FONT_FAMILY = "Be Vietnam Pro"
DEFAULT_SIZE: Size = (1920, 1080)
CHAT_SIZE: Size = (1280, 720)  # attached to suggested posts: sharp on phones, small to send
MIN_SIDE, MAX_SIDE = 320, 4096
NAMED_SIZES: dict[str, Size] = {
    "1920x1080": (1920, 1080),
    "1280x720": (1280, 720),
    "1080x1080": (1080, 1080),
    "1080x1350": (1080, 1350),
    "1200x628": (1200, 628),
    "3840x1080": (3840, 1080),
}
_SIZE_RE = re.compile(r"(\d{1,5})\s*[x×]\s*(\d{1,5})")
_DATES_RE = re.compile(r"^(.*\S)\s+(\([^()]*\d{4}[^()]*\))$")
# "(03/02/1930 - 03/02/2027)" is read as one unit: never wrapped inside.
_DATE_RANGE_RE = re.compile(r"(\d) - (\d)")
_NBSP = "\u00a0"

_PALETTES: dict[Style, dict[str, Colour]] = {
    "festive": {
        "top": (206, 17, 38),
        "bottom": (160, 8, 22),
        "frame": (255, 205, 0),
        "heading": (255, 230, 120),
        "title": (255, 215, 0),
        "text": (255, 255, 255),
        "unit": (255, 230, 120),
    },
    "memorial": {
        "top": (44, 44, 48),
        "bottom": (18, 18, 20),
        "frame": (200, 200, 200),
        "heading": (230, 230, 230),
        "title": (255, 255, 255),
        "text": (215, 215, 215),
        "unit": (230, 230, 230),
    },
}


class BannerError(ValueError):
    """A size or a stored banner description that cannot be drawn."""


@dataclass(frozen=True)
class BannerSpec:
    """What a banner says. `title` is the official title without its dates."""

    heading: str
    title: str
    dates: str
    slogan: str
    unit: str
    style: Style = "festive"

    def as_payload(self) -> BannerPayload:
        return {
            "heading": self.heading,
            "title": self.title,
            "dates": self.dates,
            "slogan": self.slogan,
            "unit": self.unit,
            "style": self.style,
        }

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> BannerSpec:
        try:
            values = {name: str(data.get(name, "")) for name in ("heading", "dates", "slogan")}
            title, unit, style = str(data["title"]), str(data.get("unit", "")), data["style"]
        except (KeyError, TypeError):
            raise BannerError("a banner needs at least a title and a style") from None
        if style not in _PALETTES or not title.strip():
            raise BannerError(f"cannot draw a banner of style {style!r} titled {title!r}")
        return cls(title=title, unit=unit, style=style, **values)


def split_title(title: str) -> tuple[str, str]:
    """ "Kỷ niệm 97 năm Ngày … (03/02/1930 - 03/02/2027)" -> (the words, "(03/02/… )")."""
    match = _DATES_RE.match(title)
    return (match.group(1), match.group(2)) if match else (title, "")


def banner_spec(
    occurrence: Occurrence, plan: Plan | None = None, unit: str | None = None
) -> BannerSpec:
    """The banner of an occurrence for `unit` (or the plan's issuer): the official title,
    the plan's first slogan for the day (as written), the unit's name."""
    memorial = is_memorial(occurrence, plan)
    title, dates = split_title(occurrence.title)
    slogans = distinct(plan.slogans_for(occurrence), already=[title]) if plan is not None else []
    if memorial:
        heading = ""
    elif occurrence.key == "tet":
        heading = "CHÚC MỪNG NĂM MỚI"
    else:
        heading = "NHIỆT LIỆT CHÀO MỪNG"
    return BannerSpec(
        heading=heading,
        title=title,
        dates=dates,
        slogan=slogans[0] if slogans else "",
        unit=unit or (plan.issuer if plan is not None else ""),
        style="memorial" if memorial else "festive",
    )


def parse_size(text: str) -> Size:
    """ "1920x1080" -> (1920, 1080); each side 320–4096 pixels."""
    match = _SIZE_RE.fullmatch(text.strip().lower())
    if not match:
        raise BannerError(f"kích thước {text!r} không hợp lệ; viết RỘNGxCAO, ví dụ 1920x1080")
    width, height = int(match.group(1)), int(match.group(2))
    if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
        raise BannerError(f"mỗi cạnh phải từ {MIN_SIDE} đến {MAX_SIDE} điểm ảnh, không phải {text}")
    if max(width, height) > 4 * min(width, height):
        raise BannerError(f"tỉ lệ {width}x{height} quá dẹt (tối đa 4:1)")
    return width, height


# --- layout --------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _font(weight: int, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(fontpkg.path(FONT_FAMILY, weight)), size)


@dataclass(frozen=True)
class _BlockStyle:
    role: str
    weight: int
    share: float  # font size as a share of the frame's height, before sizing down
    upper: bool
    gap: float  # space above the block, in units of its font size


_BLOCKS = (
    _BlockStyle("heading", 700, 0.070, True, 0.0),
    _BlockStyle("title", 800, 0.105, True, 0.55),
    _BlockStyle("dates", 600, 0.060, False, 0.35),
    _BlockStyle("slogan", 600, 0.058, False, 0.9),
)
_UNIT = _BlockStyle("unit", 700, 0.048, True, 0.0)
_LINE_SPACING = 1.12


@dataclass(frozen=True)
class PlacedLine:
    text: str
    origin: tuple[int, int]  # left end of the baseline
    box: Box  # where the ink is, measured with the font


@dataclass(frozen=True)
class PlacedBlock:
    role: str
    font_size: int
    weight: int
    lines: tuple[PlacedLine, ...]

    @property
    def box(self) -> Box:
        return (
            min(line.box[0] for line in self.lines),
            min(line.box[1] for line in self.lines),
            max(line.box[2] for line in self.lines),
            max(line.box[3] for line in self.lines),
        )


@dataclass(frozen=True)
class Layout:
    size: Size
    frame: Box  # the decorated border; text stays inside `area`
    area: Box
    star: tuple[tuple[float, float], float] | None  # centre and radius
    blocks: tuple[PlacedBlock, ...]


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str] | None:
    """Greedy word wrap to `width` pixels; None when one word alone is wider."""
    lines: list[str] = []
    current = ""
    words = _DATE_RANGE_RE.sub(rf"\1{_NBSP}-{_NBSP}\2", " ".join(text.split())).split(" ")
    for word in words:
        candidate = f"{current} {word}" if current else word
        if font.getlength(candidate) <= width:
            current = candidate
            continue
        if not current or font.getlength(word) > width:
            return None
        lines.append(current)
        current = word
    if current:
        lines.append(current)
    return lines


def _line_height(font: ImageFont.FreeTypeFont) -> int:
    ascent, descent = font.getmetrics()
    return ascent + descent


def _measure(
    texts: list[tuple[_BlockStyle, str]], scale: float, frame_height: int, width: int
) -> list[tuple[_BlockStyle, ImageFont.FreeTypeFont, list[str]]] | None:
    measured = []
    for style, text in texts:
        font = _font(style.weight, max(8, round(style.share * frame_height * scale)))
        lines = _wrap(text.upper() if style.upper else text, font, width)
        if lines is None:
            return None
        measured.append((style, font, lines))
    return measured


def _height(measured: list[tuple[_BlockStyle, ImageFont.FreeTypeFont, list[str]]]) -> int:
    total = 0
    for index, (style, font, lines) in enumerate(measured):
        step = round(_line_height(font) * _LINE_SPACING)
        gap = round(style.gap * font.size) if index else 0
        total += gap + step * (len(lines) - 1) + _line_height(font)
    return total


def _place(
    measured: list[tuple[_BlockStyle, ImageFont.FreeTypeFont, list[str]]],
    centre_x: int,
    top: int,
) -> tuple[list[PlacedBlock], int]:
    blocks: list[PlacedBlock] = []
    y = top
    for index, (style, font, lines) in enumerate(measured):
        if index:
            y += round(style.gap * font.size)
        ascent, _ = font.getmetrics()
        step = round(_line_height(font) * _LINE_SPACING)
        placed = []
        for number, line in enumerate(lines):
            baseline = y + ascent + number * step
            x = round(centre_x - font.getlength(line) / 2)
            left, ink_top, right, bottom = (round(v) for v in font.getbbox(line, anchor="ls"))
            box = (x + left, baseline + ink_top, x + right, baseline + bottom)
            placed.append(PlacedLine(line, (x, baseline), box))
        blocks.append(PlacedBlock(style.role, round(font.size), style.weight, tuple(placed)))
        y += step * (len(lines) - 1) + _line_height(font)
    return blocks, y


def layout(spec: BannerSpec, size: Size = DEFAULT_SIZE) -> Layout:
    """Where every line goes. Raises BannerError if the text cannot be made to fit."""
    width, height = size
    short = min(width, height)
    margin = round(short * 0.045)
    frame = (margin, margin, width - margin, height - margin)
    inset = margin + round(short * 0.05)
    area = (inset, inset, width - inset, height - inset)
    area_width, area_height = area[2] - area[0], area[3] - area[1]
    star = None
    top = area[1]
    if spec.style == "festive":
        radius = short * 0.055
        star = ((width / 2, area[1] + radius), radius)
        top = round(area[1] + 2.3 * radius)
    texts = [
        (style, text)
        for style, text in zip(
            _BLOCKS, (spec.heading, spec.title, spec.dates, spec.slogan), strict=True
        )
        if text.strip()
    ]
    unit_texts = [(_UNIT, spec.unit)] if spec.unit.strip() else []
    # The blocks share one scale, so the title stays the largest text at any length.
    scale = 1.0
    while scale > 0.05:
        body = _measure(texts, scale, area_height, area_width)
        unit = _measure(unit_texts, scale, area_height, area_width)
        if body is not None and unit is not None:
            unit_height = _height(unit) if unit else 0
            room = area[3] - top - (round(unit_height * 1.6) if unit else 0)
            if _height(body) <= room:
                # The body sits in the middle of its room; the unit's name at the bottom.
                start = top + (room - _height(body)) // 2
                blocks, _ = _place(body, width // 2, start)
                if unit:
                    unit_blocks, _ = _place(unit, width // 2, area[3] - unit_height)
                    blocks += unit_blocks
                return Layout(size, frame, area, star, tuple(blocks))
        scale *= 0.94
    raise BannerError("nội dung quá dài, không thể xếp vừa băng rôn ở kích thước này")


# --- drawing -------------------------------------------------------------------------------


def _background(size: Size, top: Colour, bottom: Colour) -> Image.Image:
    mask = Image.linear_gradient("L").resize(size)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)


def _star_points(centre: tuple[float, float], radius: float) -> list[tuple[float, float]]:
    cx, cy = centre
    points = []
    for index in range(10):
        r = radius if index % 2 == 0 else radius * 0.382
        angle = -math.pi / 2 + index * math.pi / 5
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    return points


def render_banner(spec: BannerSpec, size: Size = DEFAULT_SIZE) -> bytes:
    """The banner as PNG bytes."""
    placed = layout(spec, size)
    palette = _PALETTES[spec.style]
    image = _background(size, palette["top"], palette["bottom"])
    draw = ImageDraw.Draw(image)
    short = min(size)
    left, top, right, bottom = placed.frame
    thick, thin = max(2, round(short * 0.006)), max(1, round(short * 0.002))
    draw.rectangle(placed.frame, outline=palette["frame"], width=thick)
    gap = thick + round(short * 0.008)
    draw.rectangle(
        (left + gap, top + gap, right - gap, bottom - gap), outline=palette["frame"], width=thin
    )
    if placed.star is not None:
        draw.polygon(_star_points(*placed.star), fill=palette["frame"])
    for block in placed.blocks:
        font = _font(block.weight, block.font_size)
        colour = palette.get(block.role, palette["text"])
        for line in block.lines:
            draw.text(line.origin, line.text, font=font, fill=colour, anchor="ls")
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()
