"""Small values Loa keeps in the `settings` table (e.g. the generated webhook secret)."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.dialect import insert_for
from bot.storage.models import Setting


async def get_setting(session: AsyncSession, key: str) -> str | None:
    row = await session.get(Setting, key)
    return None if row is None else row.value


async def set_setting(session: AsyncSession, key: str, value: str) -> None:
    row = await session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
    await session.flush()


async def get_or_create_secret(session: AsyncSession, name: str, factory: Callable[[], str]) -> str:
    """The value stored under `name`, or `factory()` stored now.

    Two instances starting together must end up with the same secret, so the value is
    inserted with "do nothing on conflict" and then read back: whoever wrote first wins.
    """
    existing = await get_setting(session, name)
    if existing is not None:
        return existing
    await session.exec(
        insert_for(session)(Setting)
        .values(key=name, value=factory())
        .on_conflict_do_nothing(index_elements=["key"])
    )
    result = await session.exec(select(Setting.value).where(Setting.key == name))
    return result.one()
