"""Generate `content/data/lunar_months.txt`, the Vietnamese lunar calendar table (dev only).

The runtime (`content/lunar.py`) only reads the table this script writes; nothing here is
imported by the bot. The calendar is computed from the astronomy, after Jean Meeus,
*Astronomical Algorithms* (2nd ed.):

* new moons: mean phase plus the periodic and planetary corrections of chapter 49, converted
  from dynamical time to UT with Delta T (Espenak & Meeus polynomials);
* apparent solar longitude: chapter 25, higher accuracy (truncated VSOP87D series of appendix
  III, FK5 correction, nutation, aberration);
* Vietnamese rules, local time UTC+7: a month starts on the local day of a new moon; month 11
  contains the winter solstice; when 13 months lie between two month-11 starts, the first
  month after month 11 that contains no major solar term (solar longitude a multiple of 30°)
  is the leap month and takes the number of the month before it.

Lunar year Y is the one whose month 1 starts in solar year Y. Usage:

    python tools/generate_lunar_table.py                  # rewrite the shipped table
    python tools/generate_lunar_table.py --output -       # print it instead
    python tools/generate_lunar_table.py --margins 10     # closest calls, to judge precision
"""

from __future__ import annotations

import argparse
import itertools
import math
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

FIRST_LUNAR_YEAR = 1899  # its months 11-12 cover January 1900
LAST_LUNAR_YEAR = 2100  # its months 11-12 cover December 2100
TIMEZONE_HOURS = 7  # Vietnam: meridian 105° E
DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "content" / "data" / "lunar_months.txt"

SYNODIC_MONTH = 29.530588861
JDN_OF_ORDINAL_ZERO = 1721425  # Julian Day Number of date.fromordinal(1) is 1721426
J2000 = 2451545.0

# Meeus table 49.A, new moon column: (coefficient, power of E, multiples of M, M', F, Omega).
NEW_MOON_TERMS: tuple[tuple[float, int, int, int, int, int], ...] = (
    (-0.40720, 0, 0, 1, 0, 0),
    (0.17241, 1, 1, 0, 0, 0),
    (0.01608, 0, 0, 2, 0, 0),
    (0.01039, 0, 0, 0, 2, 0),
    (0.00739, 1, -1, 1, 0, 0),
    (-0.00514, 1, 1, 1, 0, 0),
    (0.00208, 2, 2, 0, 0, 0),
    (-0.00111, 0, 0, 1, -2, 0),
    (-0.00057, 0, 0, 1, 2, 0),
    (0.00056, 1, 1, 2, 0, 0),
    (-0.00042, 0, 0, 3, 0, 0),
    (0.00042, 1, 1, 0, 2, 0),
    (0.00038, 1, 1, 0, -2, 0),
    (-0.00024, 1, -1, 2, 0, 0),
    (-0.00017, 0, 0, 0, 0, 1),
    (-0.00007, 0, 2, 1, 0, 0),
    (0.00004, 0, 0, 2, -2, 0),
    (0.00004, 0, 3, 0, 0, 0),
    (0.00003, 0, 1, 1, -2, 0),
    (0.00003, 0, 0, 2, 2, 0),
    (-0.00003, 0, 1, 1, 2, 0),
    (0.00003, 0, -1, 1, 2, 0),
    (-0.00002, 0, -1, 1, -2, 0),
    (-0.00002, 0, 1, 3, 0, 0),
    (0.00002, 0, 0, 4, 0, 0),
)

# Meeus chapter 49, planetary arguments A1..A14: (constant, rate per lunation k, amplitude).
# A1 also has a T^2 term, added in new_moon_jde.
PLANETARY_TERMS: tuple[tuple[float, float, float], ...] = (
    (299.77, 0.107408, 0.000325),
    (251.88, 0.016321, 0.000165),
    (251.83, 26.651886, 0.000164),
    (349.42, 36.412478, 0.000126),
    (84.66, 18.206239, 0.000110),
    (141.74, 53.303771, 0.000062),
    (207.14, 2.453732, 0.000060),
    (154.84, 7.306860, 0.000056),
    (34.52, 27.261239, 0.000047),
    (207.19, 0.121824, 0.000042),
    (291.34, 1.844379, 0.000040),
    (161.72, 24.198154, 0.000037),
    (239.56, 25.513099, 0.000035),
    (331.55, 3.592518, 0.000023),
)


