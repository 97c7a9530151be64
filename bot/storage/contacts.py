"""Contacts (cán bộ đầu mối) registered in chat with /daumoi, and the private chats
people have opened with the bot (so Loa may write to them first).

The plan's own `contacts:` live in the plan text; `unit_contacts` merges both, plan
first, for the planner and the handlers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.dialect import insert_for, rows_affected
from bot.storage.models import PrivateChat, UnitContact
from content.plan import Address, Contact, Plan


async def add_contact(
    session: AsyncSession,
    plan_id: str,
    unit_id: str,
    address: str,
    name: str,
    *,
    added_in: str,
    now: datetime,
) -> bool:
    """Register a contact; False when the person already was one of the unit's (the
    name is then refreshed)."""
    insert = insert_for(session)
    statement = (
        insert(UnitContact)
        .values(
            plan_id=plan_id,
            unit_id=unit_id,
            address=address,
            name=name,
            added_at=now,
            added_in=added_in,
        )
        .on_conflict_do_nothing(index_elements=["plan_id", "unit_id", "address"])
        .returning(col(UnitContact.id))
    )
    # RETURNING says whether the row is new; rowcount is not reliable across drivers.
    if (await session.exec(statement)).first() is not None:
        return True
    await session.exec(
        update(UnitContact)
        .where(
            col(UnitContact.plan_id) == plan_id,
            col(UnitContact.unit_id) == unit_id,
            col(UnitContact.address) == address,
        )
        .values(name=name)
    )
    return False


async def remove_contact(
    session: AsyncSession, plan_id: str, unit_ids: Iterable[str], address: str
) -> int:
    """Remove a registered contact from these units; the number of rows removed."""
    result = await session.exec(
        delete(UnitContact).where(
            col(UnitContact.plan_id) == plan_id,
            col(UnitContact.unit_id).in_(list(unit_ids)),
            col(UnitContact.address) == address,
        )
    )
    return rows_affected(result)


async def unit_contacts(session: AsyncSession, plan: Plan) -> dict[str, tuple[Contact, ...]]:
    """unit id -> its contacts: the plan's, then those registered in chat (by date)."""
    found: dict[str, list[Contact]] = {unit.id: list(unit.contacts) for unit in plan.units}
    rows = await session.exec(
        select(UnitContact)
        .where(UnitContact.plan_id == plan.id)
        .order_by(col(UnitContact.added_at), col(UnitContact.id))
    )
    for row in rows:
        contacts = found.get(row.unit_id)
        if contacts is None:
            continue  # a unit since removed from the plan
        try:
            address = Address.parse(row.address)
        except ValueError:
            continue  # a channel no longer in plans
        if all(contact.address != address for contact in contacts):
            contacts.append(Contact(address, row.name))
    return {unit_id: tuple(contacts) for unit_id, contacts in found.items() if contacts}


async def note_private_chat(session: AsyncSession, address: str, now: datetime) -> None:
    """The person wrote to the bot privately: from now on Loa may write to them."""
    insert = insert_for(session)
    await session.exec(
        insert(PrivateChat)
        .values(address=address, opened_at=now)
        .on_conflict_do_nothing(index_elements=["address"])
    )


async def private_chats(session: AsyncSession, addresses: Iterable[str]) -> frozenset[str]:
    """Those of `addresses` that have opened a private chat with the bot."""
    wanted = list(dict.fromkeys(addresses))
    if not wanted:
        return frozenset()
    rows = await session.exec(
        select(PrivateChat.address).where(col(PrivateChat.address).in_(wanted))
    )
    return frozenset(rows.all())
