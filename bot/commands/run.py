"""`loa run`: the bot itself."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.config import load_config
from bot.logging_setup import LEVELS, configure_logging, register_secrets
from content.i18n import _


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "run",
        help=_("chạy bot: các kênh đã cấu hình, bộ lập lịch, máy chủ web"),
        description=_(
            "Chạy Loa: Telegram khi có LOA_TELEGRAM_TOKEN, Zalo khi có LOA_ZALO_TOKEN; "
            "nhận tin qua webhook khi có LOA_WEBHOOK_BASE_URL, nếu không thì hỏi vòng (polling)."
        ),
    )
    parser.add_argument(
        "--plan",
        action="append",
        default=[],
        metavar="PLAN.yaml",
        help=_("nạp (hoặc nạp lại) kế hoạch này trước khi chạy; có thể lặp lại"),
    )
    parser.add_argument(
        "--log-level",
        default="INFO",
        type=str.upper,
        choices=LEVELS,
        help=_("mức ghi log: %(levels)s (mặc định INFO)") % {"levels": ", ".join(LEVELS)},
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    config = load_config()
    register_secrets(config.secret_values())
    configure_logging(args.log_level, config.log_format)
    if args.plan:
        from bot.commands.load import load_files

        status = load_files(args.plan, config)
        if status:
            return status
    from bot.app import run_forever
    from bot.storage.schema import SchemaError
    from web.app import mount

    try:
        asyncio.run(run_forever(config, [mount]))
    except SchemaError as error:  # a database behind (or ahead of) this version
        print(error, file=sys.stderr)
        return 2
    except SystemExit as error:
        if isinstance(error.code, str):
            print(error.code, file=sys.stderr)
            return 2
        raise
    return 0
