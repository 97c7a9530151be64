"""Translations of user-facing text.

Vietnamese is the source language: every message is written in Vietnamese in the code
and the templates, and Vietnamese needs no catalogue. Other locales (today: English)
come from Babel catalogues in `content/locale/<lang>/LC_MESSAGES/loa.po`, read and
compiled in memory on first use, so installing Loa needs no build step.
See docs/i18n.md for extracting and updating the catalogues.

    _ = translator("en")
    _("Hôm nay")                                      -> "Today"
    _.ngettext("còn %(n)d ngày", "còn %(n)d ngày", 3) % {"n": 3}   -> "3 days left"
"""

from __future__ import annotations

import gettext
import re
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "loa"
SOURCE_LOCALE = "vi"
DEFAULT_LOCALE = SOURCE_LOCALE


@lru_cache(maxsize=64)
def normalize_locale(locale: str | None) -> str:
    """ "en_US", "EN-gb" -> "en"; empty or unknown -> the source locale "vi"."""
    language = re.split(r"[-_.@]", (locale or "").strip().lower(), maxsplit=1)[0]
    return language if language in available_locales() else SOURCE_LOCALE


@lru_cache(maxsize=1)
def available_locales() -> tuple[str, ...]:
    """The source locale plus every locale with a catalogue, e.g. ("vi", "en")."""
    found = sorted(
        path.parent.parent.name for path in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")
    )
    return (SOURCE_LOCALE, *(name for name in found if name != SOURCE_LOCALE))


@lru_cache(maxsize=16)
def translations(locale: str | None) -> gettext.NullTranslations:
    """The gettext translations object for a locale (also what Jinja2's i18n wants)."""
    language = normalize_locale(locale)
    if language == SOURCE_LOCALE:
        return NullTranslations()
    po_path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=DOMAIN)
    compiled = BytesIO()
    # Fuzzy entries are left out, as msgfmt does: an unchecked guess must not reach users.
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(fp=compiled, domain=DOMAIN)


class Translator:
    """`_(message)` for one locale; `_.ngettext(singular, plural, n)` for counts.

    Vietnamese has no plural forms, so the Vietnamese source passes the same text twice;
    the English catalogue gives both forms.
    """

    __slots__ = ("_gettext", "_ngettext", "locale")

    def __init__(self, locale: str | None) -> None:
        self.locale = normalize_locale(locale)
        catalogue = translations(self.locale)
        self._gettext = catalogue.gettext
        self._ngettext = catalogue.ngettext

    def __call__(self, message: str) -> str:
        return self._gettext(message)

    def gettext(self, message: str) -> str:
        return self._gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._ngettext(singular, plural, n)


@lru_cache(maxsize=16)
def translator(locale: str | None = DEFAULT_LOCALE) -> Translator:
    """The translator for a locale ("vi", "en", "en_US" ...); unknown locales get Vietnamese."""
    return Translator(locale)
