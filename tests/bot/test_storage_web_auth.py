"""Web sign-in links and sessions in the store: single use, ten minutes, one winner
when two browsers race with the same link, tokens kept only as digests."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlmodel import select

from bot.storage.db import Database
from bot.storage.models import WebLogin, WebSession
from bot.storage.web_auth import (
    create_login_link,
    end_session,
    live_session,
    purge_web_auth,
    start_session,
    use_login_link,
)
from tests.conftest import NOW

ADDRESS = "telegram:111"


async def test_a_link_works_once_within_ten_minutes(database: Database):
    async with database.session() as session:
        token = await create_login_link(session, ADDRESS, NOW)
        late = await create_login_link(session, ADDRESS, NOW)
    async with database.session() as session:
        assert await use_login_link(session, token, NOW + timedelta(minutes=9)) == ADDRESS
        assert await use_login_link(session, token, NOW + timedelta(minutes=9)) == "used"
        assert await use_login_link(session, late, NOW + timedelta(minutes=10)) == "expired"
        assert await use_login_link(session, "forged", NOW) == "unknown"
        rows = (await session.exec(select(WebLogin))).all()
    assert {row.token_hash for row in rows}.isdisjoint({token, late})


async def test_two_browsers_racing_with_one_link_sign_in_once(database: Database):
    async with database.session() as session:
        token = await create_login_link(session, ADDRESS, NOW)

    async def attempt() -> str:
        async with database.session() as session:
            return await use_login_link(session, token, NOW)

    results = await asyncio.gather(attempt(), attempt())
    assert sorted(results) == sorted([ADDRESS, "used"])


async def test_a_session_lives_until_it_ends_or_expires_then_is_purged(database: Database):
    async with database.session() as session:
        signed_in = await start_session(session, ADDRESS, NOW)
    async with database.session() as session:
        assert (await live_session(session, signed_in.token, NOW)).address == ADDRESS
        assert await live_session(session, signed_in.token, NOW + timedelta(hours=13)) is None
        assert await end_session(session, signed_in.token, NOW)
        assert await live_session(session, signed_in.token, NOW) is None
    async with database.session() as session:
        assert await purge_web_auth(session, NOW + timedelta(days=1)) == 1
        assert not (await session.exec(select(WebSession))).all()
