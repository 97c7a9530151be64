"""What `loa import` reads out of a plan document: plain, immutable data.

Every finding keeps the 1-based number of the line it came from and the line's text,
so the draft plan can quote it and a clerk can find it in the document.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

CalendarName = Literal["solar", "lunar"]
RepeatName = Literal["daily", "weekly", "monthly", "quarterly", "half_yearly", "yearly"]


@dataclass(frozen=True)
class Line:
    """One line of the document's text: a paragraph, or a table row (`cells`)."""

    number: int
    text: str
    cells: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Header:
    issuer: str | None = None
    number: str | None = None  # "32/KH-UBND"; None when the document leaves it blank
    title: str | None = None
    year: int | None = None
    province: str | None = None  # catalogue slug, e.g. "lao-cai"
    province_name: str | None = None  # as the document writes it, e.g. "Lào Cai"
    period: tuple[date, date] | None = None  # when the document spans more than its year
    lines: dict[str, int] = field(default_factory=dict)  # field -> line it was read from


@dataclass(frozen=True)
class FoundAnniversary:
    key: str | None  # catalogue key, or None when the catalogue has no such day
    name: str
    day: int | None
    month: int | None
    calendar: CalendarName
    origin_year: int | None
    year: int | None  # the year of the observance the document speaks of
    ordinal: int | None
    line: int
    text: str
    dated: bool  # the document gives the day and month (else they come from the catalogue)
    doubts: tuple[str, ...] = ()  # why a value is uncertain (Vietnamese, for comments)
    also_lines: tuple[int, ...] = ()  # where the same anniversary is written again

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "day": self.day,
            "month": self.month,
            "calendar": self.calendar,
            "origin_year": self.origin_year,
            "year": self.year,
            "ordinal": self.ordinal,
            "line": self.line,
            "text": self.text,
            "dated": self.dated,
            "doubts": list(self.doubts),
            "also_lines": list(self.also_lines),
        }


@dataclass(frozen=True)
class Deadline:
    date: dt.date
    action: str
    owners: tuple[str, ...]
    line: int
    text: str
    start: dt.date | None = None  # "từ ngày A đến ngày B": A
    year_given: bool = True  # False: "trước ngày 30/11", the plan year was assumed
    doubts: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "action": self.action,
            "owners": list(self.owners),
            "line": self.line,
            "text": self.text,
            "start": self.start.isoformat() if self.start else None,
            "year_given": self.year_given,
            "doubts": list(self.doubts),
        }


@dataclass(frozen=True)
class Repeat:
    repeat: RepeatName | None  # None: "định kỳ" without saying how often
    action: str
    owners: tuple[str, ...]
    line: int
    text: str
    day: int | None = None  # the day the document names, if any
    month: int | None = None  # yearly: the month; quarterly: the month of the quarter

    def as_json(self) -> dict[str, Any]:
        return {
            "repeat": self.repeat,
            "day": self.day,
            "month": self.month,
            "action": self.action,
            "owners": list(self.owners),
            "line": self.line,
            "text": self.text,
        }


@dataclass(frozen=True)
class Slogan:
    text: str
    key: str | None  # the anniversary it names, if any
    line: int

    def as_json(self) -> dict[str, Any]:
        return {"text": self.text, "key": self.key, "line": self.line}


@dataclass(frozen=True)
class FoundTask:
    """A piece of work the document gives a unit: one bullet, or one labelled item."""

    title: str
    owners: tuple[str, ...]
    cooperating: tuple[str, ...]
    line: int
    text: str
    deadline: Deadline | None = None
    repeat: Repeat | None = None
    about_anniversaries: bool = False  # "... các ngày lễ kỷ niệm ..."
    owner_line: int | None = None  # the heading or label the owners were read from

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "owners": list(self.owners),
            "cooperating": list(self.cooperating),
            "line": self.line,
            "text": self.text,
            "deadline": self.deadline.date.isoformat() if self.deadline else None,
            "repeat": self.repeat.repeat if self.repeat else None,
        }


@dataclass(frozen=True)
class ImportResult:
    header: Header
    anniversaries: tuple[FoundAnniversary, ...]
    deadlines: tuple[Deadline, ...]
    repeats: tuple[Repeat, ...]
    slogans: tuple[Slogan, ...]
    tasks: tuple[FoundTask, ...]
    owners: tuple[str, ...]
    cooperating: tuple[str, ...]
    lines: tuple[Line, ...]

    def line_text(self, number: int) -> str:
        return self.lines[number - 1].text if 0 < number <= len(self.lines) else ""

    def as_json(self) -> dict[str, Any]:
        """The `loa import --format json` object (its first keys are a contract)."""
        header = self.header
        return {
            "issuer": header.issuer,
            "number": header.number,
            "year": header.year,
            "units": {"owners": list(self.owners), "cooperating": list(self.cooperating)},
            "anniversaries": [found.as_json() for found in self.anniversaries],
            "deadlines": [deadline.as_json() for deadline in self.deadlines],
            "repeats": [repeat.as_json() for repeat in self.repeats],
            "slogans": [slogan.as_json() for slogan in self.slogans],
            "title": header.title,
            "province": header.province,
            "province_name": header.province_name,
            "period": (
                {"from": header.period[0].isoformat(), "to": header.period[1].isoformat()}
                if header.period
                else None
            ),
            "tasks": [task.as_json() for task in self.tasks],
        }
