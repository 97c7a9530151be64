"""/tiendo: who has done what.

In a unit's chat: that unit's counts and the items that need attention. An admin in
a private chat: every plan they administer, one line per unit, the units furthest
behind first; `/tiendo UNIT_ID` shows one unit in detail.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.storage.confirmations import active_confirmations
from bot.storage.contacts import unit_contacts
from content.contacts import ContactEntry, contacts_line
from content.dates import format_date_long
from content.messages import format_item_line
from content.plan import Contact, Plan, Unit
from handlers.commands import N_, Command, HelpLine
from handlers.context import Turn
from handlers.events import Reply
from handlers.formatting import clock_time
from scheduler.progress import ProgressRow, UnitSummary, progress_rows, summary_by_unit
from scheduler.state import plan_state

LISTED_PER_STATUS = 8


def plan_today(turn: Turn, plan: Plan) -> date:
    return turn.now.astimezone(plan.tz).date()


async def plan_rows(turn: Turn, plan: Plan, unit_id: str | None = None) -> list[ProgressRow]:
    """Owner items of the plan (of one unit) with their status today."""
    state = await plan_state(turn.session, plan.id, turn.ctx.extra_admins)
    if state is None:
        return []
    confirmations = await active_confirmations(turn.session, plan.id)
    return progress_rows(state, confirmations, plan_today(turn, plan), unit_id=unit_id)


def _counts_line(turn: Turn, summary: UnitSummary) -> str:
    _ = turn._
    line = _(
        "✅ %(done)d xong · ⏳ %(open)d đang nhắc · ⚠️ %(overdue)d quá hạn · "
        "%(upcoming)d chưa đến hạn"
    ) % {
        "done": summary.done,
        "open": summary.open,
        "overdue": summary.overdue,
        "upcoming": summary.upcoming,
    }
    if summary.not_applicable:
        line += " · " + _("➖ %(n)d không phát sinh") % {"n": summary.not_applicable}
    return line


def _more_line(turn: Turn, more: int) -> list[str]:
    _ = turn._
    if more <= 0:
        return []
    return [_.ngettext("… và %(n)d việc khác", "… và %(n)d việc khác", more) % {"n": more}]


def unit_block(
    turn: Turn,
    plan: Plan,
    unit: Unit,
    rows: list[ProgressRow],
    contacts: Sequence[Contact] = (),
) -> str:
    _ = turn._
    today = plan_today(turn, plan)
    locale = turn.locale
    lines = [_("📊 Tiến độ — %(unit)s") % {"unit": unit.name}, plan.title]
    if contacts:
        entries: list[ContactEntry] = [
            {"address": str(contact.address), "name": contact.name} for contact in contacts
        ]
        lines.append(contacts_line(entries, locale))
    if not rows:
        lines.append(_("Đơn vị chưa có việc nào phải làm trong kế hoạch."))
        return "\n".join(lines)
    lines.append(_counts_line(turn, summary_by_unit(rows)[0]))
    for status, title in (("overdue", _("Quá hạn:")), ("open", _("Đang nhắc:"))):
        chosen = [row for row in rows if row.status == status]
        if not chosen:
            continue
        lines.append(title)
        for row in chosen[:LISTED_PER_STATUS]:
            days = (row.due - today).days
            lines.append(format_item_line(None, row.task_title, row.due, days, locale))
        lines += _more_line(turn, len(chosen) - LISTED_PER_STATUS)
    confirmed = [
        (row.confirmed_at, row)
        for row in rows
        if row.status == "done" and row.confirmed_at is not None
    ]
    done = [row for _, row in sorted(confirmed, key=lambda pair: pair[0], reverse=True)]
    if done:
        lines.append(_("Xong gần đây:"))
        for row in done[:LISTED_PER_STATUS]:
            assert row.confirmed_at is not None
            who = row.confirmed_by_name or row.confirmed_by or ""
            lines.append(f"• ✅ {row.task_title} — {who}, {clock_time(row.confirmed_at, today)}")
    return "\n".join(lines)


def _worst_first(summary: UnitSummary) -> tuple[int, float, int, str]:
    share = summary.share_done if summary.share_done is not None else 1.0
    return (-summary.overdue, share, -summary.open, summary.unit_name)


def plan_block(turn: Turn, plan: Plan, rows: list[ProgressRow]) -> str:
    _ = turn._
    summaries = summary_by_unit(rows)
    done = sum(s.done for s in summaries)
    asked = sum(s.done + s.open + s.overdue for s in summaries)
    overdue = sum(s.overdue for s in summaries)
    lines = [
        f"📊 {plan.title}",
        format_date_long(plan_today(turn, plan), turn.locale),
        _("Đã xong %(done)d/%(asked)d việc đã đến kỳ nhắc; %(overdue)d việc quá hạn.")
        % {"done": done, "asked": asked, "overdue": overdue},
        _("Theo đơn vị (chậm nhất trước): ✅ xong · ⏳ đang nhắc · ⚠️ quá hạn"),
    ]
    for summary in sorted(summaries, key=_worst_first):
        lines.append(
            f"• {summary.unit_name}: ✅ {summary.done} · ⏳ {summary.open} · ⚠️ {summary.overdue}"
        )
    lines.append(_("Xem chi tiết một đơn vị: /tiendo MÃ_ĐƠN_VỊ"))
    return "\n".join(lines)


async def _unit_progress(turn: Turn, plan: Plan, unit: Unit) -> str:
    contacts = (await unit_contacts(turn.session, plan)).get(unit.id, ())
    return unit_block(turn, plan, unit, await plan_rows(turn, plan, unit.id), contacts)


async def on_progress(turn: Turn) -> list[Reply]:
    _ = turn._
    admin_plans = await turn.admin_plans() if turn.private else []
    if admin_plans and turn.event.args:
        wanted = turn.event.args[0]
        plan_id, _sep, unit_id = wanted.rpartition("/")
        blocks = []
        for plan in admin_plans:
            if plan_id and plan.id != plan_id:
                continue
            try:
                unit = plan.unit(unit_id)
            except KeyError:
                continue
            blocks.append(await _unit_progress(turn, plan, unit))
        if not blocks:
            return [
                Reply(
                    text=_("Không có đơn vị %(unit)s trong kế hoạch bạn quản trị.")
                    % {"unit": wanted}
                )
            ]
        return [Reply(text="\n\n".join(blocks))]
    if admin_plans:
        blocks = [plan_block(turn, plan, await plan_rows(turn, plan)) for plan in admin_plans]
        return [Reply(text="\n\n".join(blocks))]
    units = await turn.chat_units()
    if not units:
        return [
            Reply(
                text=_(
                    "Nơi này chưa liên kết với đơn vị nào. Gửi %(link)s MÃ với mã do "
                    "quản trị viên cấp."
                )
                % {"link": turn.command("/lienket")}
            )
        ]
    blocks = [await _unit_progress(turn, cu.plan, cu.unit) for cu in units]
    return [Reply(text="\n\n".join(blocks))]


COMMANDS = (
    Command(
        "tiendo",
        "progress",
        on_progress,
        menu=N_("Tiến độ thực hiện"),
        staff_help=HelpLine("", N_("tiến độ của đơn vị")),
        admin_help=HelpLine("", N_("tiến độ toàn kế hoạch, theo từng đơn vị")),
    ),
)
