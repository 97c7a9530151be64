"""The overview: each plan the viewer administers, its progress per unit (an SVG chart
and a sortable table), what falls due this week, and the units without a linked chat.
A unit's contact, who administers nothing, is sent to their unit's page."""

from __future__ import annotations

from aiohttp import web

from scheduler.progress import UnitSummary
from web.chart import progress_svg
from web.progress import plan_overview
from web.site import Viewer, page, render, site_of, texts


def _worst_first(summary: UnitSummary) -> tuple[int, float, str]:
    share = summary.share_done if summary.share_done is not None else 1.0
    return (-summary.overdue, share, summary.unit_name)


@page
async def overview(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    access = viewer.access
    if not access.admin_plans and access.contact_units:
        plan, unit_id = access.contact_units[0]
        raise web.HTTPSeeOther(f"/ke-hoach/{plan.id}/don-vi/{unit_id}")
    site = site_of(request)
    _ = texts()
    sections = []
    async with site.database.session() as session:
        for plan in access.admin_plans:
            today = site.now().astimezone(plan.tz).date()
            overview_ = await plan_overview(session, plan.id, today, site.extra_admins)
            if overview_ is None:
                continue
            summaries = sorted(overview_.summaries, key=_worst_first)
            sections.append(
                {
                    "plan": plan,
                    "today": today,
                    "summaries": summaries,
                    "chart": progress_svg(summaries, _("Tiến độ theo đơn vị")),
                    "due_week": overview_.due_this_week,
                    "no_chat": overview_.units_without_chat,
                }
            )
    return render("overview.html", viewer, sections=sections)


def routes() -> list[web.RouteDef]:
    return [web.get("/", overview)]
