"""Incoming updates are stored before they are acknowledged and handled once.

Platforms may deliver an update twice (Zalo's getUpdates has no offset; webhooks are
retried). The (channel, event key) pair is unique in the table, so a second delivery
is recognised and dropped; an update stored but not yet handled when the process
died is handled after the restart.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bot.storage.db import Database
from bot.storage.models import InboundEvent


async def record(
    database: Database, channel: str, event_key: str, payload: dict[str, Any], now: datetime
) -> int | None:
    """Store an update; return its row id, or None if it was seen before."""
    try:
        async with database.session() as session:
            row = InboundEvent(
                channel=channel, event_key=event_key, payload=payload, received_at=now
            )
            session.add(row)
            await session.flush()
            return row.id
    except IntegrityError:
        return None


async def mark_processed(database: Database, row_id: int, now: datetime) -> None:
    async with database.session() as session:
        await session.execute(
            update(InboundEvent).where(InboundEvent.id == row_id).values(processed_at=now)
        )


async def unprocessed(database: Database, channel: str) -> list[InboundEvent]:
    """Updates stored but never handled (the process died in between)."""
    async with database.session() as session:
        result = await session.execute(
            select(InboundEvent)
            .where(InboundEvent.channel == channel)
            .where(InboundEvent.processed_at.is_(None))
            .order_by(InboundEvent.id)
        )
        return list(result.scalars())
