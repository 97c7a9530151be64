"""Confirmations: a unit saying "done" for one item (or, for an optional item,
"không phát sinh": nothing arose, also closing it; the `not_applicable` table says so).

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
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from bot.storage.dialect import prepared_insert
from bot.storage.models import Confirmation, ConfirmationNote, NotApplicable, table_of
from content.items import Item

_TABLE = table_of(Confirmation)


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
        .where(col(Confirmation.item_key) == item_key)
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
    not_applicable: bool = False,
) -> Confirmed:
    """Record that `item` is done, keeping an earlier confirmation and adding evidence.

    `not_applicable`: the unit answered "không phát sinh" for an optional item: the
    item is closed the same way, and marked as having had nothing to do."""
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
        # A first confirmation has no mark to clear: marks live only beside a
        # confirmation row, and those are never deleted (one statement less a press).
        if not_applicable:
            await _mark(session, item, now)
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
        await _mark(session, item, now if not_applicable else None)
        return Confirmed(row, True, False)
    merged = _merged(row.evidence, evidence)
    if merged == row.evidence:
        return Confirmed(row, False, False)
    row.evidence = merged  # a new list, so SQLAlchemy sees the JSON change
    await session.flush()
    return Confirmed(row, False, True)


async def _mark(session: AsyncSession, item: Item, answered_at: datetime | None) -> None:
    """Mark a new confirmation as "không phát sinh" (`answered_at`), or as a plain one
    (None: a mark left by an earlier, since undone answer goes)."""
    mark = await session.get(NotApplicable, item.key)
    if answered_at is None:
        if mark is not None:
            await session.delete(mark)
            await session.flush()
        return
    if mark is None:
        session.add(NotApplicable(item_key=item.key, plan_id=item.plan_id, answered_at=answered_at))
    else:
        mark.answered_at = answered_at
    await session.flush()


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


def _standing_marks(*conditions: ColumnElement[bool]) -> SelectOfScalar[str]:
    """Item keys whose standing confirmation said "không phát sinh"."""
    return (
        select(col(NotApplicable.item_key))
        .join(Confirmation, col(Confirmation.item_key) == col(NotApplicable.item_key))
        .where(col(Confirmation.undone_at).is_(None), *conditions)
    )


async def not_applicable_keys(session: AsyncSession, plan_id: str) -> frozenset[str]:
    """The plan's items closed as "không phát sinh" (their confirmation stands)."""
    result = await session.exec(_standing_marks(col(NotApplicable.plan_id) == plan_id))
    return frozenset(result.all())


async def active_confirmations(
    session: AsyncSession, plan_id: str, unit_id: str | None = None
) -> dict[str, Confirmation]:
    """item key -> its confirmation, for every confirmation not undone (of one unit's
    items, with `unit_id`)."""
    statement = select(Confirmation).where(
        col(Confirmation.plan_id) == plan_id, col(Confirmation.undone_at).is_(None)
    )
    if unit_id is not None:
        statement = statement.where(col(Confirmation.unit_id) == unit_id)
    result = await session.exec(statement)
    return {row.item_key: row for row in result.all()}


async def confirmed_times(session: AsyncSession, plan_id: str) -> dict[str, datetime]:
    """item key -> when it was confirmed, for every confirmation not undone: the two
    columns a plan's state needs, without building a row object per confirmation."""
    result = await session.exec(
        select(col(Confirmation.item_key), col(Confirmation.confirmed_at)).where(
            col(Confirmation.plan_id) == plan_id, col(Confirmation.undone_at).is_(None)
        )
    )
    return {key: at for key, at in result}


# Built once: every confirmation re-renders its digest.
_STANDING_AMONG_KEYS = (
    col(Confirmation.item_key).in_(bindparam("keys", expanding=True)),
    col(Confirmation.undone_at).is_(None),
)
_ACTIVE_FOR_KEYS = select(Confirmation).where(*_STANDING_AMONG_KEYS)
# The same rows with their "không phát sinh" mark, if any: a re-rendered digest needs
# both, and one statement per press instead of two is what keeps presses fast.
_STANDING_FOR_KEYS = (
    select(Confirmation, col(NotApplicable.item_key))
    .outerjoin(NotApplicable, col(NotApplicable.item_key) == col(Confirmation.item_key))
    .where(*_STANDING_AMONG_KEYS)
)


async def active_for_keys(session: AsyncSession, keys: Iterable[str]) -> dict[str, Confirmation]:
    """The standing confirmations of these items, by item key."""
    key_list = list(keys)
    if not key_list:
        return {}
    result = await session.exec(_ACTIVE_FOR_KEYS, params={"keys": key_list})
    return {row.item_key: row for row in result.all()}


class Standing(NamedTuple):
    confirmations: dict[str, Confirmation]  # item key -> its standing confirmation
    not_applicable: frozenset[str]  # those of them answered "không phát sinh"


async def standing_for_keys(session: AsyncSession, keys: Iterable[str]) -> Standing:
    """The standing confirmations of these items and which of them said "không phát
    sinh", in one statement."""
    key_list = list(keys)
    if not key_list:
        return Standing({}, frozenset())
    result = await session.exec(_STANDING_FOR_KEYS, params={"keys": key_list})
    confirmations: dict[str, Confirmation] = {}
    marked: set[str] = set()
    for row, mark in result.all():
        confirmations[row.item_key] = row
        if mark is not None:
            marked.add(row.item_key)
    return Standing(confirmations, frozenset(marked))


async def write_note(
    session: AsyncSession, item: Item, *, note: str, action: str, by: str, now: datetime
) -> None:
    """Keep why an admin confirmed (`action` "confirm") or undid ("undo") an item on its
    unit's behalf from the web page; the item's latest note replaces an earlier one."""
    row = await session.get(ConfirmationNote, item.key)
    if row is None:
        session.add(
            ConfirmationNote(
                item_key=item.key,
                plan_id=item.plan_id,
                note=note,
                action=action,
                written_by=by,
                written_at=now,
            )
        )
    else:
        row.note, row.action, row.written_by, row.written_at = note, action, by, now
    await session.flush()


async def notes_of(session: AsyncSession, keys: Iterable[str]) -> dict[str, ConfirmationNote]:
    """The notes of these items, by item key."""
    key_list = list(keys)
    if not key_list:
        return {}
    result = await session.exec(
        select(ConfirmationNote).where(col(ConfirmationNote.item_key).in_(key_list))
    )
    return {row.item_key: row for row in result.all()}
