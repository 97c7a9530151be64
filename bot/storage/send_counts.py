"""Counting what a channel sends each month, to warn before a quota runs out.

Zalo's free Bot Platform plan allows a few thousand outbound messages a month; a
department that hits the cap in the last week of a campaign loses its reminders, so
the admins are told as it runs low (the Zalo channel picks the thresholds). Months are
local (Asia/Ho_Chi_Minh).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.db import Database
from bot.storage.dialect import insert_for
from bot.storage.models import SendCounter
from content.clock import LOCAL_TZ


def month_of(moment: datetime) -> str:
    return moment.astimezone(LOCAL_TZ).strftime("%Y-%m")


def crossed_threshold(before: int, after: int, thresholds: Sequence[int]) -> int | None:
    """The highest of `thresholds` passed going from `before` to `after` sent messages."""
    crossed = None
    for threshold in thresholds:
        if threshold > 0 and before < threshold <= after:
            crossed = max(threshold, crossed or 0)
    return crossed


async def count_sent(
    database: Database, channel: str, sent: int, now: datetime, thresholds: Sequence[int] = ()
) -> tuple[int, int | None]:
    """Add `sent` to this month's count; return (new count, the highest of `thresholds`
    it just reached, if any).

    The count is raised by one atomic UPDATE ... RETURNING, so concurrent senders (the
    dispatcher sends to many chats at once, several processes may share PostgreSQL)
    never lose a message, and each threshold is crossed by exactly one call."""
    month = month_of(now)
    async with database.session() as session:
        after = await _raise(session, channel, month, sent)
        if after is None:
            # First message of the month: create the row (unless another sender just
            # did), then raise it like any other.
            await session.exec(
                insert_for(session)(SendCounter)
                .values(channel=channel, month=month, count=0, warned=False)
                .on_conflict_do_nothing(index_elements=["channel", "month"])
            )
            after = await _raise(session, channel, month, sent)
            assert after is not None
    return after, crossed_threshold(after - sent, after, thresholds)


async def _raise(session: AsyncSession, channel: str, month: str, sent: int) -> int | None:
    result = await session.exec(
        update(SendCounter)
        .where(col(SendCounter.channel) == channel, col(SendCounter.month) == month)
        .values(count=col(SendCounter.count) + sent)
        .returning(col(SendCounter.count))
    )
    return result.scalar_one_or_none()


async def sent_in_month(database: Database, channel: str, now: datetime) -> int:
    """Messages counted for `channel` in the month of `now`."""
    async with database.session() as session:
        counter = await session.get(SendCounter, (channel, month_of(now)))
        return counter.count if counter is not None else 0
