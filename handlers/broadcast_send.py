"""/guitin's "Gửi": the broadcast is stored and one outbox row queued per chat (a chat
serving several target units gets one message), with the entries and ✅ buttons that
let units confirm it when the admin asked for confirmation."""

from __future__ import annotations

from datetime import date

from bot.storage import outbox
from bot.storage.broadcasts import (
    TITLE_PREFIX,
    broadcast_title,
    create_broadcast,
    items_of_broadcast,
    mark_broadcast_sent,
)
from bot.storage.links import active_chat_addresses
from content.buttons import pack
from content.channels import traits
from content.due import DueMessage
from content.items import Item
from content.payloads import BroadcastDialogue, BroadcastPayload, DigestEntry
from content.plan import Address, Plan, Unit
from handlers.broadcast_state import due_of, save_state
from handlers.broadcast_texts import outgoing_text
from handlers.context import Turn
from handlers.events import Reply
from handlers.formatting import shorten

SUBJECT_LIMIT = 60  # how a broadcast is named when a unit confirms it


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


async def send_broadcast(turn: Turn, state: BroadcastDialogue, plan: Plan) -> list[Reply]:
    _ = turn._
    event = turn.event
    due = due_of(state)
    broadcast = await create_broadcast(
        turn.session,
        plan_id=plan.id,
        created_by=event.user_address,
        content_kind=state.get("media_kind") or "text",
        text=state["text"],
        media=state.get("media"),
        media_channel=state.get("media_channel"),
        unit_ids=state["unit_ids"],
        targets=state.get("targets", []),
        require_confirmation=due is not None,
        due=due,
        origin=event.chat_address,
        now=turn.now,
    )
    assert broadcast.id is not None
    await mark_broadcast_sent(turn.session, broadcast.id, turn.now)
    items = {item.unit_id: item for item in items_of_broadcast(broadcast)}
    links = await active_chat_addresses(turn.session, plan.id)
    # One message per chat, even when a chat serves several of the target units.
    units_of_chat: dict[Address, list[Unit]] = {}
    for unit_id in state["unit_ids"]:
        for address in links.get(unit_id, []):
            units_of_chat.setdefault(address, []).append(plan.unit(unit_id))
    today = turn.now.date()
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
                text=outgoing_text(turn, state, address.channel, units if due else None),
                not_before=turn.now,
                plan_id=plan.id,
                payload=payload,
            )
        )
    await outbox.enqueue(turn.session, messages, turn.now)
    turn.request_wake()
    await save_state(
        turn,
        {
            "step": "sent",
            "nonce": state.get("nonce", ""),
            "broadcast_id": broadcast.id,
            "plan_id": plan.id,
        },
    )
    return [
        Reply(
            text=_("📤 Đang gửi tới %(n)d nhóm… Loa sẽ báo kết quả khi gửi xong.")
            % {"n": len(messages)}
        )
    ]
