"""Where a person is in a multi-step dialogue (e.g. /guitin), per chat and user.

Kept in the database so a restart in the middle of a dialogue loses nothing. A
dialogue left alone for longer than its lifetime (30 minutes) is forgotten: the next
message is read afresh instead of as an answer to a question asked long ago.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.dialect import rows_affected
from bot.storage.models import Conversation

LIFETIME = timedelta(minutes=30)


async def get_conversation(
    session: AsyncSession,
    channel: str,
    chat_id: str,
    user_id: str,
    now: datetime,
    lifetime: timedelta = LIFETIME,
) -> Conversation | None:
    """The live dialogue of this user in this chat; an expired one is deleted."""
    row = await session.get(Conversation, (channel, chat_id, user_id))
    if row is None:
        return None
    if row.updated_at + lifetime <= now:
        await session.delete(row)
        await session.flush()
        return None
    return row


async def save_conversation(
    session: AsyncSession,
    channel: str,
    chat_id: str,
    user_id: str,
    name: str,
    state: Mapping[str, Any],
    now: datetime,
) -> Conversation:
    """Start a dialogue or move it on; the lifetime counts from now."""
    row = await session.get(Conversation, (channel, chat_id, user_id))
    if row is None:
        row = Conversation(
            channel=channel,
            chat_id=chat_id,
            user_id=user_id,
            name=name,
            state=dict(state),
            updated_at=now,
        )
        session.add(row)
    else:
        row.name = name
        row.state = dict(state)  # a new dict, so SQLAlchemy sees the JSON change
        row.updated_at = now
    await session.flush()
    return row


async def end_conversation(session: AsyncSession, channel: str, chat_id: str, user_id: str) -> bool:
    """Forget the dialogue; True if there was one."""
    row = await session.get(Conversation, (channel, chat_id, user_id))
    if row is None:
        return False
    await session.delete(row)
    await session.flush()
    return True


async def purge_expired(
    session: AsyncSession, now: datetime, lifetime: timedelta = LIFETIME
) -> int:
    """Delete every dialogue older than its lifetime (housekeeping)."""
    result = await session.exec(
        delete(Conversation).where(col(Conversation.updated_at) <= now - lifetime)
    )
    return rows_affected(result)
