"""What Loa says: the daily digest, the suggested post, the escalation to admins.

Texts are plain (no markup): each channel adapter escapes them for its platform.
Vietnamese is the source language; `locale` picks a translation (content/i18n.py).

A digest's payload (its shape: scheduler/planner.py) and its text are built together by
`DigestBuilder`; `render_digest_from_payload` replays a stored payload through the same
builder, so the digest edited after a confirmation reads exactly like the one sent, with
✅ marks. The digest is assembled in Python rather than Jinja2: a year of a 1,000-unit
plan is ~200,000 digests, and a Jinja2 render alone costs ~15 µs. The escalation is
prose and uses a Jinja2 template in `content/templates/`; the suggested posts are
`content/posts.py`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache

from content.buttons import confirm_button
from content.channels import command_text, traits
from content.contacts import with_contacts
from content.dates import (
    format_date_long,
    format_day_month,
    to_local,
    weekday_name,
)
from content.i18n import normalize_locale, translator
from content.payloads import (
    ButtonRows,
    DigestEntry,
    DigestPayload,
    EscalationEntry,
    EscalationPayload,
    Section,
)
from content.templating import environment, tidy

SECTIONS = ("overdue", "today", "upcoming", "cooperating")
BUTTONS_PER_ROW = 4
# Cooperating entries name at most this many owner units, then "và N đơn vị khác".
OWNERS_SHOWN = 3


# --- shared phrases ----------------------------------------------------------------------


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
    "hạn hôm nay", "còn 7 ngày — hạn Thứ Hai, 09/02", "quá hạn 2 ngày (hạn 31/01)"."""
    _ = translator(locale)
    if days == 0:
        return _("hạn hôm nay")
    weekday, day = _weekday_and_day(due, locale)
    values = {"days": days_phrase(days, locale), "weekday": weekday, "day": day}
    if days > 0:
        return _("%(days)s — hạn %(weekday)s, %(day)s") % values
    return _("%(days)s (hạn %(day)s)") % values


@lru_cache(maxsize=4096)
def _weekday_and_day(due: date, locale: str) -> tuple[str, str]:
    # Babel takes ~15 µs per call; a year of messages names the same few hundred dates.
    return weekday_name(due, locale), format_day_month(due, locale)


@lru_cache(maxsize=4096)
def _long_date(day_iso: str, locale: str) -> str:
    return format_date_long(date.fromisoformat(day_iso), locale)


def _done_phrase(who: str, when: datetime, locale: str) -> str:
    _ = translator(locale)
    moment = to_local(when)
    values = {"time": f"{moment:%H:%M}", "day": format_day_month(moment.date(), locale)}
    if who:
        return _("đã xong (%(who)s, %(time)s %(day)s)") % {**values, "who": who}
    return _("đã xong (%(time)s %(day)s)") % values


@lru_cache(maxsize=131072)
def _item_body(title: str, due_iso: str, days: int, locale: str) -> str:
    # Hundreds of units list the same task on the same day: the text is made once.
    return f"{title} — {due_phrase(date.fromisoformat(due_iso), days, locale)}"


def _prefix(n: int | None) -> str:
    return "•" if n is None else f"{n}."


def format_item_line(
    n: int | None,
    title: str,
    due: date,
    days: int,
    locale: str = "vi",
    *,
    done: tuple[str, datetime] | None = None,
) -> str:
    """One item as a digest lists it.

    Numbered when the unit must confirm it ("2. Báo cáo … — hạn hôm nay"), a bullet when
    it is only for information (n is None); `done` = (who, when) marks it confirmed.
    """
    if done is not None:
        return f"{_prefix(n)} ✅ {title} — {_done_phrase(done[0], done[1], locale)}"
    return f"{_prefix(n)} {_item_body(title, due.isoformat(), days, normalize_locale(locale))}"


# --- the daily digest --------------------------------------------------------------------


@lru_cache(maxsize=256)
def _button(n: int) -> tuple[str, str]:
    button = confirm_button(n)
    return button.label, button.data


def digest_buttons(
    entries: Sequence[DigestEntry], confirmed: Sequence[str] | set[str] = ()
) -> ButtonRows:
    """Telegram buttons for the numbered entries not yet confirmed: rows of
    [["✅ 1", "ok:1"], ...], at most BUTTONS_PER_ROW per row."""
    done = set(confirmed)
    buttons = [
        list(_button(entry["n"]))
        for entry in entries
        if entry["n"] is not None and (not done or entry["key"] not in done)
    ]
    return [buttons[i : i + BUTTONS_PER_ROW] for i in range(0, len(buttons), BUTTONS_PER_ROW)]


