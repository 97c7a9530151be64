"""`loa demo [--days N] [--from D]`: Loa's main job on embedded defaults, with no token
and no setup.

It takes the bundled sample plan (content/plans/sample-sldtbxh-laocai-2026.yaml) rolled
to the year of the first day shown (content/plan_rollover.py), loads it into a local
SQLite file (`loa-demo.db` in the current directory, or LOA_DATABASE_URL) as if for the
first time that morning, then shows what every unit would receive over the next days:
digests, suggested posts and the admins' messages, with their full text, and a summary.
So on any day the demo opens like a real plan does: with what is coming, not a backlog.
Nothing is sent.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from datetime import date, datetime, time, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import content
from bot.commands._common import fail, run_with_database
from bot.commands.simulate import (
    KIND_LABELS,
    NOT_LINKED,
    Simulated,
    parse_day,
    recipient,
    simulate,
    summary_lines,
    write_table,
)
from bot.config import Config, load_config
from bot.storage.db import Database, open_database
from bot.storage.plan_starts import restart
from bot.storage.plans import save_plan
from content.clock import Clock
from content.dates import format_date_long
from content.i18n import _, current_language
from content.plan import Plan
from content.plan_loader import parse_plan
from content.plan_rollover import roll_over
from scheduler.plan_period import one_plan_per_anniversary
from scheduler.state import plan_state

SAMPLE_PLAN = Path(content.__file__).resolve().parent / "plans" / "sample-sldtbxh-laocai-2026.yaml"
DEMO_DATABASE = "loa-demo.db"
DEFAULT_DAYS = 60
MAX_DAYS = 400


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo",
        help=_("chạy thử với kế hoạch mẫu, không cần token: xem các đơn vị sẽ nhận gì"),
        description=_(
            "Nạp kế hoạch mẫu vào tệp SQLite loa-demo.db (hoặc LOA_DATABASE_URL) rồi "
            "in mọi tin các đơn vị sẽ nhận trong những ngày tới. Không gửi tin nào."
        ),
    )
    parser.add_argument(
        "--days",
        type=int,
        default=DEFAULT_DAYS,
        metavar="N",
        help=_("số ngày xem trước (mặc định %(days)d)") % {"days": DEFAULT_DAYS},
    )
    parser.add_argument(
        "--from",
        dest="start",
        metavar="D",
        help=_("ngày bắt đầu: 2026-02-01 hoặc 1/2/2026 (mặc định: hôm nay, hoặc ngày của LOA_NOW)"),
    )
    parser.set_defaults(handler=run)


def sample_text(year: int) -> str:
    """The sample plan's text for `year` (rolled over from its own year when needed)."""
    text = SAMPLE_PLAN.read_text(encoding="utf-8")
    sample_year = parse_plan(text, source_name=str(SAMPLE_PLAN)).year
    if year == sample_year:
        return text
    return roll_over(text, year, source_name=str(SAMPLE_PLAN)).text


def _intro(
    plans: list[Plan], links: dict[str, list[str]], database: str, start: date, end: date
) -> str:
    plan = plans[0]
    language = current_language()
    lines = [_("Loa — chạy thử với kế hoạch mẫu (không gửi tin nào)"), ""]
    lines += [_("Kế hoạch: %(title)s") % {"title": each.title} for each in plans]
    if plan.issuer:
        lines.append(_("Cơ quan: %(issuer)s") % {"issuer": plan.issuer})
    lines.append(_("Lưu tại: %(database)s") % {"database": database})
    lines.append(
        _("Xem trước: %(start)s → %(end)s")
        % {"start": format_date_long(start, language), "end": format_date_long(end, language)}
    )
    lines += ["", _("%(n)d đơn vị:") % {"n": len(plan.units)}]
    for unit in plan.units:
        chats = ", ".join(links.get(unit.id, ())) or _(NOT_LINKED)
        lines.append(f"  • {unit.name} — {chats}")
    if plan.admins:
        admins = ", ".join(str(admin) for admin in plan.admins)
        lines.append(_("Quản trị viên: %(admins)s") % {"admins": admins})
    return "\n".join(lines)


