"""Working days in Vietnam: the days a unit chat may be written to, and where a date
that falls on a day off goes. Pure.

A working day is Monday to Friday, minus Vietnam's public holidays as the `holidays`
library computes them for any year (Tết Dương lịch, the several days of the Tết
Nguyên đán break, Giỗ Tổ Hùng Vương, 30/4, 1/5, Quốc khánh and its extra day, and the
swaps the government decides: a weekday off in exchange for a working Saturday), then
the plan's own `settings.days_off` (nghỉ bù, a provincial holiday) and
`settings.working_days` (a working Saturday the library does not know).

The library is asked once per year (about 365 look-ups, cached for the process); the
planner then asks by ordinal day number, which is what it compares fastest.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import lru_cache

import holidays

COUNTRY = "VN"
# No run of days off is this long; reaching it means a broken calendar, not a holiday.
_LONGEST_BREAK = 60


@lru_cache(maxsize=64)
def national_days_off(year: int) -> frozenset[int]:
    """Ordinals of the days of `year` that are not working days nationally: weekends
    (except working Saturdays the library knows) and public holidays, observed days and
    swapped days off included."""
    calendar = holidays.country_holidays(COUNTRY, years=year)
    first, last = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
    return frozenset(
        number
        for number in range(first, last + 1)
        if not calendar.is_working_day(date.fromordinal(number))
    )


class WorkingDays:
    """The working-day calendar of one plan (national days plus its own changes)."""

    __slots__ = ("_memo", "days_off", "working_days")

    def __init__(self, days_off: Iterable[date] = (), working_days: Iterable[date] = ()):
        self.days_off = frozenset(day.toordinal() for day in days_off)
        self.working_days = frozenset(day.toordinal() for day in working_days)
        self._memo: dict[int, bool] = {}

    # --- by ordinal (the planner's hot path) ----------------------------------------------

    def works(self, number: int) -> bool:
        """Whether the day with this ordinal is a working day."""
        known = self._memo.get(number)
        if known is None:
            if number in self.working_days:
                known = True
            elif number in self.days_off:
                known = False
            else:
                known = number not in national_days_off(date.fromordinal(number).year)
            self._memo[number] = known
        return known

    def on_or_before_number(self, number: int) -> int:
        for step in range(_LONGEST_BREAK):
            if self.works(number - step):
                return number - step
        raise ValueError(f"no working day in the {_LONGEST_BREAK} days up to {_show(number)}")

    def on_or_after_number(self, number: int) -> int:
        for step in range(_LONGEST_BREAK):
            if self.works(number + step):
                return number + step
        raise ValueError(f"no working day in the {_LONGEST_BREAK} days from {_show(number)}")

    def after_number(self, number: int, count: int = 1) -> int:
        """The `count`-th working day after the day `number` (not counting it)."""
        for _ in range(count):
            number = self.on_or_after_number(number + 1)
        return number

    def before_number(self, number: int) -> int:
        """The last working day before the day `number`."""
        return self.on_or_before_number(number - 1)

    def week_start_number(self, number: int) -> int | None:
        """The first working day of the ISO week (Monday to Sunday) of day `number`;
        None when the whole week is off."""
        monday = number - date.fromordinal(number).weekday()
        for day in range(monday, monday + 7):
            if self.works(day):
                return day
        return None

    def next_week_start_number(self, number: int) -> int:
        """The first working day of the first week after day `number`'s week that has one."""
        monday = number - date.fromordinal(number).weekday()
        for week in range(1, _LONGEST_BREAK // 7 + 2):
            start = self.week_start_number(monday + 7 * week)
            if start is not None:
                return start
        raise ValueError(f"no working week after {_show(number)}")

    # --- by date --------------------------------------------------------------------------

    def is_working(self, day: date) -> bool:
        return self.works(day.toordinal())

    def on_or_before(self, day: date) -> date:
        """`day`, or the last working day before it: where a reminder or a deadline that
        falls on a day off goes (a deadline never slips later)."""
        return date.fromordinal(self.on_or_before_number(day.toordinal()))

    def on_or_after(self, day: date) -> date:
        return date.fromordinal(self.on_or_after_number(day.toordinal()))

    def after(self, day: date, count: int = 1) -> date:
        return date.fromordinal(self.after_number(day.toordinal(), count))

    def before(self, day: date, count: int = 1) -> date:
        """The `count`-th working day before `day` (not counting it)."""
        number = day.toordinal()
        for _ in range(count):
            number = self.before_number(number)
        return date.fromordinal(number)

    def week_start(self, day: date) -> date | None:
        number = self.week_start_number(day.toordinal())
        return None if number is None else date.fromordinal(number)

    def days_off_between(self, start: date, end: date) -> list[date]:
        return [
            date.fromordinal(number)
            for number in range(start.toordinal(), end.toordinal() + 1)
            if not self.works(number)
        ]


NATIONAL = WorkingDays()


def working_day_on_or_before(day: date) -> date:
    """`day`, or the last national working day before it (no weekends, no public
    holidays, the Tết break included)."""
    return NATIONAL.on_or_before(day)


def is_working_day(day: date) -> bool:
    """Whether `day` is a national working day."""
    return NATIONAL.is_working(day)


def working_days_before(day: date, count: int) -> date:
    """The national working day `count` working days before `day` (`day` not counted)."""
    return NATIONAL.before(day, count)


def _show(number: int) -> str:
    return date.fromordinal(number).isoformat()
