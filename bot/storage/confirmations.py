"""Confirmations: a unit saying "done" for one item.

One row per item key, ever. Confirming twice keeps the first confirmation (time and
person) and only adds new evidence; an undo keeps the row and marks it undone, so a
later confirmation brings it back. Rows whose item disappeared from the plan stay
in the table: if the item comes back after another reload, so does its confirmation.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.dialect import prepared_insert
from bot.storage.models import Confirmation
from content.items import Item

_TABLE = Confirmation.__table__


def _merged(existing: Sequence[str], new: Sequence[str]) -> list[str]:
    merged = list(existing)
    for piece in new:
        if piece and piece not in merged:
            merged.append(piece)
    return merged


async def _locked(session: AsyncSession, item_key: str) -> Confirmation | None:
    # FOR UPDATE serialises two presses of the same button on PostgreSQL; SQLite
    # ignores it (it has one writer at a time anyway).
    result = await session.exec(
        select(Confirmation)
        .where(Confirmation.item_key == item_key)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return result.first()


class Confirmed(NamedTuple):
    row: Confirmation
    created: bool  # not confirmed before this call (or undone since)
    evidence_added: bool  # already confirmed, and this call brought new evidence


async def confirm(
    session: AsyncSession,
    item: Item,
    *,
    by: str,
    by_name: str,
    channel: str,
    chat_id: str,
    evidence: Sequence[str],
    now: datetime,
) -> Confirmed:
    """Record that `item` is done, keeping an earlier confirmation and adding evidence."""
    evidence = _merged((), evidence)
    values = {
        "item_key": item.key,
        "plan_id": item.plan_id,
        "unit_id": item.unit_id,
        "task_id": item.task_id,
        "confirmed_at": now,
        "confirmed_by": by,
        "confirmed_by_name": by_name,
        "channel": channel,
        "chat_id": chat_id,
        "evidence": evidence,
    }
    # RETURNING gives the new row, or nothing when one was there. On the table, not
    # the model: this runs for every press, and the ORM's bulk layer costs more than
    # the statement.
    statement = prepared_insert(
        session,
        "confirmation",
        lambda insert: (
            insert(_TABLE).on_conflict_do_nothing(index_elements=["item_key"]).returning(_TABLE)
        ),
    )
    created = (await session.exec(statement, params=values)).mappings().first()
    if created is not None:
        return Confirmed(Confirmation(**created), True, False)
    row = await _locked(session, item.key)
    if row is None:  # cannot happen: the insert found the row there
        raise LookupError(item.key)
    if row.undone_at is not None:
        # A confirmation after an undo is a new confirmation: new time and person;
        # evidence given earlier is kept, since the undo may itself have been a slip.
        row.confirmed_at = now
        row.confirmed_by = by
        row.confirmed_by_name = by_name
        row.channel = channel
        row.chat_id = chat_id
        row.undone_at = None
        row.undone_by = None
        row.evidence = _merged(row.evidence, evidence)
        await session.flush()
        return Confirmed(row, True, False)
    merged = _merged(row.evidence, evidence)
    if merged == row.evidence:
        return Confirmed(row, False, False)
    row.evidence = merged  # a new list, so SQLAlchemy sees the JSON change
    await session.flush()
    return Confirmed(row, False, True)


async def undo(
    session: AsyncSession, item_key: str, *, by: str, now: datetime
) -> Confirmation | None:
    """Withdraw a confirmation; None if the item was not confirmed."""
    row = await _locked(session, item_key)
    if row is None or row.undone_at is not None:
        return None
    row.undone_at = now
    row.undone_by = by
    await session.flush()
    return row


async def active_confirmations(session: AsyncSession, plan_id: str) -> dict[str, Confirmation]:
    """item key -> its confirmation, for every confirmation not undone."""
    result = await session.exec(
        select(Confirmation).where(
            Confirmation.plan_id == plan_id, Confirmation.undone_at.is_(None)
        )
    )
    return {row.item_key: row for row in result.all()}


_ACTIVE_FOR_KEYS = select(Confirmation).where(
    Confirmation.item_key.in_(bindparam("keys", expanding=True)),
    Confirmation.undone_at.is_(None),
)  # built once: every confirmation re-renders its digest


async def active_for_keys(session: AsyncSession, keys: Iterable[str]) -> dict[str, Confirmation]:
    """The standing confirmations of these items, by item key."""
    key_list = list(keys)
    if not key_list:
        return {}
    result = await session.exec(_ACTIVE_FOR_KEYS, params={"keys": key_list})
    return {row.item_key: row for row in result.all()}
