"""The privacy notice on the web: "Loa lưu những gì về bạn", the same words as /baomat
in chat (content/privacy_notice.py), readable without signing in and linked from
every page's footer (docs/privacy.md)."""

from __future__ import annotations

from aiohttp import web

from bot.storage.plan_cache import stored_plans
from content.privacy_notice import notice_lines
from web.site import localized, render, site_of, texts, viewer_of

NOTICE_PATH = "/bao-mat"


@localized
async def notice_page(request: web.Request) -> web.StreamResponse:
    site = site_of(request)
    async with site.database.session() as session:
        agencies = [plan.privacy for plan in await stored_plans(session)]
    lines = notice_lines(texts(), site.context.retention.told, agencies)
    title, *body = lines
    return render("notice.html", await viewer_of(request), title=title, lines=body)


def routes() -> list[web.RouteDef]:
    return [web.get(NOTICE_PATH, notice_page)]
