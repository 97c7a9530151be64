"""The overview: each plan the viewer administers, its progress per unit (an SVG chart
and a sortable table), what falls due this week, and the units without a linked chat.
A unit's contact, who administers nothing, is sent to their unit's page."""

from __future__ import annotations

from aiohttp import web

from content.i18n import translator
from scheduler.progress import summary_by_unit
from web.chart import progress_svg
from web.progress import plan_progress
from web.site import LOCALE, Viewer, page, render, site_of


def _worst_first(summary):  # type: ignore[no-untyped-def]
    share = summary.share_done if summary.share_done is not None else 1.0
    return (-summary.overdue, share, summary.unit_name)


@page
async def overview(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    access = viewer.access
    if not access.admin_plans and access.contact_units:
        plan, unit_id = access.contact_units[0]
        raise web.HTTPSeeOther(f"/ke-hoach/{plan.id}/don-vi/{unit_id}")
    site = site_of(request)
    _ = translator(LOCALE)
    sections = []
    async with site.database.session() as session:
        for plan in access.admin_plans:
            today = site.now().astimezone(plan.tz).date()
            progress = await plan_progress(session, plan.id, today, site.extra_admins)
            if progress is None:
                continue
            summaries = sorted(summary_by_unit(progress.rows), key=_worst_first)
            sections.append(
                {
                    "plan": plan,
                    "today": today,
                    "summaries": summaries,
                    "chart": progress_svg(summaries, _("Tiến độ theo đơn vị")),
                    "due_week": progress.due_this_week(),
                    "no_chat": progress.units_without_chat(),
                }
            )
    return render("overview.html", viewer, sections=sections)


def routes() -> list[web.RouteDef]:
    return [web.get("/", overview)]
