"""What a confirmation did (Outcome) and what Loa answers about it: who confirmed what and
when, what was already confirmed, evidence added, numbers the list does not have."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from handlers.context import Turn
from handlers.events import Reply
from handlers.formatting import clock_time, number_list
from handlers.targets import Target, say


@dataclass
class Outcome:
    done: list[int] = field(default_factory=list)
    already: list[int] = field(default_factory=list)
    evidence_added: list[int] = field(default_factory=list)
    missing: list[int] = field(default_factory=list)  # item no longer in the plan
    not_optional: list[int] = field(default_factory=list)  # "không phát sinh" refused


def units_phrase(target: Target, numbers: Sequence[int]) -> str:
    names = dict.fromkeys(target.unit_of(target.entries[n]).name for n in numbers)
    return ", ".join(names)


def what(turn: Turn, target: Target, numbers: Sequence[int]) -> str:
    """ "việc 1 và 3", or for a broadcast the message itself: "tin «Hưởng ứng …»"."""
    _ = turn._
    if target.kind == "broadcast":
        return _("tin «%(subject)s»") % {"subject": _subject(target, numbers)}
    return _("việc %(numbers)s") % {"numbers": number_list(numbers, _)}


def _subject(target: Target, numbers: Sequence[int]) -> str:
    subject = target.subject()
    if not subject and numbers:
        # Broadcasts sent before the subject was stored: the item's own title.
        subject = target.entries[numbers[0]].get("title", "").split(": ", 1)[-1]
    return subject


def outcome_text(
    turn: Turn, target: Target, outcome: Outcome, evidence: bool, not_applicable: bool = False
) -> str:
    _ = turn._
    lines = []
    if outcome.done and not_applicable:
        lines.append(
            _("➖ Đã ghi nhận việc %(numbers)s của %(unit)s không phát sinh — %(person)s, %(time)s")
            % {
                "numbers": number_list(outcome.done, _),
                "unit": units_phrase(target, outcome.done),
                "person": turn.event.user_name,
                "time": clock_time(turn.now),
            }
        )
    elif outcome.done:
        values = {
            "what": what(turn, target, outcome.done),
            "unit": units_phrase(target, outcome.done),
            "person": turn.event.user_name,
            "time": clock_time(turn.now),
        }
        line = (
            _("✅ Đã ghi nhận %(unit)s đã thực hiện %(what)s — %(person)s, %(time)s") % values
            if target.kind == "broadcast"
            else _("✅ Đã ghi nhận %(what)s của %(unit)s — %(person)s, %(time)s") % values
        )
        if evidence:
            line += _(" (kèm minh chứng)")
        lines.append(line)
    if outcome.already:
        lines.append(
            _("%(what)s đã được xác nhận trước đó.")
            % {"what": _capitalised(what(turn, target, outcome.already))}
        )
    if outcome.evidence_added:
        lines.append(
            _("📎 Đã thêm minh chứng cho %(what)s.")
            % {"what": what(turn, target, outcome.evidence_added)}
        )
    if outcome.missing:
        lines.append(
            _(
                "Việc %(numbers)s không còn trong kế hoạch (kế hoạch vừa được nạp lại), "
                "nên không ghi nhận."
            )
            % {"numbers": number_list(outcome.missing, _)}
        )
    if outcome.not_optional:
        lines.append(
            _(
                "Việc %(numbers)s không phải việc «nếu có» nên không báo «không phát sinh» "
                "được; việc đã làm thì trả lời «xong %(first)s»."
            )
            % {"numbers": number_list(outcome.not_optional, _), "first": outcome.not_optional[0]}
        )
    return "\n".join(lines)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def unknown_numbers_text(turn: Turn, target: Target, unknown: Sequence[int]) -> str:
    """ "Tin nhắc ngày 02/02 không có việc số 9. Các số có trong tin: 1 và 2. …" """
    _ = turn._
    when = target.when()
    values = {"date": when, "numbers": number_list(unknown, _)}
    head = (
        _("Tin nhắc ngày %(date)s không có việc số %(numbers)s.") % values
        if when
        else _("Tin nhắc này không có việc số %(numbers)s.") % values
    )
    known = _("Các số có trong tin: %(numbers)s. Không ghi nhận việc nào.") % {
        "numbers": number_list(sorted(target.entries), _)
    }
    return f"{head} {known}"


def unknown_numbers(turn: Turn, target: Target, numbers: Sequence[int]) -> Reply | None:
    unknown = [n for n in numbers if n not in target.entries]
    return say(turn, unknown_numbers_text(turn, target, unknown)) if unknown else None