# Meeus appendix III, truncated VSOP87D series for the Earth's heliocentric longitude, L0..L5:
# terms (A, B, C) of A * cos(B + C * tau), tau in Julian millennia from J2000, unit 1e-8 rad.
# fmt: off
EARTH_LONGITUDE_SERIES: tuple[tuple[tuple[float, float, float], ...], ...] = (
    (
        (175347046, 0, 0), (3341656, 4.6692568, 6283.0758500), (34894, 4.62610, 12566.15170),
        (3497, 2.7441, 5753.3849), (3418, 2.8289, 3.5231), (3136, 3.6277, 77713.7715),
        (2676, 4.4181, 7860.4194), (2343, 6.1352, 3930.2097), (1324, 0.7425, 11506.7698),
        (1273, 2.0371, 529.6910), (1199, 1.1096, 1577.3435), (990, 5.233, 5884.927),
        (902, 2.045, 26.298), (857, 3.508, 398.149), (780, 1.179, 5223.694),
        (753, 2.533, 5507.553), (505, 4.583, 18849.228), (492, 4.205, 775.523),
        (357, 2.920, 0.067), (317, 5.849, 11790.629), (284, 1.899, 796.298),
        (271, 0.315, 10977.079), (243, 0.345, 5486.778), (206, 4.806, 2544.314),
        (205, 1.869, 5573.143), (202, 2.458, 6069.777), (156, 0.833, 213.299),
        (132, 3.411, 2942.463), (126, 1.083, 20.775), (115, 0.645, 0.980),
        (103, 0.636, 4694.003), (102, 0.976, 15720.839), (102, 4.267, 7.114),
        (99, 6.21, 2146.17), (98, 0.68, 155.42), (86, 5.98, 161000.69), (85, 1.30, 6275.96),
        (85, 3.67, 71430.70), (80, 1.81, 17260.15), (79, 3.04, 12036.46), (75, 1.76, 5088.63),
        (74, 3.50, 3154.69), (74, 4.68, 801.82), (70, 0.83, 9437.76), (62, 3.98, 8827.39),
        (61, 1.82, 7084.90), (57, 2.78, 6286.60), (56, 4.39, 14143.50), (56, 3.47, 6279.55),
        (52, 0.19, 12139.55), (52, 1.33, 1748.02), (51, 0.28, 5856.48), (49, 0.49, 1194.45),
        (41, 5.37, 8429.24), (41, 2.40, 19651.05), (39, 6.17, 10447.39), (37, 6.04, 10213.29),
        (37, 2.57, 1059.38), (36, 1.71, 2352.87), (36, 1.78, 6812.77), (33, 0.59, 17789.85),
        (30, 0.44, 83996.85), (30, 2.74, 1349.87), (25, 3.16, 4690.48),
    ),
    (
        (628331966747, 0, 0), (206059, 2.678235, 6283.075850), (4303, 2.6351, 12566.1517),
        (425, 1.590, 3.523), (119, 5.796, 26.298), (109, 2.966, 1577.344),
        (93, 2.59, 18849.23), (72, 1.14, 529.69), (68, 1.87, 398.15), (67, 4.41, 5507.55),
        (59, 2.89, 5223.69), (56, 2.17, 155.42), (45, 0.40, 796.30), (36, 0.47, 775.52),
        (29, 2.65, 7.11), (21, 5.34, 0.98), (19, 1.85, 5486.78), (19, 4.97, 213.30),
        (17, 2.99, 6275.96), (16, 0.03, 2544.31), (16, 1.43, 2146.17), (15, 1.21, 10977.08),
        (12, 2.83, 1748.02), (12, 3.26, 5088.63), (12, 5.27, 1194.45), (12, 2.08, 4694.00),
        (11, 0.77, 553.57), (10, 1.30, 6286.60), (10, 4.24, 1349.87), (9, 2.70, 242.73),
        (9, 5.64, 951.72), (8, 5.30, 2352.87), (6, 2.65, 9437.76), (6, 4.67, 4690.48),
    ),
    (
        (52919, 0, 0), (8720, 1.0721, 6283.0758), (309, 0.867, 12566.152), (27, 0.05, 3.52),
        (16, 5.19, 26.30), (16, 3.68, 155.42), (10, 0.76, 18849.23), (9, 2.06, 77713.77),
        (7, 0.83, 775.52), (5, 4.66, 1577.34), (4, 1.03, 7.11), (4, 3.44, 5573.14),
        (3, 5.14, 796.30), (3, 6.05, 5507.55), (3, 1.19, 242.73), (3, 6.12, 529.69),
        (3, 0.31, 398.15), (3, 2.28, 553.57), (2, 4.38, 5223.69), (2, 3.75, 0.98),
    ),
    (
        (289, 5.844, 6283.076), (35, 0, 0), (17, 5.49, 12566.15), (3, 5.20, 155.42),
        (1, 4.72, 3.52), (1, 5.30, 18849.23), (1, 5.97, 242.73),
    ),
    ((114, 3.142, 0), (8, 4.13, 6283.08), (1, 3.84, 12566.15)),
    ((1, 3.14, 0),),
)
# fmt: on

