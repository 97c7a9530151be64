"""`loa simulate --from D --to D [--plan PLAN.yaml] [--stats] [--format table|json]`:
every message a window of days would bring, with its text, without sending anything.

With --plan the plan file is simulated on its own, as if loaded on the first day of
the window (unless its `settings.remind_from` says otherwise): its declared chats, no
confirmations. Without it, every plan in the database (LOA_DATABASE_URL) with its
linked chats, confirmations, pauses and the day it was first loaded. Units without a
chat are shown too ("chưa liên kết", channel null in JSON): nothing would reach them,
and admins should see that.

--stats prints figures instead of the messages (bot/commands/simulate_stats.py): per
unit and month, how many messages and of which kind, and the same for a unit that
confirms everything on time, against the aims of docs/reminders.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any, TextIO

from bot.commands._common import fail, run_with_database
from bot.commands.simulate_stats import print_stats
from bot.config import Config, load_config
from bot.storage.db import Database
from content.dates import format_date_long
from content.due import DueMessage
from content.i18n import N_, _, current_language
from content.items import expand_items
from content.plan import Plan, merge_admins
from content.plan_loader import PlanError, load_plan
from content.plan_values import parse_date_text
from scheduler.planner import messages_between
from scheduler.state import PlanState, plan_states

KIND_LABELS = {
    "digest": N_("tin nhắc việc"),
    "post": N_("bài gợi ý đăng"),
    "escalation": N_("cảnh báo quá hạn cho quản trị"),
    "weekly": N_("báo cáo tuần cho quản trị"),
    "report": N_("nhắc hạn báo cáo"),
    "notice": N_("thông báo cho quản trị"),
}
NOT_LINKED = N_("(chưa liên kết)")
SHOWN_ONCE = ("post", "escalation", "weekly", "report", "notice")

Simulated = tuple[Plan, DueMessage]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "simulate",
        help=_("xem trước mọi tin sẽ gửi trong một khoảng ngày, không gửi gì"),
        description=_(
            "Liệt kê mọi tin (nhắc việc, bài gợi ý, báo quá hạn) mà các ngày đã chọn "
            "sẽ mang lại, kèm nội dung, mà không gửi tin nào."
        ),
    )
    parser.add_argument(
        "--from",
        dest="start",
        required=True,
        metavar="D",
        help=_("ngày đầu: 2026-02-01 hoặc 1/2/2026"),
    )
    parser.add_argument(
        "--to", dest="end", required=True, metavar="D", help=_("ngày cuối (tính cả ngày này)")
    )
    parser.add_argument(
        "--plan",
        metavar="PLAN.yaml",
        help=_("mô phỏng tệp kế hoạch này (mặc định: mọi kế hoạch trong cơ sở dữ liệu)"),
    )
    parser.add_argument(
        "--stats",
        action="store_true",
        help=_(
            "in số liệu thay vì nội dung: số tin mỗi đơn vị mỗi tháng theo loại, số ngày có "
            "tin, số lần nhắc một việc; kèm kịch bản đơn vị xác nhận đúng hạn"
        ),
    )
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.set_defaults(handler=run)


def parse_day(option: str, text: str, command: str = "loa simulate") -> date:
    """A command-line date; ValueError with a message naming the command and option."""
    try:
        return parse_date_text(text)
    except ValueError as error:
        raise ValueError(f"{command}: {option}: {error}") from None


def simulate(states: Sequence[PlanState], start: date, end: date) -> list[Simulated]:
    """Every message of the window for these plans, in sending order (a chat's digest
    is one message for all its plans; it is listed under its first part's plan)."""
    plans = {state.plan.id: state.plan for state in states}
    found = [
        (plans[message.plan_id or ""], message)
        for message in messages_between(states, start, end, include_unlinked=True)
    ]
    # Days are in order already; a stable sort puts each day's messages by their moment.
    found.sort(key=lambda pair: pair[1].not_before)
    return found


def file_state(plan: Plan, config: Config, loaded_on: date) -> PlanState:
    """A plan file as the store would hold it right after `loa load` on the morning of
    `loaded_on`: declared chats only."""
    links = {unit.id: unit.channels for unit in plan.units if unit.channels}
    return PlanState(
        plan=plan,
        items=expand_items(plan),
        links=links,
        admins=merge_admins(plan, config.admins),
        locale=plan.settings.language,
        started_at=datetime.combine(loaded_on, time(0), tzinfo=plan.tz),
    )


# --- output -----------------------------------------------------------------------------


def chat_label(message: DueMessage) -> str | None:
    return message.chat_address if message.channel else None


def item_keys(message: DueMessage) -> list[str]:
    payload = message.payload
    if "entries" in payload:
        return [entry["key"] for entry in payload["entries"]]
    return list(payload.get("items", []))


def as_json(plan: Plan, message: DueMessage) -> dict[str, Any]:
    """One message as `loa simulate --format json` prints it."""
    return {
        "at": message.not_before.isoformat(),
        "plan": plan.id,
        "unit": message.payload.get("unit_id"),
        "channel": chat_label(message),
        "kind": message.kind,
        "items": item_keys(message),
        "text": message.text,
    }


def recipient(plan: Plan, message: DueMessage) -> str:
    """Who gets it, for people: the unit's name, or the admin's address."""
    unit_id = message.payload.get("unit_id")
    if unit_id is None:
        return _("Quản trị viên %(chat)s") % {"chat": chat_label(message)}
    try:
        return plan.unit(unit_id).name
    except KeyError:
        return unit_id


def _indented(text: str) -> str:
    return "\n".join(f"    {line}" if line else "" for line in text.splitlines())


def write_table(found: Sequence[Simulated], out: TextIO) -> None:
    """Readable listing: by day, then recipient. A post or escalation whose text was
    already shown that day (the same post goes to many units) is named, not repeated."""
    several_plans = len({plan.id for plan, _message in found}) > 1
    language = current_language()
    current: date | None = None
    shown: set[str] = set()
    for plan, message in found:
        day = date.fromisoformat(message.payload["date"])
        if day != current:
            current = day
            shown = set()
            out.write(f"\n══════ {format_date_long(day, language)} ══════\n")
        where = chat_label(message) or _(NOT_LINKED)
        label = _(KIND_LABELS.get(message.kind, message.kind))
        who = recipient(plan, message)
        if several_plans:
            who = f"[{plan.id}] {who}"
        moment = message.not_before.astimezone(plan.tz)
        out.write(f"\n▶ {who} · {where} · {moment:%H:%M} · {label}\n")
        if message.kind in SHOWN_ONCE:
            if message.text in shown:
                first_line = message.text.splitlines()[0]
                out.write("    " + _("(cùng nội dung như trên: %(line)s)") % {"line": first_line})
                out.write("\n")
                continue
            shown.add(message.text)
        out.write(_indented(message.text) + "\n")


def summary_lines(found: Sequence[Simulated], days: int) -> list[str]:
    kinds = Counter(message.kind for _plan, message in found)
    unlinked = sorted({recipient(plan, message) for plan, message in found if not message.channel})
    parts = ", ".join(
        f"{kinds[kind]} {_(label)}" for kind, label in KIND_LABELS.items() if kinds[kind]
    )
    total = _("Tổng cộng %(n)d tin trong %(days)d ngày") % {"n": len(found), "days": days}
    lines = [total + (f": {parts}." if parts else ".")]
    if unlinked:
        lines.append(
            _(
                "%(n)d đơn vị chưa liên kết nhóm chat, tin của họ chỉ hiện ở đây và "
                "không được gửi: %(units)s."
            )
            % {"n": len(unlinked), "units": ", ".join(unlinked)}
        )
    return lines


# --- the command -------------------------------------------------------------------------


def _print(states: Sequence[PlanState], start: date, end: date, args: argparse.Namespace) -> int:
    if args.stats:
        return print_stats(states, start, end, args.format)
    found = simulate(states, start, end)
    if args.format == "json":
        rows = [as_json(plan, message) for plan, message in found]
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    days = (end - start).days + 1
    language = current_language()
    print(
        _("Mô phỏng từ %(start)s đến %(end)s (không gửi tin nào).")
        % {"start": format_date_long(start, language), "end": format_date_long(end, language)}
    )
    if not found:
        print(_("Không có tin nào trong khoảng ngày này."))
        return 0
    write_table(found, sys.stdout)
    print()
    print("\n".join(summary_lines(found, days)))
    return 0


def run(args: argparse.Namespace) -> int:
    try:
        start = parse_day("--from", args.start)
        end = parse_day("--to", args.end)
    except ValueError as error:
        return fail(str(error))
    if end < start:
        language = current_language()
        return fail(
            _("loa simulate: ngày cuối %(end)s ở trước ngày đầu %(start)s.")
            % {"end": format_date_long(end, language), "start": format_date_long(start, language)}
        )
    if args.plan is not None:
        try:
            plan = load_plan(args.plan)
        except PlanError as error:
            for problem in error.problems:
                print(problem, file=sys.stderr)
            return fail(
                _("loa simulate: kế hoạch %(plan)s có lỗi, không mô phỏng được.")
                % {"plan": args.plan}
            )
        config = load_config()
        return _print([file_state(plan, config, start)], start, end, args)

    async def from_database(config: Config, database: Database) -> int:
        async with database.session() as session:
            states = await plan_states(session, config.admins)
        if not states:
            return fail(
                _(
                    "Chưa nạp kế hoạch nào. Hãy chạy: loa load KE-HOACH.yaml, "
                    "hoặc mô phỏng một tệp: loa simulate --plan KE-HOACH.yaml ..."
                )
            )
        return _print(states, start, end, args)

    return run_with_database(from_database, must_exist=True)
