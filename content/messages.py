"""What Loa says about items, in every message that lists them: how far a deadline is,
one item's line, who confirmed it and when.

Texts are plain (no markup): each channel adapter escapes them for its platform.
Vietnamese is the source language; `locale` picks a translation (content/i18n.py).
The messages themselves: the digest in `content/digest.py`, the admins' report, alert
and summaries in `content/admin_messages.py`, the suggested posts in `content/posts.py`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

from content.dates import (
    format_date_long,
    format_date_short,
    format_day_month,
    to_local,
    weekday_name,
)
from content.i18n import normalize_locale, translator

# Cooperating entries name at most this many owner units, then "và N đơn vị khác".
OWNERS_SHOWN = 3


def days_phrase(days: int, locale: str = "vi") -> str:
    """`days` = due date minus the day shown: "còn 3 ngày", "hôm nay", "quá hạn 2 ngày"."""
    _ = translator(locale)
    if days == 0:
        return _("hôm nay")
    if days > 0:
        return _.ngettext("còn %(n)d ngày", "còn %(n)d ngày", days) % {"n": days}
    return _.ngettext("quá hạn %(n)d ngày", "quá hạn %(n)d ngày", -days) % {"n": -days}


@lru_cache(maxsize=65536)
def due_phrase(due: date, days: int, locale: str = "vi") -> str:
    """How an item's deadline reads on a day `days` before it (negative: after it):
    "hạn hôm nay", "còn 7 ngày — hạn Thứ Hai, 09/02", "quá hạn 2 ngày (hạn 31/01)"; a
    deadline in another year than that day shows its year ("hạn 23/12/2026")."""
    _ = translator(locale)
    if days == 0:
        return _("hạn hôm nay")
    with_year = due.year != (due - timedelta(days=days)).year
    weekday, day = _weekday_and_day(due, locale, with_year)
    values = {"days": days_phrase(days, locale), "weekday": weekday, "day": day}
    if days > 0:
        return _("%(days)s — hạn %(weekday)s, %(day)s") % values
    return _("%(days)s (hạn %(day)s)") % values


@lru_cache(maxsize=4096)
def _weekday_and_day(due: date, locale: str, with_year: bool) -> tuple[str, str]:
    # Babel takes ~15 µs per call; a year of messages names the same few hundred dates.
    shown = format_date_short(due, locale) if with_year else format_day_month(due, locale)
    return weekday_name(due, locale), shown


@lru_cache(maxsize=4096)
def long_date(day_iso: str, locale: str) -> str:
    return format_date_long(date.fromisoformat(day_iso), locale)


def done_phrase(who: str, when: datetime, locale: str, *, not_applicable: bool = False) -> str:
    """ "đã xong (Lan, 09:15 03/03)", or for an optional item "không phát sinh (…)"."""
    _ = translator(locale)
    moment = to_local(when)
    values = {"time": f"{moment:%H:%M}", "day": format_day_month(moment.date(), locale)}
    if not_applicable:
        if who:
            return _("không phát sinh (%(who)s, %(time)s %(day)s)") % {**values, "who": who}
        return _("không phát sinh (%(time)s %(day)s)") % values
    if who:
        return _("đã xong (%(who)s, %(time)s %(day)s)") % {**values, "who": who}
    return _("đã xong (%(time)s %(day)s)") % values


@lru_cache(maxsize=131072)
def item_body(title: str, due_iso: str, days: int, locale: str) -> str:
    # Hundreds of units list the same task on the same day: the text is made once.
    return f"{title} — {due_phrase(date.fromisoformat(due_iso), days, locale)}"


def prefix(n: int | None) -> str:
    return "•" if n is None else f"{n}."


def format_item_line(
    n: int | None,
    title: str,
    due: date,
    days: int,
    locale: str = "vi",
    *,
    done: tuple[str, datetime] | None = None,
    not_applicable: bool = False,
) -> str:
    """One item as a digest lists it.

    Numbered when the unit must confirm it ("2. Báo cáo … — hạn hôm nay"), a bullet when
    it is only for information (n is None); `done` = (who, when) marks it confirmed (as
    "không phát sinh" with `not_applicable`).
    """
    if done is not None:
        mark = "➖" if not_applicable else "✅"
        phrase = done_phrase(done[0], done[1], locale, not_applicable=not_applicable)
        return f"{prefix(n)} {mark} {title} — {phrase}"
    return f"{prefix(n)} {item_body(title, due.isoformat(), days, normalize_locale(locale))}"
