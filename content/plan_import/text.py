"""Text helpers shared by the readers: cleaning a line, folding diacritics, dates,
the outline of the document (sections, numbered headings, bullets)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Literal

from content.plan_import.model import Line

# d/m/yyyy, d.m.yyyy or d-m-yyyy, spaces allowed around the separators.
DATE = r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})(?!\d)"
DATE_RE = re.compile(DATE)
# "ngày 15 tháng 11 năm 2023", "15 tháng 11"
WORDS_DATE_RE = re.compile(
    r"(?<!\d)(\d{1,2})\s+tháng\s+(\d{1,2})(?:\s+năm\s+(\d{4}))?(?!\d)", re.IGNORECASE
)
# "15/11" with no year; never part of a longer date or of a fraction like 2/3 of a list
DAY_MONTH_RE = re.compile(r"(?<![\d/.\-])(\d{1,2})\s*/\s*(\d{1,2})(?![\d]|\s*/\s*\d)")
YEAR_RE = re.compile(r"(?<!\d)(19\d{2}|20\d{2})(?!\d)")
_MARKUP = re.compile(r"\*+|\\(?=[^\w\s])|^#+\s*")
_SPACES = re.compile(r"[ \t\u00a0\u2002-\u200b\u202f\u3000]+")
_DASHES = str.maketrans({"–": "-", "—": "-", "−": "-", "‐": "-", "‑": "-"})

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
_ROMAN_RE = re.compile(r"^({})\s*[.\-/:]\s*(\S.*)$".format("|".join(ROMAN)))
_NUMBERED_RE = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\s*[.)]?\s+(\S.*)$")
_LETTERED_RE = re.compile(r"^([a-zđ])\s*[).]\s*(\S.*)$")
_BULLET_RE = re.compile(r"^(?:[-+•●◦▪*–—]|\u2022)\s*(\S.*)$")

Kind = Literal["blank", "roman", "numbered", "lettered", "bullet", "plain"]


def clean(text: str) -> str:
    """One line as a reader sees it: NFC, no Markdown emphasis or heading marks, one
    space between words."""
    text = unicodedata.normalize("NFC", text)
    text = _MARKUP.sub(" ", text.strip())
    text = _MARKUP.sub(" ", text.strip())  # "## **2. ..." has both marks
    return _SPACES.sub(" ", text).strip()


def dashes(text: str) -> str:
    """En and em dashes as '-', so ranges and names compare alike."""
    return text.translate(_DASHES)


def fold(text: str) -> str:
    """Lower case without diacritics: "Quốc khánh" -> "quoc khanh"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _SPACES.sub(" ", plain.lower()).strip()


def words(text: str) -> list[str]:
    """Folded words, punctuation dropped."""
    return re.findall(r"[a-z0-9]+", fold(text))


def make_date(day: int, month: int, year: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def lower_first(text: str) -> str:
    """ "Triển khai ..." -> "triển khai ...", but "UBND ..." stays."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


@dataclass(frozen=True)
class Row:
    """A line with its place in the document's outline."""

    line: Line
    text: str  # cleaned
    kind: Kind
    label: str | None  # "II", "1.11", "a"
    body: str  # the text after the label or bullet mark
    section: str  # folded body of the enclosing roman-numeral heading ("" before any)
    heading: Row | None  # the enclosing numbered or lettered heading, if any

    @property
    def number(self) -> int:
        return self.line.number


def _classify(text: str) -> tuple[Kind, str | None, str]:
    if not text:
        return "blank", None, ""
    if match := _ROMAN_RE.match(text):
        return "roman", match[1], match[2]
    if match := _NUMBERED_RE.match(text):
        return "numbered", match[1], match[2]
    if match := _LETTERED_RE.match(text):
        return "lettered", match[1], match[2]
    if match := _BULLET_RE.match(text):
        return "bullet", None, match[1]
    return "plain", None, text


def outline(lines: tuple[Line, ...]) -> list[Row]:
    """Every line classified, with the section and heading it falls under.

    A numbered line is a heading when it is short or ends with ':' (a sub-heading
    under which bullets follow); a long numbered paragraph is content, yet still the
    heading of what follows it until the next numbered line."""
    rows: list[Row] = []
    section = ""
    heading: Row | None = None
    headings_by_depth: dict[int, Row] = {}
    for line in lines:
        text = clean(line.text)
        kind, label, body = _classify(text)
        if kind == "roman":
            section = fold(body)
            heading = None
            headings_by_depth.clear()
            rows.append(Row(line, text, kind, label, body, section, None))
            continue
        row = Row(line, text, kind, label, body, section, heading)
        rows.append(row)
        if kind == "numbered" and label is not None:
            depth = label.count(".") + 1
            headings_by_depth = {d: r for d, r in headings_by_depth.items() if d < depth}
            headings_by_depth[depth] = row
            heading = row
        elif kind == "lettered":
            heading = row
    return rows


def clauses(text: str) -> Iterator[tuple[int, str]]:
    """(start offset, clause): `text` split at ';' and at the end of each sentence
    (a full stop followed by a capital letter, or the closing './.')."""
    start = 0
    for match in re.finditer(r";|\./\.|\.\s+(?=\S)", text):
        if match.group() not in (";", "./.") and not text[match.end()].isupper():
            continue
        yield start, text[start : match.start()]
        start = match.end()
    yield start, text[start:]
