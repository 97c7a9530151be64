"""Stored incoming updates: the (channel, event key) pair is unique, so an update the
platform delivers twice is stored once; `processed_at` says it was handled."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.db import Database
from bot.storage.dialect import prepared_insert
from bot.storage.models import InboundEvent, table_of

# The statements run for every update address the table, not the model: through the
# ORM's bulk-persistence layer the "handled" UPDATE costs twice the CPU (measured).
_TABLE = table_of(InboundEvent)


async def record_many(
    database: Database,
    channel: str,
    updates: Sequence[tuple[str, dict[str, Any]]],
    now: datetime,
) -> dict[str, int]:
    """Store a batch of (event key, payload) in one transaction; the row id of each one
    not seen before, by key (a repeat, also within the batch, gets none)."""
    if not updates:
        return {}
    async with database.session() as session:
        statement = prepared_insert(
            session,
            "inbound event",
            lambda insert: (
                insert(_TABLE)
                .on_conflict_do_nothing(index_elements=["channel", "event_key"])
                .returning(_TABLE.c.id, _TABLE.c.event_key)
            ),
        )
        result = await session.exec(
            statement,
            params=[
                {"channel": channel, "event_key": key, "payload": payload, "received_at": now}
                for key, payload in updates
            ],
        )
        return {key: row_id for row_id, key in result.all()}


async def record(
    database: Database, channel: str, event_key: str, payload: dict[str, Any], now: datetime
) -> int | None:
    """Store an update; return its row id, or None if it was seen before."""
    stored = await record_many(database, channel, [(event_key, payload)], now)
    return stored.get(event_key)


async def mark_processed(database: Database, row_id: int, now: datetime) -> None:
    async with database.session() as session:
        await HandledMark(row_id, now)(session)


_MARK_HANDLED = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("row_id"), _TABLE.c.processed_at.is_(None))
    .values(processed_at=bindparam("now"))
)  # built once: run for every update


class HandledMark:
    """Marks one stored update handled. The handlers run it inside the transaction that
    records what the update did, so the two are committed together; if the process
    dies first, neither is, and the update is handled after the restart. (When the
    handlers fail, only the mark is committed: the update would fail again.)"""

    def __init__(self, row_id: int, now: datetime) -> None:
        self.row_id = row_id
        self.now = now
        self.ran = False

    async def __call__(self, session: AsyncSession) -> None:
        await session.exec(_MARK_HANDLED, params={"row_id": self.row_id, "now": self.now})
        self.ran = True


async def unprocessed(database: Database, channel: str) -> list[InboundEvent]:
    """Updates stored but never handled (the process died in between)."""
    async with database.session() as session:
        result = await session.exec(
            select(InboundEvent)
            .where(col(InboundEvent.channel) == channel)
            .where(col(InboundEvent.processed_at).is_(None))
            .order_by(col(InboundEvent.id))
        )
        return list(result)
