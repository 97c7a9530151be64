"""Dates as users read them, in Vietnamese (and English as a second locale)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from content.dates import (
    LOCAL_TZ,
    format_date_long,
    format_date_short,
    format_datetime,
    format_day_month,
    to_local,
    weekday_name,
)


def test_long_date_in_vietnamese() -> None:
    assert format_date_long(date(2026, 2, 3)) == "Thứ Ba, ngày 03/02/2026"
    assert format_date_long(date(2026, 2, 8)) == "Chủ Nhật, ngày 08/02/2026"
    assert format_date_long(date(2026, 9, 2)) == "Thứ Tư, ngày 02/09/2026"


def test_every_weekday_has_its_vietnamese_name() -> None:
    monday = date(2026, 2, 2)
    names = [weekday_name(monday + timedelta(days=i)) for i in range(7)]
    assert names == ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"]


def test_short_forms() -> None:
    assert format_date_short(date(2026, 2, 3)) == "03/02/2026"
    assert format_day_month(date(2026, 2, 3)) == "03/02"
    assert format_date_short(date(2026, 11, 15), locale="en") == "15/11/2026"


def test_english_is_a_second_locale() -> None:
    assert format_date_long(date(2026, 2, 3), locale="en") == "Tuesday, 03/02/2026"
    assert weekday_name(date(2026, 2, 8), locale="en") == "Sunday"
    moment = datetime(2026, 2, 3, 7, 30, tzinfo=LOCAL_TZ)
    assert format_datetime(moment, locale="en") == "07:30 Tuesday, 03/02/2026"


def test_datetime_is_shown_in_local_time() -> None:
    assert format_datetime(datetime(2026, 2, 3, 7, 30, tzinfo=LOCAL_TZ)) == (
        "07:30 Thứ Ba, ngày 03/02/2026"
    )
    # 00:30 UTC is 07:30 in Hà Nội; 17:30 UTC on the 2nd is already the 3rd there.
    assert format_datetime(datetime(2026, 2, 3, 0, 30, tzinfo=UTC)) == (
        "07:30 Thứ Ba, ngày 03/02/2026"
    )
    assert format_datetime(datetime(2026, 2, 2, 17, 30, tzinfo=UTC)) == (
        "00:30 Thứ Ba, ngày 03/02/2026"
    )
    tokyo = timezone(timedelta(hours=9))
    assert format_datetime(datetime(2026, 2, 3, 9, 30, tzinfo=tokyo)) == (
        "07:30 Thứ Ba, ngày 03/02/2026"
    )


def test_an_aware_datetime_is_shown_as_its_local_day() -> None:
    late_utc = datetime(2026, 2, 2, 18, 0, tzinfo=UTC)
    assert format_date_long(late_utc) == "Thứ Ba, ngày 03/02/2026"
    assert format_date_short(late_utc) == "03/02/2026"


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        format_datetime(datetime(2026, 2, 3, 7, 30))
    with pytest.raises(ValueError, match="time zone"):
        to_local(datetime(2026, 2, 3, 7, 30))


def test_local_zone_is_ho_chi_minh_city() -> None:
    assert str(LOCAL_TZ) == "Asia/Ho_Chi_Minh"
    assert to_local(datetime(2026, 1, 1, tzinfo=UTC)).utcoffset() == timedelta(hours=7)
