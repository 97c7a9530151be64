"""`loa login-link ADDRESS`: a one-time link that signs a plan admin (or a unit's
contact) in to the office's web page, for when the chat is not at hand. The same link
as `/dangnhap` in a private chat: ten minutes, once, bound to that address.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from bot.commands._common import UserError, fail, run_with_database
from bot.config import Config
from bot.storage.db import Database
from bot.storage.web_auth import LINK_LIFETIME, access_of, create_login_link
from content.clock import Clock
from content.dates import format_datetime, to_local
from content.i18n import _, current_language
from content.plan import Address
from handlers.web_login import login_url


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "login-link",
        help=_("liên kết đăng nhập trang web dùng một lần cho quản trị viên"),
        description=_(
            "Tạo liên kết đăng nhập trang web của Loa, dùng một lần, hết hạn sau 10 phút, "
            "cho quản trị viên kế hoạch hoặc cán bộ đầu mối của đơn vị."
        ),
    )
    parser.add_argument("address", metavar="ADMIN", help=_("tài khoản, ví dụ telegram:123456789"))
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        address = str(Address.parse(args.address))
    except ValueError as error:
        return fail(str(error))

    async def main(config: Config, database: Database) -> int:
        if not config.public_url:
            raise UserError(_("Chưa đặt LOA_PUBLIC_URL (địa chỉ công khai của trang web)."))
        now = Clock(config.now).now()
        async with database.session() as session:
            access = await access_of(session, address, config.admins)
            if not access.anything:
                raise UserError(
                    _(
                        "%(address)s không là quản trị viên kế hoạch nào, cũng không là cán "
                        "bộ đầu mối của đơn vị nào."
                    )
                    % {"address": address}
                )
            token = await create_login_link(session, address, now)
        link = login_url(config.public_url, token)
        expires = now + LINK_LIFETIME
        if args.format == "json":
            shown = {
                "address": address,
                "link": link,
                "expires_at": to_local(expires).isoformat(timespec="seconds"),
            }
            print(json.dumps(shown, ensure_ascii=False))
        else:
            print(_("Liên kết đăng nhập cho %(address)s:") % {"address": address})
            print(link)
            when = format_datetime(expires, current_language())
            print(_("Dùng một lần; hết hạn lúc %(expires)s.") % {"expires": when})
        return 0

    return run_with_database(main)
