"""`loa plan rollover PLAN.yaml --year Y [-o FILE]`, `loa plan list`, `loa plan close ID`:
the plan's year (see docs/plan-format.md, "The plan's year")."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from content.i18n import N_, _, current_language
from content.plan_loader import PlanError, read_plan_file
from content.plan_rollover import Rollover, RolloverError, roll_over

_STATES = {"active": N_("đang chạy"), "ended": N_("đã hết thời gian"), "closed": N_("đã đóng")}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "plan",
        help=_("năm của kế hoạch: chuyển sang năm mới, xem danh sách, đóng kế hoạch"),
        description=_(
            "Năm của kế hoạch: rollover (tệp kế hoạch năm mới từ năm nay), list "
            "(các kế hoạch đã nạp và trạng thái), close (đóng một kế hoạch: thôi nhắc việc)."
        ),
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    rollover = actions.add_parser(
        "rollover",
        help=_("tệp kế hoạch năm mới từ tệp năm nay (giữ nguyên ghi chú)"),
        description=_(
            "Viết kế hoạch năm mới từ tệp năm nay: năm, mã, tên, hạn một lần (cùng "
            "ngày năm sau, lùi về ngày làm việc trước đó nếu rơi vào ngày nghỉ), ngày kỷ niệm "
            "tính lại; in những chỗ cần người xem lại."
        ),
    )
    rollover.add_argument("path", metavar="PLAN.yaml")
    rollover.add_argument("--year", type=int, required=True, metavar="YEAR", help=_("năm mới"))
    rollover.add_argument("-o", "--output", metavar="FILE", help=_("ghi tệp mới (mặc định: in ra)"))
    rollover.add_argument(
        "--format", choices=("text", "json"), default="text", help=_("dạng của báo cáo")
    )
    rollover.set_defaults(handler=run_rollover)
    listing = actions.add_parser("list", help=_("các kế hoạch đã nạp và trạng thái của chúng"))
    listing.add_argument("--format", choices=("table", "json"), default="table")
    listing.set_defaults(handler=run_list)
    close = actions.add_parser(
        "close",
        help=_("đóng một kế hoạch: thôi nhắc các việc còn mở, gửi bản tổng kết cho quản trị viên"),
    )
    close.add_argument("plan_id", metavar="ID")
    close.set_defaults(handler=run_close)


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def _report(result: Rollover, output: str | None) -> list[str]:
    lines = [
        _("Kế hoạch năm %(year)d đã ghi vào %(file)s.") % {"year": result.year, "file": output}
        if output
        else _("Kế hoạch năm %(year)d.") % {"year": result.year}
    ]
    for kind, heading in (
        ("changed", _("Đã đổi:")),
        ("check", _("Cần xem lại:")),
        ("problem", _("Cần sửa:")),
    ):
        notes = [note.message for note in result.notes if note.kind == kind]
        if notes:
            lines.append(heading)
            lines += [f"  - {note}" for note in notes]
    if result.problems:
        lines.append(_("Chưa qua được loa check:"))
        lines += [f"  {problem}" for problem in result.problems]
    elif output:
        lines.append(
            _("Kiểm tra rồi nạp: loa check %(file)s && loa load %(file)s") % {"file": output}
        )
    return lines


def run_rollover(args: argparse.Namespace) -> int:
    try:
        text = read_plan_file(args.path)  # size and encoding checked as by loa check
    except PlanError as error:
        return _fail(f"loa plan rollover: {error}")
    try:
        result = roll_over(text, args.year, source_name=args.output or args.path)
    except RolloverError as error:
        return _fail(f"loa plan rollover: {error}")
    if args.output:
        try:
            Path(args.output).write_text(result.text, encoding="utf-8")
        except OSError as error:
            return _fail(
                _("loa plan rollover: không ghi được %(file)s: %(error)s")
                % {"file": args.output, "error": error.strerror}
            )
    else:
        sys.stdout.write(result.text)
    report = sys.stdout if args.output else sys.stderr
    if args.format == "json":
        shown = {
            "year": result.year,
            "output": args.output,
            "notes": [note.as_json() for note in result.notes],
            "problems": result.problems,
        }
        print(json.dumps(shown, ensure_ascii=False, indent=2), file=report)
    else:
        print("\n".join(_report(result, args.output)), file=report)
    return 1 if result.problems else 0


def _plans_table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return _("Chưa nạp kế hoạch nào. Hãy chạy: loa load KE-HOACH.yaml")
    header = (_("Mã"), _("Năm"), _("Thời gian"), _("Trạng thái"), _("Tên"))
    table = [header] + [
        (
            row["id"],
            str(row["year"]),
            f"{row['period']['from']} – {row['period']['to']}",
            _(_STATES[row["state"]]),
            row["title"],
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in table) for i in range(len(header) - 1)]
    return "\n".join(
        "  ".join(
            [*(cell.ljust(width) for cell, width in zip(line, widths, strict=False)), line[-1]]
        ).rstrip()
        for line in table
    )


def run_list(args: argparse.Namespace) -> int:
    from bot.commands._common import run_with_database
    from content.clock import Clock
    from scheduler.plan_period import plan_status
    from scheduler.state import plan_states

    async def main(config: Any, database: Any) -> int:
        async with database.session() as session:
            states = await plan_states(session, config.admins)
        now = Clock(config.now).now()
        rows = []
        for state in states:
            plan = state.plan
            start, end = plan.period
            rows.append(
                {
                    "id": plan.id,
                    "title": plan.title,
                    "year": plan.year,
                    "period": {"from": start.isoformat(), "to": end.isoformat()},
                    "active_until": state.last_day.isoformat(),
                    "state": plan_status(state, now.astimezone(plan.tz).date()),
                    "closed_at": (
                        state.closed_at.astimezone(plan.tz).isoformat() if state.closed_at else None
                    ),
                }
            )
        if args.format == "json":
            print(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            print(_plans_table(rows))
        return 0

    return run_with_database(main)


def run_close(args: argparse.Namespace) -> int:
    from bot.commands._common import UserError, run_with_database
    from bot.storage.plan_cache import stored_plans
    from bot.storage.plan_closures import close_plan
    from content.clock import Clock
    from content.dates import format_datetime

    async def main(config: Any, database: Any) -> int:
        now = Clock(config.now).now()
        async with database.session() as session:
            plans = await stored_plans(session)
            if args.plan_id not in {plan.id for plan in plans}:
                known = ", ".join(plan.id for plan in plans) or _("(chưa có)")
                raise UserError(
                    _("Không có kế hoạch '%(plan)s'. Các kế hoạch đã nạp: %(ids)s")
                    % {"plan": args.plan_id, "ids": known}
                )
            closed_at, closed_now = await close_plan(session, args.plan_id, now, "cli")
        language = current_language()
        if not closed_now:
            print(
                _("Kế hoạch %(plan)s đã đóng từ %(when)s.")
                % {"plan": args.plan_id, "when": format_datetime(closed_at, language)}
            )
            return 0
        print(
            _(
                "Đã đóng kế hoạch %(plan)s lúc %(when)s: các việc còn mở không được nhắc nữa; "
                "quản trị viên sẽ nhận bản tổng kết."
            )
            % {"plan": args.plan_id, "when": format_datetime(now, language)}
        )
        return 0

    return run_with_database(main)
