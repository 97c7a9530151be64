"""A unit's page: its items with their status, who confirmed each and when, the note,
the evidence (photos shown from Loa's own copies, links); and for a plan admin a way
to confirm or undo an item on the unit's behalf, with a note. Confirming goes through
the same storage as a chat's "xong" (bot/storage/confirmations.py), so progress, the
reminders that stop and the reports see it the same way."""

from __future__ import annotations

import re

from aiohttp import web

from bot.storage.confirmations import confirm, notes_of, undo, write_note
from bot.storage.evidence import STORED, evidence_file, files_of_unit
from scheduler.progress import STATUS_LABELS, summary_by_unit
from web.progress import unit_progress
from web.site import Viewer, not_yours, page, problem, render, site_of, texts

WEB_CHANNEL = "web"  # where a confirmation made on the page was made
NOTE_LIMIT = 500
_LINK = re.compile(r"https?://\S+")


def unit_path(plan_id: str, unit_id: str) -> str:
    return f"/ke-hoach/{plan_id}/don-vi/{unit_id}"


@page
async def unit_page(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    plan_id, unit_id = request.match_info["plan"], request.match_info["unit"]
    if not viewer.access.may_see_unit(plan_id, unit_id):
        return not_yours(viewer)
    site = site_of(request)
    plan = viewer.access.plans_by_id[plan_id]
    try:
        unit = plan.unit(unit_id)
    except KeyError:
        return not_yours(viewer)
    today = site.now().astimezone(plan.tz).date()
    async with site.database.session() as session:
        progress = await unit_progress(session, plan_id, unit_id, today, site.extra_admins)
        files = await files_of_unit(session, plan_id, unit_id)
        notes = await notes_of(session, [row.item_key for row in progress.rows]) if progress else {}
    rows = progress.rows if progress else []
    summary = summary_by_unit(rows)[0] if rows else None
    return render(
        "unit.html",
        viewer,
        plan=plan,
        unit=unit,
        rows=rows,
        summary=summary,
        labels=STATUS_LABELS,
        files={key: [f for f in found if f.status == STORED] for key, found in files.items()},
        notes=notes,
        links=lambda evidence: [piece for piece in evidence if _LINK.fullmatch(piece)],
        can_act=viewer.access.administers(plan_id),
        contacts=progress.state.contacts.get(unit_id, ()) if progress else (),
    )


@page
async def act(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    """Confirm or undo one item on the unit's behalf (plan admins only)."""
    _ = texts()
    plan_id, unit_id = request.match_info["plan"], request.match_info["unit"]
    if not viewer.access.administers(plan_id):
        return not_yours(viewer)
    site = site_of(request)
    form = await request.post()
    item_key = str(form.get("item", ""))
    action = str(form.get("action", ""))
    note = " ".join(str(form.get("note", "")).split())[:NOTE_LIMIT] or None
    link = str(form.get("link", "")).strip()
    back = unit_path(plan_id, unit_id)
    if link and not _LINK.fullmatch(link):
        return problem(
            viewer,
            _("Đường dẫn không hợp lệ"),
            _("Đường dẫn minh chứng phải bắt đầu bằng http:// hoặc https://."),
            400,
            back,
        )
    if action not in ("confirm", "undo"):
        invalid = _("Thao tác không hợp lệ")
        return problem(viewer, invalid, _("Không có gì thay đổi."), 400, back)
    now = site.now()
    today = now.astimezone(viewer.access.plans_by_id[plan_id].tz).date()
    async with site.database.session() as session:
        progress = await unit_progress(session, plan_id, unit_id, today, site.extra_admins)
        item = None
        if progress is not None:
            keys = {row.item_key for row in progress.rows}
            item = next(
                (i for i in progress.state.items if i.key == item_key and i.key in keys), None
            )
        if item is None:
            return problem(
                viewer,
                _("Không có việc này"),
                _("Đơn vị không có việc này trong kế hoạch; không có gì thay đổi."),
                404,
                back,
            )
        if action == "confirm":
            await confirm(
                session,
                item,
                by=viewer.address,
                by_name=_("%(who)s (quản trị viên, trên trang web)") % {"who": viewer.address},
                channel=WEB_CHANNEL,
                chat_id="",  # no chat: the admin is in confirmed_by
                evidence=[link] if link else [],
                now=now,
            )
        else:
            await undo(session, item.key, by=viewer.address, now=now)
        if note:
            await write_note(session, item, note=note, action=action, by=viewer.address, now=now)
    raise web.HTTPSeeOther(back)


@page
async def evidence(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    """One kept evidence file, to those who may see its unit."""
    site = site_of(request)
    try:
        file_id = int(request.match_info["id"])
    except ValueError:
        raise web.HTTPNotFound() from None
    async with site.database.session() as session:
        row = await evidence_file(session, file_id)
    if row is None or row.status != STORED or not row.sha256 or not row.extension:
        raise web.HTTPNotFound()
    if not viewer.access.may_see_unit(row.plan_id, row.unit_id):
        return not_yours(viewer)
    path = site.evidence.path(row.sha256, row.extension)
    if not path.is_file():
        raise web.HTTPNotFound()
    response = web.FileResponse(path)
    response.content_type = row.media_type or "application/octet-stream"
    if not (row.media_type or "").startswith("image/"):
        response.headers["Content-Disposition"] = "attachment"
    return response


def routes() -> list[web.RouteDef]:
    return [
        web.get("/ke-hoach/{plan}/don-vi/{unit}", unit_page),
        web.post("/ke-hoach/{plan}/don-vi/{unit}/xac-nhan", act),
        web.get("/minh-chung/{id}", evidence),
    ]
