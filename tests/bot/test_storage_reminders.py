"""What the cadence reads from the store: when a plan started, paused chats, and items
closed as "không phát sinh"; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

from bot.storage.confirmations import confirm, not_applicable_keys, undo
from bot.storage.models import PlanStart
from bot.storage.pauses import chat_pause, pause_chat, pauses, resume_chat
from bot.storage.plan_starts import plan_starts, restart
from content.items import expand_items
from scheduler.state import plan_state

PLAN = "ke-hoach-thu"


async def test_the_first_load_starts_a_plan_and_reloads_keep_it(database, store, plans, now):
    await store(plans.v1, now)
    await store(plans.v2, now + timedelta(days=30))
    async with database.session() as session:
        assert (await plan_starts(session))[PLAN] == now
        state = await plan_state(session, PLAN)
    assert state is not None and state.first_day == date(2026, 3, 2)


async def test_a_plan_stored_before_starts_were_kept_starts_at_its_last_load(
    database, store, plans, now
):
    await store(plans.v1, now)
    async with database.session() as session:
        await session.delete(await session.get(PlanStart, PLAN))
    async with database.session() as session:
        assert (await plan_starts(session))[PLAN] == now  # plans.loaded_at
        await restart(session, PLAN, now + timedelta(days=1))
    async with database.session() as session:
        assert (await plan_starts(session))[PLAN] == now + timedelta(days=1)


async def test_a_pause_replaces_the_last_one_and_resuming_ends_it_today(database, now):
    async with database.session() as session:
        await pause_chat(
            session, "telegram", "-1001", date(2026, 3, 2), date(2026, 3, 4), by="u", now=now
        )
        await pause_chat(
            session, "telegram", "-1001", date(2026, 3, 3), date(2026, 3, 9), by="u", now=now
        )
    async with database.session() as session:
        assert await pauses(session) == {"telegram:-1001": (date(2026, 3, 3), date(2026, 3, 9))}
        ended = await resume_chat(session, "telegram", "-1001", date(2026, 3, 5), by="u", now=now)
        assert ended == (date(2026, 3, 3), date(2026, 3, 9))
    async with database.session() as session:
        assert await chat_pause(session, "telegram", "-1001") == (
            date(2026, 3, 3),
            date(2026, 3, 4),
        )
        assert (
            await resume_chat(session, "telegram", "-1001", date(2026, 3, 5), by="u", now=now)
            is None
        )
        # Resumed the day it began: no paused day is left, so it is not a pause at all.
        await pause_chat(
            session, "zalo", "abc", date(2026, 3, 5), date(2026, 3, 6), by="u", now=now
        )
        await resume_chat(session, "zalo", "abc", date(2026, 3, 5), by="u", now=now)
    async with database.session() as session:
        assert set(await pauses(session)) == {"telegram:-1001"}
        assert await pauses(session, ["zalo:abc"]) == {}


async def test_not_applicable_follows_the_confirmation_it_belongs_to(database, store, plans, now):
    await store(plans.v1, now)
    item = next(i for i in expand_items(plans.parse(plans.v1)) if i.task_id == "ke-hoach")
    answer = {"by": "telegram:5", "by_name": "Lan", "channel": "telegram", "chat_id": "-1001"}
    async with database.session() as session:
        made = await confirm(session, item, evidence=[], now=now, not_applicable=True, **answer)
        assert made.created
    async with database.session() as session:
        assert await not_applicable_keys(session, PLAN) == {item.key}
        again = await confirm(session, item, evidence=[], now=now, **answer)
        assert not again.created  # already closed: stays "không phát sinh"
        assert await not_applicable_keys(session, PLAN) == {item.key}
        await undo(session, item.key, by="telegram:5", now=now)
        assert await not_applicable_keys(session, PLAN) == frozenset()
        await confirm(session, item, evidence=[], now=now, **answer)
        assert await not_applicable_keys(session, PLAN) == frozenset()  # done, this time
