"""/nhiemvu: the open items of this chat's units, overdue first.

Items that today's reminder numbered keep that number, so "xong N" works straight
from this list; the others are bullets (they get a number on their reminder days).
"""

from __future__ import annotations

from datetime import date

from bot.storage import outbox
from content.dates import format_date_short
from content.messages import format_item_line
from handlers.commands import N_, Command, HelpLine
from handlers.context import Turn
from handlers.events import Reply
from handlers.progress import plan_rows, plan_today
from scheduler.progress import ProgressRow

LISTED = 12


async def _today_numbers(turn: Turn, today: date) -> dict[str, int]:
    """Item key -> its number in today's reminder of this chat ("xong N" uses it)."""
    row = await outbox.latest_sent(turn.session, turn.event.channel, turn.event.chat_id)
    if row is None or row.payload.get("date") != today.isoformat():
        return {}
    return {
        entry["key"]: entry["n"]
        for entry in row.payload.get("entries", [])
        if isinstance(entry.get("n"), int)
    }


def _unit_lines(
    turn: Turn, rows: list[ProgressRow], numbers: dict[str, int], today: date
) -> tuple[list[str], bool]:
    _ = turn._
    lines: list[str] = []
    chosen = [row for row in rows if row.status == "overdue"]
    chosen += [row for row in rows if row.status == "open"]
    for row in chosen[:LISTED]:
        lines.append(
            format_item_line(
                numbers.get(row.item_key),
                row.task_title,
                row.due,
                (row.due - today).days,
                turn.ctx.locale,
            )
        )
    more = len(chosen) - LISTED
    if more > 0:
        lines.append(
            _.ngettext(
                "… và %(n)d việc khác: xem /tiendo", "… và %(n)d việc khác: xem /tiendo", more
            )
            % {"n": more}
        )
    upcoming = [row for row in rows if row.status == "upcoming"]
    if not chosen:
        lines.append(_("Không có việc nào đang mở. 👍"))
    if upcoming:
        first = upcoming[0]
        lines.append(
            _("Việc tiếp theo: %(title)s — hạn %(due)s")
            % {
                "title": first.task_title,
                "due": format_date_short(first.due, turn.ctx.locale),
            }
        )
    numbered = any(row.item_key in numbers for row in chosen[:LISTED])
    return lines, numbered


async def on_tasks(turn: Turn) -> list[Reply]:
    _ = turn._
    units = await turn.chat_units()
    if not units:
        text = _(
            "Nơi này chưa liên kết với đơn vị nào. Gửi /lienket MÃ với mã do quản trị viên cấp."
        )
        if turn.private and await turn.is_admin():
            text += " " + _("Quản trị viên xem tiến độ toàn kế hoạch bằng /tiendo.")
        return [Reply(text=text)]
    blocks = []
    any_numbered = False
    for cu in units:
        today = plan_today(turn, cu.plan)
        numbers = await _today_numbers(turn, today)
        rows = await plan_rows(turn, cu.plan, cu.unit.id)
        lines, numbered = _unit_lines(turn, rows, numbers, today)
        any_numbered = any_numbered or numbered
        blocks.append("\n".join([_("📋 Việc của %(unit)s") % {"unit": cu.unit.name}, *lines]))
    if any_numbered:
        blocks.append(_("Số thứ tự theo tin nhắc hôm nay: trả lời «xong N» hoặc gõ /xong N."))
    return [Reply(text="\n\n".join(blocks))]


COMMANDS = (
    Command(
        "nhiemvu",
        "tasks",
        on_tasks,
        menu=N_("Việc đang mở của đơn vị"),
        staff_help=HelpLine("", N_("việc đang mở của đơn vị")),
    ),
)
