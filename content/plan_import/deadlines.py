"""Deadlines: "trước ngày 15/11/2023", "chậm nhất ngày 20/12", "Thời gian thực hiện:
tháng 3/2023", "từ ngày 17/8/2021 đến ngày 06/9/2021".

A day and month without a year ("trước ngày 30/11") take the plan year and say so.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from datetime import date

from content.plan_import.text import dashes, make_date

_D = r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?:\s*[/.\-]\s*(\d{4}))?(?![\d/])"
_W = r"(\d{1,2})\s+tháng\s+(\d{1,2})(?:\s+năm\s+(\d{4}))?"
_DAY = rf"(?:{_D}|{_W})"
_BEFORE = re.compile(
    rf"(?:trước|chậm nhất(?: là)?(?: vào)?|hạn(?: chót| cuối)?(?: là)?:?|hoàn thành trong|"
    rf"trong ngày)\s+(?:ngày\s+)?{_DAY}",
    re.IGNORECASE,
)
_WINDOW = re.compile(
    rf"từ\s+(?:ngày\s+)?{_DAY}\s*(?:-|đến|tới)\s*(?:hết\s+)?(?:ngày\s+)?{_DAY}",
    re.IGNORECASE,
)
_TIME_LABEL = re.compile(r"^(?:[-+*•]\s*)?(?:\*\s*)?Thời gian[^:]{0,40}:\s*(.*)$", re.IGNORECASE)
_MONTH = re.compile(r"(?:trong\s+)?tháng\s+(\d{1,2})\s*(?:/|năm)\s*(\d{4})", re.IGNORECASE)
_QUARTER = re.compile(r"quý\s+(I{1,3}|IV|[1-4])\s*(?:/|năm)\s*(\d{4})", re.IGNORECASE)
_SINGLE = re.compile(rf"^(?:ngày\s+)?{_DAY}", re.IGNORECASE)
_QUARTERS = {"I": 1, "II": 2, "III": 3, "IV": 4, "1": 1, "2": 2, "3": 3, "4": 4}


@dataclass(frozen=True)
class DateHit:
    date: dt.date
    start: dt.date | None
    year_given: bool
    span: tuple[int, int]
    doubt: str | None = None


def _day(groups: tuple[str | None, ...], year: int | None) -> tuple[date, bool] | None:
    """A date from the six groups of _DAY (d/m/y or words), the plan year when missing."""
    day, month, given = groups[0:3] if groups[0] else groups[3:6]
    if day is None or month is None:
        return None
    chosen = int(given) if given else year
    if chosen is None:
        return None
    found = make_date(int(day), int(month), chosen)
    return (found, given is not None) if found else None


def _window(text: str, year: int | None) -> DateHit | None:
    match = _WINDOW.search(text)
    if match is None:
        return None
    end = _day(match.groups()[6:12], year)
    if end is None:
        return None
    start = _day(match.groups()[0:6], end[0].year)
    return DateHit(end[0], start[0] if start else None, end[1], match.span())


def find_deadline(text: str, year: int | None, *, in_time_context: bool = False) -> DateHit | None:
    """The deadline a sentence sets, if any. `in_time_context`: the line stands under a
    "Thời gian ...:" label, so a bare date range is the time to do it in."""
    text = dashes(text)
    if match := _BEFORE.search(text):
        found = _day(match.groups(), year)
        if found is not None:
            return DateHit(found[0], None, found[1], match.span())
    label = _TIME_LABEL.match(text)
    if label is not None or in_time_context:
        value = label.group(1) if label is not None else text
        offset = label.start(1) if label is not None else 0
        if (hit := _window(value, year)) is not None:
            return DateHit(
                hit.date, hit.start, hit.year_given, (hit.span[0] + offset, hit.span[1] + offset)
            )
        if match := _SINGLE.search(value.strip()):
            found = _day(match.groups(), year)
            if found is not None:
                return DateHit(found[0], None, found[1], (offset, offset + match.end()))
        if match := _MONTH.search(value):
            month, month_year = int(match.group(1)), int(match.group(2))
            if 1 <= month <= 12:
                last = calendar.monthrange(month_year, month)[1]
                return DateHit(
                    date(month_year, month, last),
                    date(month_year, month, 1),
                    True,
                    (offset + match.start(), offset + match.end()),
                    "văn bản chỉ ghi tháng: lấy ngày cuối tháng",
                )
        if match := _QUARTER.search(value):
            quarter, quarter_year = _QUARTERS[match.group(1).upper()], int(match.group(2))
            month = quarter * 3
            last = calendar.monthrange(quarter_year, month)[1]
            return DateHit(
                date(quarter_year, month, last),
                date(quarter_year, month - 2, 1),
                True,
                (offset + match.start(), offset + match.end()),
                "văn bản chỉ ghi quý: lấy ngày cuối quý",
            )
    elif re.search(r"thời gian|treo cờ", text, re.IGNORECASE):
        return _window(text, year)
    return None


def is_time_label(text: str) -> bool:
    """ "Thời gian treo cờ, khẩu hiệu:" with nothing after the colon: what follows is the time."""
    match = _TIME_LABEL.match(text)
    return match is not None and not match.group(1).strip()
