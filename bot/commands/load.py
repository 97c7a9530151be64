"""`loa load PLAN.yaml [...]`: validate plans and store them; say what changed.

Every file is validated before anything is stored: one bad file (or two files with
the same plan id) and nothing is loaded, each problem printed as `FILE:LINE: message`.
All files are stored in one transaction.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.commands._common import fail, run_with_database
from bot.config import Config
from bot.storage.db import Database
from bot.storage.plans import save_plan
from content.clock import Clock
from content.i18n import _, current_language
from content.plan import Plan
from content.plan_loader import PlanError, PlanProblem, parse_plan, read_plan_file


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "load",
        help=_("nạp hoặc nạp lại kế hoạch vào cơ sở dữ liệu"),
        description=_(
            "Kiểm tra rồi nạp (hoặc nạp lại) kế hoạch; in ra những gì được thêm, "
            "sửa, bỏ. Nạp lại giữ mọi xác nhận hoàn thành của những việc vẫn còn."
        ),
    )
    parser.add_argument("paths", nargs="+", metavar="PLAN.yaml", help=_("tệp kế hoạch"))
    parser.set_defaults(handler=run)


def read_plan(path: str) -> tuple[Plan, str]:
    """The validated plan and the exact text it came from (the text is what is stored)."""
    text = read_plan_file(path)
    return parse_plan(text, source_name=path), text


def validate(paths: list[str]) -> tuple[list[tuple[Plan, str]], list[PlanProblem]]:
    loaded: list[tuple[Plan, str]] = []
    problems: list[PlanProblem] = []
    first_file: dict[str, str] = {}
    for path in paths:
        try:
            plan, text = read_plan(path)
        except PlanError as error:
            problems += error.problems
            continue
        if plan.id in first_file:
            problems.append(
                PlanProblem(
                    path,
                    1,
                    _("mã kế hoạch '%(id)s' trùng với tệp %(file)s")
                    % {"id": plan.id, "file": first_file[plan.id]},
                )
            )
            continue
        first_file[plan.id] = path
        loaded.append((plan, text))
    return loaded, problems


def run(args: argparse.Namespace) -> int:
    return load_files(args.paths)


def load_files(paths: list[str], config: Config | None = None) -> int:
    """Validate every file, then store them all and print what changed; the exit code
    (2 and nothing stored when any file has a problem)."""
    plans, problems = validate(paths)
    for plan, _text in plans:
        for notice in plan.notices:
            note = _("lưu ý: %(message)s") % {"message": notice.message}
            print(f"{plan.source_name}:{notice.line}: {note}", file=sys.stderr)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        return fail(_("Không nạp gì: %(n)d lỗi cần sửa.") % {"n": len(problems)})

    async def store(config: Config, database: Database) -> int:
        now = Clock(config.now).now()
        async with database.session() as session:
            reports = [await save_plan(session, plan, text, now) for plan, text in plans]
        for index, report in enumerate(reports):
            if index:
                print()
            print("\n".join(report.lines(current_language())))
        return 0

    return run_with_database(store, config=config)
