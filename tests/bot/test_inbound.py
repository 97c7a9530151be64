"""Stored updates: a batch stored at once, repeats dropped, each update marked handled
exactly when what it did is committed, one chat's updates in order."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import select

from bot.channels import inbound
from bot.storage import updates
from bot.storage.db import Database
from bot.storage.models import InboundEvent
from bot.storage.settings import get_setting, set_setting
from content.clock import FixedClock

NOW = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)


def update(n: int, chat: int = -100) -> tuple[str, dict[str, object]]:
    return str(n), {"update_id": n, "message": {"chat": {"id": chat}, "text": f"xong {n}"}}


async def processed(database: Database) -> dict[str, bool]:
    async with database.session() as session:
        rows = (await session.exec(select(InboundEvent))).scalars()
        return {row.event_key: row.processed_at is not None for row in rows}


async def test_a_batch_is_stored_at_once_and_repeats_get_no_row(database: Database) -> None:
    first = await updates.record_many(database, "telegram", [update(1), update(2), update(1)], NOW)
    second = await updates.record_many(database, "telegram", [update(2), update(3)], NOW)

    assert sorted(first) == ["1", "2"] and list(second) == ["3"]
    assert len({*first.values(), *second.values()}) == 3
    assert await updates.record(database, "telegram", "3", update(3)[1], NOW) is None
    assert await updates.record(database, "zalo", "3", update(3)[1], NOW) is not None
    stored = [row.event_key for row in await updates.unprocessed(database, "telegram")]
    assert stored == ["1", "2", "3"]
    assert await updates.record_many(database, "telegram", [], NOW) == {}


async def test_a_mark_run_in_a_rolled_back_transaction_leaves_the_update_to_do(
    database: Database,
) -> None:
    row_id = await updates.record(database, "telegram", *update(1), NOW)
    assert row_id is not None
    mark = updates.HandledMark(row_id, NOW)

    class HandlerFailed(Exception):
        pass

    try:
        async with database.session() as session:
            await set_setting(session, "outcome", "written")
            await mark(session)
            raise HandlerFailed
    except HandlerFailed:
        pass
    async with database.session() as session:
        assert await get_setting(session, "outcome") is None
    assert await processed(database) == {"1": False}

    async with database.session() as session:
        await set_setting(session, "outcome", "written")
        await mark(session)
    assert await processed(database) == {"1": True}


async def test_the_handler_marks_what_it_was_given_and_the_rest_is_marked_after(
    database: Database,
) -> None:
    """Taken by the handlers, not taken (an ignored update), or handling raised: every
    update ends marked, and one chat's updates run in arrival order."""
    handler = inbound.ChatOrderedHandler(database, FixedClock(NOW), "telegram")
    stored = await updates.record_many(
        database, "telegram", [update(1), update(2), update(3), update(4, chat=-200)], NOW
    )
    order: list[str] = []

    async def takes_the_mark(mark: updates.HandledMark) -> None:
        await asyncio.sleep(0.05)  # slower than the next update of the same chat
        async with database.session() as session:
            await mark(session)
        order.append("1")

    async def ignores_it(mark: updates.HandledMark) -> None:
        order.append("2")

    async def raises(mark: updates.HandledMark) -> None:
        order.append("3")
        raise RuntimeError("handler bug")

    async def other_chat(mark: updates.HandledMark) -> None:
        order.append("4")

    for key, handle in (("1", takes_the_mark), ("2", ignores_it), ("3", raises)):
        handler.schedule(stored[key], "-100", handle)
    handler.schedule(stored["4"], "-200", other_chat)
    await handler.drain(grace=5)

    assert order == ["4", "1", "2", "3"]  # -200 did not wait for -100's slow update
    assert await processed(database) == {"1": True, "2": True, "3": True, "4": True}
    assert await updates.unprocessed(database, "telegram") == []


async def test_an_update_cut_short_at_stop_is_left_for_the_next_start(database: Database) -> None:
    handler = inbound.ChatOrderedHandler(database, FixedClock(NOW), "telegram")
    row_id = await updates.record(database, "telegram", *update(1), NOW)
    assert row_id is not None

    async def never_ends(mark: updates.HandledMark) -> None:
        await asyncio.Event().wait()

    handler.schedule(row_id, "-100", never_ends)
    await handler.drain(grace=0.05)

    assert [row.id for row in await updates.unprocessed(database, "telegram")] == [row_id]
