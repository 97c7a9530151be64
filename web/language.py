"""The language switch in every page's foot: `/ngon-ngu/en?next=/lich` remembers the
choice in a cookie (for a year, signed in or not) and goes back to the page."""

from __future__ import annotations

from aiohttp import web

from content.i18n import available_locales
from web.site import LANGUAGE_COOKIE, LANGUAGE_PATH, site_of

YEAR_SECONDS = 365 * 24 * 3600


def _local(target: str) -> str:
    """`target` if it is a path on this site, else "/": the switch is no open redirect."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


async def choose(request: web.Request) -> web.StreamResponse:
    response = web.HTTPSeeOther(_local(request.query.get("next", "/")))
    code = request.match_info["code"]
    if code in available_locales():
        response.set_cookie(
            LANGUAGE_COOKIE,
            code,
            max_age=YEAR_SECONDS,
            path="/",
            httponly=True,
            samesite="Lax",
            secure=site_of(request).secure_cookies,
        )
    raise response


def routes() -> list[web.RouteDef]:
    return [web.get(LANGUAGE_PATH + "/{code}", choose)]
