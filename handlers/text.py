"""Reading what admins type in dialogues: "có, hạn 20/5", "gửi", "tag:xa".

Staff type on phones, often without diacritics, so every comparison is made on a
folded form: lower-case, accents stripped, "đ" -> "d". (Replies about items are read
by content/replies.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from content.replies import fold

_DAY_MONTH = re.compile(r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{2,4}))?(?!\d)")
_YES = {"co", "yes", "y", "ok", "dong y", "can", "co yeu cau", "co xac nhan"}
_NO = {"khong", "ko", "k", "no", "n", "khong can", "khong yeu cau", "khong xac nhan"}


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
