"""`loa calendar YEAR [--province P] [--format table|json]`: the year's anniversaries."""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from typing import Any

from content.anniversaries import TIER_LABELS, Occurrence, occurrences_in_year
from content.catalogues import (
    CatalogueError,
    available_provinces,
    catalogue,
    match_province,
    scope_display_name,
)
from content.dates import format_date_long
from content.i18n import _, current_language

MIN_YEAR, MAX_YEAR = 1900, 2100


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "calendar",
        help=_("các ngày lễ lớn, ngày kỷ niệm trong năm (toàn quốc và một tỉnh)"),
        description=_("Các ngày lễ lớn, ngày kỷ niệm trong năm: ngày, số năm, mức (năm tròn)."),
    )
    parser.add_argument(
        "year",
        metavar="YEAR",
        help=_("năm dương lịch, %(min)d–%(max)d") % {"min": MIN_YEAR, "max": MAX_YEAR},
    )
    parser.add_argument(
        "--province",
        "-p",
        metavar="P",
        help=_("thêm các ngày của tỉnh này (mã hoặc tên, ví dụ lao-cai hoặc 'Lào Cai')"),
    )
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.set_defaults(handler=run)


def _parse_year(text: str) -> int | None:
    value = text.strip()
    if not value.isascii() or not value.isdigit():
        print(
            _("loa calendar: năm không hợp lệ: %(text)r (cần một số, ví dụ 2026).")
            % {"text": text},
            file=sys.stderr,
        )
        return None
    year = int(value)
    if not MIN_YEAR <= year <= MAX_YEAR:
        print(
            _("loa calendar: năm %(year)d nằm ngoài phạm vi hỗ trợ (%(min)d–%(max)d).")
            % {"year": year, "min": MIN_YEAR, "max": MAX_YEAR},
            file=sys.stderr,
        )
        return None
    return year


def _scope_label(occurrence: Occurrence) -> str:
    anniversary = occurrence.anniversary
    label = _(scope_display_name(anniversary.scope))  # "Toàn quốc" is translated; names are not
    if anniversary.former_province:
        label += " " + _("(%(province)s cũ)") % {"province": anniversary.former_province}
    return label


def _lunar_label(occurrence: Occurrence) -> str:
    lunar = occurrence.lunar
    if lunar is None:
        return ""
    return f"{lunar.day}/{lunar.month}" + (" " + _("nhuận") if lunar.leap else "")


def as_json(occurrence: Occurrence) -> dict[str, Any]:
    """The JSON object of one occurrence (the contract of `loa calendar --format json`)."""
    anniversary = occurrence.anniversary
    lunar = occurrence.lunar
    return {
        "date": occurrence.date.isoformat(),
        "key": occurrence.key,
        "name": anniversary.name,
        "calendar": anniversary.calendar,
        "lunar": (
            {"day": lunar.day, "month": lunar.month, "year": lunar.year, "leap": lunar.leap}
            if lunar is not None
            else None
        ),
        "origin": occurrence.origin.isoformat() if occurrence.origin is not None else None,
        "ordinal": occurrence.ordinal,
        "tier": occurrence.tier,
        "title": occurrence.title,
        "kind": anniversary.kind,
        "scope": anniversary.scope,
        "former_province": anniversary.former_province,
        "source": anniversary.source,
        "verified": anniversary.verified,
        "note": anniversary.note,
        "round5": anniversary.round5,
        "summary": anniversary.summary,
        "summary_source": anniversary.summary_source or None,
        "chosen_by": anniversary.chosen_by or None,
    }


def render_table(occurrences: list[Occurrence], heading: str) -> str:
    # The key column is what a plan names in per_anniversary.keys and slogans.
    header = (_("Ngày"), _("Âm lịch"), _("Mức"), _("Phạm vi"), _("Mã"), _("Nội dung"))
    language = current_language()
    rows = [
        (
            format_date_long(o.date, language),
            _lunar_label(o),
            _(TIER_LABELS[o.tier]),
            _scope_label(o),
            o.key,
            o.title,
        )
        for o in occurrences
    ]
    # NFC keeps one code point per Vietnamese letter, so len() is the display width.
    table = [tuple(unicodedata.normalize("NFC", cell) for cell in row) for row in [header, *rows]]
    widths = [max(len(row[i]) for row in table) for i in range(len(header) - 1)]
    # The last column is not padded; its rule is as wide as its heading, not the longest title.
    rule = tuple("-" * width for width in [*widths, len(header[-1])])
    lines = [heading, ""]
    for row in [table[0], rule, *table[1:]]:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    if not rows:
        lines.append(_("(không có ngày kỷ niệm nào)"))
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    year = _parse_year(args.year)
    if year is None:
        return 2
    try:
        match = match_province(args.province) if args.province is not None else None
        province = match.slug if match is not None else None
        anniversaries = catalogue(province=province)
    except CatalogueError as error:
        message = str(error)
        if error.path is None:  # not a data-file error: the province is unknown
            choices = ", ".join(f"{slug} ({name})" for slug, name in available_provinces().items())
            message = _("không có dữ liệu tỉnh %(province)r; các tỉnh có sẵn: %(choices)s.") % {
                "province": args.province,
                "choices": choices,
            }
        print(f"loa calendar: {message}", file=sys.stderr)
        return 2
    if match is not None and match.former is not None:
        note = _("lưu ý: %(message)s") % {"message": match.former_note()}
        print(f"loa calendar: {note}.", file=sys.stderr)
    occurrences = occurrences_in_year(anniversaries, year)
    if args.format == "json":
        print(json.dumps([as_json(o) for o in occurrences], ensure_ascii=False, indent=2))
        return 0
    scopes = _(" và ").join(
        _(scope_display_name(scope)) for scope in ("national", province) if scope is not None
    )
    heading = _("Ngày lễ lớn, ngày kỷ niệm năm %(year)d (%(scopes)s): %(n)d ngày") % {
        "year": year,
        "scopes": scopes,
        "n": len(occurrences),
    }
    print(render_table(occurrences, heading))
    return 0
