"""`loa lunar DATE...` / `loa lunar --to-solar D/M/YYYY... [--leap]`: convert dates.

Solar dates are ISO (`2026-04-26`), lunar dates D/M/YYYY (`10/3/2026`); the conversion is the
Vietnamese lunar calendar (UTC+7) of `content.lunar`. Every argument is checked before
anything is printed, so a bad one leaves stdout empty.
"""

from __future__ import annotations

import argparse
import calendar
import json
import re
import sys
from datetime import date
from typing import Any

from content.i18n import _
from content.lunar import LunarDate, LunarDateError, to_lunar, to_solar

SOLAR_PATTERN = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)
LUNAR_PATTERN = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})", re.ASCII)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "lunar",
        help=_("đổi ngày dương lịch sang âm lịch Việt Nam, hoặc ngược lại"),
        description=_(
            "Đổi ngày dương lịch (YYYY-MM-DD) sang âm lịch Việt Nam, hoặc ngày âm lịch "
            "(D/M/YYYY) sang dương lịch với --to-solar."
        ),
    )
    parser.add_argument(
        "dates", nargs="+", metavar="DATE", help=_("YYYY-MM-DD, hoặc D/M/YYYY khi dùng --to-solar")
    )
    parser.add_argument(
        "--to-solar",
        action="store_true",
        help=_("các ngày đã cho là âm lịch: in ngày dương lịch tương ứng"),
    )
    parser.add_argument(
        "--leap", action="store_true", help=_("cùng --to-solar: các ngày thuộc tháng nhuận")
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(handler=run)


class BadArgument(ValueError):
    """A malformed or impossible date argument; the message is Vietnamese."""


def _parse_solar(text: str) -> date:
    match = SOLAR_PATTERN.fullmatch(text.strip())
    if match is None:
        raise BadArgument(_("Không đúng dạng ngày dương lịch YYYY-MM-DD (ví dụ 2026-04-26)."))
    year, month, day = (int(group) for group in match.groups())
    if not 1 <= month <= 12:
        raise BadArgument(
            _("Tháng dương lịch phải từ 1 đến 12, không có tháng %(month)d.") % {"month": month}
        )
    if year < 1 or day < 1:
        raise BadArgument(_("Không có ngày này trong dương lịch."))
    days_in_month = calendar.monthrange(year, month)[1]
    if day > days_in_month:
        raise BadArgument(
            _("Tháng %(month)d/%(year)d dương lịch chỉ có %(length)d ngày, không có ngày %(day)d.")
            % {"month": month, "year": year, "length": days_in_month, "day": day}
        )
    solar = date(year, month, day)
    to_lunar(solar)  # raises LunarDateError outside the supported range
    return solar


def _parse_lunar(text: str, leap: bool) -> date:
    match = LUNAR_PATTERN.fullmatch(text.strip())
    if match is None:
        raise BadArgument(_("Không đúng dạng ngày âm lịch D/M/YYYY (ví dụ 10/3/2026)."))
    day, month, year = (int(group) for group in match.groups())
    return to_solar(day, month, year, leap)


def _lunar_text(lunar: LunarDate) -> str:
    values = {"day": lunar.day, "month": lunar.month, "year": lunar.year}
    if lunar.leap:
        return _("%(day)d/%(month)d nhuận/%(year)d âm lịch") % values
    return _("%(day)d/%(month)d/%(year)d âm lịch") % values


def _as_json(solar: date, lunar: LunarDate) -> dict[str, Any]:
    return {
        "solar": solar.isoformat(),
        "lunar": {"day": lunar.day, "month": lunar.month, "year": lunar.year, "leap": lunar.leap},
    }


def run(args: argparse.Namespace) -> int:
    if args.leap and not args.to_solar:
        print(_("loa lunar: --leap chỉ dùng được cùng với --to-solar."), file=sys.stderr)
        return 2
    solar_dates: list[date] = []
    errors: list[str] = []
    for text in args.dates:
        try:
            if args.to_solar:
                solar_dates.append(_parse_lunar(text, args.leap))
            else:
                solar_dates.append(_parse_solar(text))
        except (BadArgument, LunarDateError) as error:
            errors.append(f"loa lunar: {text!r}: {error}")
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 2
    pairs = [(solar, to_lunar(solar)) for solar in solar_dates]
    if args.format == "json":
        objects = [_as_json(solar, lunar) for solar, lunar in pairs]
        print(json.dumps(objects[0] if len(objects) == 1 else objects, ensure_ascii=False))
        return 0
    for solar, lunar in pairs:
        print(solar.isoformat() if args.to_solar else _lunar_text(lunar))
    return 0
