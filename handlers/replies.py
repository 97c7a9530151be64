"""What people write to Loa about their items, read by content/replies and acted on.

A reply to a list, a photo caption, a message quoting or mentioning Loa, and any
message in a private chat are read; group messages that do not address Loa (seen
only in Telegram groups without privacy mode) confirm only what they name plainly
("xong 2") and are never answered otherwise. Then:

- done ("Dạ em xong 3 rồi ạ", "xong hết", a photo "xong 1 - ảnh băng rôn"): recorded,
  with links and photos as evidence; "xong" alone means the one open item, or Loa asks;
- "hoàn tác 2", "em bấm nhầm việc 2": the confirmation is withdrawn;
- a question about an item ("việc 2 xong chưa?"): Loa says whether it is confirmed;
- not done ("chưa xong 3", "mai em xong 3 nhé"): nothing is recorded, and Loa says so;
- unclear ("xong 1.5", "3", "xong 1 hoặc 2"): Loa asks one short question
  (handlers/asking.py), never guesses, never stays silent;
- "không phát sinh", "việc 3 không phát sinh": an optional item ("… (nếu có)") had
  nothing to do: closed as such (handlers/confirm.py); any other item: Loa says it
  cannot be, and records nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from content.buttons import unpack
from content.replies import Intent, Reason, Understanding, understand
from handlers import asking
from handlers.confirm import (
    confirm_numbers,
    evidence_of,
    not_applicable_numbers,
    record,
    rerendered,
    undo_numbers,
)
from handlers.confirm_texts import (
    Outcome,
    outcome_text,
    units_phrase,
    unknown_numbers,
    unknown_numbers_text,
    what,
)
from handlers.context import Turn
from handlers.events import Reply
from handlers.formatting import clock_time, number_list, shorten
from handlers.targets import NOTICE_LIMIT, Target, confirmed, open_numbers, resolve

# What may act on a group message that does not address Loa: plain numbers only.
_UNADDRESSED = (Intent.CONFIRM, Intent.UNDO)


def addressed(turn: Turn) -> bool:
    """Written to Loa: in a private chat, quoting or replying to Loa, or naming it."""
    event = turn.event
    if turn.private or event.quotes_bot or event.reply_to_message_id is not None:
        return True
    name = turn.ctx.bot_usernames.get(event.channel, "").lstrip("@").lower()
    return bool(name) and f"@{name}" in event.text.lower()


async def on_message(turn: Turn) -> list[Reply] | None:
    """Replies for a message about the items, or None when it is not about them."""
    event = turn.event
    to_loa = addressed(turn)
    # Only a message written to Loa answers its question ("ok" between colleagues does not).
    question = await asking.waiting(turn) if to_loa else None
    first = understand(event.text, quoted=to_loa, answering=question is not None)
    evidence = evidence_of(turn)
    if not to_loa and (first.intent not in _UNADDRESSED or not first.numbers):
        return None  # "xong hết, về thôi" between colleagues confirms nothing
    if first.intent is Intent.NONE and not evidence:
        return None
    target = await resolve(
        turn, event.reply_to_message_id, question.row_id if question is not None else None
    )
    if isinstance(target, Reply):
        acting = first.intent in (Intent.CONFIRM, Intent.UNDO, Intent.UNCLEAR)
        return [target] if acting else None
    answering = question if question is not None and question.row_id == target.row.id else None
    reading = understand(event.text, target.listed, quoted=to_loa, answering=answering is not None)
    if answering is not None:
        evidence = list(dict.fromkeys([*answering.evidence, *evidence]))
    return await _act(turn, target, reading, evidence, answering)


async def _act(
    turn: Turn,
    target: Target,
    reading: Understanding,
    evidence: list[str],
    answering: asking.Question | None,
) -> list[Reply] | None:
    _ = turn._
    match reading.intent:
        case Intent.CONFIRM:
            return await _confirm(turn, target, reading, evidence, answering)
        case Intent.UNDO:
            return await undo_numbers(turn, target, reading.numbers)
        case Intent.NOT_APPLICABLE:
            return await not_applicable_numbers(turn, target, reading.numbers)
        case Intent.QUESTION:
            if reading.numbers:
                return [Reply(text=await _status(turn, target, reading.numbers))]
            return None
        case Intent.NEGATION:
            if answering is not None:
                await asking.forget(turn)
                return [Reply(text=_("Vâng, Loa chưa ghi nhận việc nào."))]
            if reading.numbers and all(n in target.entries for n in reading.numbers):
                return [Reply(text=_not_yet(turn, reading.numbers))]
            return None
        case Intent.UNCLEAR:
            return await _unclear(turn, target, reading, evidence)
    if evidence:
        return await _evidence(turn, target, list(reading.numbers), evidence)
    return None


async def _confirm(
    turn: Turn,
    target: Target,
    reading: Understanding,
    evidence: list[str],
    answering: asking.Question | None,
) -> list[Reply]:
    _ = turn._
    numbers = list(reading.numbers)
    if reading.reason is Reason.YES:
        # "có", "đúng rồi": a yes only answers "Việc 3 đã xong?", not "Việc nào?".
        if answering is None or not answering.yes_no:
            return await _ask_which(turn, target, evidence, _("Việc nào đã xong?"))
        numbers = list(answering.offered)
    elif reading.everything:
        numbers = list(answering.offered) if answering is not None else []
        numbers = numbers or await open_numbers(turn, target)
        if not numbers:
            return [Reply(text=_("Mọi việc trong tin nhắc đều đã được xác nhận. Cảm ơn!"))]
    elif not numbers:
        still_open = await open_numbers(turn, target)
        if len(still_open) != 1:
            if not still_open and evidence:
                return await _evidence(turn, target, [], evidence)
            if not still_open:
                return [Reply(text=_("Mọi việc trong tin nhắc đều đã được xác nhận. Cảm ơn!"))]
            return await asking.ask_which(turn, target, still_open, evidence)
        numbers = still_open
    await asking.forget(turn)
    return await confirm_numbers(turn, target, numbers, evidence)


async def _unclear(
    turn: Turn, target: Target, reading: Understanding, evidence: list[str]
) -> list[Reply]:
    _ = turn._
    if reading.reason is Reason.UNKNOWN:
        return [Reply(text=unknown_numbers_text(turn, target, reading.unknown))]
    if reading.reason is Reason.INVALID:
        written = ", ".join(f"«{text}»" for text in reading.invalid)
        lead = _("%(written)s không phải số việc trong tin nhắc. Việc nào đã xong?") % {
            "written": written
        }
        return await _ask_which(turn, target, evidence, lead)
    if reading.reason is Reason.MAYBE and reading.numbers:
        named = [n for n in reading.numbers if n in target.entries]
        if len(named) < len(reading.numbers):
            unknown = [n for n in reading.numbers if n not in target.entries]
            return [Reply(text=unknown_numbers_text(turn, target, unknown))]
        if evidence:
            added = await add_evidence(turn, target, named)
            if added is not None:
                return added
        still_open = await open_numbers(turn, target, shown_only=False)
        asked = [n for n in named if n in still_open]
        if not asked:
            return [Reply(text=outcome_text(turn, target, Outcome(already=named), False))]
        return await asking.ask_whether(turn, target, asked, evidence)
    return await _ask_which(turn, target, evidence, _("Loa chưa rõ việc nào đã xong."))


async def _ask_which(turn: Turn, target: Target, evidence: Sequence[str], lead: str) -> list[Reply]:
    still_open = await open_numbers(turn, target)
    return await asking.ask_which(turn, target, still_open, evidence, lead)


async def _evidence(
    turn: Turn, target: Target, numbers: list[int], evidence: list[str]
) -> list[Reply]:
    """A photo or link with no "xong": evidence for items already confirmed, or Loa asks
    whether the items are done (and keeps it for them)."""
    _ = turn._
    added = await add_evidence(turn, target, numbers)
    if added is not None:
        return added
    if numbers:
        return await asking.ask_whether(turn, target, numbers, evidence)
    return await _ask_which(turn, target, evidence, _("Minh chứng này cho việc nào đã xong?"))


async def add_evidence(turn: Turn, target: Target, numbers: Sequence[int]) -> list[Reply] | None:
    """A photo or link for items already confirmed; None when it is not for such an item
    (the caller asks whether the items are done)."""
    _ = turn._
    active = await confirmed(turn, target)
    done = [n for n in sorted(target.entries) if target.entries[n]["key"] in active]
    if numbers:
        problem = unknown_numbers(turn, target, numbers)
        if problem is not None:
            return [problem]
        if any(n not in done for n in numbers):
            return None
    elif len(done) == 1:
        numbers = done
    elif not done:
        return None
    else:
        return [
            Reply(
                text=_(
                    "Minh chứng này cho việc số mấy (%(numbers)s)? Hãy gửi lại kèm chú "
                    "thích là số việc, ví dụ «xong %(first)s»."
                )
                % {"numbers": number_list(done, _), "first": done[0]}
            )
        ]
    outcome = await record(turn, target, numbers, evidence_of(turn))
    if outcome.missing:
        return [Reply(text=outcome_text(turn, target, outcome, False))]
    if not outcome.evidence_added:
        return [
            Reply(
                text=_("Minh chứng này đã có cho %(what)s.") % {"what": what(turn, target, numbers)}
            )
        ]
    return [
        Reply(
            text=_("📎 Đã thêm minh chứng cho %(what)s của %(unit)s.")
            % {
                "what": what(turn, target, outcome.evidence_added),
                "unit": units_phrase(target, outcome.evidence_added),
            }
        )
    ]


async def _status(turn: Turn, target: Target, numbers: Sequence[int]) -> str:
    """ "việc 2 xong chưa?": whether each item is confirmed, by whom and when."""
    _ = turn._
    known = [n for n in numbers if n in target.entries]
    if not known:
        return unknown_numbers_text(turn, target, list(numbers))
    active = await confirmed(turn, target)
    lines = []
    for number in known:
        row = active.get(target.entries[number]["key"])
        if row is None:
            lines.append(_("Việc %(n)s chưa được xác nhận.") % {"n": number})
        else:
            lines.append(
                _("Việc %(n)s đã xong (%(person)s, %(time)s).")
                % {
                    "n": number,
                    "person": row.confirmed_by_name or row.confirmed_by,
                    "time": clock_time(row.confirmed_at, turn.now.date()),
                }
            )
    return "\n".join(lines)


def _not_yet(turn: Turn, numbers: Sequence[int]) -> str:
    _ = turn._
    values = {"numbers": number_list(numbers, _), "first": numbers[0]}
    return _("Loa chưa ghi nhận việc %(numbers)s. Khi xong, trả lời «xong %(first)s».") % values


async def on_ask_button(turn: Turn) -> list[Reply]:
    """ "ask:LIST:N" / "ask:LIST:all" on Loa's question: confirm, and show the outcome
    in place of the question."""
    _ = turn._
    pressed = unpack(turn.event.button_data)
    stale = [Reply(notice=_("Nút này không còn hiệu lực."))]
    if pressed is None or pressed.action != "ask" or pressed.row is None:
        return stale
    target = await resolve(turn, None, pressed.row)
    if isinstance(target, Reply):
        return [target]
    choice = pressed.number
    if target.row.id != pressed.row or (choice is not None and choice not in target.entries):
        return stale
    question = await asking.waiting(turn)
    evidence: list[str] = []
    if question is not None and question.row_id == pressed.row:
        evidence = list(question.evidence)
        await asking.forget(turn)
    numbers = [choice] if choice is not None else await open_numbers(turn, target)
    if not numbers:
        return [Reply(notice=_("Mọi việc trong tin nhắc đều đã được xác nhận. Cảm ơn!"))]
    outcome = await record(turn, target, numbers, evidence)
    text = outcome_text(turn, target, outcome, bool(evidence))
    replies = [
        Reply(text=text, edit_message_id=turn.event.message_id),
        Reply(notice=shorten(text, NOTICE_LIMIT)),
    ]
    edit = await rerendered(turn, target)
    if edit is not None and outcome.done:
        replies.append(edit)
    return replies
