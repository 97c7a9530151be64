"""Where a plan document names an anniversary: the raw mentions of one line, before
they are matched to the catalogue (content/plan_import/anniversaries.py).

Each span of a line is read once, by the first rule that claims it, in this order: date
ranges, month ranges, "N năm <name> <origin date>", lunar dates, Tết, Giỗ Tổ, "(day/month)"
after "kỷ niệm", and "kỷ niệm N năm <name>" without a date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from content.lunar import can_chi
from content.plan_import.model import CalendarName
from content.plan_import.text import DATE, dashes, fold

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
# "kỷ niệm A; 133 năm ngày B; 129 năm ngày C": the list goes on after the first.
_LISTED = re.compile(r"(?:;|,|\bvà)\s*(\d{1,3})\s+năm\s+(?=[Nn]gày\s)")
_LUNAR_MONTHS = {"giêng": 1, "chạp": 12}
_MAX_NAME_WORDS = 16


@dataclass(frozen=True)
class Mention:
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
        self.found: list[Mention] = []
        self.taken: list[tuple[int, int]] = []

    def free(self, start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in self.taken)

    def add(self, raw: Mention, span: tuple[int, int]) -> None:
        if raw.name and any(c.isalpha() for c in raw.name):
            self.found.append(raw)
            self.taken.append(span)

    def scan(self) -> list[Mention]:
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

    def _named_before(
        self,
        match: re.Match[str],
        calendar: CalendarName,
        day: int | None,
        month: int,
        origin: int | None,
        year: int | None,
        *,
        dated: bool = True,
    ) -> None:
        """A date written after its name: "Kỷ niệm 80 năm Ngày X (11/3/1945 - 11/3/2025)",
        "Giỗ Tổ Hùng Vương (mùng 10 tháng 3 âm lịch)"."""
        clause = _clause_before(self.text, match.start(), self._floor(match.start()))
        name, ordinal = _name_after_ordinal(clause)
        name = re.sub(r"\(?\s*(?:ngày|vào)?\s*$", "", name, flags=re.IGNORECASE)
        raw = Mention(
            _tidy_name(name),
            calendar,
            day,
            month,
            origin,
            year,
            ordinal,
            match.start(),
            match.end(),
            dated,
        )
        self.add(raw, (match.start() - len(clause), match.end()))

    def _ranges(self) -> None:
        for match in _RANGE.finditer(self.text):
            d1, m1, y1, d2, m2, y2 = (int(group) for group in match.groups())
            if (d1, m1) != (d2, m2) or not y1 < y2 or not 1 <= m1 <= 12:
                continue
            self._named_before(match, "solar", d1, m1, y1, y2)

    def _month_ranges(self) -> None:
        for match in _MONTH_RANGE.finditer(self.text):
            m1, y1, m2, y2 = (int(group) for group in match.groups())
            if m1 != m2 or not y1 < y2 or not 1 <= m1 <= 12 or not self.free(*match.span()):
                continue
            self._named_before(match, "solar", None, m1, y1, y2, dated=False)

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
                Mention(
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
            self._named_before(match, "lunar", day, month, None, self.doc_year)

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
                Mention(
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
                    Mention(
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
                Mention(
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
                Mention(
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


def scan_line(text: str, doc_year: int | None) -> list[Mention]:
    """The anniversaries one line names, in the order written."""
    return _Scanner(text, doc_year).scan()
