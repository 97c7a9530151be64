"""The Jinja2 environment of Loa's prose messages (suggested posts, the escalation).

Templates live in `content/templates/`; their text is Vietnamese and goes through the
Babel catalogues (`jinja2.ext.i18n`), so a locale picks its translation.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import jinja2

from content.i18n import translations

TEMPLATE_DIR = Path(__file__).parent / "templates"


def hashtag(text: str) -> str:
    """ "Ngày thành lập Đảng" -> "#NgàyThànhLậpĐảng" (diacritics kept: Facebook and Zalo
    accept them; punctuation dropped)."""
    words = re.findall(r"\w+", unicodedata.normalize("NFC", text))
    return "#" + "".join(word[:1].upper() + word[1:] for word in words)


def capfirst(text: str) -> str:
    """Upper-case the first letter only (Jinja's `capitalize` lowers all the others)."""
    return text[:1].upper() + text[1:]


@lru_cache(maxsize=8)
def environment(locale: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
    )
    # Added to the Environment by the i18n extension at run time; Jinja's types omit it.
    env.install_gettext_translations(translations(locale), newstyle=True)  # type: ignore[attr-defined]
    env.filters["hashtag"] = hashtag
    env.filters["capfirst"] = capfirst
    return env


def tidy(text: str) -> str:
    # Templates are written for reading; the message keeps at most one empty line in a row.
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