@lru_cache(maxsize=16)
def _digest_words(locale: str) -> dict[str, str]:
    """The fixed phrases of a digest in one locale (looked up once, used 365 × units times)."""
    _ = translator(locale)
    return {
        "overdue": _("⏰ Quá hạn"),
        "today": _("📌 Hôm nay"),
        "upcoming": _("🗓 Sắp tới"),
        "cooperating": _("👥 Phối hợp (để biết)"),
        "header": _("🔔 NHẮC VIỆC — %(unit)s"),
        "all_done": _("✅ Đơn vị đã xong tất cả việc trong tin này. Cảm ơn!"),
        "for_information": _("Tin này để biết, không cần xác nhận."),
    }


def _owners_note(entry: DigestEntry, locale: str) -> str:
    names = entry.get("owners") or ()
    if not names:
        return ""
    return _owners_phrase(tuple(names), int(entry.get("owners_total") or len(names)), locale)


@lru_cache(maxsize=4096)
def _owners_phrase(names: tuple[str, ...], total: int, locale: str) -> str:
    _ = translator(locale)
    shown = ", ".join(names)
    others = total - len(names)
    if others > 0:
        shown = _.ngettext(
            "%(names)s và %(n)d đơn vị khác", "%(names)s và %(n)d đơn vị khác", others
        ) % {"names": shown, "n": others}
    return " " + _("(chủ trì: %(units)s)") % {"units": shown}


@lru_cache(maxsize=1024)
def _more_overdue(count: int, first: int, locale: str, channel: str | None) -> str:
    """ "… và 3 việc quá hạn khác (số 6 đến 8)": counted items keep numbers after the
    listed ones, so a reply "xong 7" confirms one of them (scheduler/planner.py)."""
    _ = translator(locale)
    if count == 1:
        numbers = str(first)
    elif count == 2:
        numbers = _("%(items)s và %(last)s") % {"items": first, "last": first + 1}
    else:
        numbers = _("%(first)d đến %(last)d") % {"first": first, "last": first + count - 1}
    return _.ngettext(
        "… và %(n)d việc quá hạn khác (số %(numbers)s): xem bằng lệnh %(command)s",
        "… và %(n)d việc quá hạn khác (số %(numbers)s): xem bằng lệnh %(command)s",
        count,
    ) % {"n": count, "numbers": numbers, "command": command_text(traits(channel), "/nhiemvu")}


@lru_cache(maxsize=1024)
def _footer(channel: str | None, first: int, second: int | None, locale: str) -> str:
    """How to confirm, for the channel: with buttons, a tap; where the bot only sees
    messages that quote it, a quote; elsewhere a reply or the command."""
    _ = translator(locale)
    values = {"n": first, "m": second if second is not None else first}
    how = traits(channel)
    if how.buttons:
        return (
            _(
                "Bấm ✅ dưới việc đã xong, hoặc trả lời tin này: "
                "xong %(n)d (kèm link/ảnh minh chứng)"
            )
            % values
        )
    if how.reply_reference == "quote":
        if second is None:
            return _("Trả lời (trích dẫn) tin này: xong %(n)d") % values
        return _("Trả lời (trích dẫn) tin này: xong %(n)d — nhiều việc: xong %(n)d %(m)d") % values
    if how.group_commands == "mention":
        return _("Trả lời tin này: xong %(n)d (kèm link/ảnh minh chứng)") % values
    return _("Trả lời tin này: xong %(n)d (kèm link/ảnh minh chứng), hoặc gõ /xong %(n)d") % values