def _per_recipient(found: list[Simulated]) -> list[str]:
    counts: dict[str, Counter[str]] = {}
    for plan, message in found:
        counts.setdefault(recipient(plan, message), Counter())[message.kind] += 1
    width = max((len(name) for name in counts), default=0)
    lines = [_("Số tin theo nơi nhận:")]
    for name, kinds in counts.items():
        parts = ", ".join(
            f"{kinds[kind]} {_(label)}" for kind, label in KIND_LABELS.items() if kinds[kind]
        )
        lines.append(f"  {name:<{width}}  {parts}")
    return lines


def _show(
    plans: list[Plan],
    links: dict[str, list[str]],
    url: str,
    start: date,
    end: date,
    found: list[Simulated],
) -> None:
    print(_intro(plans, links, url, start, end))
    if not found:
        print()
        print(
            _(
                "Không có tin nào trong những ngày này (ngày nghỉ, hoặc chưa có việc nào "
                "sắp đến hạn). Thử xem dài hơn: loa demo --days 30"
            )
        )
        return
    write_table(found, sys.stdout)
    print()
    print("\n".join(summary_lines(found, (end - start).days + 1)))
    print("\n".join(_per_recipient(found)))
    print()
    print(
        _(
            "Để chạy thật: đặt LOA_TELEGRAM_TOKEN (và/hoặc LOA_ZALO_TOKEN), nạp kế hoạch "
            "của mình bằng loa load KE-HOACH.yaml, rồi chạy loa run."
        )
    )


def _database_url(config: Config) -> str | None:
    # The demo never touches the production default (loa.db): only an explicit
    # LOA_DATABASE_URL (environment, .env or TOML) replaces its own file.
    return config.database_url if "database_url" in config.model_fields_set else None


def run(args: argparse.Namespace) -> int:
    if not 1 <= args.days <= MAX_DAYS:
        return fail(
            _("loa demo: --days phải từ 1 đến %(max)d, không phải %(days)d.")
            % {"max": MAX_DAYS, "days": args.days}
        )
    config = load_config()
    now: datetime = Clock(config.now).now()
    try:
        start = parse_day("--from", args.start, "loa demo") if args.start else now.date()
    except ValueError as error:
        return fail(str(error))
    end = start + timedelta(days=args.days - 1)
    # One plan per year the window touches, as a department loads next year's plan in
    # December: a chat then gets one digest with both plans' parts.
    texts = [sample_text(year) for year in range(start.year, end.year + 1)]
    plans = [parse_plan(text, source_name=str(SAMPLE_PLAN)) for text in texts]
    chosen = _database_url(config)
    url = chosen or f"sqlite:///{DEMO_DATABASE}"
    # Loaded that morning, before the digest: the first day shows what is coming.
    opening = datetime.combine(start, time(0), tzinfo=plans[0].tz)

    async def main(config: Config, database: Database) -> int:
        async with database.session() as session:
            for plan, text in zip(plans, texts, strict=True):
                await save_plan(session, plan, text, opening)
                await restart(session, plan.id, opening)
        states = []
        async with database.session() as session:
            for plan in plans:
                state = await plan_state(session, plan.id, config.admins)
                assert state is not None  # just saved
                states.append(state)
        links = {unit: [str(chat) for chat in chats] for unit, chats in states[0].links.items()}
        found = simulate(one_plan_per_anniversary(states), start, end)
        _show([state.plan for state in states], links, url, start, end, found)
        return 0

    # Its own file, left by an older Loa, is brought up to date; a chosen database
    # behind the code is refused like everywhere else (`loa db upgrade` is for that).
    opener = open_database if chosen else partial(open_database, upgrade=True)
    return run_with_database(main, config=config, database_url=url, opener=opener)
