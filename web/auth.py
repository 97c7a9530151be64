"""Signing in and out of the web page.

`GET /dangnhap` says how to get a link. A link `/dangnhap/TOKEN` (from /dangnhap in a
private chat, or `loa login-link`) shows a page with one button: opening the link
changes nothing, so a chat app fetching it for a preview does not spend it; pressing
the button (a POST) spends it and starts the session. That form carries a CSRF token
of its own (a cookie and a hidden field that must match), so another site cannot sign
a browser in to someone else's session. Failed attempts (a link that is unknown, used
or expired, a form without its token) are limited per client address, counted in the
database so that instances sharing it share the limit: guessing a token is hopeless
anyway (256 bits), and counting only failures keeps an office behind one proxy
address from locking itself out.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from aiohttp import web

from bot.storage.web_auth import (
    LINK_PROBLEMS,
    SESSION_LIFETIME,
    end_session,
    login_address,
    login_failures_since,
    record_login_failure,
    start_session,
    use_login_link,
)
from web.site import (
    LOGIN_PATH,
    SESSION_COOKIE,
    Viewer,
    localized,
    page,
    problem,
    render,
    same_token,
    site_of,
    texts,
    viewer_of,
)

LOGIN_CSRF_COOKIE = "loa_login_csrf"
FAILURES_PER_WINDOW = 10  # refused link pages and sign-in forms, per client address
WINDOW = timedelta(minutes=5)


@dataclass(frozen=True)
class LoginLimiter:
    """A client with `limit` refused attempts in the last `window` is refused until the
    oldest of them leaves the window (a sliding window). The failures are rows in the
    database (`web_login_failures`), so every instance sharing it counts them all."""

    limit: int = FAILURES_PER_WINDOW
    window: timedelta = WINDOW

    async def blocked(self, request: web.Request) -> bool:
        site = site_of(request)
        async with site.database.session() as session:
            failures = await login_failures_since(
                session, _client(request), site.now() - self.window
            )
        return failures >= self.limit

    async def failed(self, request: web.Request) -> None:
        site = site_of(request)
        async with site.database.session() as session:
            await record_login_failure(session, _client(request), site.now())


LIMITER = web.AppKey("loa_login_limiter", LoginLimiter)


def _client(request: web.Request) -> str:
    return request.remote or "?"


async def _too_many(request: web.Request) -> web.Response | None:
    if not await request.app[LIMITER].blocked(request):
        return None
    _ = texts()
    response = problem(
        None,
        _("Thử quá nhiều lần"),
        _("Có quá nhiều lần đăng nhập từ máy này. Hãy đợi vài phút rồi thử lại."),
        429,
        LOGIN_PATH,
    )
    response.headers["Retry-After"] = str(int(WINDOW.total_seconds()))
    return response


async def _link_refused(request: web.Request, why: str) -> web.Response:
    await request.app[LIMITER].failed(request)
    _ = texts()
    messages = {
        "used": _("Liên kết này đã được dùng. Mỗi liên kết chỉ dùng được một lần."),
        "expired": _("Liên kết này đã hết hạn (liên kết chỉ dùng được trong 10 phút)."),
        "unknown": _("Liên kết này không đúng hoặc không phải của Loa."),
    }
    message = messages.get(why, messages["unknown"])
    how = _("Nhắn /dangnhap cho Loa trong trò chuyện riêng để nhận liên kết mới.")
    return problem(None, _("Không đăng nhập được"), f"{message} {how}", 403, LOGIN_PATH)


def _other_person(viewer: Viewer) -> web.Response:
    _ = texts()
    return problem(
        viewer,
        _("Đang đăng nhập bằng tài khoản khác"),
        _(
            "Trình duyệt này đang đăng nhập bằng một tài khoản khác với tài khoản của liên "
            "kết. Hãy đăng xuất trước rồi mở lại liên kết; không có gì thay đổi."
        ),
        409,
    )


@localized
async def sign_in_page(request: web.Request) -> web.StreamResponse:
    if await viewer_of(request) is not None:
        raise web.HTTPSeeOther("/")
    return render("signin.html")


@localized
async def link_page(request: web.Request) -> web.StreamResponse:
    if (refused := await _too_many(request)) is not None:
        return refused
    site = site_of(request)
    token = request.match_info["token"]
    async with site.database.session() as session:
        found = await login_address(session, token, site.now())
    if found in LINK_PROBLEMS:
        return await _link_refused(request, found)
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


@localized
async def use_link(request: web.Request) -> web.StreamResponse:
    if (refused := await _too_many(request)) is not None:
        return refused
    site = site_of(request)
    form = await request.post()
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not same_token(form.get("csrf"), expected):
        await request.app[LIMITER].failed(request)
        _ = texts()
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
        signed_in = None if address in LINK_PROBLEMS else await start_session(session, address, now)
    if signed_in is None:  # counted once this session is closed: SQLite has one connection
        return await _link_refused(request, address)
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
