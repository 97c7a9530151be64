"""`loa report`: the draft báo cáo of a plan (or of one unit), as a Word document.

    loa report --plan sldtbxh-laocai-2026 --from 01/01/2026 --to 15/11/2026 -o bao-cao.docx
    loa report --unit phong-nguoi-co-cong -o bao-cao-phong-ncc.docx

Dates are dd/mm/yyyy or yyyy-mm-dd. "Today" (the report's date, what counts as overdue)
is the clock's, so LOA_NOW moves it for demos and tests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from datetime import date
from pathlib import Path
from typing import Any

from bot.commands._common import UserError, choose_plan, find_unit, run_with_database, unknown_unit
from bot.config import Config
from bot.reports.bao_cao import report_bytes, report_file_name
from bot.reports.report_data import ReportData, gather
from bot.storage.db import Database
from bot.storage.files import FileStore
from bot.storage.plan_cache import stored_plans
from content.clock import Clock
from content.i18n import _
from content.plan_values import parse_date_text


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "report",
        help=_("dự thảo báo cáo kết quả (Word, theo Nghị định 30/2020)"),
        description=_(
            "Dự thảo báo cáo kết quả thực hiện kế hoạch (tệp .docx theo thể thức Nghị định "
            "30/2020): nhiệm vụ, kết quả theo đơn vị kèm biểu đồ, các đợt tuyên truyền ngày kỷ "
            "niệm với minh chứng, tin đã gửi, việc còn tồn. Với --unit: báo cáo của một đơn vị "
            "gửi Văn phòng. Văn bản viết bằng tiếng Việt, theo thể thức văn bản hành chính."
        ),
    )
    parser.add_argument("--plan", metavar="ID", help=_("mã kế hoạch (khi có nhiều kế hoạch)"))
    parser.add_argument("--unit", metavar="U", help=_("báo cáo của một đơn vị (mã hoặc tên)"))
    day = _("NGÀY")
    parser.add_argument("--from", dest="start", metavar=day, help=_("từ ngày (dd/mm/yyyy)"))
    parser.add_argument("--to", dest="end", metavar=day, help=_("đến ngày (mặc định: hôm nay)"))
    parser.add_argument("-o", "--output", metavar="FILE", help=_("tệp .docx sẽ ghi"))
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(handler=run)


def _date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return parse_date_text(text)
    except ValueError as error:
        raise UserError(f"{option}: {error}") from None


async def report_data(
    config: Config,
    database: Database,
    plan_id: str | None,
    unit: str | None,
    start: date | None,
    end: date | None,
) -> ReportData:
    """The report's data, or a UserError saying which plan, unit or dates were wrong."""
    if start is not None and end is not None and end < start:
        raise UserError(
            _("--to (%(end)s) trước --from (%(start)s)")
            % {"end": f"{end:%d/%m/%Y}", "start": f"{start:%d/%m/%Y}"}
        )
    async with database.session() as session:
        plan = choose_plan(await stored_plans(session), plan_id)
        unit_id = None
        if unit is not None:
            found = find_unit(plan, unit)
            if found is None:
                raise unknown_unit([plan], unit, plan.id)
            unit_id = found.id
        today = Clock(config.now).now().astimezone(plan.tz).date()
        data = await gather(
            session,
            plan.id,
            as_of=today,
            start=start,
            end=end,
            unit_id=unit_id,
            store=FileStore(config.evidence_root),
        )
    if data is None:  # removed between the two reads
        raise UserError(_("Không có kế hoạch '%(plan)s'.") % {"plan": plan.id})
    return data


def run(args: argparse.Namespace) -> int:
    start, end = _date(args.start, "--from"), _date(args.end, "--to")

    async def main(config: Config, database: Database) -> int:
        data = await report_data(config, database, args.plan, args.unit, start, end)
        path = Path(args.output or report_file_name(data))
        try:
            # Drawing the chart and writing the file block: off the event loop.
            await asyncio.to_thread(lambda: path.write_bytes(report_bytes(data)))
        except OSError as error:
            raise UserError(
                _("Không ghi được tệp %(file)s: %(error)s")
                % {"file": path, "error": error.strerror or error}
            ) from None
        tallies = data.tallies()
        if args.format == "json":
            summary = {
                "file": str(path),
                "plan": data.plan.id,
                "unit": data.unit.id if data.unit else None,
                "from": data.start.isoformat() if data.start else None,
                "to": data.end.isoformat(),
                "items": len(data.items),
                "units": [
                    {"unit": t.unit.id, **{k: v for k, v in t.counts.items()}} for t in tallies
                ],
                "campaigns": len(data.campaigns()),
                "broadcasts": len(data.broadcasts),
            }
            print(json.dumps(summary, ensure_ascii=False, indent=2))
        else:
            counts = {
                "file": path,
                "items": len(data.items),
                "units": len(tallies),
                "campaigns": len(data.campaigns()),
                "broadcasts": len(data.broadcasts),
            }
            print(
                _(
                    "Đã ghi dự thảo báo cáo vào %(file)s: %(items)d việc của %(units)d đơn vị, "
                    "%(campaigns)d đợt kỷ niệm, %(broadcasts)d tin đã gửi."
                )
                % counts
            )
        return 0

    return run_with_database(main, must_exist=True)
