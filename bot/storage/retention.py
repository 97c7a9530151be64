"""Retention: what Loa keeps only for a while (docs/privacy.md). Handled raw updates,
used or expired invites and old outbox rows are deleted; confirmations of a plan long
past keep their facts and lose their people."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.erasures import ERASED, anonymous_name, without_files
from bot.storage.evidence import forget_item_files
from bot.storage.models import (
    Confirmation,
    InboundEvent,
    Invite,
    OutboxMessage,
    SentMessage,
)
from bot.storage.outbox import FAILED, SENT, STALE


async def anonymise_confirmations(
    session: AsyncSession, plan_id: str, unit_names: dict[str, str], limit: int
) -> int:
    """Retention: confirmations of a plan long past keep their facts, not their people."""
    rows = list(
        await session.exec(
            select(Confirmation)
            .where(col(Confirmation.plan_id) == plan_id, col(Confirmation.confirmed_by) != ERASED)
            .limit(limit),
        )
    )
    for row in rows:
        row.confirmed_by = ERASED
        row.confirmed_by_name = anonymous_name(unit_names.get(row.unit_id, row.unit_id))
        row.undone_by = ERASED if row.undone_by else row.undone_by
        row.evidence = without_files(row.evidence, await forget_item_files(session, row.item_key))
    await session.flush()
    return len(rows)


async def purge_updates(session: AsyncSession, older_than: datetime, limit: int) -> int:
    """Retention: handled raw updates past their time are deleted."""
    ids = list(
        await session.exec(
            select(col(InboundEvent.id))
            .where(
                col(InboundEvent.processed_at).is_not(None),
                col(InboundEvent.received_at) < older_than,
            )
            .limit(limit),
        )
    )
    if ids:
        await session.exec(delete(InboundEvent).where(col(InboundEvent.id).in_(ids)))
    return len(ids)


async def purge_invites(session: AsyncSession, older_than: datetime, limit: int) -> int:
    """Retention: invites used or expired long ago."""
    codes = list(
        await session.exec(
            select(col(Invite.code))
            .where(
                or_(col(Invite.expires_at) < older_than, col(Invite.used_at) < older_than),
            )
            .limit(limit),
        )
    )
    if codes:
        await session.exec(delete(Invite).where(col(Invite.code).in_(codes)))
    return len(codes)


async def purge_outbox(session: AsyncSession, older_than: datetime, limit: int) -> int:
    """Retention: messages delivered (or given up) long ago, and their message ids."""
    ids = list(
        await session.exec(
            select(col(OutboxMessage.id))
            .where(
                col(OutboxMessage.status).in_((SENT, FAILED, STALE)),
                col(OutboxMessage.created_at) < older_than,
            )
            .limit(limit),
        )
    )
    if ids:
        await session.exec(delete(SentMessage).where(col(SentMessage.outbox_id).in_(ids)))
        await session.exec(delete(OutboxMessage).where(col(OutboxMessage.id).in_(ids)))
    return len(ids)
