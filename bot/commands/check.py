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
from content.clock import Clock
from content.dates import format_date_long
from content.items import Item, expand_items
from content.plan import TIERS, Address, Plan

UPCOMING = 5  # task occurrences listed under "Sắp đến hạn"
_KIND_LABELS = {
    "once": "một lần",
    "recurring": "định kỳ",
    "per_anniversary": "theo ngày kỷ niệm",
}
_CHANNEL_LABELS = {"telegram": "Telegram", "zalo": "Zalo"}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "check",
        help="kiểm tra tệp kế hoạch (không nạp)",
        description="Kiểm tra tệp kế hoạch: in tóm tắt nếu hợp lệ, hoặc mọi lỗi dưới dạng "
        "TỆP:DÒNG: thông báo (mã thoát 2).",
    )
    parser.add_argument("paths", nargs="+", metavar="PLAN.yaml", help="tệp kế hoạch")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    loaded, problems = validate(args.paths)
    today = _today()
    for index, (plan, _) in enumerate(loaded):
        if index:
            print()
        print("\n".join(summary(plan, today)))
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        bad_files = len({problem.file for problem in problems})
        return fail(f"{len(problems)} lỗi trong {bad_files} tệp kế hoạch.")
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
    """The Vietnamese summary `loa check` prints for a valid plan."""
    items = expand_items(plan)
    lines = [f"{plan.source_name}: kế hoạch hợp lệ", f"  Mã kế hoạch: {plan.id} (năm {plan.year})"]
    lines.append(f"  Tên: {plan.title}")
    if plan.issuer or plan.number:
        number = f" (số {plan.number})" if plan.number else ""
        lines.append(f"  Cơ quan ban hành: {plan.issuer or '—'}{number}")
    linked = [unit for unit in plan.units if unit.channels]
    chats = [address for unit in plan.units for address in unit.channels]
    unit_line = f"  Đơn vị: {len(plan.units)}; {len(linked)} đã có kênh chat"
    if chats:
        unit_line += f" ({_by_channel(chats)})"
    if len(linked) < len(plan.units):
        unit_line += f", {len(plan.units) - len(linked)} chưa có (gắn sau bằng: loa invite ĐƠN-VỊ)"
    lines.append(unit_line)
    admins = f" ({_by_channel(list(plan.admins))})" if plan.admins else " (thêm bằng LOA_ADMINS)"
    lines.append(f"  Quản trị viên: {len(plan.admins)}{admins}")
    kinds: Counter[str] = Counter(task.kind for task in plan.tasks)
    shown_kinds = ", ".join(f"{kinds[kind]} {label}" for kind, label in _KIND_LABELS.items())
    lines.append(f"  Nhiệm vụ: {len(plan.tasks)} ({shown_kinds})")
    tiers = Counter(occurrence.tier for occurrence in plan.campaign_occurrences)
    shown_tiers = ", ".join(f"{tiers[tier]} {TIER_LABELS[tier]}" for tier in TIERS)
    start, end = plan.period
    when = (
        f"năm {plan.year}"
        if (start, end) == (date(plan.year, 1, 1), date(plan.year, 12, 31))
        else f"thời gian {start:%d/%m/%Y}-{end:%d/%m/%Y}"
    )
    lines.append(f"  Ngày kỷ niệm trong {when}: {len(plan.campaign_occurrences)} ({shown_tiers})")
    owners = sum(1 for item in items if item.role == "owner")
    lines.append(
        f"  Việc cần làm: {len(items)} (chủ trì: {owners}, phối hợp: {len(items) - owners})"
    )
    lines += _upcoming(plan, items, today)
    return lines


def _upcoming(plan: Plan, items: list[Item], today: date) -> list[str]:
    """The next few task occurrences from today, one line each with how many units own it."""
    owners: Counter[tuple[date, str, str]] = Counter()
    for item in items:
        if item.due >= today and item.role == "owner":
            owners[(item.due, item.task_id, item.title)] += 1
    if not owners:
        return [f"  Không còn việc nào đến hạn từ {format_date_long(today)}."]
    lines = [f"  Sắp đến hạn (từ {format_date_long(today)}):"]
    for (due, _task_id, title), count in list(owners.items())[:UPCOMING]:
        lines.append(f"    - {format_date_long(due)}: {title} ({count} đơn vị chủ trì)")
    return lines
