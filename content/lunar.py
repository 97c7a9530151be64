"""The Vietnamese lunar calendar (âm lịch, computed for UTC+7), lunar years 1899-2100.

Conversions read `content/data/lunar_months.txt`, a table of month starts written by the
dev-only `tools/generate_lunar_table.py` from the astronomy (Meeus, Astronomical Algorithms).
The Vietnamese calendar is not the Chinese one: months start on the new moon's day in UTC+7,
so some years differ (Tết 1985 is 21/1 here, 20/2 in China).

The table is read once, on first use; afterwards every conversion is a bisection over the
precomputed month starts.
"""

from __future__ import annotations

import functools
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from content.i18n import _

DATA_FILE = Path(__file__).resolve().parent / "data" / "lunar_months.txt"

FIRST_YEAR = 1899  # first lunar year of the table
LAST_YEAR = 2100  # last lunar year of the table
FIRST_DATE = date(1899, 2, 10)  # 1/1/1899 âm lịch
LAST_DATE = date(2101, 1, 28)  # 30/12/2100 âm lịch, the day before Tết 2101

HEAVENLY_STEMS = ("Giáp", "Ất", "Bính", "Đinh", "Mậu", "Kỷ", "Canh", "Tân", "Nhâm", "Quý")
EARTHLY_BRANCHES = (
    "Tý", "Sửu", "Dần", "Mão", "Thìn", "Tỵ", "Ngọ", "Mùi", "Thân", "Dậu", "Tuất", "Hợi",
)  # fmt: skip


class LunarDateError(ValueError):
    """An impossible lunar date, or a date outside the table; the message is Vietnamese."""


@dataclass(frozen=True, slots=True)
class LunarDate:
    """A day of the Vietnamese lunar calendar; `leap` marks the leap month (tháng nhuận).

    Ordering is chronological: a leap month comes right after the ordinary month of the same
    number, so every day of 3 nhuận/2031 sorts after every day of 3/2031.
    """

    year: int
    month: int
    day: int
    leap: bool = False

    def __str__(self) -> str:
        month = f"{self.month} nhuận" if self.leap else str(self.month)
        return f"{self.day}/{month}/{self.year}"

    def _key(self) -> tuple[int, int, bool, int]:
        return (self.year, self.month, self.leap, self.day)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, LunarDate):
            return NotImplemented
        return self._key() < other._key()

    def __le__(self, other: object) -> bool:
        if not isinstance(other, LunarDate):
            return NotImplemented
        return self._key() <= other._key()

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, LunarDate):
            return NotImplemented
        return self._key() > other._key()

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, LunarDate):
            return NotImplemented
        return self._key() >= other._key()


@dataclass(frozen=True)
class _Table:
    starts: list[int]  # ordinal of day 1 of every month, then the ordinal after LAST_DATE
    labels: list[tuple[int, int, bool]]  # (year, month, leap) of every month
    first_month: dict[int, int]  # lunar year -> index of its month 1 in `starts`
    leap_months: dict[int, int]  # lunar year -> its leap month, 0 when none


