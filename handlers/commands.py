"""What a chat command is: declared once by the feature module that handles it, and
from that one list the router dispatches, /huongdan lists it and the platforms' command
menus (Telegram's setMyCommands) are filled.

Names are Vietnamese without diacritics (Telegram allows only [a-z0-9_]); each has an
English alias. Texts are marked with `N_` so `pybabel extract` finds them, and are
translated when shown.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass

from content.i18n import N_, Translator, translator
from handlers.context import Turn
from handlers.events import Reply

__all__ = ["N_", "Command", "HelpLine", "by_name", "help_lines", "menu_entries"]

Handler = Callable[[Turn], Awaitable[list[Reply]]]
_NAME = re.compile(r"[a-z0-9_]{1,32}")


@dataclass(frozen=True)
class HelpLine:
    usage: str  # what follows the command, e.g. "MÃ"; "" for none
    text: str  # what it does, untranslated (marked with N_)


@dataclass(frozen=True)
class Command:
    name: str  # "xong"
    alias: str | None  # "done"; None for a platform's own command (/start)
    handler: Handler
    menu: str | None = None  # the command menu's description; None: not in the menu
    staff_help: HelpLine | None = None  # its line in /huongdan for everyone
    admin_help: HelpLine | None = None  # its line in the admins' part of /huongdan

    def __post_init__(self) -> None:
        for name in (self.name, self.alias):
            if name is not None and not _NAME.fullmatch(name):
                raise ValueError(f"a command name must match [a-z0-9_]{{1,32}}: {name!r}")


def help_lines(
    commands: Iterable[Command], _: Translator, *, admin: bool, prefix: str = ""
) -> list[str]:
    """ "/nhiemvu — việc đang mở của đơn vị" lines; in English, under the English names.
    `prefix` goes before each command ("@Loa " where commands must mention the bot)."""
    lines = []
    for command in commands:
        line = command.admin_help if admin else command.staff_help
        if line is not None:
            name = command.alias if command.alias and _.locale == "en" else command.name
            usage = f" {_(line.usage)}" if line.usage else ""
            lines.append(f"{prefix}/{name}{usage} — {_(line.text)}")
    return lines


def menu_entries(commands: Sequence[Command]) -> list[tuple[str, str, str]]:
    """(name, Vietnamese description, English description) for the platforms' menus."""
    english = translator("en")
    return [
        (command.name, command.menu, english(command.menu))
        for command in commands
        if command.menu is not None
    ]


def by_name(commands: Iterable[Command]) -> dict[str, Command]:
    """Every command under its name and its English alias."""
    found: dict[str, Command] = {}
    for command in commands:
        for name in (command.name, command.alias):
            if name is None:
                continue
            if name in found:
                raise ValueError(f"two commands are called /{name}")
            found[name] = command
    return found
