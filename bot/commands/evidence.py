"""`loa evidence export`: the evidence photos, documents and links of a plan (or of one
unit) in a folder per unit and task, with index.html and index.csv (see
bot/reports/evidence_export.py)."""

from __future__ import annotations

import argparse
import asyncio
import json
from datetime import date
from pathlib import Path
from typing import Any

from bot.commands._common import UserError, run_with_database
from bot.commands.report import report_data
from bot.config import Config
from bot.reports.evidence_export import export_evidence
from bot.storage.db import Database
from content.dates import format_date_short
from content.i18n import _


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "evidence",
        help=_("minh chứng: xuất ảnh, tài liệu, đường dẫn theo đơn vị và nhiệm vụ"),
        description=_("Minh chứng các đơn vị đã gửi khi xác nhận hoàn thành."),
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    export = actions.add_parser(
        "export",
        help=_(
            "chép minh chứng vào một thư mục, mỗi đơn vị và nhiệm vụ một thư mục con, "
            "kèm index.html và index.csv"
        ),
    )
    export.add_argument("--plan", metavar="ID", help=_("mã kế hoạch (khi có nhiều kế hoạch)"))
    export.add_argument("--unit", metavar="U", help=_("chỉ một đơn vị (mã hoặc tên)"))
    export.add_argument("-o", "--output", metavar="DIR", required=True, help=_("thư mục ghi ra"))
    export.add_argument("--format", choices=("text", "json"), default="text")
    export.set_defaults(handler=run_export)


def run_export(args: argparse.Namespace) -> int:
    async def main(config: Config, database: Database) -> int:
        # Every piece ever sent, also for items confirmed before they fall due.
        data = await report_data(config, database, args.plan, args.unit, None, date.max)
        folder = Path(args.output)
        try:
            done = await asyncio.to_thread(
                export_evidence, data, folder, format_date_short(data.as_of)
            )
        except OSError as error:
            raise UserError(
                _("Không ghi được vào %(folder)s: %(error)s")
                % {"folder": folder, "error": error.strerror or error}
            ) from None
        if args.format == "json":
            summary = {
                "folder": str(folder),
                "plan": data.plan.id,
                "pieces": len(done.rows),
                "files": done.files,
                "links": done.links,
            }
            print(json.dumps(summary, ensure_ascii=False, indent=2))
        else:
            counts = {
                "pieces": len(done.rows),
                "files": done.files,
                "links": done.links,
                "folder": folder,
                "index": folder / "index.html",
            }
            print(
                _(
                    "Đã xuất %(pieces)d minh chứng (%(files)d tệp, %(links)d đường dẫn) vào "
                    "%(folder)s; mở %(index)s để xem."
                )
                % counts
            )
        return 0

    return run_with_database(main, must_exist=True)
