"""The draft's small pieces: a document's line quoted in a review comment, a text as a
double-quoted YAML string, a short unique id made from a name, a slogan's numbers turned
into {ordinal}/{year} placeholders, and the lines written so far."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from content.plan_values import suggest_id

_QUOTE_MAX = 150
_ID_WORDS = 6
ID_MAX = 40


def quoted(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _QUOTE_MAX else text[: _QUOTE_MAX - 1].rstrip() + "…"


def yaml_string(text: str) -> str:
    return json.dumps(" ".join(text.split()), ensure_ascii=False)


def short_id(text: str, taken: set[str], fallback: str) -> str:
    base = suggest_id(" ".join(text.split()[:_ID_WORDS]))[:ID_MAX].strip("-") or fallback
    if base[0].isdigit():
        base = f"{fallback}-{base}"
    candidate, number = base, 2
    while candidate in taken:
        candidate = f"{base}-{number}"
        number += 1
    taken.add(candidate)
    return candidate


@dataclass
class DraftLines:
    lines: list[str] = field(default_factory=list)

    def add(self, text: str, comment: str | None = None) -> None:
        self.lines.append(f"{text}  # {comment}" if comment else text)

    def note(self, indent: str, text: str) -> None:
        self.lines.append(f"{indent}# {text}")

    def blank(self) -> None:
        self.lines.append("")


def with_placeholders(text: str, ordinal: tuple[int, int] | None) -> tuple[str, bool]:
    """ "Chào mừng 48 năm ... (30/4/1975 - 30/4/2023)!" -> "{ordinal} năm ... /{year})!"
    so the slogan stays right next year."""
    text = text.replace("{", "(").replace("}", ")")
    if ordinal is None:
        return text, False
    number, year = ordinal
    new = re.sub(rf"(?<!\d){number}(?=\s+năm\b)", "{ordinal}", text, count=1)
    new = re.sub(rf"(\d{{1,2}}\s*[/.\-]\s*\d{{1,2}}\s*[/.\-]\s*){year}(?!\d)", r"\1{year}", new)
    return new, new != text
