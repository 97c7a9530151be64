"""Dialogue state: kept per chat and user, moved on, forgotten after 30 minutes."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.storage.conversations import (
    end_conversation,
    get_conversation,
    purge_expired,
    save_conversation,
)
from bot.storage.db import Database

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


async def test_saved_state_is_read_back_per_user(database: Database) -> None:
    async with database.session() as session:
        await save_conversation(
            session, "telegram", "1", "1", "broadcast", {"step": "content"}, NOW
        )
        await save_conversation(
            session, "telegram", "1", "2", "broadcast", {"step": "targets"}, NOW
        )
    async with database.session() as session:
        mine = await get_conversation(session, "telegram", "1", "1", NOW + timedelta(minutes=5))
        other = await get_conversation(session, "zalo", "1", "1", NOW)
    assert mine is not None and mine.state == {"step": "content"}
    assert other is None


async def test_moving_on_restarts_the_lifetime(database: Database) -> None:
    async with database.session() as session:
        await save_conversation(
            session, "telegram", "1", "1", "broadcast", {"step": "content"}, NOW
        )
    later = NOW + timedelta(minutes=25)
    async with database.session() as session:
        await save_conversation(
            session, "telegram", "1", "1", "broadcast", {"step": "targets", "text": "Tin"}, later
        )
    async with database.session() as session:
        row = await get_conversation(session, "telegram", "1", "1", NOW + timedelta(minutes=50))
    assert row is not None and row.state == {"step": "targets", "text": "Tin"}


async def test_expired_and_ended_dialogues_are_gone(database: Database) -> None:
    async with database.session() as session:
        await save_conversation(
            session, "telegram", "1", "1", "broadcast", {"step": "content"}, NOW
        )
        await save_conversation(
            session, "telegram", "2", "2", "broadcast", {"step": "content"}, NOW
        )
        await save_conversation(
            session, "telegram", "3", "3", "broadcast", {"step": "content"}, NOW
        )
    expired = NOW + timedelta(minutes=30)
    async with database.session() as session:
        assert await get_conversation(session, "telegram", "1", "1", expired) is None
        assert await end_conversation(session, "telegram", "2", "2")
        assert not await end_conversation(session, "telegram", "2", "2")
    async with database.session() as session:
        assert await get_conversation(session, "telegram", "1", "1", NOW) is None
        assert await get_conversation(session, "telegram", "2", "2", NOW) is None
        assert await purge_expired(session, expired) == 1
        assert await get_conversation(session, "telegram", "3", "3", NOW) is None
