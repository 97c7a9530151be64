"""Mounting the web page on `loa run`'s web server (bot/web.py): the routes of every
page module, the static files, and the headers every page gets."""

from __future__ import annotations

from aiohttp import web

from bot.app import LoaApp
from bot.storage.files import FileStore
from content.i18n import SOURCE_LOCALE
from web import (
    auth,
    broadcast,
    broadcast_files,
    calendar,
    language,
    notice,
    overview,
    plan,
    unit,
)
from web.auth import LIMITER, LoginLimiter
from web.site import SITE, STATIC, Site

# No framing (clickjacking), no sniffing, no Referer (a sign-in link's token must not
# leave in one), and nothing but this server's own styles, scripts and images.
SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
}


async def _headers(request: web.Request, response: web.StreamResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)


def install(app: web.Application, site: Site) -> None:
    """Add the pages to `app` (before it starts)."""
    app[SITE] = site
    app[LIMITER] = LoginLimiter()
    modules = (auth, language, notice, overview, unit, calendar, plan, broadcast, broadcast_files)
    for module in modules:
        app.router.add_routes(module.routes())
    app.router.add_static("/static/", STATIC)
    app.on_response_prepare.append(_headers)


def mount(loa: LoaApp) -> None:
    """`loa run`'s hook: the pages on its web server, with its database and clock."""
    install(
        loa.web.app,
        Site(
            database=loa.database,
            clock=loa.clock,
            context=loa.context,
            public_url=loa.config.public_url,
            extra_admins=loa.config.admins,
            evidence=FileStore(loa.config.evidence_root),
            # LOA_LANGUAGE; not the server's locale, which says nothing of the office.
            language=loa.config.language or SOURCE_LOCALE,
        ),
    )
