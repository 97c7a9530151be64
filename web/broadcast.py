"""The broadcast page: compose a text (with a due date when units must confirm) and
maybe one photo or document, pick the targets (all, tags, units), preview it exactly as
the chats will get it (in the plan's language), send it through the same code as
/guitin (handlers/broadcast_send.py `queue_broadcast`: stored, one outbox row per chat),
then follow its delivery report, refreshed every few seconds.

The file is kept in Loa's file store when previewed (web/broadcast_files.py) and the
outbox rows name it by hash; it goes out as each channel can (handlers/attachments.py):
uploaded to Telegram, linked for Zalo under LOA_PUBLIC_URL. Without LOA_PUBLIC_URL a
Zalo chat gets the text with a note that a file came with it, and the preview says so
before sending: refusing the whole broadcast would keep it from every Telegram group
too, and the sender can still drop the file or ask for the setting.

The delivery report also goes to the admin's private chat when it is complete, as
for /guitin.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from aiohttp import web

from bot.storage import outbox
from bot.storage.broadcasts import NO_CHAT, delivery_report, get_broadcast
from bot.storage.links import active_chat_addresses
from bot.storage.models import Broadcast
from content.broadcast_files import file_channels
from content.channels import PLAN_CHANNELS, traits
from content.i18n import Translator, translator
from content.payloads import BroadcastDialogue, StoredFile
from content.plan import Plan
from handlers.broadcast import TEXT_LIMIT
from handlers.broadcast_send import file_reaches, outgoing_text, queue_broadcast
from handlers.broadcast_texts import resolve_targets
from web.broadcast_files import (
    MAX_FORM_BYTES,
    PREVIEW_PATH,
    Form,
    attached_file,
    carried_file,
    too_large,
)
from web.site import (
    Viewer,
    chosen_plan,
    not_yours,
    page,
    page_taking,
    render,
    site_of,
    texts,
)

SENDER_LIMIT = 100
upload_page = page_taking(MAX_FORM_BYTES, too_large)


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
    attached: StoredFile | None = None,
) -> web.Response:
    return render(
        "broadcast.html",
        viewer,
        plan=plan,
        plans=viewer.access.admin_plans,
        form=form,
        preview=shown,
        error=error,
        attached=attached,
        preview_path=PREVIEW_PATH,
        tags=sorted({tag for unit in plan.units for tag in unit.tags}),
        chosen_tags=_getall(form, "tag"),
        chosen_units=_getall(form, "unit"),
        status=422 if error else 200,
    )


@dataclass
class Posted:
    """A posted broadcast form: its plan (None: not the viewer's), the broadcast it
    describes or the problem, and the file it carries."""

    plan: Plan | None
    form: Form
    state: BroadcastDialogue | None = None
    error: str = ""
    attached: StoredFile | None = None


async def _posted(request: web.Request, viewer: Viewer) -> Posted:
    form = await request.post()
    plan = _plan(request, viewer, form)
    if plan is None:
        return Posted(None, form)
    site = site_of(request)
    attached = await attached_file(site, form)
    if isinstance(attached, str):  # a file that cannot go: nothing else is looked at
        kept = None if form.get("file_remove") else carried_file(site, form)
        return Posted(plan, form, error=attached, attached=kept if isinstance(kept, dict) else None)
    today = site.now().astimezone(plan.tz).date()
    state, error = _form_state(form, plan, today)
    if state is not None and attached is not None:
        state["file"] = attached
        state["file_channels"] = file_channels(site.public_url)
    return Posted(plan, form, state, error, attached)


def _as_sent(plan: Plan) -> Translator:
    """What the chats get is in the plan's language, whatever the page's."""
    return translator(plan.settings.language)


@page
async def compose(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    plan = _plan(request, viewer)
    if plan is None:
        return not_yours(viewer)
    return _page(viewer, plan, {})


@upload_page
async def preview(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    posted = await _posted(request, viewer)
    plan, state = posted.plan, posted.state
    if plan is None:
        return not_yours(viewer)
    shown = None
    if state is not None:
        site = site_of(request)
        async with site.database.session() as session:
            links = await active_chat_addresses(session, plan.id)
        _ = _as_sent(plan)
        channels = sorted({a.channel for u in state["unit_ids"] for a in links.get(u, [])})
        shown = {
            "texts": {
                traits(channel).display_name or channel: outgoing_text(_, state, channel)
                for channel in channels or PLAN_CHANNELS[:1]
            },
            "reached": [plan.unit(u) for u in state["unit_ids"] if links.get(u)],
            "unreached": [plan.unit(u) for u in state["unit_ids"] if not links.get(u)],
            "chats": len({a for u in state["unit_ids"] for a in links.get(u, [])}),
            # Channels among the targets' chats that get the file, and those that do not.
            "with_file": [
                traits(channel).display_name or channel
                for channel in channels
                if file_reaches(state, channel)
            ],
            "without_file": [
                traits(channel).display_name or channel
                for channel in channels
                if "file" in state and not file_reaches(state, channel)
            ],
        }
    return _page(viewer, plan, posted.form, shown, posted.error, posted.attached)


@upload_page
async def send(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    posted = await _posted(request, viewer)
    plan, state = posted.plan, posted.state
    if plan is None:
        return not_yours(viewer)
    if state is None:
        return _page(viewer, plan, posted.form, error=posted.error, attached=posted.attached)
    site = site_of(request)
    async with site.database.session() as session:
        broadcast, _count = await queue_broadcast(
            session,
            plan,
            state,
            by=viewer.address,
            origin=viewer.address,  # the admin's private chat gets the report too
            now=site.now(),
            _=_as_sent(plan),
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
