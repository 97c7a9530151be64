"""Anniversaries and their yearly occurrences.

An anniversary is a day commemorated every year; an occurrence is one year's observance:
its solar date, ordinal N ("Kỷ niệm N năm"), tier (năm tròn / năm lẻ 5 / thường) and the
title plans write. The built-in catalogues that hold them are read by
`content/catalogues.py`.

Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Literal, get_args

from content.i18n import N_
from content.lunar import LunarDate, LunarDateError, can_chi, to_solar

Tier = Literal["round10", "round5", "regular"]
# major: the Nghị định 145/2013 holidays. The others follow Nghị định 111/2018 (only N
# ending in 0 is a round year, unless the entry says a locality marks N ending in 5 too)
# and differ in the voice of their post: founding (a province, a Party body, an
# organisation), sector (a sector's traditional day), event (an uprising, a victory, a
# liberation, a visit), memorial (tưởng niệm: a massacre, a death), birth (a leader's
# birthday).
Kind = Literal["major", "founding", "sector", "event", "memorial", "birth"]
CalendarName = Literal["solar", "lunar"]

TIER_LABELS: dict[Tier, str] = {
    "round10": N_("năm tròn"),
    "round5": N_("năm lẻ 5"),
    "regular": N_("thường"),
}
KIND_LABELS: dict[Kind, str] = {  # N_: translated where shown
    "major": N_("ngày lễ lớn"),
    "founding": N_("ngày thành lập, tái lập"),
    "sector": N_("ngày truyền thống ngành"),
    "event": N_("sự kiện lịch sử"),
    "memorial": N_("ngày tưởng niệm"),
    "birth": N_("ngày sinh lãnh đạo"),
}
KINDS: tuple[Kind, ...] = get_args(Kind)
KY_NIEM = "Kỷ niệm"
TUONG_NIEM = "Tưởng niệm"
VERBS = (KY_NIEM, TUONG_NIEM)

_CALENDARS: tuple[str, ...] = get_args(CalendarName)
_VERIFIED = ("yes", "partial")
_KEY_RE = re.compile(r"[a-z0-9][a-z0-9_-]*")
_URL_RE = re.compile(r"https?://\S+")
SUMMARY_LIMIT = 600  # characters: a summary is a paragraph of a post, not an article
# A lunar month has 29 or 30 days; a day-30 anniversary in a 29-day month is kept on day 29,
# as families do for a giỗ.
_LAST_SHORT_MONTH_DAY = 29


@dataclass(frozen=True)
class Anniversary:
    """A day that is commemorated every year.

    `day`/`month` are in `calendar` (lunar: the Vietnamese calendar, never a leap month).
    `origin_year` is the year of the original event (None for Tết, Giỗ Tổ): the ordinal is
    always computed from it, never taken from a document. `scope` is "national", a province
    slug, or whatever a plan uses for its own days. `summary` says what happened, where and
    who, from `summary_source` (or `source` when that is empty). `round5` marks a day the
    locality also celebrates when N ends in 5. `verb` is the title's first word ("Kỷ niệm",
    or "Tưởng niệm", the default for memorial days). `chosen_by` names the document (a
    People's Council resolution …) that chose `day`/`month` for an event known only by its
    year: the day is then a chosen commemoration day, never presented as the historical
    date (no origin date; the title gives the years only). Invalid values raise ValueError.
    """

    key: str
    name: str
    calendar: CalendarName
    day: int
    month: int
    origin_year: int | None
    kind: Kind
    scope: str = "plan"
    former_province: str | None = None
    source: str = ""
    verified: str = "yes"
    note: str = ""
    summary: str = ""
    summary_source: str = ""
    round5: bool = False
    verb: str | None = None
    chosen_by: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.key, str) or not _KEY_RE.fullmatch(self.key):
            raise ValueError(f"key {self.key!r} must be lower-case letters, digits, '_' or '-'")
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError(f"{self.key}: name is empty")
        if self.calendar not in _CALENDARS:
            raise ValueError(f"{self.key}: calendar must be solar or lunar, not {self.calendar!r}")
        if self.kind not in KINDS:
            raise ValueError(
                f"{self.key}: kind must be one of {', '.join(KINDS)}, not {self.kind!r}"
            )
        if self.verified not in _VERIFIED:
            raise ValueError(f"{self.key}: verified must be yes or partial, not {self.verified!r}")
        if self.verified == "partial" and not self.note.strip():
            raise ValueError(f"{self.key}: a partially verified entry needs a note saying why")
        if not self.scope:
            raise ValueError(f"{self.key}: scope is empty")
        if self.verb is not None and self.verb not in VERBS:
            raise ValueError(f"{self.key}: verb must be one of {', '.join(VERBS)}")
        if len(self.summary) > SUMMARY_LIMIT:
            raise ValueError(f"{self.key}: summary is over {SUMMARY_LIMIT} characters")
        if self.summary_source and not _URL_RE.fullmatch(self.summary_source):
            raise ValueError(f"{self.key}: summary_source must be an http(s) URL")
        if self.round5 and self.kind == "major":
            raise ValueError(f"{self.key}: major days already count N ending in 5 (round5)")
        _check_day_month(self)
        if self.chosen_by and self.origin_year is None:
            raise ValueError(f"{self.key}: a chosen commemoration day needs its origin year")
        if self.origin_year is not None:
            if not _is_int(self.origin_year) or not 1 <= self.origin_year <= 2100:
                raise ValueError(f"{self.key}: origin year must be 1–2100, not {self.origin_year}")
            if self.calendar == "solar" and not self.chosen_by:
                try:
                    date(self.origin_year, self.month, self.day)
                except ValueError:
                    raise ValueError(
                        f"{self.key}: {self.day}/{self.month}/{self.origin_year} is not a date"
                    ) from None

    @property
    def title_verb(self) -> str:
        return self.verb or (TUONG_NIEM if self.kind == "memorial" else KY_NIEM)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_day_month(a: Anniversary) -> None:
    if not _is_int(a.day) or not _is_int(a.month) or not 1 <= a.month <= 12:
        raise ValueError(f"{a.key}: {a.day}/{a.month} is not a valid {a.calendar} day/month")
    if a.calendar == "lunar":
        valid = 1 <= a.day <= 30
    else:
        try:
            date(2000, a.month, a.day)  # a leap year, so 29/2 is accepted
            valid = True
        except ValueError:
            valid = False
    if not valid:
        raise ValueError(f"{a.key}: {a.day}/{a.month} is not a valid {a.calendar} day/month")


SolarDate = date  # inside Occurrence, `date` names its field


@dataclass(frozen=True)
class Occurrence:
    """One year's observance of an anniversary."""

    anniversary: Anniversary
    date: date
    ordinal: int | None
    tier: Tier
    title: str
    lunar: LunarDate | None  # the lunar date observed, for lunar anniversaries
    origin: SolarDate | None  # solar date of the original event

    @property
    def key(self) -> str:
        return self.anniversary.key

    @property
    def year(self) -> int:
        """Observance year: the lunar year for lunar anniversaries (a month-12 day may fall
        in January of the next solar year), else the solar year."""
        return self.lunar.year if self.lunar is not None else self.date.year

    @property
    def title_inline(self) -> str:
        """The title as it reads inside a sentence: "… tổ chức kỷ niệm 96 năm Ngày …"."""
        return inline_title(self.title)


def inline_title(title: str) -> str:
    """Lower-case a leading "Kỷ niệm"/"Tưởng niệm" (a verb, not a name), so the title can
    follow other words; names ("Tết Nguyên đán …", "Ngày …") keep their capitals."""
    for verb in VERBS:
        if title.startswith(verb + " "):
            return verb[0].lower() + title[1:]
    return title


# --- tiers, dates and titles ------------------------------------------------------------


def tier_of(kind: Kind, ordinal: int | None, round5: bool = False) -> Tier:
    """Nghị định 145/2013 (major): N ends in 0 → round10, in 5 → round5.
    Nghị định 111/2018 (every other kind): only N ending in 0 is a round year, unless
    `round5` says the locality celebrates N ending in 5 too."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if ordinal is None or ordinal <= 0:
        return "regular"
    if ordinal % 10 == 0:
        return "round10"
    if (kind == "major" or round5) and ordinal % 5 == 0:
        return "round5"
    return "regular"


def _solar_day(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        # Only 29/2 gets here: kept on 28/2 in common years.
        return date(year, month, day - 1)


def _lunar_day(year: int, month: int, day: int) -> tuple[date, int]:
    """Solar date of lunar day/month (non-leap month) in lunar `year`, and the day used."""
    try:
        return to_solar(day, month, year), day
    except LunarDateError:
        if day != 30:
            raise
        return to_solar(_LAST_SHORT_MONTH_DAY, month, year), _LAST_SHORT_MONTH_DAY


@lru_cache(maxsize=4096)
def _origin_date(a: Anniversary) -> date | None:
    if a.origin_year is None or a.chosen_by:
        # A chosen day has no historical date: only its year is known.
        return None
    if a.calendar == "solar":
        return date(a.origin_year, a.month, a.day)
    try:
        return _lunar_day(a.origin_year, a.month, a.day)[0]
    except LunarDateError:
        # Years the lunar conversion does not cover: the ordinal is still exact.
        return None


def _dmy(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _title(a: Anniversary, year: int, when: date, ordinal: int | None, origin: date | None) -> str:
    verb = a.title_verb
    if a.chosen_by and ordinal is not None:
        # "(1029 - 2026)": the chosen day is not claimed as the day of 1029.
        return f"{verb} {ordinal} năm {a.name} ({a.origin_year} - {year})"
    if a.calendar == "solar":
        if ordinal is None or origin is None:
            return f"{a.name} ({_dmy(when)})"
        return f"{verb} {ordinal} năm {a.name} ({_dmy(origin)} - {_dmy(when)})"
    if ordinal is not None:
        return f"{verb} {ordinal} năm {a.name} ({a.day}/{a.month} âm lịch)"
    if (a.day, a.month) == (1, 1):
        # New Year itself: plans write "Tết Nguyên đán Bính Ngọ 2026".
        return f"{a.name} {can_chi(year)} {year}"
    return f"{a.name} ({a.day}/{a.month} âm lịch năm {can_chi(year)})"


@lru_cache(maxsize=65536)
def occurrence_of(anniversary: Anniversary, year: int) -> Occurrence | None:
    """The observance in `year`, or None up to the origin year (no "Kỷ niệm 0 năm").

    For a lunar anniversary `year` is the lunar year (whose 1/1 falls in solar `year`);
    a lunar day in month 11 or 12 may then fall in January of `year + 1`.
    Raises LunarDateError if the lunar conversion does not cover `year`.
    """
    a = anniversary
    if a.origin_year is not None and year <= a.origin_year:
        return None
    lunar: LunarDate | None = None
    if a.calendar == "solar":
        when = _solar_day(year, a.month, a.day)
    else:
        when, day = _lunar_day(year, a.month, a.day)
        lunar = LunarDate(year, a.month, day)
    ordinal = year - a.origin_year if a.origin_year is not None else None
    origin = _origin_date(a)
    return Occurrence(
        anniversary=a,
        date=when,
        ordinal=ordinal,
        tier=tier_of(a.kind, ordinal, a.round5),
        title=_title(a, year, when, ordinal, origin),
        lunar=lunar,
        origin=origin,
    )


def occurrences_in_year(anniversaries: Iterable[Anniversary], year: int) -> list[Occurrence]:
    """Every occurrence whose solar date falls in `year`, sorted by (date, key).

    A lunar anniversary can fall twice in one solar year (a day of month 11/12 in January
    and again in December) or not at all; both cases come out right.
    """
    found: list[Occurrence] = []
    for a in anniversaries:
        if a.calendar == "solar":
            occurrence = occurrence_of(a, year)
            if occurrence is not None:
                found.append(occurrence)
            continue
        for lunar_year in (year - 1, year):
            try:
                occurrence = occurrence_of(a, lunar_year)
            except LunarDateError:
                if lunar_year == year:
                    raise
                # The previous lunar year is only a look-back for January; it may lie
                # just outside the range the lunar conversion covers.
                continue
            if occurrence is not None and occurrence.date.year == year:
                found.append(occurrence)
    found.sort(key=lambda o: (o.date, o.key))
    return found


def occurrences_between(
    anniversaries: Iterable[Anniversary], start: date, end: date
) -> list[Occurrence]:
    """Occurrences with start <= date <= end (inclusive; may span years), sorted by (date, key)."""
    if start > end:
        raise ValueError(f"start {start.isoformat()} is after end {end.isoformat()}")
    items = list(anniversaries)
    return [
        occurrence
        for year in range(start.year, end.year + 1)
        for occurrence in occurrences_in_year(items, year)
        if start <= occurrence.date <= end
    ]
