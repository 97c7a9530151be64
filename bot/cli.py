"""The `loa` command line: one sub-command per module in `bot/commands/`.

Each command module exposes `register(subparsers)`, which adds its parser and sets
`handler=<callable(args) -> int>`; the integer is the process exit code.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# Order here is the order `loa --help` lists them in.
COMMAND_MODULES = (
    "demo",
    "run",
    "check",
    "load",
    "calendar",
    "post",
    "banner",
    "lunar",
    "simulate",
    "progress",
    "report",
    "evidence",
    "invite",
    "chat",
    "privacy",
    "import",
    "plan",
    "db",
    "backup",
    "restore",
)
# Commands whose module is not named like the command ("import" is a keyword).
_MODULES = {"import": "plan_import"}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """All sub-commands, or just `only`: importing a command pulls in its libraries
    (SQLAlchemy, aiohttp, PTB), and `loa lunar` should not wait for those."""
    parser = argparse.ArgumentParser(
        prog="loa",
        description="Loa: nhắc việc, tin bài gợi ý và xác nhận hoàn thành kế hoạch tuyên truyền.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES if only is None else (only,):
        module = importlib.import_module(f"bot.commands.{_MODULES.get(name, name)}")
        module.register(subparsers)
    return parser


def _chosen_command(argv: list[str]) -> str | None:
    first = next((arg for arg in argv if not arg.startswith("-")), None)
    return first if first in COMMAND_MODULES else None


def main(argv: list[str] | None = None) -> int:
    # Vietnamese output must survive a non-UTF-8 locale (cron, minimal containers).
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(_chosen_command(argv))
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    return int(handler(args) or 0)
