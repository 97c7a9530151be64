"""Translations of user-facing text.

Vietnamese is the source language: every message is written in Vietnamese in the code
and the templates, and Vietnamese needs no catalogue. Other locales (today: English)
come from Babel catalogues in `content/locale/<lang>/LC_MESSAGES/loa.po`, read and
compiled in memory on first use, so installing Loa needs no build step.
See docs/i18n.md for extracting and updating the catalogues.

    _ = translator("en")
    _("Hôm nay")                                      -> "Today"
    _.ngettext("còn %(n)d ngày", "còn %(n)d ngày", 3) % {"n": 3}   -> "3 days left"

Code with no locale at hand (the command line, plan errors) uses the language of the
current run or request instead: `with language("en"): ... _("Hôm nay")`, where `_` is
this module's. `N_` marks a string for extraction where it is defined (a table of
labels) and `_` translates it where it is shown.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
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


# The language of the current run (the CLI) or request: a context variable, so an
# asyncio task started under `language(...)` keeps it and others are not affected.
_current: ContextVar[str] = ContextVar("loa_language", default=SOURCE_LOCALE)


@contextmanager
def language(locale: str | None) -> Iterator[str]:
    """Use `locale` for `_()` inside the block; yields the normalized language."""
    token = _current.set(normalize_locale(locale))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def current_language() -> str:
    return _current.get()


def _(message: str) -> str:
    """`message` in the current language (see `language`)."""
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_current.get()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks `message` for extraction only; translate it with `_` where it is shown."""
    return message


def language_of_environment(environ: Mapping[str, str]) -> str:
    """The language the POSIX locale asks for (the first of LC_ALL, LC_MESSAGES and LANG
    that is set): "en_US.UTF-8" -> "en"; C, POSIX or a language without a catalogue ->
    Vietnamese."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "").strip()
        if value:
            return normalize_locale(value)
    return SOURCE_LOCALE
