"""The PlanState gathered from the store for the scheduler."""

from __future__ import annotations

from datetime import date

from bot.storage.broadcasts import create_broadcast, mark_broadcast_sent
from bot.storage.confirmations import confirm, undo
from content.plan import Address
from scheduler.state import plan_state, plan_states

PLAN = "ke-hoach-thu"


async def test_plan_state_gathers_items_confirmations_links_and_admins(database, store, plans, now):
    await store(plans.v1)
    await store(plans.second)
    async with database.session() as session:
        broadcast = await create_broadcast(
            session,
            plan_id=PLAN,
            created_by="telegram:111",
            content_kind="text",
            text="Chia sẻ bài viết",
            media=None,
            media_channel=None,
            unit_ids=["phong-a"],
            targets=["phong-a"],
            require_confirmation=True,
            due=date(2026, 3, 6),
            origin="telegram:111",
            now=now,
        )
        await mark_broadcast_sent(session, broadcast.id, now)
    async with database.session() as session:
        state = await plan_state(
            session, PLAN, extra_admins=[Address("telegram", "111"), Address("zalo", "z9")]
        )
    assert state is not None
    broadcast_key = f"{PLAN}/broadcast-{broadcast.id}/2026-03-06/phong-a"
    assert len(state.items) == 17  # 16 from the plan + 1 from the broadcast
    item = next(item for item in state.items if item.key == broadcast_key)
    async with database.session() as session:
        await confirm(
            session,
            item,
            by="telegram:500",
            by_name="An",
            channel="telegram",
            chat_id="-2001",
            evidence=[],
            now=now,
        )
        undone = next(i for i in state.items if i.key.endswith("/2026-03-25/van-phong"))
        await confirm(
            session,
            undone,
            by="telegram:500",
            by_name="An",
            channel="telegram",
            chat_id="-1001",
            evidence=[],
            now=now,
        )
        await undo(session, undone.key, by="telegram:500", now=now)
    async with database.session() as session:
        states = await plan_states(session, extra_admins=[Address("telegram", "111")])
    assert [s.plan.id for s in states] == ["ke-hoach-khac", PLAN]
    state = states[1]
    assert dict(state.confirmed) == {broadcast_key: now}
    assert {unit: list(chats) for unit, chats in state.links.items()} == {
        "van-phong": [Address("telegram", "-1001")],
        "phong-b": [Address("zalo", "abc123")],
    }
    assert list(state.admins) == [Address("telegram", "111")]
    assert states[0].admins == (Address("telegram", "111"),)
    async with database.session() as session:
        assert await plan_state(session, "khong-co") is None
