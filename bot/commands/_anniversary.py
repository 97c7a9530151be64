"""What `loa post` and `loa banner` share: finding one anniversary's occurrence from the
command line (KEY, --year, --province, --plan) and the unit it is written for."""

from __future__ import annotations

import argparse
import difflib
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.commands._common import UserError
from content.anniversaries import Anniversary, Occurrence, occurrence_of
from content.catalogues import CatalogueError, available_provinces, catalogue, resolve_province
from content.i18n import _
from content.lunar import LunarDateError
from content.plan import Plan
from content.plan_loader import PlanError, load_plan

MIN_YEAR, MAX_YEAR = 1901, 2099
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("key", metavar="KEY", help=_("mã ngày kỷ niệm, ví dụ thanh_lap_dang"))
    parser.add_argument(
        "--year",
        "-y",
        metavar="Y",
        help=_("năm kỷ niệm (mặc định: năm của kế hoạch, hoặc năm nay)"),
    )
    parser.add_argument(
        "--province",
        "-p",
        metavar="P",
        help=_("tỉnh, thành phố (mã hoặc tên, ví dụ quang-ngai hoặc 'Quảng Ngãi')"),
    )
    parser.add_argument("--unit", "-u", metavar="NAME", help=_("tên đơn vị đăng bài"))
    parser.add_argument(
        "--plan", metavar="PLAN.yaml", help=_("lấy khẩu hiệu, bài riêng và tỉnh từ tệp kế hoạch")
    )


def _year(text: str | None, plan: Plan | None) -> int:
    if text is None:
        return plan.year if plan is not None else datetime.now(LOCAL).year
    value = text.strip()
    if not value.isascii() or not value.isdigit() or not MIN_YEAR <= int(value) <= MAX_YEAR:
        raise UserError(
            _("năm không hợp lệ: %(text)r (cần một số từ %(min)d đến %(max)d)")
            % {"text": text, "min": MIN_YEAR, "max": MAX_YEAR}
        )
    return int(value)


def _candidates(province: str | None, plan: Plan | None) -> list[Anniversary]:
    if plan is not None:
        return list(plan.anniversaries)
    if province is not None:
        return catalogue(province=province)
    return catalogue(include=["national", *available_provinces()])


def find_occurrence(args: argparse.Namespace) -> tuple[Occurrence, Plan | None]:
    """The occurrence the arguments name; UserError (exit 2) with a clear message if none."""
    plan = None
    if args.plan is not None:
        try:
            plan = load_plan(args.plan)
        except PlanError as error:
            raise UserError(_("kế hoạch có lỗi:") + f"\n{error}") from None
    try:
        province = resolve_province(args.province) if args.province is not None else None
    except CatalogueError:
        choices = ", ".join(f"{slug} ({name})" for slug, name in available_provinces().items())
        raise UserError(
            _("không có dữ liệu tỉnh %(province)r; các tỉnh có sẵn: %(choices)s")
            % {"province": args.province, "choices": choices}
        ) from None
    year = _year(args.year, plan)
    candidates = {a.key: a for a in _candidates(province, plan)}
    anniversary = candidates.get(args.key)
    if anniversary is None:
        close = difflib.get_close_matches(args.key, list(candidates), n=1, cutoff=0.6)
        hint = _(" (có phải '%(key)s'?)") % {"key": close[0]} if close else ""
        raise UserError(
            _("không có ngày kỷ niệm '%(key)s'") % {"key": args.key}
            + hint
            + _("; xem các mã bằng: loa calendar NĂM --province TỈNH --format json")
        )
    try:
        occurrence = occurrence_of(anniversary, year)
    except LunarDateError as error:
        raise UserError(str(error)) from None
    if occurrence is None:
        raise UserError(
            _("năm %(year)d chưa có kỷ niệm %(name)s: sự kiện diễn ra năm %(origin)s")
            % {"year": year, "name": anniversary.name, "origin": anniversary.origin_year}
        )
    return occurrence, plan
