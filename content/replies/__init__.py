"""Understanding what unit staff write back: "Dạ em xong 3 rồi ạ", "việc 2 xong chưa?".

    understand("xong 1, 2 và 5", listed=[1, 2, 3, 4, 5])
    -> Understanding(intent=CONFIRM, numbers=(1, 2, 5))

Pure: a message text (plus the numbers of the list it answers, and whether it is
addressed to Loa) in, a typed intent out. The handlers decide what to record and say.

The rule above all: never confirm what was not said. A negation, a question, a plan
("mai em xong 3 nhé"), work in progress ("sắp xong") confirms nothing; a number that is
not plainly an item number ("xong 1.5", "xong -1", "2 ảnh") is never read as one; a
number the list does not have, or a message that could mean two things, is answered
with a question (UNCLEAR), never guessed.

How it reads (one module per step):
- tokens.py: words (as typed and without diacritics), numbers, punctuation; links out;
- lexicon.py: the words Loa knows, by what they do (extend it there);
- units.py: phrases and what they mean in context; clauses;
- clauses.py: each clause's numbers and what it says;
- here: the clauses together, against the list replied to.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum

from content.replies.clauses import Kind, Reading, groups_of, read_clause
from content.replies.lexicon import Concept
from content.replies.tokens import fold, links_in, tokenize
from content.replies.units import to_clauses, to_units

__all__ = ["Intent", "Reason", "Understanding", "fold", "links_in", "read_numbers", "understand"]


class Intent(StrEnum):
    CONFIRM = "confirm"  # these items (or every one listed, or the one open) are done
    NOT_APPLICABLE = "not_applicable"  # "không phát sinh": nothing to do for an optional item
    UNDO = "undo"  # a confirmation made by mistake
    QUESTION = "question"  # asks; confirms nothing
    NEGATION = "negation"  # not done, not yet, in progress; confirms nothing
    UNCLEAR = "unclear"  # about the work, but Loa must ask what is meant
    NONE = "none"  # not about the work


class Reason(StrEnum):
    INVALID = "invalid"  # "xong 1.5", "xong -1", "xong 3-1": not item numbers
    UNKNOWN = "unknown"  # a number the list replied to does not have
    MIXED = "mixed"  # done and not done in one breath, "1 hoặc 2", "trừ việc 3"
    COUNT = "count"  # "xong 2 việc" when the list has another number of items
    MAYBE = "maybe"  # only numbers ("3"), or "hoàn thành kế hoạch": done, or not?
    YES = "yes"  # (CONFIRM) "có", "đúng rồi": yes to Loa's yes/no question


@dataclass(frozen=True)
class Understanding:
    intent: Intent
    numbers: tuple[int, ...] = ()  # in the order written, each once
    everything: bool = False  # CONFIRM / NEGATION: all listed items ("xong hết")
    evidence: tuple[str, ...] = ()  # links anywhere in the text
    reason: Reason | None = None
    invalid: tuple[str, ...] = ()  # what was written instead of a number
    unknown: tuple[int, ...] = ()  # numbers the list does not have

    @property
    def confirms(self) -> bool:
        return self.intent is Intent.CONFIRM


def understand(
    text: str,
    listed: Collection[int] = (),
    *,
    quoted: bool = True,
    answering: bool = False,
) -> Understanding:
    """What `text` means.

    `listed`: the item numbers of the message it answers (a digest, a task list);
    empty when unknown, then numbers are not checked. `quoted`: the message is
    addressed to Loa (it quotes or replies to Loa's message, mentions Loa, or is
    written in a private chat); bare numbers then ask a question, else they are
    chatter. `answering`: the person answers Loa's "which item?" question, so "1 3"
    and "tất cả" confirm, and "có" says yes.
    """
    evidence = tuple(links_in(text))
    readings = [read_clause(clause) for clause in to_clauses(to_units(tokenize(text)))]
    result = _decide(readings, set(listed), quoted=quoted, answering=answering)
    return Understanding(
        intent=result.intent,
        numbers=result.numbers,
        everything=result.everything,
        evidence=evidence,
        reason=result.reason,
        invalid=result.invalid,
        unknown=result.unknown,
    )


def _unique(numbers: Sequence[int]) -> tuple[int, ...]:
    return tuple(dict.fromkeys(numbers))


def _of(readings: list[Reading], *kinds: Kind) -> list[Reading]:
    return [reading for reading in readings if reading.kind in kinds]


def _numbers(readings: list[Reading]) -> list[int]:
    return [n for reading in readings for n in reading.numbers]


def _unclear(
    reason: Reason,
    numbers: Sequence[int] = (),
    invalid: tuple[str, ...] = (),
    unknown: tuple[int, ...] = (),
) -> Understanding:
    return Understanding(
        Intent.UNCLEAR, _unique(numbers), reason=reason, invalid=invalid, unknown=unknown
    )


def _checked(intent: Intent, numbers: list[int], listed: set[int]) -> Understanding:
    """The intent, or UNCLEAR when a number is not on the list replied to."""
    unknown = [n for n in numbers if listed and n not in listed]
    if unknown:
        return _unclear(Reason.UNKNOWN, numbers, unknown=_unique(unknown))
    return Understanding(intent, _unique(numbers))


def _count(reading: Reading, listed: set[int]) -> bool:
    """ "xong 2 việc", "cả hai": all of them, when that is how many the list has."""
    return reading.count is not None and bool(listed) and reading.count == len(listed)


def _decide(
    readings: list[Reading], listed: set[int], *, quoted: bool, answering: bool
) -> Understanding:
    _pair_topics(readings)
    done = _of(readings, Kind.DONE)
    undo = _of(readings, Kind.UNDO)
    not_done = _of(readings, Kind.NOT_DONE, Kind.QUESTION)
    # "xong 1.5", "xong -1": answered, never read digit by digit.
    for reading in [*done, *undo, *_of(readings, Kind.NOT_APPLICABLE, Kind.BARE)]:
        if reading.invalid:
            return _unclear(Reason.INVALID, reading.numbers, invalid=tuple(reading.invalid))
    if undo:
        numbers = _numbers(undo) or [
            n for r in not_done if r.kind is Kind.NOT_DONE for n in r.numbers
        ]
        if done:
            return _unclear(Reason.MIXED, numbers)
        return _checked(Intent.UNDO, numbers, listed)
    if done:
        return _confirmation(readings, done, not_done, listed)
    for kind, intent in (
        (Kind.NOT_APPLICABLE, Intent.NOT_APPLICABLE),
        (Kind.QUESTION, Intent.QUESTION),
        (Kind.NOT_DONE, Intent.NEGATION),
    ):
        found = _of(readings, kind)
        if found:
            if intent is Intent.NOT_APPLICABLE:
                return _checked(intent, _numbers(found), listed)
            return Understanding(intent, _unique(_numbers(found)))
    weak = _of(readings, Kind.WEAK)
    if weak:
        return _unclear(Reason.MAYBE, _numbers(weak))
    return _bare(readings, listed, quoted=quoted, answering=answering)


_SAYING = (Kind.DONE, Kind.NOT_DONE, Kind.QUESTION, Kind.UNDO, Kind.NOT_APPLICABLE, Kind.WEAK)


def _pair_topics(readings: list[Reading]) -> None:
    """Numbers standing alone belong to the next clause that says something of no item
    ("Việc số 1: đã xong. Việc số 2: đang làm."), or, when an item word names them, to
    the one before ("Xong rồi ạ. Việc 3")."""
    for index, reading in enumerate(readings):
        if reading.kind is not Kind.BARE or not reading.numbers:
            continue
        following = readings[index + 1] if index + 1 < len(readings) else None
        previous = readings[index - 1] if index else None
        if following is not None and following.kind in _SAYING and not following.numbers:
            target = following
        elif previous is not None and previous.kind in _SAYING and not previous.numbers:
            if reading.named != reading.numbers:
                continue
            target = previous
        else:
            continue
        target.numbers = list(reading.numbers)
        target.invalid += reading.invalid
        reading.kind = Kind.OTHER


def _confirmation(
    readings: list[Reading], done: list[Reading], not_done: list[Reading], listed: set[int]
) -> Understanding:
    numbers = _numbers(done)
    denied = [n for reading in not_done for n in reading.numbers]
    denies_all = any(
        reading.predicate and not reading.numbers and not reading.rest for reading in not_done
    )
    if (
        any(reading.ambiguous for reading in done)
        or any(reading.excepted for reading in readings)
        or _of(readings, Kind.WEAK)
        or set(numbers) & set(denied)
        or denies_all
        or (denied and not numbers)
    ):
        return _unclear(Reason.MIXED, numbers)
    if numbers:
        return _checked(Intent.CONFIRM, numbers, listed)
    counted = next((reading for reading in done if reading.count is not None), None)
    if counted is not None:
        if _count(counted, listed):
            return Understanding(Intent.CONFIRM, everything=True)
        return _unclear(Reason.COUNT)
    everything = any(reading.everything for reading in done)
    return Understanding(Intent.CONFIRM, everything=everything)


def _bare(
    readings: list[Reading], listed: set[int], *, quoted: bool, answering: bool
) -> Understanding:
    bare = _of(readings, Kind.BARE)
    numbers = [n for reading in bare for n in reading.numbers]
    named = [n for reading in readings for n in reading.named]
    if answering and bare:
        if numbers:
            return _checked(Intent.CONFIRM, numbers, listed)
        counted = next((reading for reading in bare if reading.count is not None), None)
        if counted is not None:
            if _count(counted, listed):
                return Understanding(Intent.CONFIRM, everything=True)
            return _unclear(Reason.COUNT)
        if any(reading.everything for reading in bare):
            return Understanding(Intent.CONFIRM, everything=True)
        if any(reading.yes for reading in bare):
            return Understanding(Intent.CONFIRM, everything=True, reason=Reason.YES)
    if quoted and numbers and len(bare) == len(readings):
        return _unclear(Reason.MAYBE, numbers)
    return Understanding(Intent.NONE, _unique(named))


_NUMBER_LIST = frozenset(
    {Concept.NUMBER, Concept.AND, Concept.TO, Concept.FROM, Concept.ITEM, Concept.POLITE}
)


def read_numbers(text: str) -> tuple[int, ...] | None:
    """Command arguments: "2", "1 3", "1,3", "1-3", "1 đến 3", "việc 2" -> the numbers
    (each once, in order); () when there are none; None when anything else is written
    ("1.5", "-1", "hai", "3-1")."""
    units = to_units(tokenize(text))
    if any(unit.concept not in _NUMBER_LIST for unit in units):
        return None
    groups = groups_of(units)
    if any(group.invalid or group.ambiguous for group in groups):
        return None
    covered = {index for group in groups for index in range(group.start, group.end)}
    stray = [
        unit
        for index, unit in enumerate(units)
        if index not in covered and unit.concept is not Concept.POLITE
    ]
    if stray:
        return None
    return _unique([n for group in groups for n in group.numbers])
