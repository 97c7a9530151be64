"""Translations: Vietnamese source, English from the Babel catalogue."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from content import i18n
from content.i18n import available_locales, normalize_locale, translator

REPO = Path(__file__).resolve().parents[2]
EN_CATALOGUE = REPO / "content" / "locale" / "en" / "LC_MESSAGES" / "loa.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def test_vietnamese_is_the_source_and_needs_no_catalogue() -> None:
    _ = translator("vi")
    assert _("📌 Hôm nay") == "📌 Hôm nay"
    assert _.ngettext("còn %(n)d ngày", "còn %(n)d ngày", 3) % {"n": 3} == "còn 3 ngày"


def test_english_comes_from_the_catalogue() -> None:
    _ = translator("en")
    assert _("📌 Hôm nay") == "📌 Today"
    assert _.ngettext("còn %(n)d ngày", "còn %(n)d ngày", 1) % {"n": 1} == "1 day left"
    assert _.ngettext("còn %(n)d ngày", "còn %(n)d ngày", 3) % {"n": 3} == "3 days left"
    assert _("một câu không có trong danh mục") == "một câu không có trong danh mục"


@pytest.mark.parametrize(
    ("asked", "used"),
    [("en", "en"), ("en_US", "en"), ("EN-gb", "en"), ("vi_VN", "vi"), ("fr", "vi"), ("", "vi")],
)
def test_locales_are_normalized_and_unknown_ones_fall_back_to_vietnamese(
    asked: str, used: str
) -> None:
    assert normalize_locale(asked) == used
    assert translator(asked).locale == used


def test_the_available_locales_are_found_from_the_catalogues() -> None:
    assert available_locales()[0] == "vi"
    assert "en" in available_locales()


def _extracted() -> Iterator[tuple[str, str | tuple[str, ...]]]:
    """(file, message id) for every translatable string Loa ships (code and templates:
    the bot's messages and the command line's), extracted with the project's babel.cfg
    as `pybabel extract` does."""
    with (REPO / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    yield from (
        (filename, message)
        for filename, _line, message, _comments, _context in extract_from_dir(
            REPO, method_map, options_map, directory_filter=lambda path: ".venv" not in path
        )
    )


def test_every_string_loa_writes_is_translated_to_english() -> None:
    with EN_CATALOGUE.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    found = list(_extracted())
    # The bot's messages and templates, the command line, plan errors, settings errors.
    assert {filename.split("/")[0] for filename, _message in found} >= {
        "content",
        "bot",
        "handlers",
    }
    assert len(found) > 600
    missing = []
    for filename, message in found:
        msgid = message[0] if isinstance(message, tuple) else message
        entry = catalog.get(msgid)
        strings = entry.string if entry is not None else ""
        if isinstance(strings, str):
            strings = (strings,)
        if entry is None or entry.fuzzy or not all(strings):
            missing.append(f"{filename}: {msgid}")
    assert missing == []


def test_translations_keep_the_placeholders_of_the_source() -> None:
    with EN_CATALOGUE.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    for entry in catalog:
        if not entry.id or not entry.string:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        expected = set(PLACEHOLDER.findall(ids[0]))
        for string in strings:
            if string:
                assert set(PLACEHOLDER.findall(string)) == expected, entry.id


def test_fuzzy_entries_are_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    catalogue = tmp_path / "xx" / "LC_MESSAGES" / "loa.po"
    catalogue.parent.mkdir(parents=True)
    catalogue.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Hôm nay"\nmsgstr "Oggi"\n\n'
        '#, fuzzy\nmsgid "Sắp tới"\nmsgstr "Presto"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    for cached in (i18n.available_locales, i18n.normalize_locale, i18n.translations, translator):
        cached.cache_clear()
    try:
        _ = translator("xx")
        assert _("Hôm nay") == "Oggi"
        assert _("Sắp tới") == "Sắp tới"
    finally:
        monkeypatch.undo()
        for cached in (
            i18n.available_locales,
            i18n.normalize_locale,
            i18n.translations,
            translator,
        ):
            cached.cache_clear()