# Chapter 49 is good to about 20 seconds: against JPL DE421 over 1900-2053 its new moons (TT)
# are off by 5 s (standard deviation), -15 s and +17 s at worst. A new moon it puts closer than
# that to local midnight was settled with DE421 and its day is pinned here (lunation k: day);
# new_moon_day refuses a pin that is not such a close call. The one case up to 2053: k = -402,
# 23:59:58 on 7 July 1967 by Meeus, 00:00:04 on 8 July by DE421. Later close calls (--margins)
# lie beyond DE421 and hinge on the future Delta T, itself uncertain by a minute or more, so
# they keep the computed day.
MEEUS_NEW_MOON_ERROR_SECONDS = 20
NEW_MOON_DAY_PINS: dict[int, date] = {-402: date(1967, 7, 8)}


def delta_t_seconds(year: float) -> float:
    """TT - UT in seconds (Espenak & Meeus polynomials, valid 1860-2150)."""
    if year < 1900:
        t = year - 1860
        return (
            7.62
            + 0.5737 * t
            - 0.251754 * t**2
            + 0.01680668 * t**3
            - 0.0004473624 * t**4
            + t**5 / 233174
        )
    if year < 1920:
        t = year - 1900
        return -2.79 + 1.494119 * t - 0.0598939 * t**2 + 0.0061966 * t**3 - 0.000197 * t**4
    if year < 1941:
        t = year - 1920
        return 21.20 + 0.84493 * t - 0.076100 * t**2 + 0.0020936 * t**3
    if year < 1961:
        t = year - 1950
        return 29.07 + 0.407 * t - t**2 / 233 + t**3 / 2547
    if year < 1986:
        t = year - 1975
        return 45.45 + 1.067 * t - t**2 / 260 - t**3 / 718
    if year < 2005:
        t = year - 2000
        return (
            63.86
            + 0.3345 * t
            - 0.060374 * t**2
            + 0.0017275 * t**3
            + 0.000651814 * t**4
            + 0.00002373599 * t**5
        )
    if year < 2050:
        t = year - 2000
        return 62.92 + 0.32217 * t + 0.005589 * t**2
    return -20 + 32 * ((year - 1820) / 100) ** 2 - 0.5628 * (2150 - year)


def delta_t_days(jd: float) -> float:
    return delta_t_seconds(2000 + (jd - J2000) / 365.25) / 86400


def new_moon_jde(k: int) -> float:
    """Julian Ephemeris Day (TT) of the true new moon of lunation k (k = 0: 6 January 2000)."""
    t = k / 1236.85
    jde = (
        2451550.09766
        + SYNODIC_MONTH * k
        + 0.00015437 * t**2
        - 0.000000150 * t**3
        + 0.00000000073 * t**4
    )
    e = 1 - 0.002516 * t - 0.0000074 * t**2
    sun_anomaly = math.radians(2.5534 + 29.10535670 * k - 0.0000014 * t**2 - 0.00000011 * t**3)
    moon_anomaly = math.radians(
        201.5643 + 385.81693528 * k + 0.0107582 * t**2 + 0.00001238 * t**3 - 0.000000058 * t**4
    )
    latitude_argument = math.radians(
        160.7108 + 390.67050284 * k - 0.0016118 * t**2 - 0.00000227 * t**3 + 0.000000011 * t**4
    )
    node = math.radians(124.7746 - 1.56375588 * k + 0.0020672 * t**2 + 0.00000215 * t**3)
    for coefficient, e_power, m, m_prime, f, omega in NEW_MOON_TERMS:
        angle = m * sun_anomaly + m_prime * moon_anomaly + f * latitude_argument + omega * node
        jde += coefficient * e**e_power * math.sin(angle)
    for index, (constant, rate, amplitude) in enumerate(PLANETARY_TERMS):
        argument = constant + rate * k - (0.009173 * t**2 if index == 0 else 0.0)
        jde += amplitude * math.sin(math.radians(argument))
    return jde


def local_day(jd_ut: float) -> int:
    """Julian Day Number of the UTC+7 civil day holding the instant jd_ut."""
    return math.floor(jd_ut + 0.5 + TIMEZONE_HOURS / 24)


