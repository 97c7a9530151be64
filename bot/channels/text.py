"""Text helpers shared by the channel adapters: splitting over-long messages, finding links.

Loa sends plain text everywhere (Telegram without parse_mode), so nothing a user or a
plan author wrote can be taken for markup and no escaping is needed: what is in the
Reply is exactly what the chat shows, and the platform limits count those characters.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

Measure = Callable[[str], int]

_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
_NEWLINE = re.compile(r"\n")
_SPACE = re.compile(r"\s")
_SPACES = re.compile(r"\s*")

_LINK_START = r"(?:https?://|www\.)"
_LINK = re.compile(_LINK_START + r"[^\s<>\"'`]+", re.IGNORECASE)
_BARE_START = re.compile(_LINK_START, re.IGNORECASE)
_TRAILING = ".,;:!?…'\"»”’"
_CLOSING = {")": "(", "]": "[", "}": "{"}


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram counts in (emoji count as two)."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int, *, measure: Measure = len) -> list[str]:
    """Split text into parts of at most `limit` (by `measure`), in order.

    Cuts at a blank line, else a line break, else a space; a word is cut only when it
    alone exceeds the limit. Every part is a slice of `text` and only whitespace lies
    between two parts, so nothing is lost or reordered. Blank text gives no parts.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if not text.strip():
        return []
    parts: list[str] = []
    rest = text
    while measure(rest) > limit:
        end = _fitting_prefix(rest, limit, measure)
        cut = _boundary(rest, end)
        if cut is None:
            cut = _hard_cut(rest, end)
            resume = cut
        else:
            spaces = _SPACES.match(rest, cut)
            resume = spaces.end() if spaces else cut
        parts.append(rest[:cut])
        rest = rest[resume:]
    if rest.strip():
        parts.append(rest)
    return parts


def _fitting_prefix(text: str, limit: int, measure: Measure) -> int:
    """The largest n with measure(text[:n]) <= limit (measure grows with length)."""
    if measure is len:
        return limit
    low, high = 0, min(len(text), limit)  # no measure counts a character as less than one
    while low < high:
        middle = (low + high + 1) // 2
        if measure(text[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    return low


def _boundary(text: str, end: int) -> int | None:
    """Where to end a part that may use text[:end]: the start of a whitespace run.

    A blank line or a line break is taken only in the second half of the room, so a
    break near the start does not leave a tiny part; a space anywhere will do.
    """
    window = text[: end + 1]  # a run starting right after the room still ends the part there
    for pattern, earliest in ((_BLANK_LINE, end // 2), (_NEWLINE, end // 2), (_SPACE, 1)):
        cut = None
        for match in pattern.finditer(window):
            start = _run_start(text, match.start())
            if earliest <= start <= end and start > 0:
                cut = start
        if cut is not None:
            return cut
    return None


def _run_start(text: str, index: int) -> int:
    while index > 0 and text[index - 1].isspace():
        index -= 1
    return index


def _hard_cut(text: str, end: int) -> int:
    """Cut a word longer than the room, keeping combining marks with their letter."""
    cut = max(end, 1)
    while cut > 1 and unicodedata.combining(text[cut]):
        cut -= 1
    return cut


def extract_links(text: str) -> list[str]:
    """Web links in free text (http, https or www.), in order, without duplicates."""
    links: list[str] = []
    for match in _LINK.finditer(text):
        link = _trim_link(match.group())
        if link not in links and not _BARE_START.fullmatch(link):
            links.append(link)
    return links


def _trim_link(link: str) -> str:
    """Drop sentence punctuation and unbalanced closing brackets after a link."""
    while link:
        last = link[-1]
        if last in _TRAILING or (
            last in _CLOSING and link.count(_CLOSING[last]) < link.count(last)
        ):
            link = link[:-1]
        else:
            break
    return link
