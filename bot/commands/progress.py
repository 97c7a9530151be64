"""`loa progress`: who has done what, as a table, JSON, CSV or XLSX.

Without --plan every stored plan is reported; with --unit only that unit's items
(in every plan that has the unit, unless --plan picks one). "Today" is the clock's
(LOA_NOW moves it for demos and tests).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.commands._common import UserError, choose_plan, find_unit, run_with_database, unknown_unit
from bot.config import Config
from bot.reports.progress_export import (
    PlanProgress,
    json_rows,
    render_table,
    write_csv,
    write_xlsx,
)
from bot.reports.progress_sections import plan_section
from bot.storage.db import Database
from bot.storage.files import FileStore
from bot.storage.plan_cache import stored_plans
from content.clock import Clock
from content.i18n import _
from content.plan import Plan

FORMATS = ("table", "json", "csv", "xlsx")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "progress",
        help=_("tiến độ: đơn vị nào đã làm gì"),
        description=_(
            "Tiến độ thực hiện kế hoạch theo đơn vị: đã xong, đang nhắc, quá hạn, "
            "chưa đến hạn; xuất JSON, CSV hoặc XLSX cho báo cáo."
        ),
    )
    parser.add_argument("--plan", metavar="ID", help=_("mã kế hoạch (mặc định: mọi kế hoạch)"))
    parser.add_argument("--unit", metavar="U", help=_("chỉ một đơn vị (mã hoặc tên)"))
    parser.add_argument("--format", choices=FORMATS, default="table", help=_("mặc định: table"))
    parser.add_argument("-o", "--output", metavar="FILE", help=_("ghi ra tệp thay vì màn hình"))
    parser.add_argument(
        "--all", action="store_true", help=_("bảng: hiện cả những việc chưa đến hạn")
    )
    parser.set_defaults(handler=run)


def _select(
    plans: list[Plan], plan_id: str | None, unit: str | None
) -> list[tuple[Plan, str | None]]:
    """(plan, unit id or None) pairs to report on."""
    chosen = [choose_plan(plans, plan_id)] if plan_id is not None else plans
    if not chosen:
        choose_plan(plans, None)  # raises "no plan loaded"
    if unit is None:
        return [(plan, None) for plan in chosen]
    selected: list[tuple[Plan, str | None]] = []
    for plan in chosen:
        found = find_unit(plan, unit)
        if found is not None:
            selected.append((plan, found.id))
    if not selected:
        raise unknown_unit(chosen, unit, plan_id)
    return selected


async def gather(
    database: Database,
    clock: Clock,
    plan_id: str | None,
    unit: str | None,
    store: FileStore | None = None,
) -> list[PlanProgress]:
    sections = []
    async with database.session() as session:
        for plan, unit_id in _select(await stored_plans(session), plan_id, unit):
            today = clock.now().astimezone(plan.tz).date()
            section = await plan_section(session, plan.id, today, unit_id, store)
            if section is not None:  # None: removed between the two reads
                sections.append(section)
    return sections


def _write_text(text: str, output: str | None, encoding: str = "utf-8") -> None:
    if output is None:
        sys.stdout.write(text)
        return
    Path(output).write_text(text, encoding=encoding, newline="")


def _output(args: argparse.Namespace, sections: list[PlanProgress]) -> int:
    rows = [row for section in sections for row in section.rows]
    if args.format == "json":
        text = json.dumps(json_rows(rows), ensure_ascii=False, indent=2) + "\n"
        _write_text(text, args.output)
    elif args.format == "csv":
        if args.output is None:
            write_csv(rows, sys.stdout)
        else:
            with Path(args.output).open("w", encoding="utf-8", newline="") as stream:
                write_csv(rows, stream)
    elif args.format == "xlsx":
        default = f"progress-{sections[0].plan.id}.xlsx" if len(sections) == 1 else "progress.xlsx"
        path = Path(args.output or default)
        write_xlsx(sections, path)
        print(_("Đã ghi %(n)d dòng vào %(path)s") % {"n": len(rows), "path": path})
    else:
        text = "\n\n".join(render_table(section, args.all) for section in sections) + "\n"
        _write_text(text, args.output)
    return 0


def run(args: argparse.Namespace) -> int:
    async def main(config: Config, database: Database) -> int:
        store = FileStore(config.evidence_root)
        sections = await gather(database, Clock(config.now), args.plan, args.unit, store)
        if not sections:
            raise UserError(_("Chưa nạp kế hoạch nào. Hãy chạy: loa load KE-HOACH.yaml"))
        try:
            return _output(args, sections)
        except BrokenPipeError:
            raise  # stdout's reader went away: the command line ends quietly
        except OSError as error:
            path = error.filename or args.output
            raise UserError(
                _("Không ghi được tệp %(path)s: %(error)s")
                % {"path": path, "error": error.strerror or error}
            ) from None

    return run_with_database(main, must_exist=True)
