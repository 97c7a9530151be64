"""The Vietnamese lunar calendar against the `holidays` package (test-only oracle) and itself."""

from __future__ import annotations

import dataclasses
import importlib.util
import itertools
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from types import ModuleType

import holidays
import pytest
from holidays.calendars.chinese import (
    CHINESE_CALENDAR,
    VIETNAMESE_CALENDAR,
    _ChineseLunisolar,
)

from content import lunar
from content.lunar import (
    FIRST_DATE,
    LAST_DATE,
    LunarDate,
    LunarDateError,
    can_chi,
    leap_month,
    month_length,
    to_lunar,
    to_solar,
)

REPO = Path(__file__).resolve().parents[2]
ORACLE_YEARS = range(1901, 2101)  # what `holidays` covers for Vietnam
REQUIRED_FIRST, REQUIRED_LAST = date(1900, 1, 1), date(2100, 12, 31)


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


@pytest.fixture(scope="module")
def oracle() -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=ORACLE_YEARS, language="en_US")


def _dates_named(calendar: holidays.HolidayBase, name: str) -> dict[int, date]:
    found: dict[int, date] = {}
    for day in calendar:
        if name in calendar.get_list(day):
            assert day.year not in found, f"two {name!r} in {day.year}"
            found[day.year] = day
    return found


@pytest.fixture(scope="module")
def oracle_tet(oracle: holidays.HolidayBase) -> dict[int, date]:
    return _dates_named(oracle, "Lunar New Year")


@pytest.fixture(scope="module")
def oracle_gio_to(oracle: holidays.HolidayBase) -> dict[int, date]:
    # Vietnam has Hùng Kings' Day as a public holiday only from 2007; before that the oracle's
    # Vietnamese lunisolar table (the one the Vietnam class reads) gives the date.
    dates = _dates_named(oracle, "Hung Kings' Commemoration Day")
    table = _ChineseLunisolar(VIETNAMESE_CALENDAR)
    for year in ORACLE_YEARS:
        if year < 2007:
            day, _estimated = table.hung_kings_date(year)
            assert day is not None
            dates[year] = day
    return dates


@pytest.fixture(scope="module")
def every_day() -> list[tuple[date, LunarDate]]:
    return [(day, to_lunar(day)) for day in _days(FIRST_DATE, LAST_DATE)]


# --- Against the oracle -------------------------------------------------------------------


def test_tet_matches_the_oracle_every_year(oracle_tet: dict[int, date]) -> None:
    assert sorted(oracle_tet) == list(ORACLE_YEARS)
    ours = {year: to_solar(1, 1, year) for year in ORACLE_YEARS}
    assert {y: (ours[y], oracle_tet[y]) for y in ORACLE_YEARS if ours[y] != oracle_tet[y]} == {}
    assert all(to_lunar(oracle_tet[y]) == LunarDate(y, 1, 1) for y in ORACLE_YEARS)


def test_gio_to_matches_the_oracle_every_year(oracle_gio_to: dict[int, date]) -> None:
    assert sorted(oracle_gio_to) == list(ORACLE_YEARS)
    ours = {year: to_solar(10, 3, year) for year in ORACLE_YEARS}
    wrong = {y: (ours[y], oracle_gio_to[y]) for y in ORACLE_YEARS if ours[y] != oracle_gio_to[y]}
    assert wrong == {}
    assert all(to_lunar(oracle_gio_to[y]) == LunarDate(y, 3, 10) for y in ORACLE_YEARS)


@pytest.mark.parametrize(
    ("year", "vietnam"),
    [(1985, date(1985, 1, 21)), (2007, date(2007, 2, 17)), (2030, date(2030, 2, 2)),
     (2053, date(2053, 2, 18))],
)  # fmt: skip
def test_tet_where_vietnam_and_china_differ(year: int, vietnam: date) -> None:
    assert to_solar(1, 1, year) == vietnam
    assert to_lunar(vietnam) == LunarDate(year, 1, 1)
    china, _estimated = _ChineseLunisolar(CHINESE_CALENDAR).lunar_new_year_date(year)
    assert china != vietnam
    assert to_lunar(china) != LunarDate(year, 1, 1)


@pytest.mark.parametrize(
    ("year", "vietnam"),
    [(2009, date(2009, 4, 4)), (2037, date(2037, 4, 24)), (2038, date(2038, 4, 13))],
)
def test_gio_to_where_vietnam_and_china_differ(year: int, vietnam: date) -> None:
    assert to_solar(10, 3, year) == vietnam
    assert to_lunar(vietnam) == LunarDate(year, 3, 10)
    china, _estimated = _ChineseLunisolar(CHINESE_CALENDAR).hung_kings_date(year)
    assert china != vietnam
    assert to_lunar(china) != LunarDate(year, 3, 10)


