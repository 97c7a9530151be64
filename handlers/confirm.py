"""Confirmations: a unit says an item of its reminder is done, or takes that back.

Ways in: the ✅ button of a digest ("ok:N"), a reply "xong 2" / "Xong" / "hoan thanh
1, 3", the command `/xong N`, and `/hoantac N` or the ↩️ button ("undo:N") to undo.
Numbers are read against the digest the message replies to (Telegram) or, when the
platform does not say which message was quoted (Zalo) or nothing was quoted, the
latest digest sent to this chat. Links and photos that come with the message are
kept as evidence (minh chứng); sent later as a reply they are added to an item
already confirmed. Anything that cannot be matched to an item of a unit this chat
serves is answered and records nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import cast

from bot.storage import outbox
from bot.storage.broadcasts import broadcast_items
from bot.storage.confirmations import active_for_keys, confirm, undo
from bot.storage.models import Confirmation, OutboxMessage
from bot.storage.plan_cache import plan_item_index
from content.buttons import Button, confirm_button, pack, undo_button, unpack
from content.dates import format_day_month
from content.items import Item
from content.messages import render_digest_from_payload
from content.payloads import DigestEntry, DigestPayload
from content.plan import Plan, Unit
from handlers.commands import N_, Command
from handlers.context import Turn
from handlers.events import Reply
from handlers.evidence import keep_files
from handlers.formatting import clock_time, number_list, shorten
from handlers.text import URL, fold, parse_done, parse_numbers, urls_in

NOTICE_LIMIT = 190  # Telegram shows at most 200 characters in a button answer


@dataclass
class Target:
    """The reminder a confirmation is read against, as far as this chat may use it."""

    row: OutboxMessage
    plan: Plan
    units: dict[str, Unit]  # the row's units that this chat serves
    entries: dict[int, DigestEntry]  # item number -> entry (owner items only)
    edit_id: str | None  # the platform message to re-render in place, if possible

    def unit_of(self, entry: DigestEntry) -> Unit:
        return self.units[entry.get("unit_id") or self.row.payload["unit_id"]]

    def when(self) -> str:
        day = self.row.payload.get("date")
        return format_day_month(date.fromisoformat(day)) if day else ""


@dataclass
class Outcome:
    done: list[int] = field(default_factory=list)
    already: list[int] = field(default_factory=list)
    evidence_added: list[int] = field(default_factory=list)
    missing: list[int] = field(default_factory=list)  # item no longer in the plan


def _say(turn: Turn, text: str) -> Reply:
    """A short answer: a pop-up for a button press, a message otherwise."""
    if turn.event.kind == "button":
        return Reply(notice=shorten(text, NOTICE_LIMIT))
    return Reply(text=text)


def evidence_of(turn: Turn) -> list[str]:
    pieces = [*turn.event.evidence, *urls_in(turn.event.text)]
    return list(dict.fromkeys(piece for piece in pieces if piece))


def _is_confirmable(row: OutboxMessage) -> bool:
    return row.kind in ("digest", "broadcast") and bool(row.payload.get("entries"))


async def _latest(turn: Turn) -> OutboxMessage | None:
    """The newest reminder of this chat that has items to confirm."""
    event = turn.event
    digest = await outbox.latest_sent(turn.session, event.channel, event.chat_id, ("digest",))
    broadcast = await outbox.latest_sent(turn.session, event.channel, event.chat_id, ("broadcast",))
    candidates = [row for row in (digest, broadcast) if row is not None and _is_confirmable(row)]
    if not candidates:
        return digest
    return max(candidates, key=lambda row: (row.sent_at, row.id))


async def _resolve(turn: Turn, message_id: str | None) -> Target | Reply:
    """The reminder this event is about, or the answer explaining why there is none."""
    _ = turn._
    event = turn.event
    button = event.kind == "button"
    chat_units = await turn.chat_units()
    if not chat_units:
        if turn.private:
            return _say(
                turn,
                _(
                    "Cuộc trò chuyện này chưa liên kết với đơn vị nào nên chưa "
                    "ghi nhận được. Hãy gửi /lienket MÃ với mã do quản trị viên "
                    "cấp."
                ),
            )
        return _say(
            turn,
            _(
                "Nhóm này chưa liên kết với đơn vị nào nên chưa ghi nhận được. "
                "Hãy gửi /lienket MÃ với mã do quản trị viên cấp."
            ),
        )
    row = None
    if message_id is not None:
        row = await outbox.by_message_id(turn.session, event.channel, event.chat_id, message_id)
        if row is not None and not _is_confirmable(row):
            row = None
    if row is None and button:
        return _say(turn, _("Nút này không còn hiệu lực."))
    if row is None:
        row = await _latest(turn)
    if row is None or not _is_confirmable(row):
        return _say(turn, _("Chưa có tin nhắc việc nào gửi tới đây để xác nhận."))
    payload = row.payload
    plan_id = payload.get("plan_id") or row.plan_id
    row_units = [payload.get("unit_id"), *payload.get("unit_ids", [])]
    served = {
        cu.unit.id: cu.unit
        for cu in chat_units
        if cu.plan.id == plan_id and cu.unit.id in row_units
    }
    if not served:
        return _say(
            turn,
            _(
                "Tin nhắc này thuộc đơn vị mà cuộc trò chuyện này không còn phụ "
                "trách, nên không ghi nhận được."
            ),
        )
    plan = next(cu.plan for cu in chat_units if cu.plan.id == plan_id)
    entries: dict[int, DigestEntry] = {}
    for entry in payload.get("entries", []):
        number = entry.get("n")
        unit_id = entry.get("unit_id") or payload.get("unit_id")
        if isinstance(number, int) and entry.get("key") and unit_id in served:
            entries[number] = entry
    edit_id = None
    if turn.traits.edits_in_place and row.kind == "digest" and len(row.message_ids) == 1:
        edit_id = row.message_ids[0]
    return Target(row=row, plan=plan, units=served, entries=entries, edit_id=edit_id)


async def _active(turn: Turn, keys: Iterable[str]) -> dict[str, Confirmation]:
    return await active_for_keys(turn.session, keys)


async def _items(turn: Turn, plan: Plan, keys: Sequence[str]) -> dict[str, Item]:
    """The items behind these keys: the plan's, or a broadcast's that asks to confirm."""
    index = plan_item_index(plan)
    found = {key: index[key] for key in keys if key in index}
    if len(found) < len(set(keys)):
        found.update(
            (item.key, item)
            for item in await broadcast_items(turn.session, plan.id)
            if item.key in keys
        )
    return found


async def _rerendered(turn: Turn, target: Target) -> Reply | None:
    """The digest as it reads now (✅, who, when), with its buttons, edited in place."""
    if target.edit_id is None:
        return None
    entry_keys = [entry["key"] for entry in target.row.payload.get("entries", [])]
    active = await _active(turn, entry_keys)
    confirmations = {
        key: (row.confirmed_by_name or row.confirmed_by, row.confirmed_at)
        for key, row in active.items()
    }
    text = render_digest_from_payload(
        cast(DigestPayload, target.row.payload), confirmations, turn.event.channel, turn.ctx.locale
    )
    confirmed = {n for n, entry in target.entries.items() if entry["key"] in active}
    layout = target.row.payload.get("buttons") or [
        [[f"✅ {n}", pack("ok", n)] for n in sorted(target.entries)]
    ]
    rows: list[tuple[Button, ...]] = []
    for layout_row in layout:
        buttons = []
        for label, data in layout_row:
            pressed = unpack(data)
            if pressed is None or pressed.number is None:
                continue
            number = pressed.number
            if number in confirmed:
                buttons.append(undo_button(number))
            else:
                buttons.append(confirm_button(number, label if pressed.action == "ok" else None))
        if buttons:
            rows.append(tuple(buttons))
    return Reply(text=text, buttons=tuple(rows), edit_message_id=target.edit_id)


async def _confirm_numbers(
    turn: Turn, target: Target, numbers: Sequence[int], evidence: Sequence[str]
) -> Outcome:
    event = turn.event
    keys = [target.entries[n]["key"] for n in numbers]
    items = await _items(turn, target.plan, keys)
    outcome = Outcome()
    for number in numbers:
        item = items.get(target.entries[number]["key"])
        if item is None:
            outcome.missing.append(number)
            continue
        confirmed = await confirm(
            turn.session,
            item,
            by=event.user_address,
            by_name=event.user_name,
            channel=event.channel,
            chat_id=event.chat_id,
            evidence=evidence,
            now=turn.now,
        )
        await keep_files(turn, item)
        if confirmed.created:
            outcome.done.append(number)
        else:
            outcome.already.append(number)
            if confirmed.evidence_added:
                outcome.evidence_added.append(number)
    return outcome


def _units_phrase(target: Target, numbers: Sequence[int]) -> str:
    names = dict.fromkeys(target.unit_of(target.entries[n]).name for n in numbers)
    return ", ".join(names)


def _outcome_text(turn: Turn, target: Target, outcome: Outcome, evidence: bool) -> str:
    _ = turn._
    lines = []
    if outcome.done:
        line = _("✅ Đã ghi nhận việc %(numbers)s của %(unit)s — %(person)s, %(time)s") % {
            "numbers": number_list(outcome.done, _),
            "unit": _units_phrase(target, outcome.done),
            "person": turn.event.user_name,
            "time": clock_time(turn.now),
        }
        if evidence:
            line += _(" (kèm minh chứng)")
        lines.append(line)
    if outcome.already:
        lines.append(
            _("Việc %(numbers)s đã được xác nhận trước đó.")
            % {"numbers": number_list(outcome.already, _)}
        )
    if outcome.evidence_added:
        lines.append(
            _("📎 Đã thêm minh chứng cho việc %(numbers)s.")
            % {"numbers": number_list(outcome.evidence_added, _)}
        )
    if outcome.missing:
        lines.append(
            _(
                "Việc %(numbers)s không còn trong kế hoạch (kế hoạch vừa được nạp lại), "
                "nên không ghi nhận."
            )
            % {"numbers": number_list(outcome.missing, _)}
        )
    return "\n".join(lines)


def _unknown_numbers(turn: Turn, target: Target, numbers: Sequence[int]) -> Reply | None:
    _ = turn._
    unknown = [n for n in numbers if n not in target.entries]
    if not unknown:
        return None
    if not target.entries:
        return _say(turn, _("Tin nhắc này không có việc nào cần xác nhận."))
    when = target.when()
    head = (
        _("Tin nhắc ngày %(date)s không có việc số %(numbers)s.")
        % {"date": when, "numbers": number_list(unknown, _)}
        if when
        else _("Tin nhắc này không có việc số %(numbers)s.") % {"numbers": number_list(unknown, _)}
    )
    known = _("Các số có trong tin: %(numbers)s. Không ghi nhận việc nào.") % {
        "numbers": number_list(sorted(target.entries), _)
    }
    return _say(turn, f"{head} {known}")


async def _open_numbers(turn: Turn, target: Target) -> list[int]:
    active = await _active(turn, [entry["key"] for entry in target.entries.values()])
    return [n for n in sorted(target.entries) if target.entries[n]["key"] not in active]


async def confirm_numbers(
    turn: Turn, numbers: Sequence[int], message_id: str | None
) -> list[Reply]:
    """ "xong N...", "/xong N..." (no numbers: the one open item, or ask which)."""
    _ = turn._
    target = await _resolve(turn, message_id)
    if isinstance(target, Reply):
        return [target]
    if not numbers:
        open_numbers = await _open_numbers(turn, target)
        if not open_numbers:
            if not target.entries:
                return [_say(turn, _("Tin nhắc này không có việc nào cần xác nhận."))]
            return [_say(turn, _("Mọi việc trong tin nhắc đều đã được xác nhận. Cảm ơn!"))]
        if len(open_numbers) > 1:
            return [
                _say(
                    turn,
                    _(
                        "Tin nhắc còn %(count)s việc chưa xác nhận: %(numbers)s. Việc nào đã xong? "
                        "Hãy trả lời, ví dụ «xong %(first)s» hoặc «xong %(example)s»."
                    )
                    % {
                        "count": len(open_numbers),
                        "numbers": number_list(open_numbers, _),
                        "first": open_numbers[0],
                        "example": " ".join(str(n) for n in open_numbers[:2]),
                    },
                )
            ]
        numbers = open_numbers
    problem = _unknown_numbers(turn, target, numbers)
    if problem is not None:
        return [problem]
    evidence = evidence_of(turn)
    outcome = await _confirm_numbers(turn, target, numbers, evidence)
    replies = [Reply(text=_outcome_text(turn, target, outcome, bool(evidence)))]
    if outcome.done:
        edit = await _rerendered(turn, target)
        if edit is not None:
            replies.append(edit)
    return replies


async def undo_numbers(turn: Turn, numbers: Sequence[int], message_id: str | None) -> list[Reply]:
    """ "/hoantac N" or the ↩️ button: withdraw confirmations made in this chat."""
    _ = turn._
    target = await _resolve(turn, message_id)
    if isinstance(target, Reply):
        return [target]
    active = await _active(turn, [entry["key"] for entry in target.entries.values()])
    if not numbers:
        confirmed = [n for n in sorted(target.entries) if target.entries[n]["key"] in active]
        if len(confirmed) != 1:
            return [_say(turn, _("Hãy ghi số việc cần hoàn tác, ví dụ: /hoantac 2"))]
        numbers = confirmed
    problem = _unknown_numbers(turn, target, numbers)
    if problem is not None:
        return [problem]
    lines = []
    undone = []
    for number in numbers:
        confirmation = active.get(target.entries[number]["key"])
        if confirmation is None:
            lines.append(
                _("Việc %(n)s chưa được xác nhận, không có gì để hoàn tác.") % {"n": number}
            )
        elif (confirmation.channel, confirmation.chat_id) != (
            turn.event.channel,
            turn.event.chat_id,
        ):
            lines.append(
                _("Việc %(n)s được xác nhận ở một cuộc trò chuyện khác; chỉ hoàn tác được ở đó.")
                % {"n": number}
            )
        else:
            await undo(
                turn.session,
                confirmation.item_key,
                by=turn.event.user_address,
                now=turn.now,
            )
            undone.append(number)
    if undone:
        lines.insert(
            0,
            _("↩️ Đã hoàn tác xác nhận việc %(numbers)s của %(unit)s — %(person)s, %(time)s")
            % {
                "numbers": number_list(undone, _),
                "unit": _units_phrase(target, undone),
                "person": turn.event.user_name,
                "time": clock_time(turn.now),
            },
        )
    replies = [_say(turn, "\n".join(lines))]
    if undone:
        edit = await _rerendered(turn, target)
        if edit is not None:
            replies.append(edit)
    return replies


async def on_button(turn: Turn) -> list[Reply]:
    """ "ok:N" / "undo:N" on a digest."""
    _ = turn._
    pressed = unpack(turn.event.button_data)
    if pressed is None or pressed.number is None:
        return [Reply(notice=_("Nút này không còn hiệu lực."))]
    target = await _resolve(turn, turn.event.message_id)
    if isinstance(target, Reply):
        return [target]
    number = pressed.number
    if number not in target.entries:
        return [Reply(notice=_("Nút này không còn hiệu lực."))]
    if pressed.action == "undo":
        return await undo_numbers(turn, [number], turn.event.message_id)
    outcome = await _confirm_numbers(turn, target, [number], ())
    entry = target.entries[number]
    if outcome.missing:
        return [Reply(notice=_outcome_text(turn, target, outcome, False))]
    if outcome.already:
        return [Reply(notice=_("Việc này đã được xác nhận trước đó."))]
    notice = Reply(
        notice=shorten(
            _("Đã ghi nhận: việc %(n)s — %(title)s")
            % {"n": number, "title": entry.get("title", "")},
            NOTICE_LIMIT,
        )
    )
    edit = await _rerendered(turn, target)
    if edit is None:
        # Nothing to update in place: say it in the chat so everyone sees it.
        return [Reply(text=_outcome_text(turn, target, outcome, False)), notice]
    return [edit, notice]


async def add_evidence(turn: Turn, message_id: str | None) -> list[Reply]:
    """A photo or link with no "xong": evidence for an item already confirmed."""
    _ = turn._
    target = await _resolve(turn, message_id)
    if isinstance(target, Reply):
        return [target]
    caption = URL.sub(" ", turn.event.text)
    numbers = parse_numbers(fold(caption).replace("viec", " ").split()) or ()
    active = await _active(turn, [entry["key"] for entry in target.entries.values()])
    confirmed = [n for n in sorted(target.entries) if target.entries[n]["key"] in active]
    if numbers:
        problem = _unknown_numbers(turn, target, numbers)
        if problem is not None:
            return [problem]
        not_yet = [n for n in numbers if n not in confirmed]
        if not_yet:
            return [
                Reply(
                    text=_(
                        "Việc %(numbers)s chưa được xác nhận. Để báo xong kèm minh chứng, "
                        "gửi ảnh hoặc đường dẫn với chú thích «xong %(first)s»."
                    )
                    % {"numbers": number_list(not_yet, _), "first": not_yet[0]}
                )
            ]
    elif len(confirmed) == 1:
        numbers = tuple(confirmed)
    elif not confirmed:
        return [
            Reply(
                text=_(
                    "Để báo xong kèm minh chứng, gửi ảnh hoặc đường dẫn với chú thích "
                    "«xong N» (N là số việc trong tin nhắc)."
                )
            )
        ]
    else:
        return [
            Reply(
                text=_(
                    "Minh chứng này cho việc số mấy (%(numbers)s)? Hãy gửi lại kèm chú "
                    "thích là số việc, ví dụ «%(first)s»."
                )
                % {"numbers": number_list(confirmed, _), "first": confirmed[0]}
            )
        ]
    outcome = await _confirm_numbers(turn, target, numbers, evidence_of(turn))
    if outcome.missing:
        return [Reply(text=_outcome_text(turn, target, outcome, False))]
    if not outcome.evidence_added:
        return [
            Reply(
                text=_("Minh chứng này đã có cho việc %(numbers)s.")
                % {"numbers": number_list(numbers, _)}
            )
        ]
    return [
        Reply(
            text=_("📎 Đã thêm minh chứng cho việc %(numbers)s của %(unit)s.")
            % {
                "numbers": number_list(outcome.evidence_added, _),
                "unit": _units_phrase(target, outcome.evidence_added),
            }
        )
    ]


async def on_done_command(turn: Turn) -> list[Reply]:
    """/xong [N ...] [link]."""
    _ = turn._
    args = [arg for arg in turn.event.args if not URL.fullmatch(arg)]
    numbers = parse_numbers(args)
    if numbers is None:
        return [Reply(text=_("Số việc không hợp lệ. Ví dụ: /xong 2 hoặc /xong 1 3"))]
    return await confirm_numbers(turn, numbers, turn.event.reply_to_message_id)


async def on_undo_command(turn: Turn) -> list[Reply]:
    """/hoantac [N ...]."""
    _ = turn._
    numbers = parse_numbers(list(turn.event.args))
    if numbers is None:
        return [Reply(text=_("Số việc không hợp lệ. Ví dụ: /hoantac 2"))]
    return await undo_numbers(turn, numbers, turn.event.reply_to_message_id)


async def on_message(turn: Turn) -> list[Reply] | None:
    """A plain message: a confirmation, or evidence; None if it is neither."""
    done = parse_done(turn.event.text)
    if done is not None:
        return await confirm_numbers(turn, done.numbers, turn.event.reply_to_message_id)
    event = turn.event
    addressed = turn.private or event.quotes_bot or event.reply_to_message_id is not None
    if evidence_of(turn) and addressed:
        return await add_evidence(turn, turn.event.reply_to_message_id)
    return None


COMMANDS = (
    Command("xong", "done", on_done_command, menu=N_("Báo đã xong việc, ví dụ /xong 2")),
    Command(
        "hoantac", "undo", on_undo_command, menu=N_("Hoàn tác xác nhận nhầm, ví dụ /hoantac 2")
    ),
)
