"""Which numbered list a message answers, and what its numbers mean there.

Loa sends three kinds of list whose numbers a unit confirms: the daily digest (outbox
kind "digest", including the overdue items it only counts, see scheduler/planner.py),
a broadcast that asks for confirmation ("broadcast"), and the answer to /nhiemvu
("tasks"). A message answers the list it replies to (Telegram says which), the list
Loa just asked about, or else the newest list sent to the chat (a Zalo quote does not
say what it quotes). Only items of units the chat serves can be confirmed from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.storage import sent_messages
from bot.storage.confirmations import active_for_keys
from bot.storage.models import Confirmation, OutboxMessage
from bot.storage.plan_cache import plan_item_index
from content.dates import format_day_month
from content.payloads import ListEntry
from content.plan import Plan, Unit
from handlers.context import Turn
from handlers.events import Reply
from handlers.formatting import shorten

LISTS = ("digest", "broadcast", "tasks")
NOTICE_LIMIT = 190  # Telegram shows at most 200 characters in a button answer


@dataclass
class Target:
    """A list a confirmation is read against, as far as this chat may use it."""

    row: OutboxMessage
    plans: dict[str, Plan]  # plan id -> plan, for the plans of the chat's units
    units: dict[tuple[str, str], Unit]  # (plan id, unit id) -> the units this chat serves
    entries: dict[int, ListEntry]  # item number -> entry (with its unit and plan)
    edit_id: str | None  # the platform message to re-render in place, if possible

    @property
    def kind(self) -> str:
        return self.row.kind

    @property
    def listed(self) -> set[int]:
        """Every number the list gives, shown or only counted."""
        return set(self.entries)

    @property
    def shown(self) -> list[int]:
        """The numbers written out in the list ("xong hết" means these)."""
        return [n for n in sorted(self.entries) if not self.entries[n].get("hidden")]

    def unit_of(self, entry: ListEntry) -> Unit:
        return self.units[(entry["plan_id"], entry["unit_id"])]

    def plan_of(self, entry: ListEntry) -> Plan:
        return self.plans[entry["plan_id"]]

    def keys(self) -> list[str]:
        return [entry["key"] for entry in self.entries.values()]

    def when(self) -> str:
        day = self.row.payload.get("date")
        return format_day_month(date.fromisoformat(day)) if day else ""

    def subject(self) -> str:
        """What a broadcast is about, as its recipients know it."""
        return str(self.row.payload.get("subject") or "")


def say(turn: Turn, text: str) -> Reply:
    """A short answer: a pop-up for a button press, a message otherwise."""
    if turn.event.kind == "button":
        return Reply(notice=shorten(text, NOTICE_LIMIT))
    return Reply(text=text)


def _has_numbers(row: OutboxMessage | None) -> bool:
    return row is not None and row.kind in LISTS and bool(row.payload.get("entries"))


async def _latest(turn: Turn) -> OutboxMessage | None:
    """The newest list sent to this chat that has numbers; else the newest digest."""
    event = turn.event
    rows = [
        await sent_messages.latest_sent(turn.session, event.channel, event.chat_id, (kind,))
        for kind in LISTS
    ]
    numbered = [row for row in rows if row is not None and _has_numbers(row)]
    if not numbered:
        return rows[0]
    return max(numbered, key=lambda row: (row.sent_at, row.id))


async def find_list(
    turn: Turn, message_id: str | None, row_id: int | None = None
) -> OutboxMessage | None:
    """The list replied to (`message_id`), or the one Loa asked about (`row_id`), or
    the newest one sent here. A button belongs to its own message only."""
    event = turn.event
    for wanted in (message_id, row_id):
        if wanted is None:
            continue
        if isinstance(wanted, str):
            row = await sent_messages.by_message_id(
                turn.session, event.channel, event.chat_id, wanted
            )
        else:
            row = await sent_messages.sent_row(turn.session, event.channel, event.chat_id, wanted)
        if _has_numbers(row) or event.kind == "button":
            return row if _has_numbers(row) else None
    return await _latest(turn)


async def resolve(
    turn: Turn, message_id: str | None = None, row_id: int | None = None
) -> Target | Reply:
    """The list this event is about, or the answer explaining why there is none."""
    _ = turn._
    chat_units = await turn.chat_units()
    if not chat_units:
        where = (
            _("Cuộc trò chuyện này chưa liên kết với đơn vị nào nên chưa ghi nhận được.")
            if turn.private
            else _("Nhóm này chưa liên kết với đơn vị nào nên chưa ghi nhận được.")
        )
        how = _("Hãy gửi %(link)s MÃ với mã do quản trị viên cấp.") % {
            "link": turn.command("/lienket")
        }
        return say(turn, f"{where} {how}")
    row = await find_list(turn, message_id, row_id)
    if row is None and turn.event.kind == "button":
        return say(turn, _("Nút này không còn hiệu lực."))
    if row is None or not _has_numbers(row):
        return say(turn, _("Chưa có tin nhắc việc nào gửi tới đây để xác nhận."))
    served = {(cu.plan.id, cu.unit.id): cu.unit for cu in chat_units}
    entries = _entries(row, served, {cu.plan.id: cu.plan for cu in chat_units})
    if not entries:
        return say(
            turn,
            _(
                "Tin nhắc này thuộc đơn vị mà cuộc trò chuyện này không còn phụ "
                "trách, nên không ghi nhận được."
            ),
        )
    edit_id = None
    if turn.traits.edits_in_place and row.kind == "digest" and len(row.message_ids) == 1:
        edit_id = row.message_ids[0]
    return Target(
        row=row,
        plans={cu.plan.id: cu.plan for cu in chat_units},
        units=served,
        entries=entries,
        edit_id=edit_id,
    )


def _entries(
    row: OutboxMessage, served: dict[tuple[str, str], Unit], plans: dict[str, Plan]
) -> dict[int, ListEntry]:
    """Number -> entry for the items of served units: the entries written out, then
    the counted ones ("more_keys", numbered after the highest written number)."""
    payload: dict[str, Any] = row.payload
    plan_id = str(payload.get("plan_id") or row.plan_id or "")
    unit_id = str(payload.get("unit_id") or "")
    entries: dict[int, ListEntry] = {}
    highest = 0
    for stored in payload.get("entries", []):
        number = stored.get("n")
        if not isinstance(number, int) or not stored.get("key"):
            continue
        highest = max(highest, number)
        entry: ListEntry = {
            "n": number,
            "key": stored["key"],
            "title": stored.get("title", ""),
            "plan_id": stored.get("plan_id") or plan_id,
            "unit_id": stored.get("unit_id") or unit_id,
        }
        if stored.get("hidden"):
            entry["hidden"] = True
        if stored.get("optional"):
            entry["optional"] = True
        if (entry["plan_id"], entry["unit_id"]) in served:
            entries[number] = entry
    more = payload.get("more_keys") or []
    if more and (plan_id, unit_id) in served and plan_id in plans:
        index = plan_item_index(plans[plan_id])
        for number, key in enumerate(more, start=highest + 1):
            item = index.get(key)
            entries[number] = {
                "n": number,
                "key": key,
                "title": item.title if item is not None else "",
                "plan_id": plan_id,
                "unit_id": unit_id,
                "hidden": True,
            }
    return entries


async def confirmed(turn: Turn, target: Target) -> dict[str, Confirmation]:
    """item key -> confirmation, for the list's items that are confirmed."""
    return await active_for_keys(turn.session, target.keys())


async def open_numbers(turn: Turn, target: Target, shown_only: bool = True) -> list[int]:
    """The list's numbers not confirmed yet (written out ones only, by default)."""
    active = await confirmed(turn, target)
    numbers = target.shown if shown_only else sorted(target.entries)
    return [n for n in numbers if target.entries[n]["key"] not in active]
