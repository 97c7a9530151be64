"""Confirmations: recording that items of a list are done, or taking that back.

Ways in: the ✅ button of a digest ("ok:N") or of Loa's question ("ask:LIST:N"), the
command `/xong N`, `/hoantac N` or the ↩️ button ("undo:N"), and what people write
(handlers/replies.py reads it and calls in here). An optional item ("… (nếu có)") may
instead be answered "không phát sinh" (its 🚫 button "na:N", or those words): it is
closed without counting as done. Links and photos that come with
the message are kept as evidence (minh chứng); sent later, they are added to an item
already confirmed. Anything that cannot be matched to an item of a unit this chat
serves is answered and records nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from bot.storage.broadcasts import broadcast_items
from bot.storage.confirmations import confirm, standing_for_keys, undo
from bot.storage.plan_cache import plan_item_index
from content.buttons import Button, confirm_button, pack, undo_button, unpack
from content.digest import render_digest_from_payload
from content.items import Item
from content.payloads import DigestPayload
from content.replies import links_in, read_numbers
from handlers.asking import ask_which
from handlers.commands import N_, Command
from handlers.confirm_texts import Outcome, outcome_text, units_phrase, unknown_numbers, what
from handlers.context import Turn
from handlers.events import Reply
from handlers.evidence import keep_files
from handlers.formatting import clock_time, shorten
from handlers.targets import NOTICE_LIMIT, Target, confirmed, open_numbers, resolve, say


def evidence_of(turn: Turn) -> list[str]:
    pieces = [*turn.event.evidence, *links_in(turn.event.text)]
    return list(dict.fromkeys(piece for piece in pieces if piece))


async def _items(turn: Turn, target: Target, numbers: Sequence[int]) -> dict[str, Item]:
    """The items behind these numbers: the plan's, or a broadcast's that asks to confirm."""
    found: dict[str, Item] = {}
    for number in numbers:
        entry = target.entries[number]
        item = plan_item_index(target.plan_of(entry)).get(entry["key"])
        if item is not None:
            found[item.key] = item
    keys = {target.entries[n]["key"] for n in numbers}
    for plan_id in {target.entries[n]["plan_id"] for n in numbers}:
        if keys - set(found):
            found.update(
                (item.key, item)
                for item in await broadcast_items(turn.session, plan_id)
                if item.key in keys
            )
    return found


async def record(
    turn: Turn,
    target: Target,
    numbers: Sequence[int],
    evidence: Sequence[str],
    *,
    not_applicable: bool = False,
) -> Outcome:
    """Record these items as done (or, `not_applicable`, as having had nothing to do:
    optional items only)."""
    event = turn.event
    items = await _items(turn, target, numbers)
    outcome = Outcome()
    for number in numbers:
        entry = target.entries[number]
        item = items.get(entry["key"])
        if item is None:
            outcome.missing.append(number)
            continue
        if not_applicable and not entry.get("optional"):
            outcome.not_optional.append(number)
            continue
        result = await confirm(
            turn.session,
            item,
            by=event.user_address,
            by_name=event.user_name,
            channel=event.channel,
            chat_id=event.chat_id,
            evidence=evidence,
            now=turn.now,
            not_applicable=not_applicable,
        )
        await keep_files(turn, item)
        if result.created:
            outcome.done.append(number)
        else:
            outcome.already.append(number)
            if result.evidence_added:
                outcome.evidence_added.append(number)
    return outcome


async def rerendered(turn: Turn, target: Target) -> Reply | None:
    """The digest as it reads now (✅, who, when), with its buttons, edited in place."""
    if target.edit_id is None:
        return None
    active, not_applicable = await standing_for_keys(turn.session, target.keys())
    confirmations = {
        key: (row.confirmed_by_name or row.confirmed_by, row.confirmed_at)
        for key, row in active.items()
    }
    text = render_digest_from_payload(
        cast(DigestPayload, target.row.payload),
        confirmations,
        turn.event.channel,
        turn.locale,
        not_applicable=not_applicable,
    )
    done = {n for n, entry in target.entries.items() if entry["key"] in active}
    layout = target.row.payload.get("buttons") or [
        [[f"✅ {n}", pack("ok", n)] for n in target.shown]
    ]
    rows: list[tuple[Button, ...]] = []
    for layout_row in layout:
        buttons = []
        for label, data in layout_row:
            pressed = unpack(data)
            if pressed is None or pressed.number is None:
                continue
            number = pressed.number
            if pressed.action == "na":
                if number not in done:  # once answered, its ↩️ is enough
                    buttons.append(Button(label, data))
            elif number in done:
                buttons.append(undo_button(number))
            else:
                buttons.append(confirm_button(number, label if pressed.action == "ok" else None))
        if buttons:
            rows.append(tuple(buttons))
    return Reply(text=text, buttons=tuple(rows), edit_message_id=target.edit_id)


async def confirm_numbers(
    turn: Turn, target: Target, numbers: Sequence[int], evidence: Sequence[str]
) -> list[Reply]:
    """Record these items as done; the acknowledgement, and the digest re-rendered."""
    problem = unknown_numbers(turn, target, numbers)
    if problem is not None:
        return [problem]
    outcome = await record(turn, target, numbers, evidence)
    replies = [say(turn, outcome_text(turn, target, outcome, bool(evidence)))]
    if outcome.done:
        edit = await rerendered(turn, target)
        if edit is not None:
            replies.append(edit)
    return replies


async def not_applicable_numbers(turn: Turn, target: Target, numbers: Sequence[int]) -> list[Reply]:
    """ "không phát sinh N", or the 🚫 button: optional items that had nothing to do are
    closed (no number: the one open optional item, or Loa asks for it)."""
    _ = turn._
    if not numbers:
        optional = [
            n for n in await open_numbers(turn, target) if target.entries[n].get("optional")
        ]
        if len(optional) != 1:
            example = optional[0] if optional else 1
            return [
                say(
                    turn,
                    _("Hãy ghi số việc không phát sinh, ví dụ «không phát sinh %(n)d».")
                    % {"n": example},
                )
            ]
        numbers = optional
    problem = unknown_numbers(turn, target, numbers)
    if problem is not None:
        return [problem]
    outcome = await record(turn, target, numbers, (), not_applicable=True)
    replies = [say(turn, outcome_text(turn, target, outcome, False, not_applicable=True))]
    if outcome.done:
        edit = await rerendered(turn, target)
        if edit is not None:
            replies.append(edit)
    return replies


async def undo_numbers(turn: Turn, target: Target, numbers: Sequence[int]) -> list[Reply]:
    """ "/hoantac N", the ↩️ button, "bấm nhầm việc 2": withdraw confirmations made here."""
    _ = turn._
    active = await confirmed(turn, target)
    if not numbers:
        done = [n for n in sorted(target.entries) if target.entries[n]["key"] in active]
        if len(done) != 1:
            example = {"undo": turn.command("/hoantac")}
            return [say(turn, _("Hãy ghi số việc cần hoàn tác, ví dụ: %(undo)s 2") % example)]
        numbers = done
    problem = unknown_numbers(turn, target, numbers)
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
                turn.session, confirmation.item_key, by=turn.event.user_address, now=turn.now
            )
            undone.append(number)
    if undone:
        lines.insert(
            0,
            _("↩️ Đã hoàn tác xác nhận %(what)s của %(unit)s — %(person)s, %(time)s")
            % {
                "what": what(turn, target, undone),
                "unit": units_phrase(target, undone),
                "person": turn.event.user_name,
                "time": clock_time(turn.now),
            },
        )
    replies = [say(turn, "\n".join(lines))]
    if undone:
        edit = await rerendered(turn, target)
        if edit is not None:
            replies.append(edit)
    return replies


async def press(turn: Turn, target: Target, number: int, evidence: Sequence[str]) -> list[Reply]:
    """A ✅ button: a short pop-up, the digest updated in place (or a message)."""
    _ = turn._
    if number not in target.entries:
        return [Reply(notice=_("Nút này không còn hiệu lực."))]
    outcome = await record(turn, target, [number], evidence)
    if outcome.missing:
        return [Reply(notice=shorten(outcome_text(turn, target, outcome, False), NOTICE_LIMIT))]
    if outcome.already:
        return [Reply(notice=_("Việc này đã được xác nhận trước đó."))]
    title = target.entries[number].get("title", "")
    notice = (
        _("Đã ghi nhận: %(what)s") % {"what": what(turn, target, [number])}
        if target.kind == "broadcast"
        else _("Đã ghi nhận: việc %(n)s — %(title)s") % {"n": number, "title": title}
    )
    reply = Reply(notice=shorten(notice, NOTICE_LIMIT))
    edit = await rerendered(turn, target)
    if edit is None:
        # Nothing to update in place: say it in the chat so everyone sees it.
        return [Reply(text=outcome_text(turn, target, outcome, bool(evidence))), reply]
    return [edit, reply]


async def on_button(turn: Turn) -> list[Reply]:
    """ "ok:N" / "na:N" / "undo:N" on a digest or broadcast."""
    _ = turn._
    pressed = unpack(turn.event.button_data)
    if pressed is None or pressed.number is None or pressed.action not in ("ok", "na", "undo"):
        return [Reply(notice=_("Nút này không còn hiệu lực."))]
    target = await resolve(turn, turn.event.message_id)
    if isinstance(target, Reply):
        return [target]
    if pressed.action in ("undo", "na"):
        if pressed.number not in target.entries:
            return [Reply(notice=_("Nút này không còn hiệu lực."))]
        if pressed.action == "na":
            return await not_applicable_numbers(turn, target, [pressed.number])
        return await undo_numbers(turn, target, [pressed.number])
    return await press(turn, target, pressed.number, ())


async def on_done_command(turn: Turn) -> list[Reply]:
    """/xong [N ...] [link]: the numbers, or the one open item, or Loa asks which."""
    _ = turn._
    args = " ".join(arg for arg in turn.event.args if not links_in(arg))
    numbers = read_numbers(args)
    if numbers is None:
        done = turn.command("/xong")
        return [
            Reply(
                text=_("Số việc không hợp lệ. Ví dụ: %(done)s 2 hoặc %(done)s 1 3") % {"done": done}
            )
        ]
    target = await resolve(turn, turn.event.reply_to_message_id)
    if isinstance(target, Reply):
        return [target]
    evidence = evidence_of(turn)
    if numbers:
        return await confirm_numbers(turn, target, numbers, evidence)
    still_open = await open_numbers(turn, target)
    if len(still_open) == 1:
        return await confirm_numbers(turn, target, still_open, evidence)
    return await ask_which(turn, target, still_open, evidence)


async def on_undo_command(turn: Turn) -> list[Reply]:
    """/hoantac [N ...]."""
    _ = turn._
    numbers = read_numbers(" ".join(turn.event.args))
    if numbers is None:
        example = {"undo": turn.command("/hoantac")}
        return [Reply(text=_("Số việc không hợp lệ. Ví dụ: %(undo)s 2") % example)]
    target = await resolve(turn, turn.event.reply_to_message_id)
    if isinstance(target, Reply):
        return [target]
    return await undo_numbers(turn, target, numbers)


COMMANDS = (
    Command("xong", "done", on_done_command, menu=N_("Báo đã xong việc, ví dụ /xong 2")),
    Command(
        "hoantac", "undo", on_undo_command, menu=N_("Hoàn tác xác nhận nhầm, ví dụ /hoantac 2")
    ),
)
