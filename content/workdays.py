"""Working days in Vietnam: no Saturday, Sunday or public holiday (the Tết break and the
days off the government moves included), from the `holidays` package."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=16)
def _days_off(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("VN", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _days_off(day.year)


def working_days_before(day: date, count: int) -> date:
    """The working day `count` working days before `day` (`day` itself not counted)."""
    found = day
    left = count
    while left > 0:
        found -= timedelta(days=1)
        if is_working_day(found):
            left -= 1
    return found