class DigestBuilder:
    """One digest's payload entries and its text, built in a single pass.

    The planner adds items as it numbers them; `render_digest_from_payload` replays
    stored entries through the same builder, so a digest re-rendered after a
    confirmation reads exactly like the one sent, only with ✅ marks.
    """

    __slots__ = ("_lines", "_words", "entries", "highest", "locale", "numbered", "open_numbers")

    def __init__(self, locale: str = "vi") -> None:
        self.locale = normalize_locale(locale)
        self._words = _digest_words(self.locale)
        self.entries: list[DigestEntry] = []
        self._lines: dict[str, list[str]] = {section: [] for section in SECTIONS}
        self.open_numbers: list[int] = []
        self.numbered = False
        self.highest = 0  # the last number given: counted overdue items follow it

    def add(
        self,
        n: int | None,
        key: str,
        task_id: str,
        title: str,
        due: str,
        section: Section,
        days: int,
        owners: list[str] | None = None,
        owners_total: int = 0,
    ) -> None:
        """Add an item; `due` is ISO, `days` = due minus the digest's date; owners (names
        of the owner units) are for cooperating entries, which have no number."""
        # The planner calls this for every entry of a year of digests: keep it flat.
        entry: DigestEntry = {
            "n": n,
            "key": key,
            "task_id": task_id,
            "title": title,
            "due": due,
            "section": section,
            "days": days,
        }
        body = _item_body(title, due, days, self.locale)
        if n is None:
            if owners is not None:
                entry["owners"] = owners
                entry["owners_total"] = owners_total
            line = f"• {body}{_owners_note(entry, self.locale)}"
        else:
            line = f"{n}. {body}"
            self.open_numbers.append(n)
            self.numbered = True
            self.highest = max(self.highest, n)
        self.entries.append(entry)
        self._lines[section].append(line)

    def add_entry(self, entry: DigestEntry, done: tuple[str, datetime] | None = None) -> None:
        """Add a stored payload entry; `done` = (who, when) marks it ✅."""
        if done is None:
            self.add(
                entry["n"],
                entry["key"],
                entry["task_id"],
                entry["title"],
                entry["due"],
                entry["section"],
                entry["days"],
                entry.get("owners"),
                entry.get("owners_total", 0),
            )
            return
        n = entry["n"]
        due = date.fromisoformat(entry["due"])
        self.entries.append(entry.copy())
        self._lines[entry["section"]].append(
            format_item_line(n, entry["title"], due, entry["days"], self.locale, done=done)
        )
        if n is not None:
            self.numbered = True
            self.highest = max(self.highest, n)

    def text(self, unit_name: str, day: str, overdue_more: int, channel: str | None) -> str:
        """The message: header, the sections that have items, how to confirm on `channel`."""
        words = self._words
        lines = [words["header"] % {"unit": unit_name}, _long_date(day, self.locale)]
        for section in SECTIONS:
            section_lines = self._lines[section]
            if section_lines:
                lines.append("")
                lines.append(words[section])
                lines += section_lines
                if section == "overdue" and overdue_more:
                    lines.append(
                        _more_overdue(overdue_more, self.highest + 1, self.locale, channel)
                    )
        lines.append("")
        numbers = self.open_numbers
        if numbers:
            second = numbers[1] if len(numbers) > 1 else None
            lines.append(_footer(channel, numbers[0], second, self.locale))
        else:
            lines.append(words["all_done"] if self.numbered else words["for_information"])
        return "\n".join(lines)


def render_digest_from_payload(
    payload: DigestPayload,
    confirmations: Mapping[str, tuple[str, datetime]],
    channel: str | None,
    locale: str = "vi",
) -> str:
    """The digest text for a stored payload, confirmed items marked ✅ with who and when.

    `confirmations` maps item key -> (name of who confirmed, when); keys of other
    digests are ignored. `channel` ("telegram", "zalo", or None when no chat is
    linked) only changes the closing line that says how to confirm.
    """
    builder = DigestBuilder(locale)
    for entry in payload["entries"]:
        done = confirmations.get(entry["key"]) if entry["n"] is not None else None
        builder.add_entry(entry, done)
    text = builder.text(
        payload["unit_name"], payload["date"], payload.get("overdue_more", 0), channel
    )
    return with_contacts(text, payload.get("contacts", ()), locale)


def render_digest(payload: DigestPayload, channel: str | None, locale: str = "vi") -> str:
    """The digest as first sent: nothing confirmed yet."""
    return render_digest_from_payload(payload, {}, channel, locale)


# --- the escalation to admins ------------------------------------------------------------


def render_escalation(payload: EscalationPayload, locale: str = "vi") -> str:
    """The admins' daily list of units with items overdue ≥ `threshold` days.

    Entries are grouped under their unit, in the
    order of payload["units"]; units and items left out for length are counted."""
    locale = normalize_locale(locale)
    by_unit: dict[str, list[EscalationEntry]] = {}
    for entry in payload["entries"]:
        by_unit.setdefault(entry["unit_id"], []).append(entry)
    units = [
        (unit, by_unit[unit["unit_id"]]) for unit in payload["units"] if unit["unit_id"] in by_unit
    ]
    template = environment(locale).get_template("escalation.txt.j2")
    return tidy(
        template.render(
            plan_title=payload.get("plan_title", ""),
            date_long=_long_date(payload["date"], locale),
            threshold=payload["threshold"],
            units=units,
            more_units=payload.get("more_units", 0),
            more_items=payload.get("more_items", 0),
            phrase=lambda entry: _item_body(entry["title"], entry["due"], entry["days"], locale),
        )
    )
