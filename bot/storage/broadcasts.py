"""Broadcasts, the data side: what an admin sent, to which units, and how it went.

A broadcast that asks units to confirm (e.g. "repost this") becomes one owner item
per target unit, so it is reminded, confirmed and reported like any plan item.
Delivery is read from the outbox: the sender gives each outbox row of a broadcast the
broadcast's plan_id and puts `"broadcast_id": <int>` (and the `"unit_ids"` the chat
serves) in its payload.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import String, cast, exists, literal
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.links import links_for_chat
from bot.storage.models import Broadcast, OutboxMessage
from bot.storage.outbox import PENDING, SENDING
from content.dates import format_date_short
from content.items import Item
from content.payloads import StoredFile

DRAFT, SENT, CANCELLED = "draft", "sent", "cancelled"
TITLE_PREFIX = "Xác nhận đã thực hiện: "
TITLE_TEXT_LIMIT = 80
NO_CHAT = "no_chat"
REPORT_KEY_PREFIX = "broadcast-report/"  # + the broadcast id: its delivery report's outbox key
NO_CHAT_TEXT = "đơn vị chưa liên kết nhóm chat nào"


class DeliveryRow(NamedTuple):
    unit_id: str
    address: str | None  # "telegram:-100..."; None when the unit has no chat
    status: str  # the outbox status (pending | sending | sent | failed | stale) or no_chat
    error: str | None


async def create_broadcast(
    session: AsyncSession,
    *,
    plan_id: str,
    created_by: str,
    content_kind: str,
    text: str,
    media: str | None,
    media_channel: str | None,
    stored: StoredFile | None = None,
    unit_ids: Sequence[str],
    targets: Sequence[str],
    require_confirmation: bool,
    due: date | None,
    origin: str,
    now: datetime,
) -> Broadcast:
    """A draft broadcast; it reaches no one until `mark_broadcast_sent`."""
    if require_confirmation and due is None:
        raise ValueError("a broadcast that asks units to confirm needs a due date")
    broadcast = Broadcast(
        plan_id=plan_id,
        created_by=created_by,
        created_at=now,
        content_kind=content_kind,
        text=text,
        media=media,
        media_channel=media_channel,
        file_sha256=stored["sha256"] if stored else None,
        file_extension=stored["extension"] if stored else None,
        file_name=stored["name"] if stored else None,
        targets=list(targets),
        unit_ids=list(dict.fromkeys(unit_ids)),
        require_confirmation=require_confirmation,
        due=due.isoformat() if due else None,
        status=DRAFT,
        origin=origin,
    )
    session.add(broadcast)
    await session.flush()
    return broadcast


async def broadcast_file(session: AsyncSession, sha256: str, extension: str) -> StoredFile | None:
    """The stored file a sent broadcast names by this hash, if one does (the web serves
    only those, to the platforms that fetch files by URL)."""
    result = await session.exec(
        select(Broadcast)
        .where(
            col(Broadcast.file_sha256) == sha256,
            col(Broadcast.file_extension) == extension,
            col(Broadcast.status) == SENT,
        )
        .limit(1)
    )
    found = result.first()
    if found is None:
        return None
    return {
        "sha256": sha256,
        "extension": extension,
        "name": found.file_name or "",
        "kind": "photo" if found.content_kind == "photo" else "document",
    }


def report_key(broadcast_id: int) -> str:
    return f"{REPORT_KEY_PREFIX}{broadcast_id}"


async def get_broadcast(session: AsyncSession, broadcast_id: int) -> Broadcast | None:
    return await session.get(Broadcast, broadcast_id)


async def _set_status(
    session: AsyncSession, broadcast_id: int, status: str, now: datetime | None
) -> Broadcast:
    broadcast = await session.get(Broadcast, broadcast_id)
    if broadcast is None:
        raise LookupError(f"no broadcast {broadcast_id}")
    broadcast.status = status
    if now is not None:
        broadcast.confirmed_at = now
    await session.flush()
    return broadcast


async def mark_broadcast_sent(session: AsyncSession, broadcast_id: int, now: datetime) -> Broadcast:
    """The admin confirmed the preview: from now on it counts (and its items exist)."""
    return await _set_status(session, broadcast_id, SENT, now)


async def cancel_broadcast(session: AsyncSession, broadcast_id: int) -> Broadcast:
    return await _set_status(session, broadcast_id, CANCELLED, None)


def broadcast_title(broadcast: Broadcast) -> str:
    """ "Xác nhận đã thực hiện: <first line of the text, at most 80 characters>"."""
    first = next((line.strip() for line in broadcast.text.splitlines() if line.strip()), "")
    if not first:
        first = f"tin gửi ngày {format_date_short(broadcast.created_at)}"
    if len(first) > TITLE_TEXT_LIMIT:
        first = first[: TITLE_TEXT_LIMIT - 1].rstrip() + "…"
    return TITLE_PREFIX + first


def items_of_broadcast(broadcast: Broadcast) -> list[Item]:
    if not broadcast.require_confirmation or broadcast.due is None or broadcast.status != SENT:
        return []
    due = date.fromisoformat(broadcast.due)
    title = broadcast_title(broadcast)
    task_id = f"broadcast-{broadcast.id}"
    return [
        Item(
            key=f"{broadcast.plan_id}/{task_id}/{due.isoformat()}/{unit_id}",
            plan_id=broadcast.plan_id,
            task_id=task_id,
            unit_id=unit_id,
            role="owner",
            due=due,
            title=title,
            occurrence=None,
            tier="regular",
        )
        for unit_id in broadcast.unit_ids
    ]


async def broadcast_items(session: AsyncSession, plan_id: str) -> list[Item]:
    """The items of every sent broadcast of the plan that asks units to confirm."""
    result = await session.exec(
        select(Broadcast)
        .where(
            col(Broadcast.plan_id) == plan_id,
            col(Broadcast.require_confirmation).is_(True),
            col(Broadcast.status) == SENT,
        )
        .order_by(col(Broadcast.id))
    )
    return [item for broadcast in result.all() for item in items_of_broadcast(broadcast)]


async def delivery_report(session: AsyncSession, broadcast_id: int) -> list[DeliveryRow]:
    """Per target unit, each chat the broadcast went to and how that went; a unit with
    no chat at all gets one row with status "no_chat"."""
    broadcast = await session.get(Broadcast, broadcast_id)
    if broadcast is None:
        return []
    result = await session.exec(
        select(OutboxMessage)
        .where(col(OutboxMessage.plan_id) == broadcast.plan_id)  # indexed: narrows the JSON test
        .where(OutboxMessage.payload["broadcast_id"].as_integer() == broadcast_id)
        .order_by(col(OutboxMessage.id))
    )
    by_unit: dict[str, list[DeliveryRow]] = {unit_id: [] for unit_id in broadcast.unit_ids}
    for row in result.all():
        unit_ids = row.payload.get("unit_ids") or (
            [row.payload["unit_id"]] if row.payload.get("unit_id") else []
        )
        if not unit_ids:
            # Older rows without units: the broadcast's units this chat is linked to.
            links = await links_for_chat(session, row.channel, row.chat_id, active_only=False)
            unit_ids = [
                link.unit_id
                for link in links
                if link.plan_id == broadcast.plan_id and link.unit_id in by_unit
            ]
        address = f"{row.channel}:{row.chat_id}"
        for unit_id in unit_ids:
            by_unit.setdefault(unit_id, []).append(
                DeliveryRow(unit_id, address, row.status, row.last_error)
            )
    report: list[DeliveryRow] = []
    for unit_id, rows in by_unit.items():
        report += rows or [DeliveryRow(unit_id, None, NO_CHAT, NO_CHAT_TEXT)]
    return report


async def unreported_broadcasts(session: AsyncSession) -> list[Broadcast]:
    """Sent broadcasts whose delivery report has not been queued yet."""
    key = literal(REPORT_KEY_PREFIX) + cast(col(Broadcast.id), String)
    result = await session.exec(
        select(Broadcast)
        .where(col(Broadcast.status) == SENT)
        .where(~exists().where(col(OutboxMessage.key) == key))
        .order_by(col(Broadcast.id))
    )
    return list(result.all())


async def broadcasts_in_flight(session: AsyncSession) -> set[int]:
    """Broadcasts that still have rows waiting to be sent (a small, indexed set)."""
    result = await session.exec(
        select(col(OutboxMessage.payload))
        .where(col(OutboxMessage.status).in_((PENDING, SENDING)))
        .where(col(OutboxMessage.kind) == "broadcast")
    )
    return {payload["broadcast_id"] for payload in result if "broadcast_id" in payload}


async def sent_broadcasts(session: AsyncSession, plan_id: str) -> list[Broadcast]:
    """The plan's broadcasts that went out, oldest first (for reports)."""
    result = await session.exec(
        select(Broadcast)
        .where(col(Broadcast.plan_id) == plan_id, col(Broadcast.status) == SENT)
        .order_by(col(Broadcast.id))
    )
    return list(result.all())
