"""`loa invite UNIT`: a one-time code that links a chat to a unit, and the Telegram
deep link that adds the bot to a group with that code.

The bot's username comes from --bot-username, LOA_TELEGRAM_BOT_USERNAME, or Telegram's
getMe when LOA_TELEGRAM_TOKEN is set. The token is part of the getMe URL, so neither
the token nor that URL is ever printed, even in an error.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import timedelta
from typing import Any

import aiohttp

from bot.commands._common import UserError, choose_plan, find_unit, run_with_database, unknown_unit
from bot.config import Config
from bot.storage.db import Database
from bot.storage.links import create_invite
from bot.storage.plan_cache import stored_plans
from content.channels import TELEGRAM
from content.clock import Clock
from content.dates import format_datetime, to_local
from content.i18n import _, current_language
from content.plan import Plan, Unit

GETME_TIMEOUT_SECONDS = 10


def _positive_days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        days = 0
    if not 1 <= days <= 365:
        raise argparse.ArgumentTypeError(
            _("số ngày phải từ 1 đến 365, không phải '%(text)s'") % {"text": text}
        )
    return days


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "invite",
        help=_("tạo mã liên kết một lần để nối nhóm chat với đơn vị"),
        description=_(
            "Tạo mã liên kết dùng một lần cho một đơn vị, kèm liên kết Telegram "
            "để thêm bot vào nhóm của đơn vị."
        ),
    )
    parser.add_argument("unit", metavar="UNIT", help=_("mã (hoặc tên) đơn vị"))
    parser.add_argument(
        "--plan", metavar="ID", help=_("mã kế hoạch (cần khi đã nạp nhiều kế hoạch)")
    )
    parser.add_argument(
        "--ttl-days", type=_positive_days, default=7, metavar="N", help=_("hết hạn sau N ngày (7)")
    )
    parser.add_argument(
        "--bot-username", metavar="NAME", help=_("tên bot Telegram (mặc định: hỏi Telegram)")
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(handler=run)


def instructions(code: str, with_link: bool = True) -> str:
    telegram = (
        _("Thêm bot vào nhóm bằng liên kết trên, hoặc gửi /lienket %(code)s trong nhóm")
        if with_link
        else _("Trên Telegram: thêm bot vào nhóm rồi gửi /lienket %(code)s trong nhóm")
    )
    zalo = _(
        "trên Zalo: nhắn /lienket %(code)s cho bot trong trò chuyện riêng "
        "hoặc trích dẫn tin của bot trong nhóm."
    )
    return f"{telegram % {'code': code}}; {zalo % {'code': code}}"


def deep_link(username: str, code: str) -> str:
    link = TELEGRAM.group_invite_link
    assert link is not None
    return link.format(username=username, code=code)


async def telegram_username(config: Config) -> tuple[str | None, str | None]:
    """(username, None) from getMe, or (None, why not). The reason never holds the token."""
    if config.telegram_token is None:
        return None, None
    token = config.telegram_token.get_secret_value()
    url = f"{config.telegram_api_url}/bot{token}/getMe"
    try:
        timeout = aiohttp.ClientTimeout(total=GETME_TIMEOUT_SECONDS)
        async with (
            aiohttp.ClientSession(timeout=timeout) as http,
            http.get(url) as response,
        ):
            body = await response.json(content_type=None)
            if response.status != 200 or not body.get("ok"):
                reason = body.get("description") if isinstance(body, dict) else None
                return None, _("Telegram trả lời HTTP %(status)d (%(reason)s)") % {
                    "status": response.status,
                    "reason": reason or _("lỗi"),
                }
            username = body["result"]["username"]
    except (aiohttp.ClientError, TimeoutError, ValueError, KeyError, TypeError) as error:
        detail = str(error).replace(token, "***") or type(error).__name__
        return None, _("không hỏi được Telegram: %(error)s") % {
            "error": f"{type(error).__name__}: {detail}"
        }
    return str(username), None


def _pick(plans: list[Plan], plan_id: str | None, wanted: str) -> tuple[Plan, Unit]:
    if plan_id is None and len(plans) > 1:
        having = [plan.id for plan in plans if find_unit(plan, wanted) is not None]
        if not having:
            raise unknown_unit(plans, wanted, None)
        raise UserError(
            _(
                "Có %(n)d kế hoạch; hãy chọn một bằng --plan "
                "(đơn vị '%(unit)s' có trong: %(plans)s)."
            )
            % {"n": len(plans), "unit": wanted, "plans": ", ".join(having)}
        )
    plan = choose_plan(plans, plan_id)
    unit = find_unit(plan, wanted)
    if unit is None:
        raise unknown_unit([plan], wanted, plan.id)
    return plan, unit


def run(args: argparse.Namespace) -> int:
    async def main(config: Config, database: Database) -> int:
        now = Clock(config.now).now()
        async with database.session() as session:
            plan, unit = _pick(await stored_plans(session), args.plan, args.unit)
            invite = await create_invite(
                session, plan.id, unit.id, now, ttl=timedelta(days=args.ttl_days), created_by="cli"
            )
        username = (args.bot_username or "").strip().lstrip("@") or config.telegram_bot_username
        warning = None
        if username is None:
            username, warning = await telegram_username(config)
        link = deep_link(username, invite.code) if username else None
        if args.format == "json":
            print(
                json.dumps(
                    {
                        "code": invite.code,
                        "plan": plan.id,
                        "unit": unit.id,
                        "unit_name": unit.name,
                        "expires_at": to_local(invite.expires_at).isoformat(timespec="seconds"),
                        "link": link,
                    },
                    ensure_ascii=False,
                )
            )
        else:
            print(
                _("Mã liên kết cho %(name)s (%(unit)s), kế hoạch %(plan)s:")
                % {"name": unit.name, "unit": unit.id, "plan": plan.id}
            )
            print()
            print(f"    {invite.code}")
            print()
            if link:
                print(_("Liên kết Telegram: %(link)s") % {"link": link})
            expires = format_datetime(invite.expires_at, current_language())
            print(_("Dùng một lần; hết hạn lúc %(expires)s.") % {"expires": expires})
            print()
            print(instructions(invite.code, with_link=link is not None))
        if link is None:
            why = f" ({warning})" if warning else ""
            print(
                _(
                    "Chưa có liên kết Telegram%(why)s: đặt LOA_TELEGRAM_BOT_USERNAME, dùng "
                    "--bot-username, hoặc đặt LOA_TELEGRAM_TOKEN để hỏi tên bot."
                )
                % {"why": why},
                file=sys.stderr,
            )
        return 0

    return run_with_database(main, must_exist=True)
