"""Contacts registered in chat, merged with the plan's; private chats people opened;
both found and erased with the person's data."""

from __future__ import annotations

from datetime import datetime

from bot.storage.contacts import (
    add_contact,
    note_private_chat,
    private_chats,
    remove_contact,
    unit_contacts,
)
from bot.storage.db import Database
from bot.storage.erasures import erase
from bot.storage.privacy import Person, find
from content.clock import LOCAL_TZ
from content.plan import Address, Contact
from content.plan_loader import parse_plan

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL_TZ)
PLAN = parse_plan(
    """
plan:
  id: p
  title: Kế hoạch thử
  year: 2026
units:
  - id: phong-a
    name: Phòng A
    contacts:
      - {address: "telegram:1", name: Lan}
  - id: phong-b
    name: Phòng B
tasks:
  - id: bao-cao
    title: Báo cáo
    owners: [all]
    due: 2026-11-15
"""
)


async def test_contacts_registered_in_chat_follow_the_plans_once_each(database: Database) -> None:
    async with database.session() as session:
        assert await add_contact(
            session, "p", "phong-a", "telegram:2", "Minh", added_in="telegram:-5", now=NOW
        )
        assert not await add_contact(
            session, "p", "phong-a", "telegram:2", "Anh Minh", added_in="telegram:-5", now=NOW
        )
        # The plan's contact registering again is still listed once.
        await add_contact(session, "p", "phong-a", "telegram:1", "Lan", added_in="x", now=NOW)
        await add_contact(session, "p", "da-bo", "telegram:3", "Hoa", added_in="x", now=NOW)
    async with database.session() as session:
        found = await unit_contacts(session, PLAN)
    assert found == {
        "phong-a": (
            Contact(Address("telegram", "1"), "Lan"),
            Contact(Address("telegram", "2"), "Anh Minh"),
        )
    }


async def test_removing_a_contact_touches_only_the_units_named(database: Database) -> None:
    async with database.session() as session:
        for unit in ("phong-a", "phong-b"):
            await add_contact(session, "p", unit, "telegram:2", "Minh", added_in="x", now=NOW)
    async with database.session() as session:
        assert await remove_contact(session, "p", ["phong-b"], "telegram:2") == 1
        assert await remove_contact(session, "p", ["phong-b"], "telegram:2") == 0
    async with database.session() as session:
        found = await unit_contacts(session, PLAN)
    assert "phong-b" not in found
    assert Contact(Address("telegram", "2"), "Minh") in found["phong-a"]


async def test_private_chats_are_noted_once_and_erased_with_the_person(
    database: Database,
) -> None:
    async with database.session() as session:
        await note_private_chat(session, "telegram:2", NOW)
        await note_private_chat(session, "telegram:2", NOW)
        await add_contact(session, "p", "phong-a", "telegram:2", "Minh", added_in="x", now=NOW)
    async with database.session() as session:
        assert await private_chats(session, ["telegram:1", "telegram:2"]) == {"telegram:2"}
        found = await find(session, Person.parse("telegram:2"))
        assert (len(found.contacts), len(found.private_chats)) == (1, 1)
        assert "Minh" in found.names
        await erase(session, found, {})
    async with database.session() as session:
        assert await private_chats(session, ["telegram:2"]) == frozenset()
        assert (await unit_contacts(session, PLAN))["phong-a"] == (
            Contact(Address("telegram", "1"), "Lan"),
        )