@pytest.mark.parametrize("year", [1993, 2031, 2050])
def test_leap_month_3_and_gio_to_on_the_ordinary_month(
    year: int, oracle_gio_to: dict[int, date]
) -> None:
    assert leap_month(year) == 3
    ordinary = to_solar(10, 3, year)
    leap = to_solar(10, 3, year, leap=True)
    assert ordinary == oracle_gio_to[year]
    assert (leap - ordinary).days == month_length(year, 3)
    assert to_lunar(leap) == LunarDate(year, 3, 10, leap=True)
    assert to_solar(1, 4, year) - to_solar(1, 3, year, leap=True) == timedelta(
        days=month_length(year, 3, leap=True)
    )


@pytest.mark.parametrize(
    ("year", "month"),
    [(2017, 6), (2020, 4), (2023, 2), (2025, 6), (2028, 5), (1900, 8), (2033, 11)],
)
def test_known_leap_months(year: int, month: int) -> None:
    assert leap_month(year) == month


@pytest.mark.parametrize("year", [2019, 2021, 2022, 2024, 2026, 2027])
def test_years_without_leap_month(year: int) -> None:
    assert leap_month(year) is None


# --- Whole range consistency --------------------------------------------------------------


def test_supported_range_covers_1900_to_2100() -> None:
    assert FIRST_DATE <= REQUIRED_FIRST and LAST_DATE >= REQUIRED_LAST
    assert to_lunar(FIRST_DATE) == LunarDate(1899, 1, 1)
    assert to_lunar(date(1900, 1, 1)) == LunarDate(1899, 12, 1)
    assert to_solar(1, 1, 2101 - 1) <= REQUIRED_LAST < LAST_DATE
    for outside in (FIRST_DATE - timedelta(days=1), LAST_DATE + timedelta(days=1)):
        with pytest.raises(LunarDateError, match="ngoài khoảng"):
            to_lunar(outside)


def test_round_trip_every_day(every_day: list[tuple[date, LunarDate]]) -> None:
    assert every_day[0][0] <= REQUIRED_FIRST and every_day[-1][0] >= REQUIRED_LAST
    wrong = [(d, ld) for d, ld in every_day if to_solar(ld.day, ld.month, ld.year, ld.leap) != d]
    assert wrong == []


def test_days_run_on_without_gaps(every_day: list[tuple[date, LunarDate]]) -> None:
    for (_, before), (day, after) in itertools.pairwise(every_day):
        if (after.year, after.month, after.leap) == (before.year, before.month, before.leap):
            assert after.day == before.day + 1, day
        else:
            assert after.day == 1 and before.day in (29, 30), day


def test_years_months_and_leap_months(every_day: list[tuple[date, LunarDate]]) -> None:
    months: dict[int, list[tuple[int, bool, int]]] = {}  # year -> (month, leap, length)
    for _, ld in every_day:
        year_months = months.setdefault(ld.year, [])
        if ld.day == 1:
            year_months.append((ld.month, ld.leap, 0))
        month, leap, length = year_months[-1]
        year_months[-1] = (month, leap, length + 1)
    assert sorted(months) == list(range(1899, 2101))
    for year, listed in months.items():
        leap = leap_month(year)
        numbers = [month for month, is_leap, _ in listed if not is_leap]
        assert numbers == list(range(1, 13)), year
        leaps = [(i, month) for i, (month, is_leap, _) in enumerate(listed) if is_leap]
        if leap is None:
            assert len(listed) == 12 and leaps == [], year
        else:
            # The leap month follows the ordinary month of the same number.
            assert len(listed) == 13 and leaps == [(leap, leap)], year
        for month, is_leap, length in listed:
            assert length in (29, 30), (year, month)
            assert month_length(year, month, is_leap) == length
        days = sum(length for *_, length in listed)
        assert days in ((353, 354, 355) if leap is None else (383, 384, 385)), year


def test_leap_years_are_never_adjacent_and_about_7_in_19() -> None:
    years = range(1899, 2101)
    leap_years = [y for y in years if leap_month(y) is not None]
    assert all(b - a >= 2 for a, b in itertools.pairwise(leap_years))
    assert 72 <= len(leap_years) <= 76  # 202 years x 7/19 = 74.4


# --- Values and errors --------------------------------------------------------------------


def test_examples() -> None:
    assert to_lunar(date(2026, 4, 26)) == LunarDate(2026, 3, 10)
    assert to_solar(10, 3, 2026) == date(2026, 4, 26)
    assert to_lunar(date(2026, 2, 17)) == LunarDate(2026, 1, 1)
    assert to_lunar(date(2026, 2, 16)) == LunarDate(2025, 12, 29)
    assert to_lunar(date(2025, 7, 25)) == LunarDate(2025, 6, 1, leap=True)
    assert to_solar(21, 7, 2026) == date(2026, 9, 2)  # giỗ Bác falls on Quốc khánh in 2026


def test_str() -> None:
    assert str(LunarDate(2026, 3, 10)) == "10/3/2026"
    assert str(LunarDate(2031, 3, 10, leap=True)) == "10/3 nhuận/2031"
    assert str(to_lunar(date(2031, 4, 30))) == "10/3 nhuận/2031"


