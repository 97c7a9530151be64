"""The `loa` command line: one sub-command per module in `bot/commands/`.

Each command module exposes `register(subparsers)`, which adds its parser and sets
`handler=<callable(args) -> int>`; the integer is the process exit code.

One language per run: LOA_LANGUAGE (environment, `.env` or TOML) if set, otherwise the
locale (LC_ALL, LC_MESSAGES, LANG: "en…" is English), otherwise Vietnamese. It covers
argparse's own words (bot/cli_parser.py) as well as Loa's.
"""

from __future__ import annotations

import importlib
import os
import sys
from importlib.metadata import PackageNotFoundError, version

from bot.cli_parser import LoaArgumentParser
from bot.commands._common import output_closed
from bot.settings_files import ConfigError, configured_language
from bot.storage.errors import MissingDriver
from content.i18n import _, available_locales, language, language_of_environment

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
    "login-link",
    "chat",
    "privacy",
    "import",
    "plan",
    "db",
    "backup",
    "restore",
)
# Commands whose module is not named like the command ("import" is a keyword).
_MODULES = {"import": "plan_import", "login-link": "login_link"}


def loa_version() -> str:
    try:
        return version("loa")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "0+unknown"


def build_parser(only: str | None = None) -> LoaArgumentParser:
    """All sub-commands, or just `only`: importing a command pulls in its libraries
    (SQLAlchemy, aiohttp, PTB), and `loa lunar` should not wait for those."""
    parser = LoaArgumentParser(
        prog="loa",
        description=_(
            "Loa: nhắc việc, tin bài gợi ý và xác nhận hoàn thành kế hoạch tuyên truyền."
        ),
    )
    parser.add_version(f"loa {loa_version()}")
    subparsers = parser.add_subparsers(dest="command", metavar=_("LỆNH"))
    for name in COMMAND_MODULES if only is None else (only,):
        module = importlib.import_module(f"bot.commands.{_MODULES.get(name, name)}")
        module.register(subparsers)
    return parser


def _chosen_command(argv: list[str]) -> str | None:
    first = next((arg for arg in argv if not arg.startswith("-")), None)
    return first if first in COMMAND_MODULES else None


def run_language() -> str:
    """The language of this run (see the module docstring)."""
    configured = configured_language()
    if configured in available_locales():
        return configured
    # An unknown LOA_LANGUAGE is reported with the other settings, in the locale's language.
    return language_of_environment(os.environ)


def _missing_driver(error: MissingDriver) -> str:
    if error.backend == "postgresql":
        return _(
            "Cơ sở dữ liệu PostgreSQL cần gói psycopg, chưa được cài. "
            "Hãy cài: pip install 'loa[postgres]'"
        )
    return _("Cơ sở dữ liệu %(backend)s cần mô-đun Python %(module)s, chưa được cài.") % {
        "backend": error.backend,
        "module": error.module,
    }


def _run(argv: list[str]) -> int:
    parser = build_parser(_chosen_command(argv))
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    return int(handler(args) or 0)


def main(argv: list[str] | None = None) -> int:
    # Vietnamese output must survive a non-UTF-8 locale (cron, minimal containers).
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    argv = sys.argv[1:] if argv is None else argv
    with language(run_language()):
        try:
            status = _run(argv)
            sys.stdout.flush()  # a closed pipe shows here rather than at exit
            return status
        except BrokenPipeError:
            return output_closed()
        except ConfigError as error:
            print(error, file=sys.stderr)
            return 2
        except MissingDriver as error:
            print(_missing_driver(error), file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            return 130
