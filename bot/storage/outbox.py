"""The outbox: every message is a row before it is sent, and each row is handed to a
channel exactly once.

Life of a row: pending -> sending (claimed by one worker) -> sent, or back to pending
with a later next_attempt_at, or failed / stale. A claim is a lease: the worker renews
`claimed_at` while it holds the row (`renew`), and a row whose lease ran out was
abandoned by a worker that died or stalled: `recover` takes it back (pending again, or
stale once its moment has passed). At start-up SQLite takes back every row another
worker left, at once: one process owns an SQLite file.
The only duplicate this design allows is a request the platform accepted in the
instant between its answer and our commit: nothing else is resent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NotRequired, TypedDict

from sqlalchemy import ColumnElement, and_, bindparam, case, func, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.dialect import insert_for, rows_affected
from bot.storage.models import OutboxMessage, SentMessage, table_of
from content.due import ALERT, REPLY, DueMessage

_OUTBOX = table_of(OutboxMessage)
_SENT_MESSAGES = table_of(SentMessage)

PENDING, SENDING, SENT, FAILED, STALE = "pending", "sending", "sent", "failed", "stale"
PARTS_SENT = "parts_sent"  # payload key: ids of the parts of a split text already delivered
# Claimed first: alerts, then replies (see content/due.py), then the rest.
_PRIORITY = case(
    (col(OutboxMessage.kind) == ALERT, 0), (col(OutboxMessage.kind) == REPLY, 1), else_=2
)


async def enqueue(session: AsyncSession, messages: Iterable[DueMessage], now: datetime) -> int:
    """Store messages whose key is new; a key already stored is never stored again.

    Returns how many were new (another instance racing on the same keys may make
    this an over-count; the table itself never holds a key twice)."""
    rows = [_row(message, now) for message in messages]
    if not rows:
        return 0
    insert = insert_for(session)
    known = await existing_keys(session, [row["key"] for row in rows])
    fresh = [row for row in rows if row["key"] not in known]
    if fresh:
        # ON CONFLICT covers a key another instance stored since the look-up.
        statement = insert(OutboxMessage).on_conflict_do_nothing(index_elements=["key"])
        await session.exec(statement, params=fresh)
    return len(fresh)


class _Row(TypedDict):
    """An outbox row as inserted (the parameters of the INSERT)."""

    key: str
    plan_id: str | None
    channel: str
    chat_id: str
    kind: str
    text: str
    payload: dict[str, Any]
    not_before: datetime
    expires_at: datetime | None
    status: str
    attempts: int
    next_attempt_at: datetime
    message_ids: list[str]
    created_at: datetime
    claimed_by: NotRequired[str]
    claimed_at: NotRequired[datetime]


def _row(message: DueMessage, now: datetime) -> _Row:
    return {
        "key": message.key,
        "plan_id": message.plan_id,
        "channel": message.channel,
        "chat_id": message.chat_id,
        "kind": message.kind,
        "text": message.text,
        "payload": dict(message.payload),
        "not_before": message.not_before,
        "expires_at": message.expires_at,
        "status": PENDING,
        "attempts": 0,
        "next_attempt_at": message.not_before,
        "message_ids": [],
        "created_at": now,
    }


async def enqueue_claimed(
    session: AsyncSession, messages: Sequence[DueMessage], worker: str, now: datetime
) -> list[OutboxMessage]:
    """Store messages already claimed by `worker`, to be sent by it at once (replies);
    the rows stored, in order. A key stored before is not stored or returned again."""
    if not messages:
        return []
    rows: list[_Row] = [
        {**_row(message, now), "status": SENDING, "claimed_by": worker, "claimed_at": now}
        for message in messages
    ]
    statement = (
        insert_for(session)(_OUTBOX)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(_OUTBOX.c.id, _OUTBOX.c.key)
    )
    stored = {key: row_id for row_id, key in (await session.exec(statement, params=rows)).all()}
    return [OutboxMessage(id=stored[row["key"]], **row) for row in rows if row["key"] in stored]


async def existing_keys(session: AsyncSession, keys: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        result = await session.exec(
            select(col(OutboxMessage.key)).where(col(OutboxMessage.key).in_(chunk))
        )
        found.update(result)
    return found


async def expire(session: AsyncSession, now: datetime) -> int:
    """Pending rows whose moment has passed are marked stale, never sent late."""
    result = await session.exec(
        update(OutboxMessage)
        .where(col(OutboxMessage.status) == PENDING)
        .where(col(OutboxMessage.expires_at).is_not(None))
        .where(col(OutboxMessage.expires_at) <= now)
        .values(status=STALE, last_error="expired before it could be sent")
    )
    return rows_affected(result)


async def claim(
    session: AsyncSession,
    worker: str,
    now: datetime,
    limit: int = 200,
    channels: Sequence[str] | None = None,
    chat_ids: Sequence[str] | None = None,
) -> list[OutboxMessage]:
    """Mark up to `limit` ready rows as sending for this worker and return them."""
    ready = (
        select(col(OutboxMessage.id))
        .where(col(OutboxMessage.status) == PENDING)
        .where(col(OutboxMessage.next_attempt_at) <= now)
        .order_by(_PRIORITY, col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if channels is not None:
        ready = ready.where(col(OutboxMessage.channel).in_(channels))
    if chat_ids is not None:
        ready = ready.where(col(OutboxMessage.chat_id).in_(chat_ids))
    ids = list(await session.exec(ready))
    if not ids:
        return []
    await session.exec(
        update(OutboxMessage)
        .where(col(OutboxMessage.id).in_(ids))
        .where(col(OutboxMessage.status) == PENDING)
        .values(status=SENDING, claimed_by=worker, claimed_at=now)
    )
    rows = await session.exec(
        select(OutboxMessage)
        .where(col(OutboxMessage.id).in_(ids))
        .where(col(OutboxMessage.claimed_by) == worker)
        .where(col(OutboxMessage.status) == SENDING)
    )
    claimed = {row.id: row for row in rows}
    return [claimed[row_id] for row_id in ids if row_id in claimed]  # in priority order


@dataclass(frozen=True)
class Delivered:
    """A delivery to record, as a write for the group commit (bot/storage/group_commit.py),
    which merges the ones that arrive together: one UPDATE and one INSERT for all."""

    row: OutboxMessage
    message_ids: Sequence[str]
    at: datetime

    async def __call__(self, session: AsyncSession) -> None:
        await record_deliveries(session, [self])

    @staticmethod
    async def write_all(session: AsyncSession, writes: Sequence[Delivered]) -> None:
        await record_deliveries(session, writes)


# On the tables, not the models: this runs for every message delivered, and the ORM's
# bulk layer would double its cost (see bot/storage/updates.py).
_MARK_SENT = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("row_id"))
    .values(status=SENT, message_ids=bindparam("ids"), sent_at=bindparam("at"), last_error=None)
)


async def record_deliveries(session: AsyncSession, deliveries: Sequence[Delivered]) -> None:
    """Mark rows sent with their platform message ids."""
    if not deliveries:
        return
    await session.exec(
        _MARK_SENT,
        params=[
            {"row_id": done.row.id, "ids": list(done.message_ids), "at": done.at}
            for done in deliveries
        ],
    )
    await _link_messages(session, [(done.row, done.message_ids) for done in deliveries])


async def _link_messages(
    session: AsyncSession, sent: Sequence[tuple[OutboxMessage, Sequence[str]]]
) -> None:
    """Remember which row each platform message came from (replies and buttons name it).
    A platform reusing an id must not make recording the send fail (the row would then
    be sent again): the newest message owns the id."""
    links = {
        (row.channel, row.chat_id, message_id): row.id
        for row, message_ids in sent
        for message_id in message_ids
        if message_id
    }
    if not links:
        return
    statement = insert_for(session)(_SENT_MESSAGES)
    statement = statement.on_conflict_do_update(
        index_elements=["channel", "chat_id", "message_id"],
        set_={"outbox_id": statement.excluded.outbox_id},
    )
    await session.exec(
        statement,
        params=[
            {"channel": channel, "chat_id": chat, "message_id": message, "outbox_id": row_id}
            for (channel, chat, message), row_id in links.items()
        ],
    )


async def mark_sent(
    session: AsyncSession, row: OutboxMessage, message_ids: Sequence[str], now: datetime
) -> None:
    await record_deliveries(session, [Delivered(row, message_ids, now)])


async def record_parts(
    session: AsyncSession, row: OutboxMessage, delivered: Sequence[str], now: datetime
) -> None:
    """Remember which parts of a split message went out, as each one does (whoever
    holds the row now: a part delivered is delivered). From its first part on the
    message counts as sent for what people answer: a "xong" may quote part one while
    the others are still on their way."""
    await session.exec(
        update(_OUTBOX)
        .where(_OUTBOX.c.id == row.id)
        .values(
            payload={**row.payload, PARTS_SENT: list(delivered)},
            sent_at=func.coalesce(_OUTBOX.c.sent_at, now),
        )
    )
    await _link_messages(session, [(row, delivered)])


def _held_by(worker: str) -> ColumnElement[bool]:
    """This worker's claim, or nobody's: a row another worker took over (after this one
    stalled past its lease) or already settled is not handed back or failed."""
    return or_(
        col(OutboxMessage.status) == PENDING,
        and_(col(OutboxMessage.status) == SENDING, col(OutboxMessage.claimed_by) == worker),
    )


async def retry_later(
    session: AsyncSession,
    row_id: int,
    worker: str,
    at: datetime,
    error: str,
    count_attempt: bool = True,
) -> None:
    values: dict[str, object] = {
        "status": PENDING,
        "next_attempt_at": at,
        "last_error": error,
        "claimed_by": None,
    }
    if count_attempt:
        values["attempts"] = col(OutboxMessage.attempts) + 1
    await session.exec(
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == row_id, _held_by(worker))
        .values(values)
    )


async def mark_failed(session: AsyncSession, row_id: int, worker: str, error: str) -> None:
    await session.exec(
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == row_id, _held_by(worker))
        .values(status=FAILED, last_error=error, attempts=col(OutboxMessage.attempts) + 1)
    )


async def fail_chat(session: AsyncSession, channel: str, chat_id: str, error: str) -> int:
    """Everything still waiting for a chat that is gone fails at once."""
    result = await session.exec(
        update(OutboxMessage)
        .where(col(OutboxMessage.channel) == channel)
        .where(col(OutboxMessage.chat_id) == chat_id)
        .where(col(OutboxMessage.status).in_((PENDING, SENDING)))
        .values(status=FAILED, last_error=error)
    )
    return rows_affected(result)


async def renew(session: AsyncSession, worker: str, row_ids: Sequence[int], now: datetime) -> None:
    """Extend this worker's lease on rows it is still sending."""
    for start in range(0, len(row_ids), 500):
        await session.exec(
            update(_OUTBOX)
            .where(
                _OUTBOX.c.id.in_(row_ids[start : start + 500]),
                _OUTBOX.c.status == SENDING,
                _OUTBOX.c.claimed_by == worker,
            )
            .values(claimed_at=now)
        )