def new_moon_day(k: int) -> int:
    """Julian Day Number of the UTC+7 day of new moon k, with NEW_MOON_DAY_PINS applied."""
    jde = new_moon_jde(k)
    jd_ut = jde - delta_t_days(jde)
    pinned = NEW_MOON_DAY_PINS.get(k)
    if pinned is None:
        return local_day(jd_ut)
    local = jd_ut + 0.5 + TIMEZONE_HOURS / 24
    if abs(local - round(local)) * 86400 > MEEUS_NEW_MOON_ERROR_SECONDS:
        raise AssertionError(f"pinned new moon {k} is no longer a close call")
    return date_to_jdn(pinned)


def _series(terms: tuple[tuple[float, float, float], ...], tau: float) -> float:
    return sum(a * math.cos(b + c * tau) for a, b, c in terms)


def apparent_solar_longitude(jde: float) -> float:
    """Apparent geocentric longitude of the Sun in degrees, 0 <= L < 360.

    Meeus chapter 25, "higher accuracy": the Earth's heliocentric longitude from the truncated
    VSOP87D series, turned around to the Sun, corrected to FK5, plus nutation in longitude
    (chapter 22, short form) and annual aberration.
    """
    tau = (jde - J2000) / 365250  # Julian millennia
    longitude = 0.0
    for series in reversed(EARTH_LONGITUDE_SERIES):
        longitude = longitude * tau + _series(series, tau)
    geocentric = math.degrees(longitude / 1e8) + 180
    t = tau * 10  # Julian centuries
    node = math.radians(125.04452 - 1934.136261 * t + 0.0020708 * t**2 + t**3 / 450000)
    sun_mean = math.radians(280.4665 + 36000.7698 * t)
    moon_mean = math.radians(218.3165 + 481267.8813 * t)
    nutation = (
        -17.20 * math.sin(node)
        - 1.32 * math.sin(2 * sun_mean)
        - 0.23 * math.sin(2 * moon_mean)
        + 0.21 * math.sin(2 * node)
    )
    anomaly = math.radians(357.52911 + 35999.05029 * t)
    distance = 1.00014 - 0.01671 * math.cos(anomaly) - 0.00014 * math.cos(2 * anomaly)
    fk5 = -0.09033
    aberration = -20.4898 / distance
    return (geocentric + (fk5 + nutation + aberration) / 3600) % 360


def local_midnight_jd_ut(jdn: int) -> float:
    """The instant (JD, UT) at which the UTC+7 civil day jdn begins."""
    return jdn - 0.5 - TIMEZONE_HOURS / 24


def longitude_at_day_start(jdn: int) -> float:
    jd_ut = local_midnight_jd_ut(jdn)
    return apparent_solar_longitude(jd_ut + delta_t_days(jd_ut))


@dataclass(frozen=True)
class LunarMonth:
    start: int  # Julian Day Number of day 1
    year: int
    month: int
    leap: bool


def jdn_to_date(jdn: int) -> date:
    return date.fromordinal(jdn - JDN_OF_ORDINAL_ZERO)


def date_to_jdn(day: date) -> int:
    return day.toordinal() + JDN_OF_ORDINAL_ZERO


def lunation_number(day: date) -> int:
    """The lunation k whose mean new moon is nearest to the given date."""
    return round((date_to_jdn(day) - 2451550.09766) / SYNODIC_MONTH)


def month_starts(first: date, last: date) -> list[int]:
    """Local day (JDN) of every new moon from shortly before `first` to shortly after `last`."""
    return [new_moon_day(k) for k in range(lunation_number(first) - 1, lunation_number(last) + 2)]


def major_term_crossings(starts: Sequence[int]) -> list[list[int]]:
    """For each month but the last, the 30° sectors of solar longitude it enters.

    Sector s begins at the major solar term of longitude 30*s; sector 9 begins at the winter
    solstice (270°). A month that enters no sector contains no major term.
    """
    sectors = [math.floor(longitude_at_day_start(start) / 30) for start in starts]
    crossings = []
    for here, there in itertools.pairwise(sectors):
        steps = (there - here) % 12
        crossings.append([(here + step) % 12 for step in range(1, steps + 1)])
    return crossings


