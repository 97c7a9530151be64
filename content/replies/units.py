"""From tokens to units: each word or phrase with what it does (content/replies/lexicon.py),
and the clauses a message falls into.

A phrase typed with diacritics is matched exactly; typed without, it may be several
words ("dang": "đang" in progress, or "đăng" posted), and the words around it decide.
Commas and dashes are list separators and ranges between numbers ("1, 2", "2-4"),
and ends of clauses elsewhere ("xong 1 - ảnh băng rôn", "xong 2, còn 3 chưa").
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from content.replies.lexicon import NUMBER_WORDS, PHRASES, POST_OBJECTS, Concept
from content.replies.tokens import Kind, Token, fold

C = Concept
_STOPS = frozenset(".!:;\n()[]{}\"'…/|=<>*")
_COMMAS = frozenset(",;")
_DASHES = frozenset("-–—")
# Between a number and its verb, these leave the number attached ("việc 5 em đã xong").
BRIDGES = frozenset(
    {C.POLITE, C.PAST, C.ROI, C.ALL, C.BOTH, C.NEG, C.NOT, C.FUTURE, C.SOON, C.PROGRESS}
    | {C.YES, C.ORDINAL, C.QPART}
)
_TIME_WORDS = frozenset({"ngay", "tuan", "thang", "gio", "buoi", "cuoi", "mai", "han", "tet"})


@dataclass
class Unit:
    concept: Concept
    tokens: tuple[Token, ...]
    value: int | None = None  # NUMBER, NUMBER_WORD
    choices: frozenset[Concept] = frozenset()  # what an unaccented phrase could be
    names_item: bool = False  # "1." opening a line: as if "việc 1"

    @property
    def text(self) -> str:
        return " ".join(token.text for token in self.tokens)

    @property
    def plain(self) -> str:
        return " ".join(token.plain for token in self.tokens)


@dataclass
class Clause:
    units: list[Unit]
    asked: bool = False  # ended with "?"
    excepted: bool = False  # follows "trừ": "xong hết trừ việc 3"
    concepts: set[Concept] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.concepts = {unit.concept for unit in self.units}


@lru_cache(maxsize=4096)
def _marks(word: str) -> tuple[str, ...]:
    """The diacritics of a word, wherever they sit ("hòa" and "hoà" have the same)."""
    marks = [ch for ch in unicodedata.normalize("NFD", word) if unicodedata.combining(ch)]
    marks += ["đ"] * word.count("đ")
    return tuple(sorted(marks))


Signature = tuple[str, tuple[str, ...]]


@lru_cache(maxsize=1)
def _index() -> dict[str, list[tuple[tuple[Signature, ...], Concept]]]:
    """First folded word -> (the phrase's words, its concept), longest phrases first."""
    index: dict[str, list[tuple[tuple[Signature, ...], Concept]]] = {}
    for concept, phrases in PHRASES.items():
        for phrase in phrases:
            words = tuple((fold(word), _marks(word)) for word in phrase.split())
            index.setdefault(words[0][0], []).append((words, concept))
    for entries in index.values():
        entries.sort(key=lambda entry: -len(entry[0]))
    return index


def _matches(token: Token, signature: Signature) -> bool:
    plain, marks = signature
    if token.kind in (Kind.PUNCT, Kind.MARK):
        return token.text == plain
    if token.kind is not Kind.WORD or token.plain != plain:
        return False
    return not token.accented or _marks(token.text) == marks


def _phrase_at(tokens: Sequence[Token], start: int) -> tuple[int, frozenset[Concept]]:
    """The longest lexicon phrase at `start`: its length and what it may mean."""
    best = 0
    found: set[Concept] = set()
    for words, concept in _index().get(tokens[start].plain, ()):
        if len(words) < best:
            break
        end = start + len(words)
        if end <= len(tokens) and all(
            _matches(token, word) for token, word in zip(tokens[start:end], words, strict=True)
        ):
            best = len(words)
            found.add(concept)
    return best, frozenset(found)


def to_units(tokens: Sequence[Token]) -> list[Unit]:
    units: list[Unit] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.kind is Kind.NUMBER:
            units.append(Unit(C.NUMBER, (token,), value=token.value))
        elif token.kind is Kind.BAD:
            units.append(Unit(C.BAD, (token,)))
        elif token.kind is Kind.MARK:
            units.append(Unit(C.DONE, (token,)))
        else:
            length, choices = _phrase_at(tokens, index)
            if length:
                phrase = tuple(tokens[index : index + length])
                unit = Unit(next(iter(choices)), phrase, choices=choices)
                if unit.concept is C.NUMBER_WORD:
                    unit.value = NUMBER_WORDS.get(unit.text)
                units.append(unit)
                index += length
                continue
            if token.kind is Kind.PUNCT:
                units.extend(_punctuation(token))
            else:
                units.append(Unit(C.OTHER, (token,)))
        index += 1
    _resolve_choices(units)
    _mark_not_applicable(units)
    _resolve_separators(units)
    _mark_enumerators(units)
    return units


def _mark_enumerators(units: list[Unit]) -> None:
    """ "1. xong  2. chưa": a number with a full stop (or bracket) that opens a line, or
    follows such a one, numbers what comes after it: it becomes "việc N" standing
    alone, and the reader pairs it with its clause."""
    listing = False
    index = 0
    while index + 2 < len(units):
        unit, mark, after = units[index], units[index + 1], units[index + 2]
        opens = index == 0 or units[index - 1].concept is C.STOP
        if (
            unit.concept is C.NUMBER
            and (opens or listing)
            and mark.concept is C.STOP
            and mark.text in ".)"
            and mark.tokens[0].glued
            and after.concept not in (C.NUMBER, C.BAD, C.STOP)
        ):
            unit.names_item = True
            if not opens:
                units.insert(index, Unit(C.STOP, mark.tokens))
                index += 1
            listing = True
        index += 1


def _punctuation(token: Token) -> list[Unit]:
    if token.text == "?":
        return [Unit(C.QUESTION_MARK, (token,))]
    if token.text in _COMMAS:
        return [Unit(C.COMMA, (token,))]
    if token.text in _DASHES:
        return [Unit(C.DASH, (token,))]
    if token.text in _STOPS:
        return [Unit(C.STOP, (token,))]
    return []  # %, @ and the like say nothing here


def _resolve_choices(units: list[Unit]) -> None:
    """Pick the meaning of words typed without diacritics that could be several."""
    for index, unit in enumerate(units):
        if len(unit.choices) < 2:
            continue
        before = units[index - 1] if index else None
        after = units[index + 1] if index + 1 < len(units) else None
        rest = units[index + 1 :]
        if unit.choices >= {C.ACT, C.PROGRESS}:  # "dang": đăng (posted) or đang (doing)
            posted = any(u.concept in (C.ROI, C.DONE) for u in _clause_rest(rest))
            after_past = before is not None and before.concept is C.PAST
            follows_well = after is None or after.concept in (
                C.STOP, C.NUMBER, C.ITEM, C.POLITE, C.LINKER, C.QUESTION_MARK, C.COMMA
            ) or after.plain in POST_OBJECTS  # fmt: skip
            unit.concept = C.ACT if posted or (after_past and follows_well) else C.PROGRESS
        elif unit.choices >= {C.NUMBER_WORD, C.FROM}:  # "tu": tư (four) or từ (from)
            item_before = before is not None and before.concept is C.ITEM
            unit.concept = C.NUMBER_WORD if item_before else C.FROM
        elif unit.choices >= {C.TO, C.POLITE}:  # "toi": tới (to) or tôi (I)
            between = _is_number(before) and _is_number(after)
            unit.concept = C.TO if between else C.POLITE
        elif C.PAST in unit.choices:  # "da": đã or dạ; both leave a number attached
            unit.concept = C.PAST
        elif C.YES in unit.choices:  # "co": có or cô
            unit.concept = C.YES
        elif C.LINKER in unit.choices:  # "cho": cho or chờ
            unit.concept = C.LINKER
        elif C.POLITE in unit.choices:  # "a": ạ (polite) rather than à (a question)
            unit.concept = C.POLITE
        else:
            unit.concept = sorted(unit.choices, key=lambda concept: concept.value)[0]
        if unit.concept is C.NUMBER_WORD:
            unit.value = NUMBER_WORDS.get(unit.text)


def _clause_rest(units: Sequence[Unit]) -> list[Unit]:
    found = []
    for unit in units:
        if unit.concept in (C.STOP, C.QUESTION_MARK, C.BUT):
            break
        found.append(unit)
    return found


def _is_number(unit: Unit | None) -> bool:
    return unit is not None and unit.concept in (C.NUMBER, C.BAD)


def _mark_not_applicable(units: list[Unit]) -> None:
    """ "không phát sinh", "không có kinh phí phát sinh": nothing arose, nothing to do."""
    for index, unit in enumerate(units):
        if unit.concept is not C.ARISE:
            continue
        negation = None
        for back in range(index - 1, max(-1, index - 6), -1):
            if units[back].concept in (C.STOP, C.QUESTION_MARK, C.COMMA):
                break
            if units[back].concept in (C.NEG, C.NOT):
                negation = back
                break
        if negation is None:
            unit.concept = C.OTHER  # "có phát sinh": something did arise
            continue
        units[negation].concept = C.NOT_APPLICABLE
        unit.concept = C.NOT_APPLICABLE
        for between in units[negation + 1 : index]:
            between.concept = C.POLITE  # "có kinh phí": part of the phrase


def _resolve_separators(units: list[Unit]) -> None:
    """Commas between numbers list them; a dash between numbers is a range; anywhere
    else both end a clause. Words like "đến" mean a range only between numbers."""
    for index, unit in enumerate(units):
        before = units[index - 1] if index else None
        after = units[index + 1] if index + 1 < len(units) else None
        if unit.concept is C.COMMA:
            listing = _is_number(before) or (before is not None and before.concept is C.NUMBER_WORD)
            continues = after is not None and (
                _is_number(after) or after.concept in (C.ITEM, C.AND, C.NUMBER_WORD)
            )
            unit.concept = C.AND if listing and continues else C.STOP
        elif unit.concept is C.DASH:
            unit.concept = C.TO if _is_number(before) and _is_number(after) else C.STOP


def to_clauses(units: list[Unit]) -> list[Clause]:
    """Clauses: cut at full stops, question marks, "nhưng" / "còn", "trừ"."""
    clauses: list[Clause] = []
    current: list[Unit] = []
    excepted = False

    def close(asked: bool = False) -> None:
        nonlocal current, excepted
        if current or asked:
            clauses.append(Clause(current, asked=asked, excepted=excepted))
        elif asked and clauses:
            clauses[-1].asked = True
        current = []
        excepted = False

    for index, unit in enumerate(units):
        following = units[index + 1] if index + 1 < len(units) else None
        if unit.concept is C.QUESTION_MARK:
            if not current and clauses:
                clauses[-1].asked = True
            else:
                close(asked=True)
        elif unit.concept is C.STOP:
            close()
        elif unit.tokens[0].kind is Kind.MARK or unit.text == "❌":
            # "Việc 1 ✅ Việc 2 ❌": a mark after a number is that number's verdict.
            current.append(unit)
            if any(other.concept is C.NUMBER for other in current):
                close()
        elif unit.concept is C.EXCEPT or (
            unit.concept is C.BUT and _starts_clause(unit, following, current)
        ):
            close()
            excepted = unit.concept is C.EXCEPT
        else:
            current.append(unit)
    close()
    return [clause for clause in clauses if clause.units]


def _starts_clause(unit: Unit, following: Unit | None, current: list[Unit]) -> bool:
    """ "nhưng", "riêng" always start a clause; "còn" does at the start or before a
    number ("xong 1 còn 2 chưa"), not as "still" ("việc 2 còn chờ duyệt")."""
    if unit.tokens[0].plain != "con" or not current:
        return True
    return following is not None and following.concept in (C.NUMBER, C.ITEM, C.REST)


def before_time(units: Sequence[Unit], index: int) -> bool:
    """ "trước 15/11", "trước thứ 6": a deadline, not a place ("trước trụ sở")."""
    if index + 1 >= len(units):
        return False
    after = units[index + 1]
    return after.concept in (C.BAD, C.NUMBER, C.ORDINAL, C.FUTURE, C.SOON) or (
        after.tokens[0].plain in _TIME_WORDS
    )
