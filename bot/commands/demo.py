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
    parse_day,
    recipient,
    simulate,
    summary_lines,
    write_table,
)
from bot.config import Config, load_config
from bot.storage.db import Database, open_database
from bot.storage.plans import save_plan
from content.clock import Clock
from content.dates import format_date_long
from content.i18n import _, current_language
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


def _intro(plan: Plan, links: dict[str, list[str]], database: str, start: date, end: date) -> str:
    language = current_language()
    lines = [_("Loa — chạy thử với kế hoạch mẫu (không gửi tin nào)"), ""]
    lines.append(_("Kế hoạch: %(title)s") % {"title": plan.title})
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
    plan: Plan,
    links: dict[str, list[str]],
    url: str,
    start: date,
    end: date,
    found: list[Simulated],
) -> None:
    print(_intro(plan, links, url, start, end))
    if not found:
        print()
        print(
            _(
                "Không có tin nào trong khoảng này: kế hoạch mẫu là của năm %(year)d. "
                "Thử: loa demo --from %(year)d-01-25"
            )
            % {"year": plan.year}
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
        _show(state.plan, links, url, start, end, found)
        return 0

    # Its own file, left by an older Loa, is brought up to date; a chosen database
    # behind the code is refused like everywhere else (`loa db upgrade` is for that).
    opener = open_database if chosen else partial(open_database, upgrade=True)
    return run_with_database(main, config=config, database_url=url, opener=opener)
