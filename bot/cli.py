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
    "lunar",
    "simulate",
    "progress",
    "invite",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="loa",
        description="Loa: reminders, suggested posts and confirmations for propaganda plans.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"bot.commands.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"bot.commands.{name}":
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    # Vietnamese output must survive a non-UTF-8 locale (cron, minimal containers).
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    return int(handler(args) or 0)
