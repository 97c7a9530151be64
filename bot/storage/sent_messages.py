"""The outbox rows behind messages a chat got: the latest one of some kinds sent to a chat
("xong 2" answers it), the row a platform message id came from (a reply or a button
press names it), and a sent row by its id."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.models import OutboxMessage, SentMessage
from bot.storage.outbox import SENT


async def latest_sent(
    session: AsyncSession, channel: str, chat_id: str, kinds: Sequence[str] = ("digest",)
) -> OutboxMessage | None:
    """The last message of these kinds sent to a chat, or its first parts: "xong 2"
    counts against it."""
    result = await session.exec(
        select(OutboxMessage)
        .where(col(OutboxMessage.channel) == channel)
        .where(col(OutboxMessage.chat_id) == chat_id)
        .where(col(OutboxMessage.kind).in_(kinds))
        .where(col(OutboxMessage.sent_at).is_not(None))
        .order_by(col(OutboxMessage.sent_at).desc(), col(OutboxMessage.id).desc())
        .limit(1)
    )
    return result.first()


# Built once: every button press and quoted reply looks its message up.
_BY_MESSAGE_ID = (
    select(OutboxMessage)
    .join(SentMessage, col(SentMessage.outbox_id) == col(OutboxMessage.id))
    .where(
        col(SentMessage.channel) == bindparam("channel"),
        col(SentMessage.chat_id) == bindparam("chat_id"),
        col(SentMessage.message_id) == bindparam("message_id"),
    )
)


async def by_message_id(
    session: AsyncSession, channel: str, chat_id: str, message_id: str
) -> OutboxMessage | None:
    """The outbox row that produced a platform message (for replies and buttons)."""
    result = await session.exec(
        _BY_MESSAGE_ID, params={"channel": channel, "chat_id": chat_id, "message_id": message_id}
    )
    return result.first()


async def sent_row(
    session: AsyncSession, channel: str, chat_id: str, row_id: int
) -> OutboxMessage | None:
    """A message sent to this chat, by its outbox id (None for another chat's)."""
    row = await session.get(OutboxMessage, row_id)
    if row is None or (row.channel, row.chat_id, row.status) != (channel, chat_id, SENT):
        return None
    return row