def test_lunar_date_is_frozen_hashable_and_ordered_in_time() -> None:
    day = LunarDate(2026, 3, 10)
    with pytest.raises(dataclasses.FrozenInstanceError):
        day.day = 11  # type: ignore[misc]
    assert {day, LunarDate(2026, 3, 10)} == {day}
    assert LunarDate(2031, 3, 29) < LunarDate(2031, 3, 1, leap=True) < LunarDate(2031, 4, 1)
    span = _days(date(2030, 12, 1), date(2032, 2, 1))
    converted = [to_lunar(d) for d in span]
    assert sorted(converted) == converted


@pytest.mark.parametrize(
    ("year", "name"),
    [(2026, "Bính Ngọ"), (2024, "Giáp Thìn"), (2025, "Ất Tỵ"), (1968, "Mậu Thân"),
     (1945, "Ất Dậu"), (1984, "Giáp Tý"), (2000, "Canh Thìn"), (2023, "Quý Mão"),
     (2019, "Kỷ Hợi"), (2027, "Đinh Mùi")],
)  # fmt: skip
def test_can_chi(year: int, name: str) -> None:
    assert can_chi(year) == name


def test_thirty_in_a_29_day_month_is_refused() -> None:
    year = 2026
    short = [month for month in range(1, 13) if month_length(year, month) == 29]
    assert short, "a lunar year always has 29-day months"
    for month in short:
        with pytest.raises(LunarDateError, match=f"Tháng {month} năm {year} âm lịch chỉ có 29"):
            to_solar(30, month, year)
        last = to_solar(29, month, year)
        assert to_lunar(last + timedelta(days=1)).day == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((10, 3, 2026, True), "không có tháng 3 nhuận \\(năm này không có tháng nhuận\\)"),
        ((10, 4, 2031, True), "không có tháng 4 nhuận \\(tháng nhuận của năm này là tháng 3\\)"),
        ((1, 13, 2026, False), "Tháng âm lịch phải từ 1 đến 12"),
        ((1, 0, 2026, False), "Tháng âm lịch phải từ 1 đến 12"),
        ((31, 1, 2026, False), "Ngày âm lịch phải từ 1 đến 30"),
        ((0, 1, 2026, False), "Ngày âm lịch phải từ 1 đến 30"),
        ((1, 1, 1898, False), "Năm âm lịch 1898 nằm ngoài khoảng"),
        ((1, 1, 2101, False), "Năm âm lịch 2101 nằm ngoài khoảng"),
    ],
)
def test_impossible_lunar_dates(args: tuple[int, int, int, bool], message: str) -> None:
    with pytest.raises(LunarDateError, match=message):
        to_solar(*args)


def test_errors_are_value_errors_and_cover_every_lookup() -> None:
    assert issubclass(LunarDateError, ValueError)
    with pytest.raises(LunarDateError):
        leap_month(2101)
    with pytest.raises(LunarDateError):
        month_length(2026, 3, leap=True)
    with pytest.raises(LunarDateError):
        month_length(2026, 13)
    with pytest.raises(TypeError):
        to_lunar(datetime(2026, 4, 26, 8, 0))  # type: ignore[arg-type]


# --- The shipped table --------------------------------------------------------------------


def test_table_is_what_the_generator_writes() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "tools" / "generate_lunar_table.py"), "--output", "-"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    shipped = lunar.DATA_FILE.read_text(encoding="utf-8")
    assert result.stdout == shipped
    assert "Generated by tools/generate_lunar_table.py" in shipped


def _load_generator(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """tools/ is not a package: load the generator from its file, as a throwaway module."""
    path = REPO / "tools" / "generate_lunar_table.py"
    spec = importlib.util.spec_from_file_location("generate_lunar_table", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_same_astronomy_at_utc8_gives_the_chinese_calendar(monkeypatch: pytest.MonkeyPatch) -> None:
    # An independent check of the astronomy and of the leap-month rule: the oracle's Chinese
    # dates (UTC+8) for Tết, 5/5 and 15/8 depend on every new moon and leap month before them.
    generator = _load_generator(monkeypatch)
    monkeypatch.setattr(generator, "TIMEZONE_HOURS", 8)
    monkeypatch.setattr(generator, "NEW_MOON_DAY_PINS", {})  # the pin is a UTC+7 close call
    china = _ChineseLunisolar(CHINESE_CALENDAR)
    wrong = []
    for row in generator.build_rows(1901, 2099):

        def solar(day: int, month: int, row: generator.YearRow = row) -> date:
            index = month - 1 + (0 < row.leap_month < month)
            return row.new_year + timedelta(days=sum(row.lengths[:index]) + day - 1)

        expected = (
            china.lunar_new_year_date(row.year)[0],
            china.dragon_boat_date(row.year)[0],
            china.mid_autumn_date(row.year)[0],
        )
        if (solar(1, 1), solar(5, 5), solar(15, 8)) != expected:
            wrong.append(row.year)
    assert wrong == []
