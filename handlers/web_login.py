"""/dangnhap and /dangxuat: signing in to (and out of) the office's web page.

An admin of a plan, or a unit's contact, sends /dangnhap in a private chat and gets a
one-time link valid for ten minutes, bound to their own address (bot/storage/web_auth.py).
In a group the link would be anyone's, so there Loa only says to ask privately.
/dangxuat ends every browser session of the person.
"""

from __future__ import annotations

from bot.storage.web_auth import LINK_LIFETIME, access_of, create_login_link, end_sessions_of
from handlers.commands import N_, Command, HelpLine
from handlers.context import Turn
from handlers.events import Reply

LOGIN_PATH = "/dangnhap"


def login_url(public_url: str, token: str) -> str:
    return f"{public_url}{LOGIN_PATH}/{token}"


async def on_login(turn: Turn) -> list[Reply]:
    _ = turn._
    if not turn.private:
        return [Reply(text=_("Để giữ an toàn, hãy nhắn /dangnhap cho Loa trong trò chuyện riêng."))]
    public_url = turn.ctx.public_url
    if not public_url:
        return [
            Reply(
                text=_("Trang web của Loa chưa được bật: quản trị máy chủ cần đặt LOA_PUBLIC_URL.")
            )
        ]
    address = turn.event.user_address
    access = await access_of(turn.session, address, turn.ctx.extra_admins)
    if not access.anything:
        return [
            Reply(
                text=_(
                    "Trang web dành cho quản trị viên kế hoạch và cán bộ đầu mối của đơn vị; "
                    "tài khoản này chưa là ai trong số đó."
                )
            )
        ]
    token = await create_login_link(turn.session, address, turn.now)
    minutes = int(LINK_LIFETIME.total_seconds() // 60)
    return [
        Reply(
            text="\n".join(
                [
                    _("🔑 Liên kết đăng nhập trang web của Loa:"),
                    login_url(public_url, token),
                    _(
                        "Dùng một lần, hết hạn sau %(minutes)d phút. Đừng chuyển liên kết "
                        "này cho ai: ai mở nó sẽ đăng nhập bằng tài khoản của bạn."
                    )
                    % {"minutes": minutes},
                ]
            )
        )
    ]


async def on_logout(turn: Turn) -> list[Reply]:
    _ = turn._
    ended = await end_sessions_of(turn.session, turn.event.user_address, turn.now)
    if not ended:
        return [Reply(text=_("Bạn không đăng nhập trang web ở trình duyệt nào."))]
    return [
        Reply(
            text=_.ngettext(
                "Đã đăng xuất trang web ở %(n)d trình duyệt.",
                "Đã đăng xuất trang web ở %(n)d trình duyệt.",
                ended,
            )
            % {"n": ended}
        )
    ]


COMMANDS = (
    Command(
        "dangnhap",
        "login",
        on_login,
        admin_help=HelpLine("", N_("liên kết đăng nhập trang web (nhắn riêng; dùng một lần)")),
    ),
    Command(
        "dangxuat",
        "logout",
        on_logout,
        admin_help=HelpLine("", N_("đăng xuất trang web ở mọi trình duyệt")),
    ),
)