@functools.cache
def _table() -> _Table:
    starts: list[int] = []
    labels: list[tuple[int, int, bool]] = []
    first_month: dict[int, int] = {}
    leap_months: dict[int, int] = {}
    next_start: int | None = None
    for number, line in enumerate(DATA_FILE.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            year_text, new_year_text, lengths, leap_text = line.split()
            year, leap_month = int(year_text), int(leap_text)
            ordinal = date.fromisoformat(new_year_text).toordinal()
        except ValueError as error:
            raise RuntimeError(f"{DATA_FILE}:{number}: malformed line") from error
        # The table must tile the days: each year starts where the previous one ended.
        expected_count = 13 if leap_month else 12
        if (
            len(lengths) != expected_count
            or set(lengths) - {"0", "1"}
            or (next_start is not None and ordinal != next_start)
            or year != FIRST_YEAR + len(first_month)
        ):
            raise RuntimeError(f"{DATA_FILE}:{number}: inconsistent lunar year {year}")
        first_month[year] = len(starts)
        leap_months[year] = leap_month
        month = 0
        for position, digit in enumerate(lengths):
            leap = bool(leap_month) and position == leap_month
            if not leap:
                month += 1
            starts.append(ordinal)
            labels.append((year, month, leap))
            ordinal += 30 if digit == "1" else 29
        next_start = ordinal
    if next_start is None or (
        starts[0] != FIRST_DATE.toordinal() or next_start - 1 != LAST_DATE.toordinal()
    ):
        raise RuntimeError(f"{DATA_FILE}: does not span {FIRST_DATE}..{LAST_DATE}")
    starts.append(next_start)
    return _Table(starts, labels, first_month, leap_months)


def _show(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def to_lunar(solar: date) -> LunarDate:
    """The lunar date of a solar (Gregorian) day."""
    if isinstance(solar, datetime):
        # A datetime's day depends on its timezone: the caller must pick the local day.
        raise TypeError("to_lunar() takes a date, not a datetime")
    ordinal = solar.toordinal()
    table = _table()
    index = bisect_right(table.starts, ordinal) - 1
    if index < 0 or index >= len(table.labels):
        raise LunarDateError(
            _("Ngày %(day)s nằm ngoài khoảng lịch âm được hỗ trợ (%(first)s – %(last)s).")
            % {"day": _show(solar), "first": _show(FIRST_DATE), "last": _show(LAST_DATE)}
        )
    year, month, leap = table.labels[index]
    return LunarDate(year, month, ordinal - table.starts[index] + 1, leap)


def _check_year(year: int) -> int:
    """The leap month of a lunar year in the table (0 when none)."""
    leap = _table().leap_months.get(year)
    if leap is None:
        raise LunarDateError(
            _("Năm âm lịch %(year)d nằm ngoài khoảng được hỗ trợ (%(first)d–%(last)d).")
            % {"year": year, "first": FIRST_YEAR, "last": LAST_YEAR}
        )
    return leap


def _month_index(year: int, month: int, leap: bool) -> int:
    leap_of_year = _check_year(year)
    if not 1 <= month <= 12:
        raise LunarDateError(
            _("Tháng âm lịch phải từ 1 đến 12, không có tháng %(month)d.") % {"month": month}
        )
    if leap and month != leap_of_year:
        if leap_of_year:
            detail = _("tháng nhuận của năm này là tháng %(month)d") % {"month": leap_of_year}
        else:
            detail = _("năm này không có tháng nhuận")
        raise LunarDateError(
            _("Năm %(year)d âm lịch không có tháng %(month)d nhuận (%(detail)s).")
            % {"year": year, "month": month, "detail": detail}
        )
    after_leap = bool(leap_of_year) and (leap or month > leap_of_year)
    return _table().first_month[year] + month - 1 + after_leap


def month_length(year: int, month: int, leap: bool = False) -> int:
    """29 or 30: the number of days of a lunar month (`leap` for the leap month)."""
    index = _month_index(year, month, leap)
    starts = _table().starts
    return starts[index + 1] - starts[index]


def to_solar(day: int, month: int, year: int, leap: bool = False) -> date:
    """The solar day of a lunar date; `leap=True` picks the leap month of that number."""
    index = _month_index(year, month, leap)
    starts = _table().starts
    length = starts[index + 1] - starts[index]
    if not 1 <= day <= 30:
        raise LunarDateError(
            _("Ngày âm lịch phải từ 1 đến 30, không có ngày %(day)d.") % {"day": day}
        )
    if day > length:
        values = {"month": month, "year": year, "length": length, "day": day}
        message = (
            _(
                "Tháng %(month)d nhuận năm %(year)d âm lịch chỉ có %(length)d ngày, "
                "không có ngày %(day)d."
            )
            if leap
            else _(
                "Tháng %(month)d năm %(year)d âm lịch chỉ có %(length)d ngày, "
                "không có ngày %(day)d."
            )
        )
        raise LunarDateError(message % values)
    return date.fromordinal(starts[index] + day - 1)


def leap_month(year: int) -> int | None:
    """The number of the leap month of a lunar year, or None when the year has 12 months."""
    return _check_year(year) or None


def can_chi(year: int) -> str:
    """The sexagenary name of a lunar year: "Bính Ngọ" for 2026, "Giáp Thìn" for 2024."""
    return f"{HEAVENLY_STEMS[(year + 6) % 10]} {EARTHLY_BRANCHES[(year + 8) % 12]}"
