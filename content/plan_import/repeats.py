"""Repeats: "hằng tháng", "định kỳ hằng quý", "Hằng năm, ...", "hàng năm báo cáo ...
trước ngày 30/11", "ngày 20 hằng tháng"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from content.plan_import.model import RepeatName

_EVERY = re.compile(
    r"(?P<lead>định kỳ\s+)?(?:hằng|hàng|mỗi)\s+(?P<unit>ngày|tuần|tháng|quý|năm)"
    r"|(?P<semi>định kỳ\s+(?:06|6|sáu)\s+tháng(?:\s+một lần)?)"
    r"|(?P<bare>theo định kỳ|định kỳ)",
    re.IGNORECASE,
)
_UNITS: dict[str, RepeatName] = {
    "ngày": "daily",
    "tuần": "weekly",
    "tháng": "monthly",
    "quý": "quarterly",
    "năm": "yearly",
}
# "dự toán ngân sách hàng năm": a yearly budget, not a task done every year.
_NOUNS_BEFORE = re.compile(
    r"(?:ngân sách|dự toán|kinh phí|chỉ tiêu|kế hoạch|nhiệm vụ|hội nghị[^,;]{0,60}?|"
    r"chương trình|kỳ)\s*$",
    re.IGNORECASE,
)
_DAY_OF = re.compile(r"ngày\s+(\d{1,2})\s+(?:hằng|hàng|mỗi|của)\s+(?:tháng|quý)", re.IGNORECASE)
_LAST_MONTH_OF_QUARTER = re.compile(r"tháng cuối (?:mỗi |của )?quý", re.IGNORECASE)


@dataclass(frozen=True)
class RepeatHit:
    repeat: RepeatName | None
    span: tuple[int, int]
    day: int | None = None
    month: int | None = None


def find_repeat(text: str) -> RepeatHit | None:
    """How often a sentence says to do something, if it does."""
    for match in _EVERY.finditer(text):
        before = text[: match.start()]
        if match.group("semi"):
            return RepeatHit("half_yearly", match.span())
        if match.group("bare"):
            if re.search(r"(?:hằng|hàng)\s*$", before, re.IGNORECASE):
                continue
            return RepeatHit(None, match.span())
        if not match.group("lead") and _NOUNS_BEFORE.search(before):
            continue
        repeat = _UNITS[match.group("unit").lower()]
        day = None
        month = None
        if (day_match := _DAY_OF.search(text)) is not None:
            day = int(day_match.group(1))
        if repeat == "quarterly" and day is not None and _LAST_MONTH_OF_QUARTER.search(text):
            month = 3
        return RepeatHit(repeat, match.span(), day, month)
    return None
