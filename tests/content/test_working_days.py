"""Working days: weekends, Vietnamese public holidays (solar and lunar) for any year, the
swaps the government decides, and a plan's own days off and working days."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from content.lunar import to_solar
from content.working_days import NATIONAL, WorkingDays, working_day_on_or_before


@pytest.mark.parametrize("year", [2025, 2026, 2027, 2028, 2031, 2040])
def test_the_tet_break_is_off_from_the_eve_to_the_third_day(year: int) -> None:
    tet = to_solar(1, 1, year)  # mùng 1 Tết, Vietnamese calendar
    for offset in range(-1, 4):  # 30 Tết (or 29) to mùng 3
        assert not NATIONAL.is_working(tet + timedelta(days=offset)), tet + timedelta(offset)
    # The break is several days long, and work resumes on a weekday after it.
    first_off = NATIONAL.on_or_before(tet) + timedelta(days=1)
    back = NATIONAL.on_or_after(tet)
    assert (back - first_off).days >= 5
    assert back.isoweekday() <= 5


@pytest.mark.parametrize(
    ("day", "why"),
    [
        (date(2026, 1, 1), "Tết Dương lịch"),
        (date(2026, 4, 27), "Giỗ Tổ Hùng Vương 2026 falls on a Sunday: the Monday after"),
        (date(2026, 4, 30), "Giải phóng miền Nam"),
        (date(2026, 5, 1), "Quốc tế Lao động"),
        (date(2026, 9, 1), "the extra day of Quốc khánh"),
        (date(2026, 9, 2), "Quốc khánh"),
        (date(2027, 4, 16), "Giỗ Tổ Hùng Vương 2027 (10/3 âm lịch)"),
        (date(2025, 5, 2), "a weekday off swapped for Saturday 26/4/2025"),
        (date(2026, 3, 14), "a Saturday"),
        (date(2026, 3, 15), "a Sunday"),
    ],
)
def test_public_holidays_and_weekends_are_days_off(day: date, why: str) -> None:
    assert not NATIONAL.is_working(day), why


def test_a_working_saturday_the_government_decided_is_a_working_day() -> None:
    assert NATIONAL.is_working(date(2025, 4, 26))


def test_a_plan_adds_days_off_and_working_saturdays() -> None:
    calendar = WorkingDays(days_off=[date(2026, 3, 20)], working_days=[date(2026, 3, 14)])
    assert not calendar.is_working(date(2026, 3, 20))  # a provincial day, a Friday
    assert calendar.is_working(date(2026, 3, 14))  # a Saturday worked
    assert calendar.on_or_before(date(2026, 3, 22)) == date(2026, 3, 19)
    assert NATIONAL.is_working(date(2026, 3, 20))  # the national calendar is unchanged


def test_a_date_on_a_day_off_goes_to_the_working_day_before_never_after() -> None:
    assert working_day_on_or_before(date(2026, 2, 18)) == date(2026, 2, 13)  # Tết 2026
    assert working_day_on_or_before(date(2027, 1, 1)) == date(2026, 12, 31)  # across a year
    assert working_day_on_or_before(date(2026, 3, 11)) == date(2026, 3, 11)
    assert NATIONAL.after(date(2026, 2, 13)) == date(2026, 2, 23)  # back after the break


def test_the_first_working_day_of_a_week_skips_a_monday_holiday() -> None:
    assert NATIONAL.week_start(date(2026, 3, 12)) == date(2026, 3, 9)
    assert NATIONAL.week_start(date(2026, 4, 29)) == date(2026, 4, 28)  # 27/4 is off
    assert NATIONAL.week_start(date(2026, 2, 18)) is None  # the whole Tết week is off
