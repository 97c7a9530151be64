"""The settings table: generated secrets and plain values."""

from __future__ import annotations

from bot.storage.settings import get_or_create_secret, get_setting, set_setting


async def test_a_generated_secret_is_stored_once(database):
    async with database.session() as session:
        first = await get_or_create_secret(session, "webhook_secret", lambda: "bí-mật-1")
    async with database.session() as session:
        second = await get_or_create_secret(session, "webhook_secret", lambda: "bí-mật-2")
        assert await get_setting(session, "khac") is None
        await set_setting(session, "khac", "1")
        await set_setting(session, "khac", "2")
    async with database.session() as session:
        assert await get_setting(session, "khac") == "2"
    assert first == second == "bí-mật-1"
