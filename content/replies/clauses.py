"""What one clause says: its item numbers, and whether it reports work done, not done,
asks, takes a confirmation back, or says nothing about the work.

Numbers belong to a clause's verb when they name items: right after it ("xong 2",
"hoàn thành việc 1 và 3") or right before it ("việc 5 xong rồi"), with only polite
words or particles in between; anywhere when an item word names them ("việc 2").
A number before a noun counts things ("2 bài", "xong 2 việc") and names no item;
"số" after another noun is that noun's number ("trang số 2").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum, auto

from content.replies.lexicon import Concept
from content.replies.units import BRIDGES, Clause, Unit, before_time

C = Concept
MAX_NUMBER = 999
MAX_RANGE = 50  # "1-3" is three items; "1-500" is not something anyone means
NUMBER_SIGNS = frozenset({"so", "#", "stt"})
PREDICATES = frozenset({C.DONE, C.WEAK_DONE, C.ACT, C.UNDO, C.NOT_APPLICABLE})
_VALUES = (C.NUMBER, C.BAD, C.NUMBER_WORD)
_BARE = frozenset(
    {C.NUMBER, C.BAD, C.NUMBER_WORD, C.AND, C.ITEM, C.ORDINAL, C.POLITE, C.YES, C.ALL}
    | {C.BOTH, C.TO, C.FROM, C.OR, C.ROI, C.LINKER}
)


class Kind(Enum):
    DONE = auto()  # reports work done
    WEAK = auto()  # a done word that may name something else: "hoàn thành kế hoạch"
    NOT_DONE = auto()  # a negation, a plan, work in progress
    QUESTION = auto()
    UNDO = auto()
    NOT_APPLICABLE = auto()
    BARE = auto()  # only numbers and polite words: "3", "việc 2 ạ", "tất cả"
    OTHER = auto()  # nothing about the work


@dataclass
class Group:
    """Numbers written together: "1, 2 và 5", "việc 2-4", "cả 2"."""

    start: int
    end: int  # index after the last unit
    numbers: list[int] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    named: bool = False  # an item word names them: "việc 2"
    count: int | None = None  # "2 việc", "cả hai": how many, not which
    quantity: bool = False  # "2 ảnh": a count of other things
    ambiguous: bool = False  # "1 hoặc 2"


@dataclass
class Reading:
    kind: Kind
    numbers: list[int] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    everything: bool = False
    count: int | None = None
    ambiguous: bool = False
    predicate: bool = False  # says something about doing the work (a verb)
    rest: bool = False  # speaks of "the others" ("còn lại chưa xong")
    named: list[int] = field(default_factory=list)  # numbers an item word names
    yes: bool = False
    excepted: bool = False


def _value(unit: Unit) -> int | str:
    """An item number, or the text of what cannot be one."""
    if unit.concept is C.BAD or unit.value is None or not 1 <= unit.value <= MAX_NUMBER:
        return unit.text
    return unit.value


def _group_at(units: list[Unit], start: int) -> Group | None:
    index = start
    group = Group(start, start)
    both = False
    if units[index].concept is C.BOTH:
        both = True
        index += 1
    if index < len(units) and units[index].concept is C.FROM:
        index += 1
    noun = False
    while index < len(units) and units[index].concept in (C.ITEM, C.ORDINAL):
        if units[index].concept is C.ORDINAL and not noun:
            return None  # "thứ 2" alone is a Monday, not an item
        noun = True
        group.named = group.named or not _numbers_another_noun(units, index)
        index += 1
    if index >= len(units) or units[index].concept not in _VALUES:
        return None
    group.named = group.named or units[index].names_item
    if units[index].concept is C.NUMBER_WORD and not (group.named or both):
        return None
    values = 0
    while True:
        first = _value(units[index])
        index += 1
        values += 1
        if (
            index + 1 < len(units)
            and units[index].concept is C.TO
            and (units[index + 1].concept in _VALUES)
        ):
            last = _value(units[index + 1])
            index += 2
            _add_range(group, first, last)
        elif isinstance(first, int):
            group.numbers.append(first)
        else:
            group.invalid.append(first)
        following = index
        choice = False
        while following < len(units) and units[following].concept in (
            C.AND, C.ITEM, C.ORDINAL, C.OR
        ):  # fmt: skip
            choice = choice or units[following].concept is C.OR
            following += 1
        if following < len(units) and units[following].concept in (C.NUMBER, C.BAD):
            group.ambiguous = group.ambiguous or choice
            index = following
            continue
        break
    group.end = index
    if values == 1 and len(group.numbers) == 1 and not group.named:
        after = units[index] if index < len(units) else None
        if both or (after is not None and after.concept is C.ITEM):
            group.count = group.numbers.pop()
            group.end = index + (1 if after is not None and after.concept is C.ITEM else 0)
        elif after is not None and after.concept in (C.OTHER, C.ACT, C.WEAK_DONE, C.PARTIAL):
            group.quantity = True  # "2 bài", "1 tiếng", "2 băng rôn", "1 phần"
    return group


def _numbers_another_noun(units: list[Unit], index: int) -> bool:
    """ "trang số 2", "quyết định số 15": "số" after a noun is that noun's number."""
    return (
        index > 0
        and units[index - 1].concept is C.OTHER
        and units[index].tokens[0].plain in NUMBER_SIGNS
    )


