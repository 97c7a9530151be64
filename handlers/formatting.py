"""Small pieces of reply text shared by several handlers (times, number lists)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from content.dates import format_day_month, to_local
from content.i18n import Translator


def clock_time(moment: datetime, today: date | None = None) -> str:
    """ "08:12" today, "08:12 03/02" on another day (local time)."""
    local = to_local(moment)
    text = local.strftime("%H:%M")
    if today is not None and local.date() != today:
        text += " " + format_day_month(local.date())
    return text


def number_list(numbers: Sequence[int], _: Translator) -> str:
    """ "2", "1 và 3", "1, 2 và 3"."""
    shown = [str(number) for number in numbers]
    if len(shown) <= 1:
        return "".join(shown)
    return _("%(items)s và %(last)s") % {"items": ", ".join(shown[:-1]), "last": shown[-1]}


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word and marked with "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return cut.rstrip(",;:") + "…"
