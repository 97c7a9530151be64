"""The calendar: the anniversaries of the viewer's plans in the coming 60 days, with
their ordinals, tiers and lunar dates, the suggested post (content/posts.py) and the
banner (content/banner.py) each unit would get."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from aiohttp import web

from content.anniversaries import Anniversary, occurrences_between
from content.banner import banner_spec, parse_size, render_banner
from content.dates import format_date_short, weekday_name
from content.posts import render_post
from web.site import LOCALE, Viewer, chosen_plan, not_yours, page, render, site_of

WINDOW_DAYS = 60
BANNER_SIZE = "960x540"  # a page preview; `loa banner` makes the full size


def _occurrences(plan, today):  # type: ignore[no-untyped-def]
    anniversaries: dict[str, Anniversary] = {a.key: a for a in plan.anniversaries}
    return occurrences_between(anniversaries.values(), today, today + timedelta(days=WINDOW_DAYS))


@page
async def calendar(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    plans = viewer.access.admin_plans or tuple(p for p, _u in viewer.access.contact_units)
    plan = chosen_plan(request, viewer, plans)
    if plan is None:
        return not_yours(viewer)
    today = site_of(request).now().astimezone(plan.tz).date()
    entries = [
        {
            "occurrence": occurrence,
            "when": f"{weekday_name(occurrence.date, LOCALE)}, "
            f"{format_date_short(occurrence.date, LOCALE)}",
            "days": (occurrence.date - today).days,
            "post": render_post(occurrence, plan, LOCALE),
        }
        for occurrence in _occurrences(plan, today)
    ]
    return render("calendar.html", viewer, plan=plan, plans=plans, entries=entries)


@page
async def banner(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    plans = viewer.access.admin_plans or tuple(p for p, _u in viewer.access.contact_units)
    plan = chosen_plan(request, viewer, plans)
    if plan is None:
        return not_yours(viewer)
    today = site_of(request).now().astimezone(plan.tz).date()
    key = request.match_info["key"]
    occurrence = next((o for o in _occurrences(plan, today) if o.key == key), None)
    if occurrence is None:
        raise web.HTTPNotFound()
    image = await asyncio.to_thread(
        render_banner, banner_spec(occurrence, plan), parse_size(BANNER_SIZE)
    )
    return web.Response(body=image, content_type="image/png")


def routes() -> list[web.RouteDef]:
    return [web.get("/lich", calendar), web.get("/lich/banner/{key}.png", banner)]
