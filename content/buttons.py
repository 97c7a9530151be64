"""Buttons under a message, and the one codec for what a pressed button means.

A button's data travels through the platform and comes back when it is pressed, so
it holds ids, never free text, and is packed and unpacked only here: "ok:3" (confirm
entry 3 of the message), "na:3" (entry 3, optional, had nothing to do: "không phát
sinh"), "undo:3", "ask:<list>:3" / "ask:<list>:all" (Loa's question "which item is
done?" about the list whose outbox row is <list>), "bc:send:<nonce>" /
"bc:cancel:<nonce>" (the broadcast preview). Anything else, or anything malformed,
unpacks to None: a forged or stale press changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ButtonAction = Literal["ok", "na", "undo", "ask", "bc:send", "bc:cancel"]

DATA_LIMIT = 64  # bytes; Telegram's limit for callback data
_NUMBERED: tuple[ButtonAction, ...] = ("ok", "na", "undo")
_NONCED: tuple[ButtonAction, ...] = ("bc:send", "bc:cancel")
_MAX_NUMBER_DIGITS = 4
_MAX_ROW_DIGITS = 15
ALL = "all"  # "ask:<list>:all": every item the question offered


@dataclass(frozen=True)
class Button:
    label: str
    data: str  # at most DATA_LIMIT bytes: made by pack()

    def __post_init__(self) -> None:
        if len(self.data.encode()) > DATA_LIMIT:
            raise ValueError(f"button data over {DATA_LIMIT} bytes: {self.data!r}")


@dataclass(frozen=True)
class Pressed:
    """What a button press asks for: an action and its argument."""

    action: ButtonAction
    number: int | None = (
        None  # for "ok" / "na" / "undo" / "ask": the entry number (ask: None = all)
    )
    nonce: str | None = None  # for "bc:*": the dialogue's nonce
    row: int | None = None  # for "ask": the outbox row of the list asked about


def pack(action: ButtonAction, arg: int | str) -> str:
    return f"{action}:{arg}"


def unpack(data: str | None) -> Pressed | None:
    if not data:
        return None
    if data.startswith("ask:"):
        return _unpack_ask(data)
    action, _, arg = data.rpartition(":")
    for known in _NUMBERED:
        if action == known:
            if not arg.isdigit() or not arg.isascii() or len(arg) > _MAX_NUMBER_DIGITS:
                return None
            return Pressed(known, number=int(arg))
    for known in _NONCED:
        if action == known and arg.isascii() and arg.isalnum():
            return Pressed(known, nonce=arg)
    return None


def confirm_button(number: int, label: str | None = None) -> Button:
    return Button(label or f"✅ {number}", pack("ok", number))


def undo_button(number: int) -> Button:
    return Button(f"↩️ {number}", pack("undo", number))


def _unpack_ask(data: str) -> Pressed | None:
    _, row, choice = [*data.split(":"), "", ""][:3]
    if data.count(":") != 2 or not _digits(row, _MAX_ROW_DIGITS):
        return None
    if choice == ALL:
        return Pressed("ask", row=int(row))
    if not _digits(choice, _MAX_NUMBER_DIGITS):
        return None
    return Pressed("ask", number=int(choice), row=int(row))


def _digits(text: str, most: int) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= most


def ask_button(row: int, number: int | None, label: str) -> Button:
    """A choice under Loa's question: item `number` of the list, or all (None)."""
    return Button(label, f"ask:{row}:{ALL if number is None else number}")
