"""Signing in and out of the web page.

`GET /dangnhap` says how to get a link. A link `/dangnhap/TOKEN` (from /dangnhap in a
private chat, or `loa login-link`) shows a page with one button: opening the link
changes nothing, so a chat app fetching it for a preview does not spend it; pressing
the button (a POST) spends it and starts the session. That form carries a CSRF token
of its own (a cookie and a hidden field that must match), so another site cannot sign
a browser in to someone else's session. Failed attempts (a link that is unknown, used
or expired, a form without its token) are limited per client address: guessing a
token is hopeless anyway (256 bits), and counting only failures keeps an office
behind one proxy address from locking itself out.
"""

from __future__ import annotations

import secrets
import time
from collections import deque
from collections.abc import Callable

from aiohttp import web

from bot.storage.web_auth import (
    LINK_PROBLEMS,
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
FAILURES_PER_WINDOW = 10  # refused link pages and sign-in forms, per client address
WINDOW_SECONDS = 300.0
MAX_CLIENTS = 10_000  # forgotten first when full: memory stays bounded under a flood


class LoginLimiter:
    """A client with `limit` failures in the last `window` seconds is refused until the
    oldest of them leaves the window (a sliding window, in memory: per process)."""

    def __init__(
        self,
        limit: int = FAILURES_PER_WINDOW,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, client: str) -> deque[float]:
        now = self._clock()
        failures = self._failures.pop(client, None) or deque()
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        if len(self._failures) >= MAX_CLIENTS:
            self._failures.pop(next(iter(self._failures)))
        self._failures[client] = failures  # re-inserted: the dict's order is recency
        return failures

    def blocked(self, client: str) -> bool:
        return len(self._recent(client)) >= self.limit

    def failed(self, client: str) -> None:
        self._recent(client).append(self._clock())


LIMITER = web.AppKey("loa_login_limiter", LoginLimiter)


def _client(request: web.Request) -> str:
    return request.remote or "?"


def _too_many(request: web.Request) -> web.Response | None:
    if not request.app[LIMITER].blocked(_client(request)):
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


def _link_refused(request: web.Request, why: str) -> web.Response:
    request.app[LIMITER].failed(_client(request))
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
    if found in LINK_PROBLEMS:
        return _link_refused(request, found)
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
        request.app[LIMITER].failed(_client(request))
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
        spendable = found not in LINK_PROBLEMS
        if viewer is not None and spendable and viewer.address != found:
            return _other_person(viewer)
        address = await use_login_link(session, token, now)
        if address in LINK_PROBLEMS:
            return _link_refused(request, address)
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
