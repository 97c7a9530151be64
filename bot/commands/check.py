"""`loa check PLAN.yaml [PLAN2.yaml ...]`: validate plan files without loading them.

Exit 0 with a summary of each plan (units, chats, admins, tasks, anniversaries, items
and what is due next), or exit 2 with every problem as `FILE:LINE: message` on stderr.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from datetime import date
from typing import Any

from bot.commands._common import fail
from bot.commands.load import validate
from bot.config import ConfigError, load_config
from content.anniversaries import TIER_LABELS
from content.catalogues import scope_display_name
from content.clock import Clock
from content.dates import format_date_long
from content.i18n import N_, _, current_language
from content.items import Item, expand_items
from content.plan import TIERS, Address, Plan

UPCOMING = 5  # task occurrences listed under "Sắp đến hạn"
_KIND_LABELS = {
    "once": N_("một lần"),
    "recurring": N_("định kỳ"),
    "per_anniversary": N_("theo ngày kỷ niệm"),
}
_CHANNEL_LABELS = {"telegram": "Telegram", "zalo": "Zalo"}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "check",
        help=_("kiểm tra tệp kế hoạch (không nạp)"),
        description=_(
            "Kiểm tra tệp kế hoạch: in tóm tắt nếu hợp lệ, hoặc mọi lỗi dưới dạng "
            "TỆP:DÒNG: thông báo (mã thoát 2)."
        ),
    )
    parser.add_argument("paths", nargs="+", metavar="PLAN.yaml", help=_("tệp kế hoạch"))
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    loaded, problems = validate(args.paths)
    today = _today()
    for index, (plan, _text) in enumerate(loaded):
        if index:
            print()
        print("\n".join(summary(plan, today)))
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        bad_files = len({problem.file for problem in problems})
        return fail(
            _("%(n)d lỗi trong %(files)d tệp kế hoạch.") % {"n": len(problems), "files": bad_files}
        )
    return 0


def _today() -> date:
    """Today in Vietnam; LOA_NOW moves it for demos and tests."""
    try:
        start = load_config().now
    except ConfigError:
        start = None  # a configuration problem is not this command's business
    return Clock(start).now().date()


def _by_channel(addresses: list[Address]) -> str:
    counts = Counter(address.channel for address in addresses)
    return ", ".join(f"{count} {_CHANNEL_LABELS[name]}" for name, count in sorted(counts.items()))


def summary(plan: Plan, today: date) -> list[str]:
    """The summary `loa check` prints for a valid plan, in the language of the run."""
    items = expand_items(plan)
    language = current_language()
    lines = [
        _("%(file)s: kế hoạch hợp lệ") % {"file": plan.source_name},
        _("  Mã kế hoạch: %(id)s (năm %(year)d)") % {"id": plan.id, "year": plan.year},
        _("  Tên: %(title)s") % {"title": plan.title},
    ]
    if plan.issuer or plan.number:
        number = _(" (số %(number)s)") % {"number": plan.number} if plan.number else ""
        lines.append(
            _("  Cơ quan ban hành: %(issuer)s%(number)s")
            % {"issuer": plan.issuer or "—", "number": number}
        )
    if plan.province:
        lines.append(
            _("  Tỉnh, thành phố: %(name)s (%(slug)s)")
            % {"name": scope_display_name(plan.province), "slug": plan.province}
        )
    lines += [
        _("  Lưu ý (dòng %(line)d): %(message)s") % {"line": notice.line, "message": notice.message}
        for notice in plan.notices
    ]
    linked = [unit for unit in plan.units if unit.channels]
    chats = [address for unit in plan.units for address in unit.channels]
    unit_line = _("  Đơn vị: %(units)d; %(linked)d đã có kênh chat") % {
        "units": len(plan.units),
        "linked": len(linked),
    }
    if chats:
        unit_line += f" ({_by_channel(chats)})"
    if len(linked) < len(plan.units):
        unit_line += _(", %(n)d chưa có (gắn sau bằng: loa invite ĐƠN-VỊ)") % {
            "n": len(plan.units) - len(linked)
        }
    lines.append(unit_line)
    admins = f" ({_by_channel(list(plan.admins))})" if plan.admins else _(" (thêm bằng LOA_ADMINS)")
    lines.append(_("  Quản trị viên: %(n)d%(admins)s") % {"n": len(plan.admins), "admins": admins})
    kinds: Counter[str] = Counter(task.kind for task in plan.tasks)
    shown_kinds = ", ".join(f"{kinds[kind]} {_(label)}" for kind, label in _KIND_LABELS.items())
    lines.append(_("  Nhiệm vụ: %(n)d (%(kinds)s)") % {"n": len(plan.tasks), "kinds": shown_kinds})
    tiers = Counter(occurrence.tier for occurrence in plan.campaign_occurrences)
    shown_tiers = ", ".join(f"{tiers[tier]} {_(TIER_LABELS[tier])}" for tier in TIERS)
    start, end = plan.period
    when = (
        _("năm %(year)d") % {"year": plan.year}
        if (start, end) == (date(plan.year, 1, 1), date(plan.year, 12, 31))
        else _("thời gian %(start)s-%(end)s")
        % {"start": f"{start:%d/%m/%Y}", "end": f"{end:%d/%m/%Y}"}
    )
    lines.append(
        _("  Ngày kỷ niệm trong %(when)s: %(n)d (%(tiers)s)")
        % {"when": when, "n": len(plan.campaign_occurrences), "tiers": shown_tiers}
    )
    owners = sum(1 for item in items if item.role == "owner")
    lines.append(
        _("  Việc cần làm: %(n)d (chủ trì: %(owners)d, phối hợp: %(cooperating)d)")
        % {"n": len(items), "owners": owners, "cooperating": len(items) - owners}
    )
    lines += _upcoming(plan, items, today, language)
    return lines


def _upcoming(plan: Plan, items: list[Item], today: date, language: str) -> list[str]:
    """The next few task occurrences from today, one line each with how many units own it."""
    owners: Counter[tuple[date, str, str]] = Counter()
    for item in items:
        if item.due >= today and item.role == "owner":
            owners[(item.due, item.task_id, item.title)] += 1
    if not owners:
        return [
            _("  Không còn việc nào đến hạn từ %(day)s.")
            % {"day": format_date_long(today, language)}
        ]
    lines = [_("  Sắp đến hạn (từ %(day)s):") % {"day": format_date_long(today, language)}]
    for (due, _task_id, title), count in list(owners.items())[:UPCOMING]:
        lines.append(
            _("    - %(day)s: %(title)s (%(n)d đơn vị chủ trì)")
            % {"day": format_date_long(due, language), "title": title, "n": count}
        )
    return lines
