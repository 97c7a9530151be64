"""Signing in and out of the web page.

`GET /dangnhap` says how to get a link. A link `/dangnhap/TOKEN` (from /dangnhap in a
private chat, or `loa login-link`) shows a page with one button: opening the link
changes nothing, so a chat app fetching it for a preview does not spend it; pressing
the button (a POST) spends it and starts the session. That form carries a CSRF token
of its own (a cookie and a hidden field that must match), so another site cannot sign
a browser in to someone else's session. Attempts are limited per client address.
"""

from __future__ import annotations

import secrets
import time
from collections import deque

from aiohttp import web

from bot.storage.web_auth import (
    SESSION_LIFETIME,
    end_session,
    login_address,
    start_session,
    use_login_link,
)
from content.i18n import translator
from web.site import (
    LOCALE,
    LOGIN_PATH,
    SESSION_COOKIE,
    Viewer,
    page,
    problem,
    render,
    same_token,
    site_of,
    viewer_of,
)

LOGIN_CSRF_COOKIE = "loa_login_csrf"
ATTEMPTS_PER_WINDOW = 10  # link pages opened or pressed, per client address
WINDOW_SECONDS = 300.0
MAX_CLIENTS = 10_000  # forgotten first when full: memory stays bounded under a flood


class LoginLimiter:
    """At most `limit` attempts per client in any `window` seconds (a sliding window)."""

    def __init__(
        self, limit: int = ATTEMPTS_PER_WINDOW, window: float = WINDOW_SECONDS, clock=time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._attempts: dict[str, deque[float]] = {}

    def allow(self, client: str) -> bool:
        now = self._clock()
        attempts = self._attempts.pop(client, None) or deque()
        while attempts and attempts[0] <= now - self.window:
            attempts.popleft()
        if len(self._attempts) >= MAX_CLIENTS:
            self._attempts.pop(next(iter(self._attempts)))
        self._attempts[client] = attempts  # re-inserted: the dict's order is recency
        if len(attempts) >= self.limit:
            return False
        attempts.append(now)
        return True


LIMITER = web.AppKey("loa_login_limiter", LoginLimiter)


def _client(request: web.Request) -> str:
    return request.remote or "?"


def _too_many(request: web.Request) -> web.Response | None:
    if request.app[LIMITER].allow(_client(request)):
        return None
    _ = translator(LOCALE)
    response = problem(
        None,
        _("Thử quá nhiều lần"),
        _("Có quá nhiều lần đăng nhập từ máy này. Hãy đợi vài phút rồi thử lại."),
        429,
        LOGIN_PATH,
    )
    response.headers["Retry-After"] = str(int(WINDOW_SECONDS))
    return response


def _link_refused(why: str) -> web.Response:
    _ = translator(LOCALE)
    messages = {
        "used": _("Liên kết này đã được dùng. Mỗi liên kết chỉ dùng được một lần."),
        "expired": _("Liên kết này đã hết hạn (liên kết chỉ dùng được trong 10 phút)."),
        "unknown": _("Liên kết này không đúng hoặc không phải của Loa."),
    }
    message = messages.get(why, messages["unknown"])
    how = _("Nhắn /dangnhap cho Loa trong trò chuyện riêng để nhận liên kết mới.")
    return problem(None, _("Không đăng nhập được"), f"{message} {how}", 403, LOGIN_PATH)


def _other_person(viewer: Viewer) -> web.Response:
    _ = translator(LOCALE)
    return problem(
        viewer,
        _("Đang đăng nhập bằng tài khoản khác"),
        _(
            "Trình duyệt này đang đăng nhập bằng một tài khoản khác với tài khoản của liên "
            "kết. Hãy đăng xuất trước rồi mở lại liên kết; không có gì thay đổi."
        ),
        409,
    )


async def sign_in_page(request: web.Request) -> web.StreamResponse:
    if await viewer_of(request) is not None:
        raise web.HTTPSeeOther("/")
    return render("signin.html")


async def link_page(request: web.Request) -> web.StreamResponse:
    if (refused := _too_many(request)) is not None:
        return refused
    site = site_of(request)
    token = request.match_info["token"]
    async with site.database.session() as session:
        found = await login_address(session, token, site.now())
    if found in ("unknown", "used", "expired"):
        return _link_refused(found)
    viewer = await viewer_of(request)
    if viewer is not None and viewer.address != found:
        return _other_person(viewer)
    csrf = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    response = render("signin_link.html", address=found, csrf=csrf, action=request.path)
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        csrf,
        httponly=True,
        samesite="Strict",
        secure=site.secure_cookies,
        path=LOGIN_PATH,
        max_age=600,
    )
    return response


async def use_link(request: web.Request) -> web.StreamResponse:
    if (refused := _too_many(request)) is not None:
        return refused
    site = site_of(request)
    form = await request.post()
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not same_token(form.get("csrf"), expected):
        _ = translator(LOCALE)
        return problem(
            None,
            _("Biểu mẫu không hợp lệ"),
            _("Biểu mẫu thiếu mã bảo vệ; hãy mở lại liên kết đăng nhập. Không có gì thay đổi."),
            403,
            LOGIN_PATH,
        )
    token = request.match_info["token"]
    viewer = await viewer_of(request)
    now = site.now()
    async with site.database.session() as session:
        found = await login_address(session, token, now)
        spendable = found not in ("unknown", "used", "expired")
        if viewer is not None and spendable and viewer.address != found:
            return _other_person(viewer)
        address = await use_login_link(session, token, now)
        if address in ("unknown", "used", "expired"):
            return _link_refused(address)
        signed_in = await start_session(session, address, now)
    response = web.HTTPSeeOther("/")
    response.set_cookie(
        SESSION_COOKIE,
        signed_in.token,
        httponly=True,
        samesite="Lax",
        secure=site.secure_cookies,
        path="/",
        max_age=int(SESSION_LIFETIME.total_seconds()),
    )
    response.del_cookie(LOGIN_CSRF_COOKIE, path=LOGIN_PATH)
    raise response


@page
async def sign_out(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    site = site_of(request)
    async with site.database.session() as session:
        await end_session(session, request.cookies.get(SESSION_COOKIE, ""), site.now())
    response = web.HTTPSeeOther(LOGIN_PATH)
    response.del_cookie(SESSION_COOKIE, path="/")
    raise response


@page
async def sign_out_page(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    return render("signout.html", viewer)


def routes() -> list[web.RouteDef]:
    return [
        web.get(LOGIN_PATH, sign_in_page),
        web.get(LOGIN_PATH + "/{token}", link_page),
        web.post(LOGIN_PATH + "/{token}", use_link),
        web.get("/dangxuat", sign_out_page),
        web.post("/dangxuat", sign_out),
    ]
