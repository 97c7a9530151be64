"""Chat links and one-time invite codes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from bot.storage.chat_settings import chat_view
from bot.storage.links import (
    InviteError,
    active_chat_addresses,
    create_invite,
    deactivate_chat,
    link_chat,
    links_for_chat,
    links_for_plan,
    redeem_invite,
)
from bot.storage.models import Invite
from content.plan import Address

PLAN = "ke-hoach-thu"


async def _link(session, unit_id, chat_id, now, channel="telegram"):  # type: ignore[no-untyped-def]
    return await link_chat(
        session,
        plan_id=PLAN,
        unit_id=unit_id,
        channel=channel,
        chat_id=chat_id,
        chat_type="group",
        title="Nhóm công tác",
        linked_by="telegram:500",
        now=now,
    )


async def _redeem(session, code, chat_id, now):  # type: ignore[no-untyped-def]
    return await redeem_invite(
        session,
        code,
        channel="telegram",
        chat_id=chat_id,
        chat_type="group",
        title="Nhóm Phòng A",
        linked_by="telegram:500",
        now=now,
    )


async def test_linking_twice_keeps_one_link_and_relinking_reactivates(database, store, plans, now):
    await store(plans.v1)
    async with database.session() as session:
        first = await _link(session, "phong-a", "-3001", now)
        again = await _link(session, "phong-a", "-3001", now + timedelta(days=1))
        assert again.id == first.id
        assert again.linked_at == now
        gone = await deactivate_chat(session, "telegram", "-3001", "bot bị xóa khỏi nhóm", now)
        assert [link.id for link in gone] == [first.id]
        assert "phong-a" not in await active_chat_addresses(session, PLAN)
        back = await _link(session, "phong-a", "-3001", now + timedelta(days=2))
        assert back.id == first.id and back.active and back.deactivated_reason is None
        assert (await active_chat_addresses(session, PLAN))["phong-a"] == [
            Address("telegram", "-3001")
        ]


async def test_a_chats_active_links_come_with_their_stored_plan(database, store, plans, now):
    await store(plans.v1)
    async with database.session() as session:
        await _link(session, "van-phong", "-3001", now)
        await _link(session, "phong-a", "-3001", now)
        await _link(session, "phong-a", "-3002", now)
        await deactivate_chat(session, "telegram", "-3002", "bot bị xóa khỏi nhóm", now)
        found = (await chat_view(session, "telegram", "-3001")).links
        assert [(link.unit_id, plan.id) for link, plan in found] == [
            ("phong-a", PLAN),
            ("van-phong", PLAN),
        ]
        assert found[0][1] is found[1][1]  # one parsed plan, from the cache
        assert (await chat_view(session, "telegram", "-3002")).links == []
        assert (await chat_view(session, "zalo", "-3001")).links == []


async def test_deactivating_a_chat_stops_it_for_every_unit_it_served(database, store, plans, now):
    await store(plans.v1)
    async with database.session() as session:
        await _link(session, "phong-a", "-3001", now)
        await _link(session, "van-phong", "-3001", now)
        gone = await deactivate_chat(session, "telegram", "-3001", "nhóm đã bị xóa", now)
        assert {link.unit_id for link in gone} == {"phong-a", "van-phong"}
        assert await links_for_chat(session, "telegram", "-3001") == []
        kept = await links_for_chat(session, "telegram", "-3001", active_only=False)
        assert {link.deactivated_reason for link in kept} == {"nhóm đã bị xóa"}
        addresses = await active_chat_addresses(session, PLAN)
    # The plan-declared chats are untouched.
    assert addresses == {
        "van-phong": [Address("telegram", "-1001")],
        "phong-b": [Address("zalo", "abc123")],
    }


async def test_invite_codes_are_short_random_and_deep_link_safe(database, store, plans, now):
    await store(plans.v1)
    async with database.session() as session:
        codes = {(await create_invite(session, PLAN, "phong-a", now)).code for _ in range(20)}
    assert len(codes) == 20
    for code in codes:
        assert 10 <= len(code) <= 16
        assert re.fullmatch(r"[A-Za-z0-9_-]+", code)


async def test_invite_for_an_unknown_unit_or_plan_is_refused(database, store, plans, now):
    await store(plans.v1)
    async with database.session() as session:
        with pytest.raises(InviteError, match="không có đơn vị 'phong-x'"):
            await create_invite(session, PLAN, "phong-x", now)
        with pytest.raises(InviteError, match="Chưa nạp kế hoạch 'khac'"):
            await create_invite(session, "khac", "phong-a", now)


async def test_an_invite_links_the_chat_once(database, store, plans, now):
    await store(plans.v1)
    async with database.session() as session:
        invite = await create_invite(session, PLAN, "phong-a", now, created_by="cli")
    async with database.session() as session:
        link = await _redeem(session, invite.code.upper(), "-4001", now + timedelta(hours=1))
    assert (link.unit_id, link.chat_id, link.origin, link.active) == (
        "phong-a",
        "-4001",
        "invite",
        True,
    )

    async with database.session() as session:
        with pytest.raises(InviteError, match="đã được dùng") as error:
            await _redeem(session, invite.code, "-4002", now + timedelta(hours=2))
        assert error.value.problem == "used"
        assert await links_for_chat(session, "telegram", "-4002", active_only=False) == []
        # The chat that used it may send it again (the deep link opened twice).
        same = await _redeem(session, invite.code, "-4001", now + timedelta(hours=3))
        assert same.id == link.id
        stored = await session.get(Invite, invite.code)
        assert stored is not None and stored.used_by == "telegram:-4001"


async def test_an_expired_or_unknown_code_changes_nothing(database, store, plans, now):
    await store(plans.v1)
    async with database.session() as session:
        invite = await create_invite(session, PLAN, "phong-a", now, ttl=timedelta(days=7))
    async with database.session() as session:
        with pytest.raises(InviteError, match="hết hạn") as expired:
            await _redeem(session, invite.code, "-4001", now + timedelta(days=7))
        assert expired.value.problem == "expired"
        with pytest.raises(InviteError, match="không đúng") as unknown:
            await _redeem(session, "khongcoma1234", "-4001", now)
        assert unknown.value.problem == "unknown"
    async with database.session() as session:
        stored = await session.get(Invite, invite.code)
        assert stored is not None and stored.used_at is None
        assert await links_for_chat(session, "telegram", "-4001", active_only=False) == []
        # Still usable within its lifetime.
        await _redeem(session, invite.code, "-4001", now + timedelta(days=6))


async def test_an_invite_for_a_unit_that_left_the_plan_is_refused(database, store, plans, now):
    await store(plans.v1)
    async with database.session() as session:
        invite = await create_invite(session, PLAN, "phong-b", now)
    await store(plans.v2)
    async with database.session() as session:
        with pytest.raises(InviteError, match="không còn trong kế hoạch") as error:
            await _redeem(session, invite.code, "-4001", now)
    assert error.value.problem == "unit_gone"
    async with database.session() as session:
        links = await links_for_plan(session, PLAN, active_only=False)
    assert "-4001" not in {link.chat_id for link in links}
