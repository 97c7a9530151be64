"""How plan values are written and shown: dates (2026-11-15 or 15/11/2026) and times
read from text, a value quoted in a message as the user wrote it, and the "did you
mean" suggestions that problems end with."""

from __future__ import annotations

import calendar
import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date, time
from typing import Any

from content.i18n import _

_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_VN_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_TIME = re.compile(r"(\d{1,2}):(\d{2})")
SHOWN = 200  # characters of a value quoted in a message


def date_example(year: int | None = None) -> str:
    """ "2026-11-15 hoặc 15/11/2026", in `year` when given (a 2027 plan's hints say 2027)."""
    shown = year if year is not None else 2026
    return _("%(year)d-11-15 hoặc 15/11/%(year)d") % {"year": shown}


def parse_date_text(text: str, example_year: int | None = None) -> date:
    """`2026-11-15` or `15/11/2026`; ValueError with a message in the run's language
    otherwise (its example written in `example_year`)."""
    text = text.strip()
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _VN_DATE.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
    else:
        raise ValueError(
            _("'%(text)s' không phải là ngày; viết %(example)s")
            % {"text": text, "example": date_example(example_year)}
        )
    if not 1 <= month <= 12:
        raise ValueError(
            _("ngày '%(text)s' không tồn tại: không có tháng %(month)d")
            % {"text": text, "month": month}
        )
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise ValueError(
            _("ngày '%(text)s' không tồn tại: tháng %(month)d năm %(year)d chỉ có %(last)d ngày")
            % {"text": text, "month": month, "year": year, "last": last}
        )
    return date(year, month, day)


def parse_time_text(text: str) -> time:
    """`07:30`; ValueError with a message in the run's language otherwise."""
    match = _TIME.fullmatch(text.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(
            _("giờ '%(text)s' không hợp lệ; viết giờ:phút từ 00:00 đến 23:59, ví dụ 07:30")
            % {"text": text}
        )
    return time(int(match[1]), int(match[2]))


def suggest_id(text: str) -> str:
    """A valid id close to `text`: 'Văn phòng Sở' -> 'van-phong-so'."""
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(char for char in plain if unicodedata.category(char) != "Mn").lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def closest(word: str, choices: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def suggestion(word: str, choices: Iterable[str]) -> str:
    """ " (có phải ý bạn là 'owners'?)" for a close choice, else nothing."""
    close = closest(word, choices)
    return _(" (có phải ý bạn là '%(word)s'?)") % {"word": close} if close else ""


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def show(value: Any) -> str:
    """A YAML value as the user wrote it, for messages; cut short past SHOWN characters."""
    text = _shown(value)
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


def _shown(value: Any) -> str:
    if value is None:
        return _("(trống)")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{key}: {_shown(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_shown(item) for item in value) + "]"
    return str(value)


def unknown_anniversary(where: str, key: str, known: Iterable[str]) -> str:
    return (
        _("%(where)s: không có ngày kỷ niệm '%(key)s' trong kế hoạch")
        % {"where": where, "key": key}
        + suggestion(key, known)
        + " "
        + _("(xem các mã bằng lệnh: loa calendar NĂM --province TỈNH)")
    )
