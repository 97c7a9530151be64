"""Telegram's formatted text as the Bot API parses it: HTML, MarkdownV2 and legacy Markdown.

`parse_text` returns the plain text users see and its MessageEntity list (offsets in
UTF-16 code units, as Telegram counts), or raises EntityParseError with Telegram's wording,
so the fake rejects what the real server rejects: an unknown tag, an unclosed tag, a
MarkdownV2 reserved character left unescaped. Length limits apply to the plain text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from typing import Any

Entity = dict[str, Any]

HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_START_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)((?:\s[^<>]*)?)>")
_ATTR = re.compile(r"""([a-zA-Z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_HTML_ENTITY = re.compile(r"&(lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});")
MDV2_RESERVED = set("_*[]()~`>#+-=|{}.!")


class EntityParseError(ValueError):
    """Text Telegram refuses: the message is the Bot API description after the prefix."""


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_text(text: str, parse_mode: str | None) -> tuple[str, list[Entity]]:
    mode = (parse_mode or "").lower()
    if mode == "html":
        return _parse_html(text)
    if mode == "markdownv2":
        return _Markdown(text, v2=True).parse()
    if mode == "markdown":
        return _Markdown(text, v2=False).parse()
    if mode:
        raise EntityParseError(f"Unsupported parse_mode {parse_mode!r}")
    return text, []


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


@dataclass
class _Open:
    tag: str
    start: int  # UTF-16 offset in the plain text
    attrs: dict[str, str]


def _parse_html(text: str) -> tuple[str, list[Entity]]:
    out: list[str] = []
    pos = 0  # UTF-16 length of `out`
    stack: list[_Open] = []
    entities: list[Entity] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "<":
            at = _byte_offset(text, i)
            close = text.find(">", i)
            if close == -1:
                raise EntityParseError(f"Unclosed start tag at byte offset {at}")
            if text.startswith("</", i):
                name = text[i + 2 : close].strip().lower()
                if not stack:
                    raise EntityParseError(f"Unexpected end tag at byte offset {at}")
                opened = stack.pop()
                if name != opened.tag:
                    raise EntityParseError(
                        f'Unmatched end tag at byte offset {at}, expected "</{opened.tag}>", '
                        f'found "</{name}>"'
                    )
                entity = _html_entity(opened, pos)
                if entity is not None:
                    entities.append(entity)
                i = close + 1
                continue
            match = _START_TAG.match(text, i)
            name = match.group(1).lower() if match else text[i + 1 : close].split(" ")[0]
            if match is None or name not in HTML_TAGS:
                raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {at}')
            attrs = {m[1].lower(): m[2] or m[3] or m[4] or "" for m in _ATTR.finditer(match[2])}
            if name == "span" and attrs.get("class") != "tg-spoiler":
                raise EntityParseError(
                    f'Tag "span" must have class "tg-spoiler" at byte offset {at}'
                )
            stack.append(_Open(name, pos, attrs))
            i = match.end()
            continue
        if char == "&":
            match = _HTML_ENTITY.match(text, i)
            if match:
                char = unescape(match.group(0))
                i = match.end() - 1
        out.append(char)
        pos += utf16_len(char)
        i += 1
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _html_entity(opened: _Open, end: int) -> Entity | None:
    if end == opened.start:
        return None
    entity: Entity = {"type": HTML_TAGS[opened.tag], "offset": opened.start}
    entity["length"] = end - opened.start
    if opened.tag == "a":
        href = opened.attrs.get("href", "")
        match = re.fullmatch(r"tg://user\?id=(\d+)", href)
        if match:
            entity.update(type="text_mention", user={"id": int(match[1])})
        else:
            entity["url"] = href
    elif opened.tag == "blockquote" and "expandable" in opened.attrs:
        entity["type"] = "expandable_blockquote"
    elif opened.tag == "tg-emoji":
        entity["custom_emoji_id"] = opened.attrs.get("emoji-id", "")
    return entity


class _Markdown:
    """MarkdownV2 (strict: reserved characters must be escaped) or legacy Markdown."""

    def __init__(self, text: str, *, v2: bool) -> None:
        self.text = text
        self.v2 = v2
        self.out: list[str] = []
        self.pos = 0
        self.entities: list[Entity] = []
        self.open: dict[str, tuple[int, int]] = {}  # marker -> (plain offset, byte offset)
        self.quote: int | None = None  # plain offset where an open "> " blockquote began

    def emit(self, chars: str) -> None:
        self.out.append(chars)
        self.pos += utf16_len(chars)

    def parse(self) -> tuple[str, list[Entity]]:
        text, i = self.text, 0
        markers = {
            "*": "bold",
            "_": "italic",
            "__": "underline",
            "~": "strikethrough",
            "||": "spoiler",
        }
        if not self.v2:
            markers = {"*": "bold", "_": "italic"}
        while i < len(text):
            char = text[i]
            if char == "\\" and i + 1 < len(text) and (self.v2 or text[i + 1] in "_*`["):
                self.emit(text[i + 1])
                i += 2
            elif self.v2 and char == ">" and (i == 0 or text[i - 1] == "\n"):
                if self.quote is None:
                    self.quote = self.pos
                i += 1
            elif char == "\n" and self.quote is not None and not text.startswith(">", i + 1):
                self._close_quote()
                self.emit(char)
                i += 1
            elif char == "`":
                i = self._code(i)
            elif char == "[":
                i = self._link(i)
            elif text[i : i + 2] in markers or char in markers:
                marker = text[i : i + 2] if text[i : i + 2] in markers else char
                self._toggle(marker, markers[marker], i)
                i += len(marker)
            elif self.v2 and char in MDV2_RESERVED:
                raise EntityParseError(
                    f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
                )
            else:
                self.emit(char)
                i += 1
        if self.quote is not None:
            self._close_quote()
        if self.open:
            _, at = next(iter(self.open.values()))
            raise EntityParseError(f"Can't find end of the entity starting at byte offset {at}")
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities

    def _close_quote(self) -> None:
        assert self.quote is not None
        if self.pos > self.quote:
            self.entities.append(
                {"type": "blockquote", "offset": self.quote, "length": self.pos - self.quote}
            )
        self.quote = None

    def _toggle(self, marker: str, kind: str, i: int) -> None:
        if marker in self.open:
            start, _ = self.open.pop(marker)
            if self.pos > start:
                self.entities.append({"type": kind, "offset": start, "length": self.pos - start})
        else:
            self.open[marker] = (self.pos, _byte_offset(self.text, i))

    def _code(self, i: int) -> int:
        fence = "```" if self.text.startswith("```", i) else "`"
        end = self.text.find(fence, i + len(fence))
        if end == -1:
            at = _byte_offset(self.text, i)
            raise EntityParseError(f"Can't find end of the entity starting at byte offset {at}")
        body = self.text[i + len(fence) : end]
        language = ""
        if fence == "```" and "\n" in body:
            first, rest = body.split("\n", 1)
            if first and " " not in first:
                language, body = first, rest
        if self.v2:
            body = re.sub(r"\\([`\\])", r"\1", body)
        start = self.pos
        self.emit(body)
        if body:
            entity: Entity = {"type": "pre" if fence == "```" else "code", "offset": start}
            entity["length"] = self.pos - start
            if language:
                entity["language"] = language
            self.entities.append(entity)
        return end + len(fence)

    def _link(self, i: int) -> int:
        match = re.compile(r"\[((?:\\.|[^\]\\])*)\]\(((?:\\.|[^)\\])*)\)").match(self.text, i)
        if match is None:
            if self.v2:
                raise EntityParseError(
                    "Character '[' is reserved and must be escaped with the preceding '\\'"
                )
            self.emit("[")
            return i + 1
        label = _Markdown(match[1], v2=self.v2).parse()
        start = self.pos
        self.emit(label[0])
        for entity in label[1]:
            self.entities.append({**entity, "offset": entity["offset"] + start})
        url = re.sub(r"\\(.)", r"\1", match[2])
        if self.pos > start:
            self.entities.append(
                {"type": "text_link", "offset": start, "length": self.pos - start, "url": url}
            )
        return match.end()
