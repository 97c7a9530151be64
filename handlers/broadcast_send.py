"""What a broadcast sends: the text each chat gets (who sends it, how to confirm),
and storing the broadcast with one outbox row per chat (`queue_broadcast`, used by
/guitin and by the web page)."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage import outbox
from bot.storage.broadcasts import (
    TITLE_PREFIX,
    broadcast_title,
    create_broadcast,
    items_of_broadcast,
    mark_broadcast_sent,
)
from bot.storage.links import active_chat_addresses
from bot.storage.models import Broadcast
from content.buttons import pack
from content.channels import traits
from content.dates import format_date_short
from content.due import DueMessage
from content.i18n import Translator
from content.items import Item
from content.payloads import BroadcastDialogue, BroadcastPayload, DigestEntry
from content.plan import Address, Plan, Unit
from handlers.formatting import shorten

SUBJECT_LIMIT = 60  # how a broadcast is named when a unit confirms it


def due_of(state: BroadcastDialogue) -> date | None:
    due = state.get("due")
    return date.fromisoformat(due) if due else None


def _media_note(_: Translator, state: BroadcastDialogue) -> str:
    what = _("ảnh") if state.get("media_kind") == "photo" else _("tệp")
    channel = traits(state.get("media_channel")).display_name or state.get("media_channel", "")
    return _("📎 Tin gốc có kèm %(what)s, chỉ gửi được qua %(channel)s.") % {
        "what": what,
        "channel": channel,
    }


def _file_note(_: Translator, state: BroadcastDialogue, channel: str) -> str:
    """Said where a web broadcast's file cannot go (Zalo without LOA_PUBLIC_URL)."""
    stored = state["file"]
    what = _("ảnh") if stored["kind"] == "photo" else _("tệp")
    return _("📎 Tin gốc có kèm %(what)s «%(name)s», không gửi được qua %(channel)s.") % {
        "what": what,
        "name": stored["name"],
        "channel": traits(channel).display_name or channel,
    }


def file_reaches(state: BroadcastDialogue, channel: str) -> bool:
    """Whether a chat of `channel` gets the broadcast's stored file."""
    return "file" in state and channel in state.get("file_channels", [])


def outgoing_text(
    _: Translator, state: BroadcastDialogue, channel: str, units: list[Unit] | None = None
) -> str:
    """The text a chat of `channel` receives (for `units`, when confirmation is asked)."""
    lines = (
        [_("📢 Tin từ %(sender)s:") % {"sender": state["sender"]}] if state.get("sender") else []
    )
    if state["text"]:
        lines.append(state["text"])
    parts = ["\n".join(lines)] if lines else []
    if state.get("media") and channel != state.get("media_channel"):
        parts.append(_media_note(_, state))
    if "file" in state and not file_reaches(state, channel):
        parts.append(_file_note(_, state, channel))
    if due_day := due_of(state):
        due = format_date_short(due_day, _.locale)
        if units is not None and len(units) > 1:
            how = "; ".join(
                _("«xong %(n)d» cho %(unit)s") % {"n": n, "unit": unit.name}
                for n, unit in enumerate(units, 1)
            )
            parts.append(
                _("👉 Đề nghị thực hiện và xác nhận trước %(due)s: trả lời tin này %(how)s.")
                % {"due": due, "how": how}
            )
        elif traits(channel).buttons:
            parts.append(
                _(
                    "👉 Đề nghị đơn vị thực hiện và xác nhận trước %(due)s: bấm ✅ dưới tin này "
                    "hoặc trả lời tin này «xong»."
                )
                % {"due": due}
            )
        else:
            parts.append(
                _(
                    "👉 Đề nghị đơn vị thực hiện và xác nhận trước %(due)s: trả lời (trích dẫn) "
                    "tin này «xong»."
                )
                % {"due": due}
            )
    return "\n\n".join(parts)


def _entries(
    items: dict[str, Item], units: list[Unit], due: date, today: date, title: str
) -> list[DigestEntry]:
    return [
        {
            "n": n,
            "key": items[unit.id].key,
            "task_id": items[unit.id].task_id,
            "unit_id": unit.id,
            "title": title if len(units) == 1 else f"{title} — {unit.name}",
            "due": due.isoformat(),
            "section": "today",
            "days": (due - today).days,
        }
        for n, unit in enumerate(units, 1)
    ]


async def queue_broadcast(
    session: AsyncSession,
    plan: Plan,
    state: BroadcastDialogue,
    *,
    by: str,
    origin: str,
    now: datetime,
    _: Translator,
) -> tuple[Broadcast, int]:
    """Store the broadcast `state` describes and queue one outbox row per chat of its
    units (the chat /guitin and the web page both send through here); (the broadcast,
    how many messages). `origin` is the chat its delivery report goes to."""
    due = due_of(state)
    stored = state.get("file")
    broadcast = await create_broadcast(
        session,
        plan_id=plan.id,
        created_by=by,
        content_kind=state.get("media_kind") or (stored["kind"] if stored else "text"),
        text=state["text"],
        media=state.get("media"),
        media_channel=state.get("media_channel"),
        stored=stored,
        unit_ids=state["unit_ids"],
        targets=state.get("targets", []),
        require_confirmation=due is not None,
        due=due,
        origin=origin,
        now=now,
    )
    assert broadcast.id is not None
    await mark_broadcast_sent(session, broadcast.id, now)
    items = {item.unit_id: item for item in items_of_broadcast(broadcast)}
    links = await active_chat_addresses(session, plan.id)
    # One message per chat, even when a chat serves several of the target units.
    units_of_chat: dict[Address, list[Unit]] = {}
    for unit_id in state["unit_ids"]:
        for address in links.get(unit_id, []):
            units_of_chat.setdefault(address, []).append(plan.unit(unit_id))
    today = now.date()
    subject = shorten(broadcast_title(broadcast).removeprefix(TITLE_PREFIX), SUBJECT_LIMIT)
    messages = []
    for address, units in units_of_chat.items():
        payload: BroadcastPayload = {
            "broadcast_id": broadcast.id,
            "plan_id": plan.id,
            "unit_id": units[0].id,
            "unit_ids": [unit.id for unit in units],
            "subject": subject,
        }
        media = state.get("media")
        if media and address.channel == state.get("media_channel"):
            if state.get("media_kind") == "photo":
                payload["photo"] = media
            else:
                payload["document"] = media
        if stored and file_reaches(state, address.channel):
            payload["file"] = stored
        if due is not None:
            title = items[units[0].id].title
            payload["entries"] = _entries(items, units, due, today, title)
            if traits(address.channel).buttons:
                label = _("✅ Đã thực hiện")
                payload["buttons"] = [
                    [[label if len(units) == 1 else f"✅ {n}", pack("ok", n)]]
                    for n in range(1, len(units) + 1)
                ]
        messages.append(
            DueMessage(
                key=f"broadcast/{broadcast.id}/{units[0].id}/{address}",
                channel=address.channel,
                chat_id=address.id,
                kind="broadcast",
                text=outgoing_text(_, state, address.channel, units if due else None),
                not_before=now,
                plan_id=plan.id,
                payload=payload,
            )
        )
    await outbox.enqueue(session, messages, now)
    return broadcast, len(messages)
