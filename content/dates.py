"""Dates as users read them: "Thứ Ba, ngày 03/02/2026", in local time (Asia/Ho_Chi_Minh).

Weekday names come from Babel's CLDR data, so a second locale ("en") works the same way:
"Tuesday, 03/02/2026".
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date
from babel.dates import format_datetime as babel_format_datetime

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_LOCALE = "vi"

# Day and month stay numeric (dd/MM/yyyy) in every locale: that is how the plans write them.
_LONG_DATE = {"vi": "EEEE, 'ngày' dd/MM/yyyy"}
_LONG_DATE_OTHER = "EEEE, dd/MM/yyyy"


def _long_pattern(locale: str | Locale) -> str:
    return _LONG_DATE.get(Locale.parse(locale).language, _LONG_DATE_OTHER)


def to_local(moment: datetime) -> datetime:
    """`moment` in Asia/Ho_Chi_Minh; a naive datetime is refused (its zone is unknown)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: a time zone is required")
    return moment.astimezone(LOCAL_TZ)


def _as_date(day: date) -> date:
    # A datetime is a date too; show the local calendar day it falls on.
    return to_local(day).date() if isinstance(day, datetime) else day


@lru_cache(maxsize=8192)
def _formatted(day: date, pattern: str, locale: str | Locale) -> str:
    # Babel parses the pattern on every call; digests repeat the same few days.
    return format_date(day, pattern, locale=locale)


def weekday_name(day: date, locale: str | Locale = DEFAULT_LOCALE) -> str:
    """ "Thứ Ba" / "Chủ Nhật" (vi), "Tuesday" (en)."""
    return _formatted(_as_date(day), "EEEE", locale)


def format_date_long(day: date, locale: str | Locale = DEFAULT_LOCALE) -> str:
    """ "Thứ Ba, ngày 03/02/2026" (vi), "Tuesday, 03/02/2026" (en)."""
    return _formatted(_as_date(day), _long_pattern(locale), locale)


def format_date_short(day: date, locale: str | Locale = DEFAULT_LOCALE) -> str:
    """ "03/02/2026"."""
    return _formatted(_as_date(day), "dd/MM/yyyy", locale)


def format_day_month(day: date, locale: str | Locale = DEFAULT_LOCALE) -> str:
    """ "03/02"."""
    return _formatted(_as_date(day), "dd/MM", locale)


def format_datetime(moment: datetime, locale: str | Locale = DEFAULT_LOCALE) -> str:
    """ "07:30 Thứ Ba, ngày 03/02/2026", in local time whatever zone `moment` is in."""
    pattern = f"HH:mm {_long_pattern(locale)}"
    return babel_format_datetime(to_local(moment), pattern, tzinfo=LOCAL_TZ, locale=locale)
