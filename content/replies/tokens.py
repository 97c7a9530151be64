"""Cutting a chat message into tokens: words, numbers, punctuation; links and mentions out.

Staff type on phones, with or without diacritics ("đã xong" / "da xong"), so each word
keeps both forms: as typed (lower-case, NFC) and folded (no accents, "đ" -> "d"). A
word typed with diacritics is matched exactly ("đang" is not "đăng"); a word typed
without them can be any word that folds the same, and the reader decides from context.

Numbers are read strictly: "1.5", "10.000", "15/11", "8:30", "-1", "8h" are not item
numbers (kind BAD), so nothing is ever read out of them digit by digit.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum

LINK = re.compile(r"(?:https?://|www\.)[^\s<>\"'`]+", re.IGNORECASE)
_LINK_TRAILING = ".,;:!?…'\")]}»”’"
# "@Loa", "@LoaNhacViecBot": a mention addresses the bot, it says nothing itself.
_MENTION = re.compile(r"(?<!\w)@\w+")
_RAW = re.compile(r"\d+|[^\W\d_]+|\n|[^\w\s]", re.UNICODE)
# Words that people glue to a number: "xong2", "viec2", "nv3".
GLUE_WORDS = frozenset({"xong", "viec", "muc", "so", "nv", "done", "stt"})
_NUMBER_JOINERS = frozenset(".:/")  # "1.5", "8:30", "15/11": one token, not a number
_MINUS = frozenset("-−")
_SYMBOLS = frozenset("&+~<>=→%")
DONE_MARKS = frozenset("✅✔☑")
# Marks that say "not done" or "in progress": read as words ("❌" is a negation).
MARK_WORDS = dict.fromkeys("❌✖✗✘⛔🚫", "❌") | dict.fromkeys("⏳⌛", "⏳")


class Kind(Enum):
    WORD = "word"
    NUMBER = "number"
    BAD = "bad"  # looks like a number but is not an item number: 1.5, -1, 15/11, 8h
    PUNCT = "punct"
    MARK = "mark"  # ✅


@dataclass(frozen=True, slots=True)
class Token:
    kind: Kind
    text: str  # lower-case NFC, as typed
    plain: str  # folded: no diacritics, "đ" -> "d"
    glued: bool = False  # no space before it

    @property
    def accented(self) -> bool:
        """Typed with diacritics: it can be matched exactly."""
        return self.text != self.plain

    @property
    def value(self) -> int:
        return int(self.text)


def fold(text: str) -> str:
    """ "Đã Xong" -> "da xong": lower-case, no accents, single spaces."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())


def links_in(text: str) -> list[str]:
    """http(s) and www. links in a message, trailing punctuation left out, in order."""
    found = (match.rstrip(_LINK_TRAILING) for match in LINK.findall(text))
    return list(dict.fromkeys(link for link in found if link))


def _fold_word(word: str) -> str:
    return fold(word) if not word.isascii() else word


def tokenize(text: str) -> list[Token]:
    """The tokens of a message, links and @mentions removed (links are evidence)."""
    text = unicodedata.normalize("NFC", text).lower()
    text = _MENTION.sub(" ", LINK.sub(" \n ", text))
    raw: list[tuple[str, int, int]] = [(m.group(), m.start(), m.end()) for m in _RAW.finditer(text)]
    tokens: list[Token] = []
    index = 0
    while index < len(raw):
        piece, start, _end = raw[index]
        glued = bool(tokens) and index > 0 and raw[index - 1][2] == start
        if piece.isdigit():
            token, index = _number(raw, index, tokens, glued)
            tokens.append(token)
            continue
        if piece[0].isalpha():
            token, index = _word(raw, index, glued)
            tokens.append(token)
            continue
        if piece in DONE_MARKS:
            tokens.append(Token(Kind.MARK, "✅", "✅", glued))
        elif piece in MARK_WORDS:
            tokens.append(Token(Kind.PUNCT, MARK_WORDS[piece], MARK_WORDS[piece], glued))
        elif piece == "\n" or unicodedata.category(piece)[0] == "P" or piece in _SYMBOLS:
            tokens.append(Token(Kind.PUNCT, piece, piece, glued))
        # Anything else (emoji, pictographs, variation selectors) says nothing here.
        index += 1
    return tokens


def _word(raw: list[tuple[str, int, int]], index: int, glued: bool) -> tuple[Token, int]:
    piece, _start, end = raw[index]
    plain = _fold_word(piece)
    after = raw[index + 1] if index + 1 < len(raw) else None
    if after is not None and after[1] == end and after[0].isdigit() and plain not in GLUE_WORDS:
        # "v2", "covid19": a name, not a word followed by an item number.
        return Token(Kind.BAD, piece + after[0], plain + after[0], glued), index + 2
    return Token(Kind.WORD, piece, plain, glued), index + 1


def _number(
    raw: list[tuple[str, int, int]], index: int, tokens: list[Token], glued: bool
) -> tuple[Token, int]:
    """A number token starting at raw[index]; BAD for 1.5, 10.000, 15/11, 8:30, 8h, -1."""
    piece, _start, end = raw[index]
    text = piece
    bad = False
    following = index + 1
    # 1.5 / 15/11 / 8:30 / 1.2.3: joined without spaces.
    while (
        following + 1 < len(raw)
        and raw[following][0] in _NUMBER_JOINERS
        and raw[following][1] == end
        and raw[following + 1][0].isdigit()
        and raw[following + 1][1] == raw[following][2]
    ):
        text += raw[following][0] + raw[following + 1][0]
        end = raw[following + 1][2]
        following += 2
        bad = True
    # 8h, 2tr, 3a, 100%: a quantity, a time or a share.
    if (
        following < len(raw)
        and raw[following][1] == end
        and (raw[following][0][0].isalpha() or raw[following][0] == "%")
    ):
        text += raw[following][0]
        following += 1
        bad = True
    # -1: a minus sign glued to the number with no number before it (1-3 is a range).
    previous = tokens[-1] if tokens else None
    if (
        glued
        and previous is not None
        and previous.kind is Kind.PUNCT
        and previous.text in _MINUS
        and not _number_before(tokens)
    ):
        tokens.pop()
        text = "-" + text
        bad = True
    if bad:
        return Token(Kind.BAD, text, fold(text), glued), following
    return Token(Kind.NUMBER, str(int(text)), str(int(text)), glued), following


def _number_before(tokens: list[Token]) -> bool:
    """Whether a number comes right before the minus sign at the end of `tokens`."""
    return len(tokens) >= 2 and tokens[-2].kind is Kind.NUMBER
