"""The calendar: the anniversaries of the viewer's plans in the coming 60 days, with
their ordinals, tiers and lunar dates, the suggested post (content/posts.py) and the
banner (content/banner.py) each unit would get."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from aiohttp import web

from content.anniversaries import Occurrence, occurrences_between
from content.banner import banner_spec, parse_size, render_banner
from content.dates import format_date_short, weekday_name
from content.i18n import current_language
from content.plan import Plan
from content.posts import render_post
from web.site import Viewer, chosen_plan, not_yours, page, render, site_of

WINDOW_DAYS = 60
BANNER_SIZE = "960x540"  # a page preview; `loa banner` makes the full size


def _plans(viewer: Viewer) -> tuple[Plan, ...]:
    """Admins: their plans; contacts: their units' plans."""
    contacts = {plan.id: plan for plan, _unit in viewer.access.contact_units}
    return viewer.access.admin_plans or tuple(contacts.values())


def _chosen(request: web.Request, viewer: Viewer) -> tuple[Plan, list[Occurrence]] | None:
    """The plan asked for among the viewer's (admins: theirs; contacts: their unit's)
    and its anniversaries of the coming window."""
    plan = chosen_plan(request, viewer, _plans(viewer))
    if plan is None:
        return None
    today = site_of(request).now().astimezone(plan.tz).date()
    window = today + timedelta(days=WINDOW_DAYS)
    return plan, occurrences_between(plan.anniversaries, today, window)


@page
async def calendar(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    chosen = _chosen(request, viewer)
    if chosen is None:
        return not_yours(viewer)
    plan, occurrences = chosen
    today = site_of(request).now().astimezone(plan.tz).date()
    entries = [
        {
            "occurrence": occurrence,
            "when": f"{weekday_name(occurrence.date, current_language())}, "
            f"{format_date_short(occurrence.date, current_language())}",
            "days": (occurrence.date - today).days,
            "post": render_post(occurrence, plan, current_language()),
        }
        for occurrence in occurrences
    ]
    return render("calendar.html", viewer, plan=plan, plans=_plans(viewer), entries=entries)


@page
async def banner(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    chosen = _chosen(request, viewer)
    if chosen is None:
        return not_yours(viewer)
    plan, occurrences = chosen
    key = request.match_info["key"]
    occurrence = next((found for found in occurrences if found.key == key), None)
    if occurrence is None:
        raise web.HTTPNotFound()
    image = await asyncio.to_thread(
        render_banner, banner_spec(occurrence, plan), parse_size(BANNER_SIZE)
    )
    return web.Response(body=image, content_type="image/png")


def routes() -> list[web.RouteDef]:
    return [web.get("/lich", calendar), web.get("/lich/banner/{key}.png", banner)]
