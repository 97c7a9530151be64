"""Anniversaries a plan document names, mapped to the catalogue's keys.

Plans write them in a handful of ways, all read here:

- "Kỷ niệm 80 năm Ngày Khởi nghĩa Ba Tơ (11/3/1945 - 11/3/2025)", also without spaces
  ("(24/3/1975-24/3/2025)"), with dots or dashes ("3.2.1930-3.2.2025") or no "Kỷ niệm";
- "118 năm ngày sinh đồng chí Trần Phú 01/5/1904" (the origin date alone);
- "kỷ niệm 30 năm Ngày tái lập tỉnh Lào Cai" (no date: the catalogue must know it);
- "Giỗ Tổ Hùng Vương (mùng 10 tháng 3 âm lịch)", "Tết Nguyên đán Quý Mão";
- "kỷ niệm Ngày Quốc tế Hạnh phúc (20/3)" (day and month only).

A day is mapped to a catalogue key by its date (day, month and origin year: few days
share all three) and its name (words in common), never by the name alone unless the
name is close and the ordinal agrees. The same anniversary written in the title, the
lead and the body is reported once, with the other lines in `also_lines`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from content.anniversaries import Anniversary
from content.lunar import can_chi
from content.plan_import.model import CalendarName, FoundAnniversary
from content.plan_import.text import DATE, Row, dashes, fold, words

_RANGE = re.compile(DATE + r"\s*\)?\s*(?:-|đến)?\s*\(?\s*" + DATE)
_MONTH_RANGE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{4})\s*-\s*(\d{1,2})/(\d{4})(?!\d)")
_SINGLE = re.compile(
    r"(?<![\d/])(\d{1,3})\s+năm\s+([^;()\d]{3,140}?)\s*[-,]?\s*\(?\s*" + DATE + r"\s*\)?",
    re.IGNORECASE,
)
_ORDINAL_ONLY = re.compile(
    r"(?:kỷ niệm|kỳ niệm|chào mừng|mừng)\s+[“\"]?(?:tròn\s+)?(\d{1,3})\s+năm\s+(?!\d{4})",
    re.IGNORECASE,
)
_ORDINAL = re.compile(r"(?<![\d/.])(\d{1,3})\s+năm\s+(?!\d{4}\b)", re.IGNORECASE)
_LUNAR = re.compile(
    r"(?:mùng|mồng)?\s*(\d{1,2})\s*(?:/|tháng)\s*(\d{1,2}|giêng|chạp)\s*(?:năm\s+\S+\s+\S+\s*)?"
    r"âm lịch",
    re.IGNORECASE,
)
_CAN = r"(?:Giáp|Ất|Bính|Đinh|Mậu|Kỷ|Canh|Tân|Nhâm|Quý)\s+\w+"
# "Tết Nguyên đán Quý Mão"; "mừng Xuân Giáp Thìn" (the Tết campaign's own name)
_TET = re.compile(
    rf"Tết Nguyên đán(?:\s+({_CAN}))?|(?<=mừng )Xuân\s+({_CAN})|(?<=đón )Xuân\s+({_CAN})",
    re.IGNORECASE,
)
_GIO_TO = re.compile(r"Giỗ Tổ Hùng Vương", re.IGNORECASE)
_DAY_MONTH = re.compile(
    r"(?:kỷ niệm|chào mừng)\s+[“\"]?((?:Ngày|ngày)\s[^()“”\"]{3,80}?)[”\"]?\s*\(\s*(\d{1,2})\s*/\s*"
    r"(\d{1,2})\s*\)|[“\"]((?:Ngày|ngày)\s[^“”\"]{3,80}?)[”\"]\s*\(?(\d{1,2})\s*/\s*(\d{1,2})\)?"
    r"(?![/\d])",
    re.IGNORECASE,
)
# Where the name of an anniversary stops when no date follows it.
_NAME_STOP = re.compile(
    r"[;().:“”\"!]|\s(?:và|nhằm|để|tại|trên|gắn với|với|trong|diễn ra|sẽ|được|đã|"
    r"của Đảng bộ và|năm 20\d\d|theo)\s",
)
_CLAUSE_START = re.compile(r"[;:.!]\s|\s(?:và|đón)\s|,\s(?=\d)|^")
_LEAD_WORDS = re.compile(
    r"^(?:và|đón|các hoạt động|hoạt động|chào mừng|kỷ niệm|kỳ niệm|mừng|đặc biệt là|như|"
    r"gồm|trong đó có|tổ chức)\s+",
    re.IGNORECASE,
)
_STOP_WORDS = {"ngay", "ky", "niem", "nam", "cua", "le", "va", "tai", "thu", "lan"}
# Words many days share ("Ngày thành lập tỉnh ..."): a match needs another word in common.
_GENERIC = {"thanh", "lap", "tinh", "giai", "phong", "truyen", "thong", "nganh", "viet", "nam"}
# "kỷ niệm A; 133 năm ngày B; 129 năm ngày C": the list goes on after the first.
_LISTED = re.compile(r"(?:;|,|\bvà)\s*(\d{1,3})\s+năm\s+(?=[Nn]gày\s)")
_LUNAR_MONTHS = {"giêng": 1, "chạp": 12}
_MAX_NAME_WORDS = 16


@dataclass(frozen=True)
class _Raw:
    name: str
    calendar: CalendarName
    day: int | None
    month: int | None
    origin_year: int | None
    year: int | None
    ordinal: int | None
    start: int  # offset in the line, to keep the document's order
    end: int
    dated: bool
    hint: str | None = None  # the catalogue key a fixed phrase means ("Tết Nguyên đán")


def _tidy_name(text: str) -> str:
    text = text.strip(" ,;:-(“”\"'")
    while True:
        stripped = _LEAD_WORDS.sub("", text)
        if stripped == text:
            break
        text = stripped
    text = re.sub(r"\s+\d{1,2}/\d{1,2}$", "", text)  # "Ngày Quốc tế Lao động 01/5"
    parts = text.split()
    if len(parts) > _MAX_NAME_WORDS:
        # Keep from the last "Ngày" that leaves a name of reasonable length.
        for index in range(len(parts) - 2, -1, -1):
            if fold(parts[index]) == "ngay" and len(parts) - index <= _MAX_NAME_WORDS:
                parts = parts[index:]
                break
        else:
            parts = parts[-_MAX_NAME_WORDS:]
    return " ".join(parts).strip(" ,;:-")


def _clause_before(text: str, end: int, floor: int) -> str:
    """The text of the clause that ends at `end` (back to ';', ':', a sentence end,
    'và', 'đón', or `floor`)."""
    start = floor
    for match in _CLAUSE_START.finditer(text, floor, end):
        if match.end() < end:
            start = match.end()
    return text[start:end]


def _name_after_ordinal(clause: str) -> tuple[str, int | None]:
    """(name, N) from "... 80 năm Ngày Khởi nghĩa Ba Tơ " or (clause, None)."""
    matches = list(_ORDINAL.finditer(clause))
    if matches:
        last = matches[-1]
        return clause[last.end() :], int(last.group(1))
    return clause, None


class _Scanner:
    """Finds the raw mentions on one line; each span of text is read once."""

    def __init__(self, text: str, doc_year: int | None) -> None:
        self.text = dashes(text)
        self.doc_year = doc_year
        self.found: list[_Raw] = []
        self.taken: list[tuple[int, int]] = []

    def free(self, start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in self.taken)

    def add(self, raw: _Raw, span: tuple[int, int]) -> None:
        if raw.name and any(c.isalpha() for c in raw.name):
            self.found.append(raw)
            self.taken.append(span)

    def scan(self) -> list[_Raw]:
        self._ranges()
        self._month_ranges()
        self._single_dates()
        self._lunar()
        self._tet()
        self._gio_to()
        self._day_month()
        self._ordinals()
        return sorted(self.found, key=lambda raw: raw.start)

    def _floor(self, start: int) -> int:
        ends = [end for s, end in self.taken if end <= start]
        return max(ends, default=0)

    def _ranges(self) -> None:
        for match in _RANGE.finditer(self.text):
            d1, m1, y1, d2, m2, y2 = (int(group) for group in match.groups())
            if (d1, m1) != (d2, m2) or not y1 < y2 or not 1 <= m1 <= 12:
                continue
            clause = _clause_before(self.text, match.start(), self._floor(match.start()))
            name, ordinal = _name_after_ordinal(clause)
            self.add(
                _Raw(
                    _tidy_name(name),
                    "solar",
                    d1,
                    m1,
                    y1,
                    y2,
                    ordinal,
                    match.start(),
                    match.end(),
                    True,
                ),
                (match.start() - len(clause), match.end()),
            )

    def _month_ranges(self) -> None:
        for match in _MONTH_RANGE.finditer(self.text):
            m1, y1, m2, y2 = (int(group) for group in match.groups())
            if m1 != m2 or not y1 < y2 or not 1 <= m1 <= 12 or not self.free(*match.span()):
                continue
            clause = _clause_before(self.text, match.start(), self._floor(match.start()))
            name, ordinal = _name_after_ordinal(clause)
            self.add(
                _Raw(
                    _tidy_name(name),
                    "solar",
                    None,
                    m1,
                    y1,
                    y2,
                    ordinal,
                    match.start(),
                    match.end(),
                    False,
                ),
                (match.start() - len(clause), match.end()),
            )

    def _plausible(self, year: int) -> bool:
        if self.doc_year is None:
            return 1900 < year < 2100
        return abs(year - self.doc_year) <= 1

    def _single_dates(self) -> None:
        for match in _SINGLE.finditer(self.text):
            if not self.free(*match.span()):
                continue
            ordinal, name = int(match.group(1)), match.group(2)
            day, month, origin = (int(group) for group in match.groups()[2:])
            if not self._plausible(origin + ordinal) or not 1 <= month <= 12:
                continue
            self.add(
                _Raw(
                    _tidy_name(name),
                    "solar",
                    day,
                    month,
                    origin,
                    origin + ordinal,
                    ordinal,
                    match.start(),
                    match.end(),
                    True,
                ),
                match.span(),
            )

    def _lunar(self) -> None:
        for match in _LUNAR.finditer(self.text):
            if not self.free(*match.span()):
                continue
            day = int(match.group(1))
            month_text = match.group(2).lower()
            month = _LUNAR_MONTHS.get(month_text) or int(month_text)
            clause = _clause_before(self.text, match.start(), self._floor(match.start()))
            name, ordinal = _name_after_ordinal(clause)
            name = re.sub(r"\(?\s*(?:ngày|vào)?\s*$", "", name, flags=re.IGNORECASE)
            self.add(
                _Raw(
                    _tidy_name(name),
                    "lunar",
                    day,
                    month,
                    None,
                    self.doc_year,
                    ordinal,
                    match.start(),
                    match.end(),
                    True,
                ),
                (match.start() - len(clause), match.end()),
            )

    def _tet(self) -> None:
        for match in _TET.finditer(self.text):
            if not self.free(*match.span()):
                continue
            year = self.doc_year
            can = match.group(1) or match.group(2) or match.group(3)
            if can and self.doc_year is not None:
                wanted = fold(can)
                for candidate in (self.doc_year, self.doc_year + 1, self.doc_year - 1):
                    if fold(can_chi(candidate)) == wanted:
                        year = candidate
                        break
            self.add(
                _Raw(
                    match.group(0),
                    "lunar",
                    1,
                    1,
                    None,
                    year,
                    None,
                    match.start(),
                    match.end(),
                    True,
                    "tet",
                ),
                match.span(),
            )

    def _gio_to(self) -> None:
        for match in _GIO_TO.finditer(self.text):
            if self.free(*match.span()):
                self.add(
                    _Raw(
                        match.group(0),
                        "lunar",
                        None,
                        None,
                        None,
                        self.doc_year,
                        None,
                        match.start(),
                        match.end(),
                        False,
                        "gio_to",
                    ),
                    match.span(),
                )

    def _day_month(self) -> None:
        folded = fold(self.text)
        if "ky niem" not in folded and "ngay le" not in folded:
            return
        for match in _DAY_MONTH.finditer(self.text):
            if not self.free(*match.span()):
                continue
            groups = match.groups()
            name, day, month = groups[:3] if groups[0] else groups[3:]
            day_number, month_number = int(day), int(month)
            if not 1 <= month_number <= 12 or not 1 <= day_number <= 31:
                continue
            self.add(
                _Raw(
                    _tidy_name(name),
                    "solar",
                    day_number,
                    month_number,
                    None,
                    self.doc_year,
                    None,
                    match.start(),
                    match.end(),
                    True,
                ),
                match.span(),
            )

    def _ordinals(self) -> None:
        matches = list(_ORDINAL_ONLY.finditer(self.text))
        if matches:
            first = matches[0].start()
            matches += [m for m in _LISTED.finditer(self.text) if m.start() > first]
        for match in matches:
            if not self.free(match.start(), match.end() + 1):
                continue
            rest = self.text[match.end() :]
            stop = _NAME_STOP.search(rest)
            name = rest[: stop.start()] if stop else rest
            ordinal = int(match.group(1))
            year = self.doc_year
            end = match.end() + len(name)
            self.add(
                _Raw(
                    _tidy_name(name),
                    "solar",
                    None,
                    None,
                    year - ordinal if year is not None else None,
                    year,
                    ordinal,
                    match.start(),
                    end,
                    False,
                ),
                (match.start(), end),
            )


class CatalogueMatcher:
    """Maps a name (and date) to the catalogue entry it means."""

    def __init__(self, entries: Sequence[Anniversary]) -> None:
        self.entries = [(entry, self._tokens(entry.name)) for entry in entries]

    @staticmethod
    def _tokens(name: str) -> set[str]:
        return {word for word in words(name) if word not in _STOP_WORDS and not word.isdigit()}

    def _score(self, name_tokens: set[str], entry_tokens: set[str]) -> float:
        shared = name_tokens & entry_tokens
        common = len(shared)
        if not common or not shared - _GENERIC:
            return 0.0
        precision = common / len(name_tokens)
        recall = common / len(entry_tokens)
        return 2 * precision * recall / (precision + recall)

    def match(self, raw: _Raw) -> tuple[Anniversary | None, list[str]]:
        for entry, _ in self.entries:
            if entry.key == raw.hint:
                return entry, []
        tokens = self._tokens(raw.name)
        scored = sorted(
            (
                (self._score(tokens, entry_tokens), entry)
                for entry, entry_tokens in self.entries
                if entry.calendar == raw.calendar
            ),
            key=lambda pair: -pair[0],
        )
        if raw.day is not None or raw.month is not None:
            same_day = [
                (score, entry)
                for score, entry in scored
                if (raw.day is None or entry.day == raw.day) and entry.month == raw.month
            ]
            exact = [
                (score, entry)
                for score, entry in same_day
                if raw.origin_year is None or entry.origin_year in (None, raw.origin_year)
            ]
            if exact and exact[0][0] >= 0.25:
                return exact[0][1], []
            if same_day and same_day[0][0] >= 0.6:
                entry = same_day[0][1]
                return entry, [
                    f"năm gốc trong văn bản ({raw.origin_year}) khác danh mục ({entry.origin_year})"
                ]
            if raw.dated:
                return None, []
        if not scored or scored[0][0] < 0.75:
            return None, []
        entry = scored[0][1]
        known = raw.ordinal is not None and raw.year is not None and entry.origin_year is not None
        if known and entry.origin_year + raw.ordinal != raw.year:  # type: ignore[operator]
            return None, []
        return entry, []


def _found(
    raw: _Raw, entry: Anniversary | None, doubts: list[str], row: Row, doc_year: int | None
) -> FoundAnniversary:
    day, month, origin, dated = raw.day, raw.month, raw.origin_year, raw.dated
    ordinal, year = raw.ordinal, raw.year
    if entry is not None:
        if day is None or month is None:
            day, month = entry.day, entry.month
        if origin is None and entry.origin_year is not None:
            origin = entry.origin_year
    if ordinal is None and origin is not None and year is not None and origin < year:
        ordinal = year - origin
    if ordinal is not None and origin is not None and year is not None and origin + ordinal != year:
        if doc_year is not None and origin + ordinal == doc_year:
            year = doc_year  # "137 năm ... (01/5/1886 - 01/5/2022)" in a 2023 plan: a typo
        doubts.append(f"văn bản ghi {ordinal} năm nhưng {origin} đến {year} là {year - origin} năm")
    if year is None:
        doubts.append("không rõ năm")
    return FoundAnniversary(
        key=entry.key if entry is not None else None,
        name=raw.name,
        day=day,
        month=month,
        calendar=raw.calendar,
        origin_year=origin,
        year=year,
        ordinal=ordinal,
        line=row.number,
        text=row.text,
        dated=dated,
        doubts=tuple(doubts),
    )


def _same(a: FoundAnniversary, b: FoundAnniversary) -> bool:
    if a.key is not None or b.key is not None:
        return a.key == b.key and a.year == b.year
    if a.year != b.year or a.calendar != b.calendar:
        return False
    if a.day is not None and b.day is not None and (a.day, a.month) != (b.day, b.month):
        return False
    first, second = fold(a.name), fold(b.name)
    return first in second or second in first


def find_anniversaries(
    rows: Iterable[Row], doc_year: int | None, catalogue: Sequence[Anniversary]
) -> list[FoundAnniversary]:
    """Every anniversary the document names, once each, in the order first written."""
    matcher = CatalogueMatcher(catalogue)
    found: list[FoundAnniversary] = []
    for row in rows:
        if not row.text:
            continue
        for raw in _Scanner(row.text, doc_year).scan():
            entry, doubts = matcher.match(raw)
            candidate = _found(raw, entry, doubts, row, doc_year)
            for index, known in enumerate(found):
                if _same(known, candidate):
                    if row.number != known.line and row.number not in known.also_lines:
                        known = replace(known, also_lines=(*known.also_lines, row.number))
                    if known.name.isupper() and not candidate.name.isupper():
                        known = replace(known, name=candidate.name)  # a title in capitals
                    if candidate.dated and not known.dated:
                        # "kỷ niệm 100 năm Ngày sinh X" first, "(23/11/1922 - ...)" later.
                        known = replace(
                            known,
                            day=candidate.day,
                            month=candidate.month,
                            origin_year=candidate.origin_year,
                            dated=True,
                        )
                    found[index] = known
                    break
            else:
                found.append(candidate)
    return _fold_fragments(found)


def _fold_fragments(found: list[FoundAnniversary]) -> list[FoundAnniversary]:
    """An undated, unknown mention that shares its ordinal, year and a distinctive word
    with another one is a piece of it (a title broken over two lines: "136 năm ngày Quốc
    tế" / "lao động (01/5/1886 - 01/5/2022)")."""
    kept = list(found)
    for fragment in found:
        if fragment.key is not None or fragment.dated or fragment.ordinal is None:
            continue
        tokens = set(words(fragment.name)) - _STOP_WORDS - _GENERIC
        for index, other in enumerate(kept):
            if other is fragment or (other.ordinal, other.year) != (
                fragment.ordinal,
                fragment.year,
            ):
                continue
            other_tokens = set(words(other.name)) | set(words((other.key or "").replace("_", " ")))
            if tokens & other_tokens:
                lines = (*other.also_lines, fragment.line, *fragment.also_lines)
                kept[index] = replace(
                    other,
                    also_lines=tuple(dict.fromkeys(line for line in lines if line != other.line)),
                )
                kept.remove(fragment)
                break
    return kept