def _add_range(group: Group, first: int | str, last: int | str) -> None:
    if isinstance(first, int) and isinstance(last, int) and 0 <= last - first <= MAX_RANGE:
        group.numbers.extend(range(first, last + 1))
    else:
        group.invalid.append(f"{first}-{last}")


def groups_of(units: list[Unit]) -> list[Group]:
    groups = []
    index = 0
    while index < len(units):
        group = _group_at(units, index)
        if group is None:
            index += 1
            continue
        groups.append(group)
        index = max(group.end, index + 1)
    return groups


def _attached(units: list[Unit], group: Group) -> bool:
    """Whether the group's numbers belong to a verb of the clause."""
    if group.named:
        return True
    for index, unit in enumerate(units):
        if unit.concept not in PREDICATES:
            continue
        between = (
            units[index + 1 : group.start] if index < group.start else units[group.end : index]
        )
        if all(other.concept in BRIDGES for other in between):
            return True
    return False


def _last_words(units: list[Unit]) -> tuple[Unit | None, bool]:
    """The last unit that is not a polite word or particle, and whether anything of
    substance comes before it."""
    substance = [
        index for index, unit in enumerate(units) if unit.concept not in (C.POLITE, C.QPART)
    ]
    if not substance:
        return None, False
    return units[substance[-1]], len(substance) > 1


def _is_question(clause: Clause) -> bool:
    units = clause.units
    if clause.asked or C.QWORD in clause.concepts or C.QEND in clause.concepts:
        return True
    last, before = _last_words(units)
    if last is not None and last.concept is C.NEG and before:
        return True  # "xong chưa em", "việc 2 xong chưa", "xong không"
    ending = [unit for unit in units if unit.concept is not C.POLITE]
    return bool(ending) and ending[-1].concept is C.QPART and len(ending) > 1


def _not_yet(clause: Clause) -> bool:
    concepts = clause.concepts
    if concepts & {C.NEG, C.NOT, C.FUTURE, C.PROGRESS, C.PARTIAL}:
        return True
    completed = bool(concepts & {C.PAST, C.ROI})
    if C.SOON in concepts and not completed:
        return True
    return any(
        unit.concept is C.BEFORE and before_time(clause.units, index) and not completed
        for index, unit in enumerate(clause.units)
    )


def _act_completed(clause: Clause) -> bool:
    """ "đã gửi", "gửi rồi", "đăng xong": an action verb that says it was done."""
    units = clause.units
    if C.DONE in clause.concepts:
        return True
    for index, unit in enumerate(units):
        if unit.concept is not C.ACT:
            continue
        if any(other.concept is C.PAST for other in units[:index]):
            return True
        if any(other.concept is C.ROI for other in units[index + 1 :]):
            return True
    return False


def read_clause(clause: Clause) -> Reading:
    units = clause.units
    groups = [group for group in groups_of(units) if not group.quantity]
    attached = [group for group in groups if _attached(units, group)]
    concepts = clause.concepts
    reading = Reading(
        Kind.OTHER,
        numbers=[n for group in attached for n in group.numbers],
        invalid=[text for group in attached for text in group.invalid],
        everything=C.ALL in concepts or (C.BOTH in concepts and not groups),
        count=next((group.count for group in groups if group.count is not None), None),
        ambiguous=any(group.ambiguous for group in attached),
        predicate=bool(concepts & PREDICATES),
        rest=C.REST in concepts,
        named=[n for group in groups if group.named for n in group.numbers],
        excepted=clause.excepted,
    )
    reading.kind = _kind(clause, reading, groups)
    if reading.kind in (Kind.NOT_DONE, Kind.QUESTION, Kind.BARE):
        # Every number the clause names is meant, attached to a verb or not.
        reading.numbers = list(dict.fromkeys(n for group in groups for n in group.numbers))
        reading.invalid = [text for group in groups for text in group.invalid]
    return reading


def _kind(clause: Clause, reading: Reading, groups: list[Group]) -> Kind:
    concepts = clause.concepts
    if _is_question(clause):
        # "Ai trực ngày mai?" asks about something else than the items.
        return Kind.QUESTION if reading.predicate or groups else Kind.OTHER
    if C.UNDO in concepts:
        return Kind.UNDO
    if C.NOT_APPLICABLE in concepts:
        return Kind.NOT_APPLICABLE
    if _not_yet(clause):
        only_negation = concepts <= {C.NEG, C.NOT, C.POLITE, C.FUTURE, C.PROGRESS}
        if reading.predicate or groups or only_negation:
            return Kind.NOT_DONE
        return Kind.OTHER
    if C.DONE in concepts or (C.ACT in concepts and _act_completed(clause)):
        return Kind.DONE
    if C.WEAK_DONE in concepts:
        says_more = C.OTHER in concepts
        completed = bool(concepts & {C.PAST, C.ROI}) or bool(reading.numbers)
        return Kind.DONE if completed or not says_more else Kind.WEAK
    if concepts <= _BARE:
        reading.yes = bool(concepts & {C.YES, C.ROI})
        return Kind.BARE
    return Kind.OTHER
