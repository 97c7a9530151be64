"""Slogans (khẩu hiệu): the list after "Khẩu hiệu tuyên truyền:" or "Nội dung khẩu
hiệu ...:", one per bullet, each ending with "!"; or quoted after "khẩu hiệu"."""

from __future__ import annotations

import re
from collections.abc import Sequence

from content.plan_import.model import FoundAnniversary, Slogan
from content.plan_import.text import Row, fold

_INTRO = re.compile(r"khẩu hiệu[^:]{0,60}:\s*$", re.IGNORECASE)
_QUOTED = re.compile(r"[“\"]([^”\"]{8,200}!)[”\"]")


def _key_for(row: Row, anniversaries: Sequence[FoundAnniversary]) -> str | None:
    for found in anniversaries:
        if found.key and (found.line == row.number or row.number in found.also_lines):
            return found.key
    return None


def find_slogans(rows: Sequence[Row], anniversaries: Sequence[FoundAnniversary]) -> list[Slogan]:
    slogans: list[Slogan] = []
    collecting = False
    for row in rows:
        if not row.text:
            continue
        if _INTRO.search(row.text):
            collecting = True
            continue
        if collecting:
            if row.kind in ("bullet", "plain") and row.body.rstrip().endswith(("!", "!”")):
                slogans.append(Slogan(row.body.strip(), _key_for(row, anniversaries), row.number))
                continue
            if row.kind == "bullet" and len(row.body) < 200 and not row.body.endswith(":"):
                # A list cut short by the page: keep reading bullets.
                slogans.append(Slogan(row.body.strip(), _key_for(row, anniversaries), row.number))
                continue
            collecting = False
        if "khau hieu" in fold(row.text):
            for match in _QUOTED.finditer(row.text):
                slogans.append(Slogan(match.group(1), _key_for(row, anniversaries), row.number))
    return slogans
