"""`loa run`: the bot itself."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from bot.config import ConfigError, load_config


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "run",
        help="run the bot: every configured channel, the scheduler, the web server",
        description=(
            "Runs Loa: Telegram if LOA_TELEGRAM_TOKEN is set, Zalo if LOA_ZALO_TOKEN is set; "
            "webhooks if LOA_WEBHOOK_BASE_URL is set, polling otherwise."
        ),
    )
    parser.add_argument(
        "--plan",
        action="append",
        default=[],
        metavar="PLAN.yaml",
        help="load (or reload) this plan before starting; may be repeated",
    )
    parser.add_argument("--log-level", default="INFO", help="DEBUG, INFO, WARNING (default INFO)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(
        level=args.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        config = load_config()
    except ConfigError as error:
        print(f"Lỗi cấu hình: {error}", file=sys.stderr)
        return 2
    if args.plan:
        from bot.commands.load import load_files

        status = asyncio.run(load_files(config, args.plan))
        if status:
            return status
    from bot.app import run_forever

    try:
        asyncio.run(run_forever(config))
    except SystemExit as error:
        if isinstance(error.code, str):
            print(error.code, file=sys.stderr)
            return 2
        raise
    return 0