def number_months(starts: Sequence[int]) -> Iterator[LunarMonth]:
    """Number the months lying between the first and the last month 11 found in `starts`."""
    crossings = major_term_crossings(starts)
    elevenths = [index for index, entered in enumerate(crossings) if 9 in entered]
    for first, following in itertools.pairwise(elevenths):
        count = following - first
        if count not in (12, 13):
            raise AssertionError(f"{count} months between month-11 starts at JDN {starts[first]}")
        leap_index = None
        if count == 13:
            leap_index = next((i for i in range(first + 1, following) if not crossings[i]), None)
            if leap_index is None:
                raise AssertionError(f"13 months without a leap month from JDN {starts[first]}")
        year = jdn_to_date(starts[first]).year
        month = 11
        yield LunarMonth(starts[first], year, month, False)
        for index in range(first + 1, following):
            leap = index == leap_index
            if not leap:
                month = month % 12 + 1
                if month == 1:
                    year += 1
            yield LunarMonth(starts[index], year, month, leap)


@dataclass(frozen=True)
class YearRow:
    year: int
    new_year: date
    lengths: tuple[int, ...]
    leap_month: int  # 0 when the year has no leap month

    def render(self) -> str:
        bits = "".join("1" if length == 30 else "0" for length in self.lengths)
        return f"{self.year} {self.new_year.isoformat()} {bits} {self.leap_month}"


def build_rows(
    first_year: int = FIRST_LUNAR_YEAR, last_year: int = LAST_LUNAR_YEAR
) -> list[YearRow]:
    # Margins: month 11 of first_year - 1 and month 1 of last_year + 1 must be found.
    starts = month_starts(date(first_year - 1, 10, 1), date(last_year + 2, 3, 1))
    months = list(number_months(starts))
    rows = []
    for year in range(first_year, last_year + 1):
        indices = [i for i, m in enumerate(months) if m.year == year]
        if months[indices[0]].month != 1 or indices[-1] + 1 >= len(months):
            raise AssertionError(f"lunar year {year} is not fully covered")
        lengths = tuple(months[i + 1].start - months[i].start for i in indices)
        leap = next((months[i].month for i in indices if months[i].leap), 0)
        rows.append(YearRow(year, jdn_to_date(months[indices[0]].start), lengths, leap))
    return rows


HEADER = """\
# Vietnamese lunar calendar (âm lịch, UTC+7), lunar years {first}-{last}.
# Generated by tools/generate_lunar_table.py from the astronomy (Meeus, Astronomical
# Algorithms: true new moons, chapter 49, with Delta T; apparent solar longitude, chapter 25
# with VSOP87). New moon of 8 July 1967 (2 s from midnight) settled with JPL DE421.
# Do not edit by hand: re-run the generator.
# One line per lunar year: YEAR TET LENGTHS LEAP
#   YEAR     lunar year (its month 1 starts in this solar year)
#   TET      solar date of 1/1 (Tết Nguyên Đán), ISO format
#   LENGTHS  one digit per month in calendar order, leap month in its place: 1 = 30 days, 0 = 29
#   LEAP     number of the leap month (it follows the ordinary month of that number), 0 = none
"""


def render_table(rows: Sequence[YearRow]) -> str:
    header = HEADER.format(first=rows[0].year, last=rows[-1].year)
    return header + "".join(row.render() + "\n" for row in rows)


def closest_calls(count: int) -> list[str]:
    """The new moons and major terms nearest to a local midnight, where precision decides."""
    first, last = date(FIRST_LUNAR_YEAR - 1, 10, 1), date(LAST_LUNAR_YEAR + 2, 3, 1)
    calls: list[tuple[float, str]] = []
    for k in range(lunation_number(first) - 1, lunation_number(last) + 2):
        jde = new_moon_jde(k)
        local = jde - delta_t_days(jde) + 0.5 + TIMEZONE_HOURS / 24
        seconds = (local - round(local)) * 86400
        pinned = " (pinned)" if k in NEW_MOON_DAY_PINS else ""
        calls.append(
            (
                abs(seconds),
                f"new moon {k}: {seconds:+5.0f} s from the start of "
                f"{jdn_to_date(round(local))}{pinned}",
            )
        )
    for start in month_starts(first, last):
        longitude = longitude_at_day_start(start)
        term = round(longitude / 30) * 30 % 360
        seconds = -((longitude + 15) % 30 - 15) / 360 * 365.2422 * 86400
        calls.append(
            (
                abs(seconds),
                f"major term {term:3d}°: {seconds:+5.0f} s from the start of "
                f"{jdn_to_date(start)} (a month start)",
            )
        )
    calls.sort()
    return [text for _, text in calls[:count]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--output", default=str(DEFAULT_OUTPUT), help="file to write, or - for stdout"
    )
    parser.add_argument(
        "--margins", type=int, metavar="N", help="print the N closest calls instead"
    )
    args = parser.parse_args(argv)
    if args.margins:
        print("\n".join(closest_calls(args.margins)))
        return 0
    text = render_table(build_rows())
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
