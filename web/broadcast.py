"""The broadcast page: compose a text (with a due date when units must confirm), pick
the targets (all, tags, units), preview it exactly as the chats will get it, send it
through the same code as /guitin (handlers/broadcast_send.py `queue_broadcast`: stored, one
outbox row per chat), then follow its delivery report, refreshed every few seconds.

The delivery report also goes to the admin's private chat when it is complete, as
for /guitin. Photos and documents are sent from the chat (/guitin): the platforms
send media by their own file ids, which a browser upload does not have.
"""

from __future__ import annotations

from datetime import date

from aiohttp import web
from multidict import MultiDictProxy

from bot.storage import outbox
from bot.storage.broadcasts import NO_CHAT, delivery_report, get_broadcast
from bot.storage.links import active_chat_addresses
from bot.storage.models import Broadcast
from content.channels import PLAN_CHANNELS, traits
from content.payloads import BroadcastDialogue
from content.plan import Plan
from handlers.broadcast import TEXT_LIMIT
from handlers.broadcast_send import outgoing_text, queue_broadcast
from handlers.broadcast_texts import resolve_targets
from web.site import Viewer, chosen_plan, not_yours, page, render, site_of, texts

SENDER_LIMIT = 100


Form = MultiDictProxy[str | bytes | bytearray | web.FileField] | dict[str, str]


def _form_state(form: Form, plan: Plan, today: date) -> tuple[BroadcastDialogue | None, str]:
    """(the broadcast the form describes, or None and the problem to show)."""
    _ = texts()
    text = str(form.get("text", "")).strip()
    if not text:
        return None, _("Hãy viết nội dung tin.")
    if len(text) > TEXT_LIMIT:
        return None, _("Tin dài quá %(n)d ký tự.") % {"n": TEXT_LIMIT}
    if form.get("all"):
        unit_ids, targets = [unit.id for unit in plan.units], ["all"]
    else:
        chosen = [*(f"tag:{tag}" for tag in _getall(form, "tag")), *_getall(form, "unit")]
        if not chosen:
            return None, _("Hãy chọn nơi nhận: tất cả, nhãn hoặc đơn vị.")
        resolved = resolve_targets(plan, " ".join(chosen), _)
        if isinstance(resolved, str):
            return None, resolved
        unit_ids, targets = resolved
    due = str(form.get("due", "")).strip() or None
    if due is not None:
        try:
            day = date.fromisoformat(due)
        except ValueError:
            return None, _("Hạn xác nhận không phải một ngày.")
        if day < today:
            return None, _("Hạn xác nhận đã qua.")
    state: BroadcastDialogue = {
        "step": "preview",
        "plan_id": plan.id,
        "text": text,
        "unit_ids": unit_ids,
        "targets": targets,
        "due": due,
        "sender": str(form.get("sender", "")).strip()[:SENDER_LIMIT],
    }
    return state, ""


def _getall(form: Form, name: str) -> list[str]:
    if isinstance(form, dict):
        return []
    return [str(value) for value in form.getall(name, [])]


def _plan(request: web.Request, viewer: Viewer, form: Form | None = None) -> Plan | None:
    """The plan the form or `?plan=` names among the viewer's (the first by default)."""
    wanted = (form or {}).get("plan") or request.query.get("plan")
    if not wanted:
        return chosen_plan(request, viewer)
    return next((plan for plan in viewer.access.admin_plans if plan.id == wanted), None)


def _page(
    viewer: Viewer,
    plan: Plan,
    form: Form,
    shown: dict[str, object] | None = None,
    error: str = "",
) -> web.Response:
    return render(
        "broadcast.html",
        viewer,
        plan=plan,
        plans=viewer.access.admin_plans,
        form=form,
        preview=shown,
        error=error,
        tags=sorted({tag for unit in plan.units for tag in unit.tags}),
        chosen_tags=_getall(form, "tag"),
        chosen_units=_getall(form, "unit"),
        status=422 if error else 200,
    )


async def _posted(
    request: web.Request, viewer: Viewer
) -> tuple[Plan | None, Form, BroadcastDialogue | None, str]:
    form = await request.post()
    plan = _plan(request, viewer, form)
    if plan is None:
        return None, form, None, ""
    today = site_of(request).now().astimezone(plan.tz).date()
    state, error = _form_state(form, plan, today)
    return plan, form, state, error


