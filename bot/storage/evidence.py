"""Evidence files, the data side: the durable jobs that download photos and documents
sent as evidence, and where each copy is kept.

A row is written in the same transaction as the confirmation it belongs to, so a file
is never forgotten: pending → fetching (claimed by one worker) → stored, or back to
pending with a later `next_attempt_at`, or refused (too large, a plan's store full, a
type Loa does not keep, gone from the platform). A worker that dies leaves rows in
"fetching"; `recover` returns them (at once on SQLite, after the lease on PostgreSQL),
as the outbox does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, func, or_, update
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.dialect import insert_for, rows_affected
from bot.storage.models import Broadcast, EvidenceFile

PENDING, FETCHING, STORED, REFUSED = "pending", "fetching", "stored", "refused"


@dataclass(frozen=True)
class WantedFile:
    ref: str  # as in the confirmation's evidence list
    file_ref: str  # what the channel fetches
    kind: str  # photo | document | video


async def want(
    session: AsyncSession,
    *,
    plan_id: str,
    item_key: str,
    unit_id: str,
    files: Sequence[WantedFile],
    channel: str,
    chat_id: str,
    sent_by: str,
    now: datetime,
) -> int:
    """Queue these files of an item for download; a file already queued for the item
    is left as it is. How many were new."""
    if not files:
        return 0
    rows = [
        {
            "plan_id": plan_id,
            "item_key": item_key,
            "unit_id": unit_id,
            "ref": wanted.ref,
            "channel": channel,
            "file_ref": wanted.file_ref,
            "kind": wanted.kind,
            "chat_id": chat_id,
            "sent_by": sent_by,
            "status": PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for wanted in dict.fromkeys(files)
    ]
    statement = (
        insert_for(session)(EvidenceFile)
        .on_conflict_do_nothing(index_elements=["item_key", "ref"])
        .returning(col(EvidenceFile.id))
    )
    result = await session.exec(statement, params=rows)
    return len(list(result.scalars()))


async def claim(
    session: AsyncSession,
    worker: str,
    now: datetime,
    channels: Sequence[str],
    limit: int = 20,
) -> list[EvidenceFile]:
    """Mark up to `limit` ready rows of these channels as fetching for this worker."""
    ready = (
        select(col(EvidenceFile.id))
        .where(col(EvidenceFile.status) == PENDING)
        .where(col(EvidenceFile.next_attempt_at) <= now)
        .where(col(EvidenceFile.channel).in_(channels))
        .order_by(col(EvidenceFile.next_attempt_at), col(EvidenceFile.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list(await session.exec(ready))
    if not ids:
        return []
    await session.exec(
        update(EvidenceFile)
        .where(col(EvidenceFile.id).in_(ids), col(EvidenceFile.status) == PENDING)
        .values(status=FETCHING, claimed_by=worker, claimed_at=now)
    )
    rows = await session.exec(
        select(EvidenceFile)
        .where(col(EvidenceFile.id).in_(ids), col(EvidenceFile.claimed_by) == worker)
        .where(col(EvidenceFile.status) == FETCHING)
        .order_by(col(EvidenceFile.id))
    )
    return list(rows)


async def recover(
    session: AsyncSession, worker: str, now: datetime, lease: timedelta, immediate: bool
) -> int:
    """Rows left in "fetching" by a worker that died go back to pending."""
    abandoned = and_(col(EvidenceFile.status) == FETCHING, col(EvidenceFile.claimed_by) != worker)
    if not immediate:
        abandoned = and_(
            abandoned,
            or_(
                col(EvidenceFile.claimed_at).is_(None), col(EvidenceFile.claimed_at) <= now - lease
            ),
        )
    result = await session.exec(
        update(EvidenceFile).where(abandoned).values(status=PENDING, claimed_by=None)
    )
    return rows_affected(result)


async def mark_stored(
    session: AsyncSession,
    row_id: int,
    *,
    sha256: str,
    extension: str,
    media_type: str,
    size: int,
    now: datetime,
) -> None:
    await session.exec(
        update(EvidenceFile)
        .where(col(EvidenceFile.id) == row_id)
        .values(
            status=STORED,
            sha256=sha256,
            extension=extension,
            media_type=media_type,
            size=size,
            stored_at=now,
            last_error=None,
            claimed_by=None,
        )
    )


async def retry_later(session: AsyncSession, row_id: int, at: datetime, error: str) -> None:
    await session.exec(
        update(EvidenceFile)
        .where(col(EvidenceFile.id) == row_id)
        .values(
            status=PENDING,
            next_attempt_at=at,
            last_error=error,
            attempts=col(EvidenceFile.attempts) + 1,
            claimed_by=None,
        )
    )


async def refuse(
    session: AsyncSession, row_id: int, refusal: str, error: str, size: int | None = None
) -> None:
    await session.exec(
        update(EvidenceFile)
        .where(col(EvidenceFile.id) == row_id)
        .values(status=REFUSED, refusal=refusal, last_error=error, size=size, claimed_by=None)
    )


async def plan_bytes(session: AsyncSession, plan_id: str) -> int:
    """What the plan's stored files take, each distinct file counted once."""
    distinct = (
        select(col(EvidenceFile.sha256), func.max(col(EvidenceFile.size)).label("size"))
        .where(col(EvidenceFile.plan_id) == plan_id, col(EvidenceFile.status) == STORED)
        .group_by(col(EvidenceFile.sha256))
        .subquery()
    )
    total = await session.exec(select(func.coalesce(func.sum(distinct.c.size), 0)))
    return int(total.one())


