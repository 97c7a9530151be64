"""What every page shares: the site's dependencies, the session behind a request, the
CSRF check of every form, the language of a request, and rendering a template.

A page is rendered in the language the browser chose with the switch in every page's
foot (`/ngon-ngu/en`, kept in a cookie, signed in or not), else the site's
(`LOA_LANGUAGE`, else Vietnamese). `localized()` sets it for the request through
content.i18n's `language()`, so templates, dates and the messages made below the
web layer (plan errors, broadcast texts) all follow it.

A page handler is wrapped by `page()`: without a live session the browser is sent to
the sign-in page; a POST whose form lacks the session's CSRF token is refused (403)
before the handler runs, so nothing changes.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache, wraps
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from aiohttp import web
from babel import Locale

from bot.storage.db import Database
from bot.storage.files import FileStore
from bot.storage.web_auth import Access, access_of, live_session
from bot.web import MAX_BODY_BYTES
from content.clock import Clock
from content.dates import format_date_short, format_datetime
from content.i18n import (
    SOURCE_LOCALE,
    Translator,
    available_locales,
    current_language,
    language,
    translations,
    translator,
)
from content.plan import Address
from handlers.context import HandlerContext

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
SESSION_COOKIE = "loa_session"
LOGIN_PATH = "/dangnhap"
LANGUAGE_COOKIE = "loa_lang"
LANGUAGE_PATH = "/ngon-ngu"


@dataclass
class Site:
    database: Database
    clock: Clock
    context: HandlerContext  # the handlers' context: broadcasts go through it
    public_url: str | None
    extra_admins: tuple[Address, ...]
    evidence: FileStore
    language: str = SOURCE_LOCALE  # pages' language until a browser chooses another

    @property
    def secure_cookies(self) -> bool:
        return bool(self.public_url and self.public_url.startswith("https://"))

    def now(self) -> datetime:
        return self.clock.now()


SITE = web.AppKey("loa_site", Site)


@dataclass(frozen=True)
class Viewer:
    """The signed-in person of a request."""

    address: str
    csrf_token: str
    access: Access


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
PageHandler = Callable[[web.Request, Viewer], Awaitable[web.StreamResponse]]


def site_of(request: web.Request) -> Site:
    return request.app[SITE]


# The page a request is for, so the language switch in the foot can come back to it.
_here: ContextVar[str] = ContextVar("loa_web_here", default="/")


def locale_of(request: web.Request) -> str:
    """The browser's chosen language if Loa has it, else the site's."""
    chosen = request.cookies.get(LANGUAGE_COOKIE, "")
    return chosen if chosen in available_locales() else site_of(request).language


def localized(handler: Handler) -> Handler:
    """Run `handler` in the request's language."""

    @wraps(handler)
    async def wrapped(request: web.Request) -> web.StreamResponse:
        here = _here.set(request.path_qs if request.method == "GET" else "/")
        try:
            with language(locale_of(request)):
                return await handler(request)
        finally:
            _here.reset(here)

    return wrapped


def texts() -> Translator:
    """The messages of the request's language."""
    return translator(current_language())


@lru_cache(maxsize=8)
def environment(locale: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations(locale), newstyle=True)  # type: ignore[attr-defined]
    env.filters["date_short"] = lambda day: format_date_short(day, locale)
    env.filters["datetime"] = lambda moment: format_datetime(moment, locale) if moment else ""
    return env


def language_links() -> list[dict[str, str]]:
    """The foot's switch: every other language, named in itself, back to this page."""
    here = _here.get()
    return [
        {
            "code": code,
            "name": Locale.parse(code).get_display_name(code) or code,
            "href": f"{LANGUAGE_PATH}/{code}?{urlencode({'next': here})}",
        }
        for code in available_locales()
        if code != current_language()
    ]


def render(
    template: str, viewer: Viewer | None = None, *, status: int = 200, **values: Any
) -> web.Response:
    locale = current_language()
    html = (
        environment(locale)
        .get_template(template)
        .render(viewer=viewer, lang=locale, languages=language_links(), **values)
    )
    response = web.Response(text=html, content_type="text/html", charset="utf-8", status=status)
    response.headers["Cache-Control"] = "no-store"
    return response


