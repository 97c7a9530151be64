"""`loa demo [--days N] [--from D]`: Loa's main job on embedded defaults, with no token
and no setup.

It loads the bundled sample plan (content/plans/sample-sldtbxh-laocai-2026.yaml) into a
local SQLite file (`loa-demo.db` in the current directory, or LOA_DATABASE_URL), then
shows what every unit would receive over the next days: digests, suggested posts and
the admins' escalations, with their full text, and a summary. Nothing is sent.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import content
from bot.commands._common import fail, run_with_database
from bot.commands.simulate import (
    KIND_LABELS,
    NOT_LINKED,
    Simulated,
    output_closed,
    parse_day,
    recipient,
    simulate,
    summary_lines,
    write_table,
)
from bot.config import Config, ConfigError, load_config
from bot.storage.db import Database, open_database
from bot.storage.plans import save_plan
from content.clock import Clock
from content.dates import format_date_long
from content.plan import Plan
from content.plan_loader import parse_plan
from scheduler.state import plan_state

SAMPLE_PLAN = Path(content.__file__).resolve().parent / "plans" / "sample-sldtbxh-laocai-2026.yaml"
DEMO_DATABASE = "loa-demo.db"
DEFAULT_DAYS = 60
MAX_DAYS = 400


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="chạy thử với kế hoạch mẫu, không cần token: xem các đơn vị sẽ nhận gì",
        description="Nạp kế hoạch mẫu vào tệp SQLite loa-demo.db (hoặc LOA_DATABASE_URL) rồi "
        "in mọi tin các đơn vị sẽ nhận trong những ngày tới. Không gửi tin nào.",
    )
    parser.add_argument(
        "--days",
        type=int,
        default=DEFAULT_DAYS,
        metavar="N",
        help=f"số ngày xem trước (mặc định {DEFAULT_DAYS})",
    )
    parser.add_argument(
        "--from",
        dest="start",
        metavar="D",
        help="ngày bắt đầu: 2026-02-01 hoặc 1/2/2026 (mặc định: hôm nay, hoặc ngày của LOA_NOW)",
    )
    parser.set_defaults(handler=run)


def _intro(plan: Plan, links: dict[str, list[str]], database: str, start: date, end: date) -> str:
    lines = ["Loa — chạy thử với kế hoạch mẫu (không gửi tin nào)", ""]
    lines.append(f"Kế hoạch: {plan.title}")
    if plan.issuer:
        lines.append(f"Cơ quan: {plan.issuer}")
    lines.append(f"Lưu tại: {database}")
    lines.append(f"Xem trước: {format_date_long(start)} → {format_date_long(end)}")
    lines += ["", f"{len(plan.units)} đơn vị:"]
    for unit in plan.units:
        chats = ", ".join(links.get(unit.id, ())) or NOT_LINKED
        lines.append(f"  • {unit.name} — {chats}")
    if plan.admins:
        lines.append("Quản trị viên: " + ", ".join(str(admin) for admin in plan.admins))
    return "\n".join(lines)


def _per_recipient(found: list[Simulated]) -> list[str]:
    counts: dict[str, Counter[str]] = {}
    for plan, message in found:
        counts.setdefault(recipient(plan, message), Counter())[message.kind] += 1
    width = max((len(name) for name in counts), default=0)
    lines = ["Số tin theo nơi nhận:"]
    for name, kinds in counts.items():
        parts = ", ".join(
            f"{kinds[kind]} {label}" for kind, label in KIND_LABELS.items() if kinds[kind]
        )
        lines.append(f"  {name:<{width}}  {parts}")
    return lines


def _show(
    plan: Plan,
    links: dict[str, list[str]],
    url: str,
    start: date,
    end: date,
    found: list[Simulated],
) -> None:
    print(_intro(plan, links, url, start, end))
    if not found:
        print(
            f"\nKhông có tin nào trong khoảng này: kế hoạch mẫu là của năm {plan.year}. "
            f"Thử: loa demo --from {plan.year}-01-25"
        )
        return
    write_table(found, sys.stdout)
    print()
    print("\n".join(summary_lines(found, (end - start).days + 1)))
    print("\n".join(_per_recipient(found)))
    print(
        "\nĐể chạy thật: đặt LOA_TELEGRAM_TOKEN (và/hoặc LOA_ZALO_TOKEN), nạp kế hoạch "
        "của mình bằng loa load KE-HOACH.yaml, rồi chạy loa run."
    )
    sys.stdout.flush()


def _database_url(config: Config) -> str | None:
    # The demo never touches the production default (loa.db): only an explicit
    # LOA_DATABASE_URL (environment, .env or TOML) replaces its own file.
    return config.extra.get("LOA_DATABASE_URL")


def run(args: argparse.Namespace) -> int:
    if not 1 <= args.days <= MAX_DAYS:
        return fail(f"loa demo: --days phải từ 1 đến {MAX_DAYS}, không phải {args.days}.")
    try:
        config = load_config()
    except ConfigError as error:
        return fail(f"Cấu hình sai: {error}")
    now: datetime = Clock(config.now).now()
    try:
        start = parse_day("--from", args.start, "loa demo") if args.start else now.date()
    except ValueError as error:
        return fail(str(error))
    end = start + timedelta(days=args.days - 1)
    text = SAMPLE_PLAN.read_text(encoding="utf-8")
    plan = parse_plan(text, source_name=str(SAMPLE_PLAN))
    chosen = _database_url(config)
    url = chosen or f"sqlite:///{DEMO_DATABASE}"

    async def main(config: Config, database: Database) -> int:
        async with database.session() as session:
            await save_plan(session, plan, text, now)
        async with database.session() as session:
            state = await plan_state(session, plan.id, config.admins)
        assert state is not None  # just saved
        links = {unit: [str(chat) for chat in chats] for unit, chats in state.links.items()}
        found = simulate([state], start, end)
        try:
            _show(state.plan, links, url, start, end, found)
        except BrokenPipeError:
            return output_closed()
        return 0

    # Its own file, left by an older Loa, is brought up to date; a chosen database
    # behind the code is refused like everywhere else (`loa db upgrade` is for that).
    opener = open_database if chosen else partial(open_database, upgrade=True)
    return run_with_database(main, config=config, database_url=url, opener=opener)