async def plan_has_file(session: AsyncSession, plan_id: str, sha256: str) -> bool:
    """The plan already keeps these bytes (sent again, for another item): no new space."""
    result = await session.exec(
        select(col(EvidenceFile.id))
        .where(col(EvidenceFile.plan_id) == plan_id, col(EvidenceFile.sha256) == sha256)
        .where(col(EvidenceFile.status) == STORED)
        .limit(1)
    )
    return result.first() is not None


async def _files_by_item(
    session: AsyncSession, *conditions: ColumnElement[bool]
) -> dict[str, list[EvidenceFile]]:
    result = await session.exec(
        select(EvidenceFile).where(*conditions).order_by(col(EvidenceFile.id))
    )
    found: dict[str, list[EvidenceFile]] = {}
    for row in result:
        found.setdefault(row.item_key, []).append(row)
    return found


async def files_of_plan(session: AsyncSession, plan_id: str) -> dict[str, list[EvidenceFile]]:
    """item key -> its evidence files (any status), in the order they were sent."""
    return await _files_by_item(session, col(EvidenceFile.plan_id) == plan_id)


async def stored_hashes(session: AsyncSession) -> set[str]:
    """Every file the store must keep: the ones some row still names (evidence, and
    the files web broadcasts sent, for as long as their broadcast is kept)."""
    kept: set[str] = set()
    for column in (col(EvidenceFile.sha256), col(Broadcast.file_sha256)):
        result = await session.exec(select(column).where(column.is_not(None)).distinct())
        kept.update(value for value in result if value)
    return kept


async def forget_item_files(session: AsyncSession, item_key: str) -> set[str]:
    """Drop an item's evidence files (an erasure) and return their evidence entries, for
    the caller to remove from the confirmation; the store's sweep then deletes the copies
    no row names any more."""
    result = await session.exec(
        delete(EvidenceFile)
        .where(col(EvidenceFile.item_key) == item_key)
        .returning(col(EvidenceFile.ref))
    )
    return set(result.scalars())


async def files_of_unit(
    session: AsyncSession, plan_id: str, unit_id: str
) -> dict[str, list[EvidenceFile]]:
    """item key -> the evidence files of one unit's items, in the order they were sent."""
    return await _files_by_item(
        session, col(EvidenceFile.plan_id) == plan_id, col(EvidenceFile.unit_id) == unit_id
    )


async def evidence_file(session: AsyncSession, file_id: int) -> EvidenceFile | None:
    return await session.get(EvidenceFile, file_id)