async def recover(
    session: AsyncSession,
    worker: str,
    now: datetime,
    lease: timedelta,
    immediate: bool = False,
    keep: Sequence[int] = (),
) -> int:
    """Take back rows whose worker is gone: those whose lease ran out (any worker's,
    but not the rows in `keep`, which this worker is still sending) or, `immediate`,
    every row another worker left. Each goes back to pending, or stale when its
    moment has passed; returns how many went back to pending."""
    if immediate:
        abandoned = and_(
            col(OutboxMessage.status) == SENDING, col(OutboxMessage.claimed_by) != worker
        )
    else:
        abandoned = and_(
            col(OutboxMessage.status) == SENDING,
            or_(
                col(OutboxMessage.claimed_at).is_(None),
                col(OutboxMessage.claimed_at) <= now - lease,
            ),
        )
        if keep:
            abandoned = and_(abandoned, col(OutboxMessage.id).not_in(list(keep)))
    expired = and_(col(OutboxMessage.expires_at).is_not(None), col(OutboxMessage.expires_at) <= now)
    await session.exec(
        update(OutboxMessage)
        .where(abandoned, expired)
        .values(status=STALE, claimed_by=None, last_error="abandoned, then expired")
    )
    result = await session.exec(
        update(OutboxMessage)
        .where(abandoned)
        .values(status=PENDING, claimed_by=None, last_error="taken back from a stopped worker")
    )
    return rows_affected(result)


async def depth(session: AsyncSession) -> dict[str, int]:
    """Rows by status ("pending", "sending", "sent", "failed", "stale"), for /metrics."""
    result = await session.exec(
        select(col(OutboxMessage.status), func.count()).group_by(col(OutboxMessage.status))
    )
    return {status: count for status, count in result.all()}
