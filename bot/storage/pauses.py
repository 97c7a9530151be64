"""Paused chats (/tamdung N, /tieptuc): the planner sends them nothing on those days."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.models import ChatPause

Pause = tuple[date, date]  # first and last paused day, local dates, both included


async def pause_chat(
    session: AsyncSession,
    channel: str,
    chat_id: str,
    first_day: date,
    last_day: date,
    *,
    by: str,
    now: datetime,
) -> None:
    """Pause the chat from `first_day` to `last_day`, replacing any earlier pause."""
    row = await session.get(ChatPause, (channel, chat_id))
    if row is None:
        session.add(
            ChatPause(
                channel=channel,
                chat_id=chat_id,
                first_day=first_day,
                last_day=last_day,
                paused_by=by,
                paused_at=now,
            )
        )
    else:
        row.first_day, row.last_day = first_day, last_day
        row.paused_by, row.paused_at = by, now
        row.resumed_by, row.resumed_at = None, None
    await session.flush()


async def resume_chat(
    session: AsyncSession, channel: str, chat_id: str, today: date, *, by: str, now: datetime
) -> Pause | None:
    """End the chat's pause so that today is no longer paused; the pause it ended, or
    None if it had none running today or later."""
    row = await session.get(ChatPause, (channel, chat_id))
    if row is None or row.last_day < today:
        return None
    ended = (row.first_day, row.last_day)
    row.last_day = today - timedelta(days=1)
    row.resumed_by, row.resumed_at = by, now
    await session.flush()
    return ended


async def chat_pause(session: AsyncSession, channel: str, chat_id: str) -> Pause | None:
    row = await session.get(ChatPause, (channel, chat_id))
    return None if row is None else (row.first_day, row.last_day)


async def pauses(session: AsyncSession, addresses: Iterable[str] | None = None) -> dict[str, Pause]:
    """ "channel:chat_id" -> (first, last) paused day, for these chats (all when None).
    A pause that ended before it began (resumed on its first day) is left out."""
    result = await session.exec(select(ChatPause))
    wanted = None if addresses is None else set(addresses)
    found: dict[str, Pause] = {}
    for row in result.all():
        address = f"{row.channel}:{row.chat_id}"
        if row.first_day <= row.last_day and (wanted is None or address in wanted):
            found[address] = (row.first_day, row.last_day)
    return found
