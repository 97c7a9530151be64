"""The English catalogue of the handlers translates every message they can show."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

REPO = Path(__file__).resolve().parents[2]
CATALOGUE = REPO / "content" / "locale" / "en" / "LC_MESSAGES" / "loa.po"


def _messages() -> set[str]:
    found = set()
    for path in sorted((REPO / "handlers").glob("*.py")):
        for _line, message, _comments, _context in extract_from_file("python", str(path)):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_handler_message_has_a_checked_translation() -> None:
    with CATALOGUE.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    messages = _messages()
    assert len(messages) > 100
    untranslated = [
        msgid
        for msgid in messages
        if catalog.get(msgid) is None
        or catalog.get(msgid).fuzzy  # type: ignore[union-attr]
        or not all(catalog.get(msgid).string)  # type: ignore[union-attr]
    ]
    assert untranslated == []
    # Placeholders (%(name)s) agree between Vietnamese and English.
    assert [(message.id, errors) for message, errors in catalog.check()] == []


def test_english_users_read_the_handlers_in_english() -> None:
    from content.i18n import translator

    english = translator("en")
    translated = [message for message in _messages() if english(message) != message]
    assert len(translated) == len(_messages())