@page
async def compose(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    plan = _plan(request, viewer)
    if plan is None:
        return not_yours(viewer)
    return _page(viewer, plan, {})


@page
async def preview(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    plan, form, state, error = await _posted(request, viewer)
    if plan is None:
        return not_yours(viewer)
    shown = None
    if state is not None:
        site = site_of(request)
        async with site.database.session() as session:
            links = await active_chat_addresses(session, plan.id)
        _ = texts()
        channels = sorted({a.channel for u in state["unit_ids"] for a in links.get(u, [])})
        shown = {
            "texts": {
                traits(channel).display_name or channel: outgoing_text(_, state, channel)
                for channel in channels or PLAN_CHANNELS[:1]
            },
            "reached": [plan.unit(u) for u in state["unit_ids"] if links.get(u)],
            "unreached": [plan.unit(u) for u in state["unit_ids"] if not links.get(u)],
            "chats": len({a for u in state["unit_ids"] for a in links.get(u, [])}),
        }
    return _page(viewer, plan, form, shown, error)


@page
async def send(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    plan, form, state, error = await _posted(request, viewer)
    if plan is None:
        return not_yours(viewer)
    if state is None:
        return _page(viewer, plan, form, error=error)
    site = site_of(request)
    async with site.database.session() as session:
        broadcast, _count = await queue_broadcast(
            session,
            plan,
            state,
            by=viewer.address,
            origin=viewer.address,  # the admin's private chat gets the report too
            now=site.now(),
            _=texts(),
        )
    site.context.wake()
    raise web.HTTPSeeOther(f"/gui-tin/{broadcast.id}")


def _delivery_state(status: str) -> str:
    if status == outbox.SENT:
        return "sent"
    if status in (outbox.FAILED, outbox.STALE):
        return "failed"
    return "no_chat" if status == NO_CHAT else "waiting"


async def _report(
    request: web.Request, viewer: Viewer
) -> tuple[Broadcast, dict[str, object]] | tuple[None, None]:
    """The broadcast and its delivery report, if the viewer administers its plan."""
    try:
        broadcast_id = int(request.match_info["id"])
    except ValueError:
        return None, None
    site = site_of(request)
    async with site.database.session() as session:
        broadcast = await get_broadcast(session, broadcast_id)
        if broadcast is None or not viewer.access.administers(broadcast.plan_id):
            return None, None
        rows = await delivery_report(session, broadcast_id)
    plan = viewer.access.plans_by_id[broadcast.plan_id]
    _ = texts()
    labels = {
        "sent": _("Đã gửi"),
        "waiting": _("Đang gửi"),
        "failed": _("Không gửi được"),
        "no_chat": _("Chưa liên kết nhóm chat"),
    }
    counts = dict.fromkeys(labels, 0)
    lines = []
    for row in rows:
        state = _delivery_state(row.status)
        counts[state] += 1
        try:
            name = plan.unit(row.unit_id).name
        except KeyError:
            name = row.unit_id
        lines.append(
            {
                "unit": name,
                "address": row.address or "",
                "state": state,
                "label": labels[state],
                "error": (row.error or "") if state == "failed" else "",
            }
        )
    return broadcast, {"counts": counts, "rows": lines, "done": counts["waiting"] == 0}


@page
async def report_page(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    broadcast, report = await _report(request, viewer)
    if broadcast is None:
        return not_yours(viewer)
    return render("broadcast_report.html", viewer, broadcast=broadcast, report=report)


@page
async def report_json(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    broadcast, report = await _report(request, viewer)
    if broadcast is None:
        raise web.HTTPForbidden()
    return web.json_response(report, headers={"Cache-Control": "no-store"})


def routes() -> list[web.RouteDef]:
    return [
        web.get("/gui-tin", compose),
        web.post("/gui-tin/xem-truoc", preview),
        web.post("/gui-tin/gui", send),
        web.get("/gui-tin/{id}", report_page),
        web.get("/gui-tin/{id}/bao-cao.json", report_json),
    ]
