"""Benchmark the calendar: lunar conversion of every day 1900–2100 and every year's calendar.

Run: `python bench/bench_calendar.py`. Prints figures only; nothing is asserted.
Aim: total under 2 s on one core.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import TypeVar

from content.anniversaries import occurrences_in_year
from content.catalogues import available_provinces, catalogue
from content.lunar import LunarDateError, to_lunar, to_solar

FIRST, LAST = 1900, 2100
T = TypeVar("T")


def timed(label: str, work: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = work()
    elapsed = time.perf_counter() - start
    print(f"{label:<58} {elapsed:8.3f} s")
    return result, elapsed


def every_day() -> list[date]:
    first, last = date(FIRST, 1, 1), date(LAST, 12, 31)
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def to_lunar_all(days: list[date]) -> list:
    return [to_lunar(day) for day in days]


def round_trip(days: list[date], lunars: list) -> tuple[int, int]:
    """to_solar of each lunar date; returns (converted, mismatches)."""
    converted = mismatches = 0
    for day, lunar in zip(days, lunars, strict=True):
        try:
            back = to_solar(lunar.day, lunar.month, lunar.year, lunar.leap)
        except LunarDateError:
            # Lunar year 1899 (January 1900): outside what to_solar accepts, if so.
            continue
        converted += 1
        mismatches += back != day
    return converted, mismatches


def calendars(anniversaries: list) -> int:
    return sum(len(occurrences_in_year(anniversaries, year)) for year in range(FIRST, LAST + 1))


def main() -> None:
    days = every_day()
    print(f"days {days[0]} .. {days[-1]}: {len(days)}")
    lunars, t_lunar = timed("to_lunar, every day", lambda: to_lunar_all(days))
    (converted, mismatches), t_solar = timed(
        "to_solar, every day (round trip)", lambda: round_trip(days, lunars)
    )
    print(f"  round trip: {converted} converted, {mismatches} mismatches")
    everything, t_load = timed(
        "load catalogues (national + all provinces)",
        lambda: catalogue(include=["national", *available_provinces()]),
    )
    count, t_calendar = timed(
        f"occurrences_in_year x {LAST - FIRST + 1} years ({len(everything)} anniversaries)",
        lambda: calendars(everything),
    )
    print(f"  occurrences: {count}")
    timed("same again (caches warm)", lambda: calendars(everything))
    total = t_lunar + t_solar + t_load + t_calendar
    print(f"{'total (excluding the warm repeat)':<58} {total:8.3f} s")
    # ru_maxrss is in KiB on Linux; it costs nothing, unlike tracemalloc, so timings stay true.
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak memory (max RSS, whole process): {peak_kib / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
