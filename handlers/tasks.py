"""/nhiemvu: the open items of this chat's units, overdue first, every one numbered.

The list goes out through the outbox like a digest, with its numbering in the payload
(kind "tasks", handlers/targets.py), so a reply "xong 7" to it confirms item 7 of
this list. In a chat that serves one unit, items of today's digest keep their
numbers there (the overdue ones it only counted too), so "xong 2" means the same
item whether it answers the digest or this list; other items are numbered after them.
"""

from __future__ import annotations

from datetime import date, timedelta

from bot.storage import outbox, sent_messages
from content.dates import format_date_short
from content.due import DueMessage
from content.messages import format_item_line
from content.payloads import ListEntry, TasksPayload
from handlers.commands import N_, Command, HelpLine
from handlers.context import ChatUnit, Turn
from handlers.events import Reply
from handlers.formatting import number_list
from handlers.progress import plan_rows, plan_today
from scheduler.progress import ProgressRow

LISTED = 12  # per unit; the rest are counted, with their numbers
LIFETIME = timedelta(hours=1)  # an answer nobody could deliver within an hour is stale


def _entry(number: int, key: str, title: str, cu: ChatUnit, hidden: bool = False) -> ListEntry:
    entry: ListEntry = {
        "n": number,
        "key": key,
        "title": title,
        "plan_id": cu.plan.id,
        "unit_id": cu.unit.id,
    }
    if hidden:
        entry["hidden"] = True
    return entry


async def _digest_entries(
    turn: Turn, cu: ChatUnit, today: date, titles: dict[str, str]
) -> list[ListEntry]:
    """Today's digest of this chat, numbered as it was (the overdue items it only
    counted too): its numbers stay valid in the list, also for items confirmed since."""
    row = await sent_messages.latest_sent(turn.session, turn.event.channel, turn.event.chat_id)
    payload = row.payload if row is not None else {}
    if payload.get("date") != today.isoformat():
        return []
    if (payload.get("plan_id"), payload.get("unit_id")) != (cu.plan.id, cu.unit.id):
        return []
    entries = [
        _entry(entry["n"], entry["key"], entry.get("title", ""), cu)
        for entry in payload.get("entries", [])
        if isinstance(entry.get("n"), int)
    ]
    after = max((entry["n"] for entry in entries), default=0) + 1
    for number, key in enumerate(payload.get("more_keys", []), after):
        entries.append(_entry(number, key, titles.get(key, ""), cu))
    return entries


def _numbered(rows: list[ProgressRow], numbers: dict[str, int], start: int) -> list[int]:
    """A number for each row: its digest number, else the next free one from `start`."""
    taken = set(numbers.values())
    given = []
    following = start
    for row in rows:
        number = numbers.get(row.item_key)
        if number is None:
            while following in taken:
                following += 1
            number = following
            taken.add(number)
        given.append(number)
    return given


def _more_line(turn: Turn, numbers: list[int]) -> str:
    _ = turn._
    if len(numbers) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        shown = _("%(first)d đến %(last)d") % {"first": numbers[0], "last": numbers[-1]}
    else:
        shown = number_list(numbers, _)
    return _.ngettext(
        "… và %(n)d việc khác (số %(numbers)s): xem /tiendo",
        "… và %(n)d việc khác (số %(numbers)s): xem /tiendo",
        len(numbers),
    ) % {"n": len(numbers), "numbers": shown}


def _footer(turn: Turn, first: int) -> str:
    """How to confirm from the list, as the channel's replies point at a message."""
    _ = turn._
    if turn.traits.reply_reference == "quote":
        return _("Việc nào xong, trả lời (trích dẫn) tin này: xong %(n)d") % {"n": first}
    if turn.traits.reply_reference == "latest":
        return _("Việc nào xong, gõ: xong %(n)d") % {"n": first}
    return _("Việc nào xong, trả lời tin này: xong %(n)d (kèm link/ảnh minh chứng)") % {"n": first}


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
    blocks: list[str] = []
    entries: list[ListEntry] = []
    following = 1
    for cu in units:
        today = plan_today(turn, cu.plan)
        rows = await plan_rows(turn, cu.plan, cu.unit.id)
        titles = {row.item_key: row.task_title for row in rows}
        kept = await _digest_entries(turn, cu, today, titles) if len(units) == 1 else []
        chosen = [row for row in rows if row.status == "overdue"]
        chosen += [row for row in rows if row.status == "open"]
        numbers = _numbered(chosen, {entry["key"]: entry["n"] for entry in kept}, following)
        following = max([following - 1, *numbers, *(entry["n"] for entry in kept)]) + 1
        lines = [_("📋 Việc của %(unit)s") % {"unit": cu.unit.name}]
        for index, (row, number) in enumerate(zip(chosen, numbers, strict=True)):
            if index < LISTED:
                days = (row.due - today).days
                lines.append(format_item_line(number, row.task_title, row.due, days, turn.locale))
            entries.append(_entry(number, row.item_key, row.task_title, cu, index >= LISTED))
        # The digest's numbers of items confirmed since: not listed, still answerable
        # ("/hoantac 3" after "/xong 3").
        listed = {row.item_key for row in chosen}
        entries += [{**entry, "hidden": True} for entry in kept if entry["key"] not in listed]
        if len(chosen) > LISTED:
            lines.append(_more_line(turn, numbers[LISTED:]))
        if not chosen:
            lines.append(_("Không có việc nào đang mở. 👍"))
        upcoming = [row for row in rows if row.status == "upcoming"]
        if upcoming:
            lines.append(
                _("Việc tiếp theo: %(title)s — hạn %(due)s")
                % {
                    "title": upcoming[0].task_title,
                    "due": format_date_short(upcoming[0].due, turn.locale),
                }
            )
        blocks.append("\n".join(lines))
    shown = [entry["n"] for entry in entries if not entry.get("hidden")]
    if shown:
        blocks.append(_footer(turn, min(shown)))
    await _send(turn, units, "\n\n".join(blocks), entries)
    return []


async def _send(turn: Turn, units: list[ChatUnit], text: str, entries: list[ListEntry]) -> None:
    """The list, as an outbox row that remembers its numbering."""
    event = turn.event
    first = units[0]
    occasion = event.message_id or f"{event.user_id}/{turn.now.isoformat()}"
    payload: TasksPayload = {
        "plan_id": first.plan.id,
        "unit_id": first.unit.id,
        "unit_ids": list(dict.fromkeys(cu.unit.id for cu in units)),
        "date": plan_today(turn, first.plan).isoformat(),
        "entries": entries,
    }
    message = DueMessage(
        key=f"tasks/{event.chat_address}/{occasion}",
        channel=event.channel,
        chat_id=event.chat_id,
        kind="tasks",
        text=text,
        not_before=turn.now,
        expires_at=turn.now + LIFETIME,
        plan_id=first.plan.id,
        payload=payload,
    )
    if await outbox.enqueue(turn.session, [message], turn.now):
        turn.request_wake()


COMMANDS = (
    Command(
        "nhiemvu",
        "tasks",
        on_tasks,
        menu=N_("Việc đang mở của đơn vị"),
        staff_help=HelpLine("", N_("việc đang mở của đơn vị")),
    ),
)
