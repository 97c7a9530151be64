"""Placeholders in the texts a plan writes (slogans, posts, task titles): `{anniversary}`,
`{name}`, `{ordinal}`, `{year}`, filled from an anniversary's occurrence."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from content.anniversaries import VERBS, Occurrence, inline_title

PLACEHOLDER = re.compile(r"\{([A-Za-z_]+)\}")
# "kỷ niệm {anniversary}": the title's own verb would repeat the one before it.
_ENDS_WITH_VERB = re.compile(r"(?:kỷ|tưởng) niệm\s*$", re.IGNORECASE)
# Where a sentence starts: the text's start, or after . ! ? : or a line break.
_SENTENCE_START = re.compile(r"(?:^|[.!?:\n])\s*$")


def fill_placeholders(template: str, values: Mapping[str, str]) -> str:
    """Replace `{name}` for the names in `values`; any other text is left as written
    (plain braces are not an error, unlike with str.format).

    `{anniversary}` is the occurrence title as a sentence starts with it ("Kỷ niệm 80 năm
    Ngày …") only where a sentence starts; inside one it reads "tổ chức kỷ niệm 80 năm
    Ngày …", and after the words "kỷ niệm"/"tưởng niệm" it drops its own verb ("bài kỷ
    niệm {anniversary}" gives "bài kỷ niệm 80 năm Ngày …"): plans write it every way.
    """
    template = unicodedata.normalize("NFC", template)

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        value = values.get(name)
        if value is None:
            return match.group(0)
        if name != "anniversary":
            return value
        before = template[: match.start()]
        if _ENDS_WITH_VERB.search(before):
            for verb in VERBS:
                if value.startswith(verb + " "):
                    return value.removeprefix(verb + " ")
        if _SENTENCE_START.search(before):
            return value
        return inline_title(value)

    return PLACEHOLDER.sub(replace, template)


def occurrence_values(occurrence: Occurrence) -> dict[str, str]:
    """The placeholders an anniversary fills: {anniversary}, {name}, {ordinal}, {year}."""
    return {
        "anniversary": occurrence.title,
        "name": occurrence.anniversary.name,
        "ordinal": "" if occurrence.ordinal is None else str(occurrence.ordinal),
        "year": str(occurrence.date.year),
    }
