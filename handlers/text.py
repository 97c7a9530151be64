"""Reading what people type: "Xong 2", "hoan thanh", "có, hạn 20/5", "tag:xa".

Staff type on phones, often without diacritics, so every comparison is made on a
folded form: lower-case, accents stripped, "đ" -> "d".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
# A leading "@Loa" (Zalo mentions arrive inside the text).
_MENTION = re.compile(r"^\s*@\S+\s*")
_DONE_WORDS = ("da hoan thanh", "hoan thanh", "xong roi", "da xong", "xong", "done")
_DONE = re.compile(
    r"^(?:" + "|".join(word.replace(" ", r"\s+") for word in _DONE_WORDS) + r")"
    r"(?P<rest>(?:\s|[,;:.!&/+-]|\d|viec|muc|so|va|and|roi|nhe|nha|ah|a)*)$"
)
_NUMBER = re.compile(r"\d+")
_DAY_MONTH = re.compile(r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{2,4}))?(?!\d)")
_YES = {"co", "yes", "y", "ok", "dong y", "can", "co yeu cau", "co xac nhan"}
_NO = {"khong", "ko", "k", "no", "n", "khong can", "khong yeu cau", "khong xac nhan"}


def fold(text: str) -> str:
    """ "Đã Xong" -> "da xong": lower-case, no accents, single spaces."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())


def urls_in(text: str) -> list[str]:
    """http(s) links in a message, trailing punctuation left out."""
    return [match.rstrip(".,;:!?)]}") for match in URL.findall(text)]


@dataclass(frozen=True)
class DoneMessage:
    numbers: tuple[int, ...]  # empty: "xong" alone


def parse_done(text: str) -> DoneMessage | None:
    """ "xong", "Xong 2", "đã xong 1, 3", "hoan thanh 1 va 3" -> DoneMessage; links in
    the text are ignored here (they are evidence); anything else -> None."""
    without_links = URL.sub(" ", text)
    folded = fold(_MENTION.sub("", without_links))
    match = _DONE.match(folded)
    if match is None:
        return None
    numbers = tuple(dict.fromkeys(int(n) for n in _NUMBER.findall(match.group("rest"))))
    return DoneMessage(numbers)


def parse_numbers(args: tuple[str, ...] | list[str]) -> tuple[int, ...] | None:
    """Command arguments "1", "3" or "1,3" -> (1, 3); None if something is not a number."""
    joined = " ".join(args)
    cleaned = fold(joined)
    pieces = [piece for piece in re.split(r"[\s,;&]+|\bva\b", cleaned) if piece]
    if any(not piece.isdigit() for piece in pieces):
        return None
    return tuple(dict.fromkeys(int(piece) for piece in pieces))


@dataclass(frozen=True)
class YesNo:
    yes: bool
    due: date | None


def parse_day_month(text: str, default_year: int) -> date | None:
    """The first "dd/mm" or "dd/mm/yyyy" in the text; None if absent or not a real date."""
    match = _DAY_MONTH.search(text)
    if match is None:
        return None
    day, month, year = match.group(1), match.group(2), match.group(3)
    full_year = default_year
    if year:
        full_year = int(year) + (2000 if len(year) == 2 else 0)
    try:
        return date(full_year, int(month), int(day))
    except ValueError:
        return None


def has_day_month(text: str) -> bool:
    return _DAY_MONTH.search(text) is not None


def parse_yes_no(text: str, default_year: int) -> YesNo | None:
    """ "có, hạn 20/05" -> yes with a due date; "không" -> no; anything else -> None."""
    folded = fold(text)
    words = re.sub(r"\bhan\b.*$", "", folded)
    words = _DAY_MONTH.sub(" ", words)
    words = " ".join(re.sub(r"[,;:.!()]", " ", words).split())
    if words in _NO:
        return YesNo(False, None)
    if words in _YES:
        return YesNo(True, parse_day_month(folded, default_year))
    return None


def is_word(text: str, *choices: str) -> bool:
    """True if the folded text is one of the folded choices ("gửi" matches "gui")."""
    folded = fold(text).strip(" .!")
    return folded in {fold(choice) for choice in choices}
