"""/baocao (/report): the draft báo cáo as a Word file in the chat.

An admin in a private chat gets the report of each plan they administer, or with
`/baocao MÃ_ĐƠN_VỊ` that unit's own report; in a unit's chat, the unit's report to the
office. Channels that cannot take a file from Loa (Zalo) say where to get it instead.
"""

from __future__ import annotations

import asyncio

from bot.reports.bao_cao import report_bytes, report_file_name
from bot.reports.report_data import ReportData, gather
from content.plan import Plan
from handlers.commands import N_, Command, HelpLine
from handlers.context import Turn
from handlers.events import FileUpload, Reply


async def _data(turn: Turn, plan: Plan, unit_id: str | None) -> ReportData | None:
    return await gather(
        turn.session,
        plan.id,
        as_of=turn.now.astimezone(plan.tz).date(),
        unit_id=unit_id,
        store=turn.ctx.evidence_store,
    )


async def _reply(turn: Turn, data: ReportData) -> Reply:
    _ = turn._
    document = await asyncio.to_thread(report_bytes, data)
    who = data.unit.name if data.unit else data.plan.title
    text = _(
        "📄 Dự thảo báo cáo kết quả — %(who)s, số liệu đến %(date)s. Hãy kiểm tra, bổ sung "
        "rồi trình ký."
    ) % {"who": who, "date": f"{data.as_of:%d/%m/%Y}"}
    return Reply(text=text, file=FileUpload(report_file_name(data), document))


async def on_report(turn: Turn) -> list[Reply]:
    _ = turn._
    admin_plans = await turn.admin_plans() if turn.private else []
    if admin_plans:
        wanted = turn.event.args[0] if turn.event.args else None
        replies = []
        for plan in admin_plans:
            unit_id = None
            if wanted is not None:
                if wanted not in {unit.id for unit in plan.units}:
                    continue
                unit_id = wanted
            data = await _data(turn, plan, unit_id)
            if data is not None:
                replies.append(await _reply(turn, data))
        if not replies:
            return [
                Reply(
                    text=_("Không có đơn vị %(unit)s trong kế hoạch bạn quản trị.")
                    % {"unit": wanted}
                )
            ]
        return replies
    units = await turn.chat_units()
    if not units:
        return [
            Reply(
                text=_(
                    "Báo cáo dành cho quản trị viên kế hoạch và các đơn vị. Nơi này chưa liên "
                    "kết với đơn vị nào: gửi %(link)s MÃ với mã do quản trị viên cấp."
                )
                % {"link": turn.command("/lienket")}
            )
        ]
    replies = []
    for chat_unit in units:
        data = await _data(turn, chat_unit.plan, chat_unit.unit.id)
        if data is not None:
            replies.append(await _reply(turn, data))
    return replies


COMMANDS = (
    Command(
        "baocao",
        "report",
        on_report,
        menu=N_("Dự thảo báo cáo kết quả (Word)"),
        staff_help=HelpLine("", N_("dự thảo báo cáo của đơn vị (tệp Word)")),
        admin_help=HelpLine("", N_("dự thảo báo cáo kết quả toàn kế hoạch (tệp Word)")),
    ),
)
