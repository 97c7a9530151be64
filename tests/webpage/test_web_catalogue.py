"""The English catalogue translates every text of the web page (its modules and its
templates), with the same placeholders."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

REPO = Path(__file__).resolve().parents[2]
CATALOGUE = REPO / "content" / "locale" / "en" / "LC_MESSAGES" / "loa.po"
JINJA = {"extensions": "jinja2.ext.i18n", "trimmed": "true"}


def _messages() -> set[str]:
    found = set()
    sources = [("python", path, {}) for path in sorted((REPO / "web").glob("*.py"))]
    sources += [("jinja2", path, JINJA) for path in sorted((REPO / "web/templates").glob("*"))]
    for method, path, options in sources:
        for _line, message, _comments, _context in extract_from_file(
            method, str(path), options=options
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_text_of_the_web_page_has_a_checked_translation() -> None:
    with CATALOGUE.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    messages = _messages()
    assert len(messages) > 80
    untranslated = sorted(
        msgid
        for msgid in messages
        if catalog.get(msgid) is None
        or catalog.get(msgid).fuzzy  # type: ignore[union-attr]
        or not all(catalog.get(msgid).string)  # type: ignore[union-attr]
    )
    assert untranslated == []
