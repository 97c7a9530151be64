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
        help="chạy bot: các kênh đã cấu hình, bộ lập lịch, máy chủ web",
        description=(
            "Chạy Loa: Telegram khi có LOA_TELEGRAM_TOKEN, Zalo khi có LOA_ZALO_TOKEN; "
            "nhận tin qua webhook khi có LOA_WEBHOOK_BASE_URL, nếu không thì hỏi vòng (polling)."
        ),
    )
    parser.add_argument(
        "--plan",
        action="append",
        default=[],
        metavar="PLAN.yaml",
        help="nạp (hoặc nạp lại) kế hoạch này trước khi chạy; có thể lặp lại",
    )
    parser.add_argument(
        "--log-level", default="INFO", help="mức ghi log: DEBUG, INFO, WARNING (mặc định INFO)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(
        level=args.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # APScheduler logs every wake-up at INFO; only its problems are worth reading.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    try:
        config = load_config()
    except ConfigError as error:
        print(f"Lỗi cấu hình: {error}", file=sys.stderr)
        return 2
    if args.plan:
        from bot.commands.load import load_files

        status = load_files(args.plan, config)
        if status:
            return status
    from bot.app import run_forever
    from bot.storage.schema import SchemaError

    try:
        asyncio.run(run_forever(config))
    except SchemaError as error:  # a database behind (or ahead of) this version
        print(error, file=sys.stderr)
        return 2
    except SystemExit as error:
        if isinstance(error.code, str):
            print(error.code, file=sys.stderr)
            return 2
        raise
    return 0