def problem(
    viewer: Viewer | None, title: str, message: str, status: int, back: str = "/"
) -> web.Response:
    """A clear page saying what was refused and why."""
    return render("problem.html", viewer, status=status, title=title, message=message, back=back)


async def viewer_of(request: web.Request) -> Viewer | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    site = site_of(request)
    async with site.database.session() as session:
        row = await live_session(session, token, site.now())
        if row is None:
            return None
        access = await access_of(session, row.address, site.extra_admins)
    return Viewer(row.address, row.csrf_token, access)


def same_token(given: object, expected: str) -> bool:
    return isinstance(given, str) and bool(given) and secrets.compare_digest(given, expected)


def page_taking(
    max_body: int, too_large: Callable[[Viewer], web.Response]
) -> Callable[[PageHandler], Handler]:
    """`page` for a form whose files may reach `max_body` bytes (the server's limit is
    MAX_BODY_BYTES); a larger one gets the page `too_large` makes, and nothing changes."""

    def decorate(handler: PageHandler) -> Handler:
        @localized
        @wraps(handler)
        async def wrapped(request: web.Request) -> web.StreamResponse:
            viewer = await viewer_of(request)
            if viewer is None:
                if request.method == "GET":
                    raise web.HTTPSeeOther(LOGIN_PATH)
                _ = texts()
                return problem(
                    None,
                    _("Chưa đăng nhập"),
                    _("Phiên làm việc đã hết hoặc chưa đăng nhập; không có gì thay đổi."),
                    401,
                    LOGIN_PATH,
                )
            if request.method == "POST":
                if max_body != MAX_BODY_BYTES:
                    request = request.clone(client_max_size=max_body)
                try:
                    form = await request.post()
                except web.HTTPRequestEntityTooLarge:
                    return too_large(viewer)
                if not same_token(form.get("csrf"), viewer.csrf_token):
                    _ = texts()
                    return problem(
                        viewer,
                        _("Biểu mẫu không hợp lệ"),
                        _(
                            "Biểu mẫu thiếu mã bảo vệ hoặc mã đã cũ; không có gì thay đổi. "
                            "Hãy mở lại trang và gửi lại."
                        ),
                        403,
                    )
            return await handler(request, viewer)

        return wrapped

    return decorate


def plan_too_large(viewer: Viewer) -> web.Response:
    _ = texts()
    return problem(
        viewer,
        _("Tệp quá lớn"),
        _(
            "Trang web nhận tệp tới %(mb)d MB; không có gì thay đổi. Với văn bản lớn hơn, "
            "hãy dùng lệnh loa import trên máy chủ."
        )
        % {"mb": MAX_BODY_BYTES // (1024 * 1024)},
        413,
    )


def page(handler: PageHandler) -> Handler:
    """A page for signed-in people: sign-in first, and every POST's CSRF token checked
    (forms up to the server's body limit)."""
    return page_taking(MAX_BODY_BYTES, plan_too_large)(handler)


def not_yours(viewer: Viewer) -> web.Response:
    _ = texts()
    return problem(
        viewer,
        _("Không có quyền xem"),
        _("Trang này thuộc kế hoạch hoặc đơn vị bạn không phụ trách."),
        403,
    )


def admin_only(viewer: Viewer) -> web.Response | None:
    """A refusal page for people who administer no plan (unit contacts), else None."""
    return None if viewer.access.admin_plans else not_yours(viewer)


def chosen_plan(request: web.Request, viewer: Viewer, plans: Sequence[Any] = ()) -> Any:
    """The plan named by `?plan=` among those the viewer administers (the first one
    by default); None if the name is not one of them."""
    wanted = request.query.get("plan")
    candidates = list(plans or viewer.access.admin_plans)
    if not wanted:
        return candidates[0] if candidates else None
    return next((plan for plan in candidates if plan.id == wanted), None)
