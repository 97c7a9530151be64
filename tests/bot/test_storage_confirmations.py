"""Confirming items: twice is harmless, undo works, confirming after an undo works."""

from __future__ import annotations

from datetime import timedelta

from bot.storage.confirmations import active_confirmations, confirm, undo
from content.items import expand_items

PLAN = "ke-hoach-thu"


def _bulletin(plans):  # type: ignore[no-untyped-def]
    items = expand_items(plans.parse(plans.v1))
    return next(item for item in items if item.key == f"{PLAN}/ban-tin/2026-03-25/van-phong")


async def _confirm(session, item, now, by="telegram:500", name="Nguyễn Văn An", evidence=()):  # type: ignore[no-untyped-def]
    return await confirm(
        session,
        item,
        by=by,
        by_name=name,
        channel="telegram",
        chat_id="-1001",
        evidence=list(evidence),
        now=now,
    )


async def test_confirming_twice_keeps_the_first_and_adds_evidence(database, store, plans, now):
    await store(plans.v1)
    item = _bulletin(plans)
    async with database.session() as session:
        row, new, evidence_added = await _confirm(
            session, item, now, evidence=["https://so.example.vn/a"]
        )
    assert new and not evidence_added
    assert (row.plan_id, row.unit_id, row.task_id) == (PLAN, "van-phong", "ban-tin")

    later = now + timedelta(hours=2)
    async with database.session() as session:
        again, new_again, evidence_added = await _confirm(
            session,
            item,
            later,
            by="telegram:501",
            name="Trần Thị Bình",
            evidence=["https://so.example.vn/a", "telegram-photo:AgAC123"],
        )
    assert not new_again and evidence_added
    assert again.confirmed_at == now
    assert (again.confirmed_by, again.confirmed_by_name) == ("telegram:500", "Nguyễn Văn An")
    assert again.evidence == ["https://so.example.vn/a", "telegram-photo:AgAC123"]
    async with database.session() as session:
        _, new_third, evidence_added = await _confirm(
            session, item, later, evidence=["telegram-photo:AgAC123"]
        )
    assert not new_third and not evidence_added  # the same photo again adds nothing
    async with database.session() as session:
        stored = await active_confirmations(session, PLAN)
    assert list(stored) == [item.key]
    assert stored[item.key].evidence == ["https://so.example.vn/a", "telegram-photo:AgAC123"]


async def test_undo_then_confirm_again(database, store, plans, now):
    await store(plans.v1)
    item = _bulletin(plans)
    async with database.session() as session:
        await _confirm(session, item, now, evidence=["https://so.example.vn/a"])
    async with database.session() as session:
        undone = await undo(session, item.key, by="telegram:500", now=now + timedelta(minutes=5))
        assert undone is not None and undone.undone_by == "telegram:500"
        assert await active_confirmations(session, PLAN) == {}
        assert await undo(session, item.key, by="telegram:500", now=now) is None

    later = now + timedelta(days=1)
    async with database.session() as session:
        row, new, _ = await _confirm(session, item, later, by="zalo:u77", name="Lê Văn Cường")
    assert new
    assert row.undone_at is None
    assert (row.confirmed_at, row.confirmed_by) == (later, "zalo:u77")
    assert row.evidence == ["https://so.example.vn/a"]
    async with database.session() as session:
        assert list(await active_confirmations(session, PLAN)) == [item.key]


async def test_undo_of_an_unconfirmed_item_does_nothing(database, store, plans, now):
    await store(plans.v1)
    async with database.session() as session:
        assert await undo(session, f"{PLAN}/ban-tin/2026-04-25/van-phong", by="x", now=now) is None
        assert await active_confirmations(session, PLAN) == {}
