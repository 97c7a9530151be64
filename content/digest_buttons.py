"""A digest's buttons: ✅ N for each open numbered entry, a few per row, then 🚫 N for the
optional ones that may turn out to have nothing to do."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from content.buttons import confirm_button, pack
from content.digest_phrases import digest_words
from content.i18n import normalize_locale
from content.payloads import ButtonRows, DigestEntry

BUTTONS_PER_ROW = 4
NOT_APPLICABLE_PER_ROW = 2


@lru_cache(maxsize=256)
def _button(n: int) -> tuple[str, str]:
    button = confirm_button(n)
    return button.label, button.data


def digest_buttons(
    entries: Sequence[DigestEntry],
    confirmed: Iterable[str] = (),
    locale: str = "vi",
) -> ButtonRows:
    """Buttons for the numbered entries not yet confirmed: rows of [["✅ 1", "ok:1"], ...],
    at most BUTTONS_PER_ROW per row, then one "🚫 N: không phát sinh" per open optional
    entry, NOT_APPLICABLE_PER_ROW per row."""
    done = set(confirmed)
    open_entries = [
        entry
        for entry in entries
        if entry["n"] is not None
        and not entry.get("hidden")
        and (not done or entry["key"] not in done)
    ]
    buttons = [list(_button(entry["n"])) for entry in open_entries if entry["n"] is not None]
    rows = [buttons[i : i + BUTTONS_PER_ROW] for i in range(0, len(buttons), BUTTONS_PER_ROW)]
    label = digest_words(normalize_locale(locale))["not_applicable"]
    optional = [
        [label % {"n": entry["n"]}, pack("na", entry["n"])]
        for entry in open_entries
        if entry.get("optional") and entry["n"] is not None
    ]
    rows += [
        optional[i : i + NOT_APPLICABLE_PER_ROW]
        for i in range(0, len(optional), NOT_APPLICABLE_PER_ROW)
    ]
    return rows
