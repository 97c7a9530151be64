"""What the Telegram channel tests share: a recording stand-in for the handlers, the
config pointing at a FakeTelegram, and a running channel."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from bot.channels.telegram import TelegramChannel
from bot.config import Config
from bot.storage.db import Database
from bot.web import WebServer
from handlers.context import TurnHook
from handlers.events import Event, Reply
from tests.fakes import FakeTelegram, TelegramLimits

GROUP = -1001234567890
PRIVATE = 700000042
COMMANDS = (
    ("xong", "Báo đã hoàn thành một việc", "Report a task as done"),
    ("tiendo", "Xem tiến độ thực hiện", "Show progress"),
)
# Loa's own limiter out of the way: these tests are about the API calls, not the pacing.
FAST_LIMITS = {"telegram_limits": "10000,10000,10000"}


class RecordingHandlers:
    """Records every Event and answers with `respond(event)` (no replies by default),
    committing the channel's `finish` with the replies as the real handlers do."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.events: list[Event] = []
        self.respond: Callable[[Event], Sequence[Reply]] = lambda event: []

    async def __call__(self, event: Event, finish: TurnHook | None = None) -> list[Reply]:
        self.events.append(event)
        replies = list(self.respond(event))
        if finish is not None:
            async with self.database.session() as session:
                await finish(session, replies)
        return replies

    async def wait_for(self, count: int, within: float = 5.0) -> list[Event]:
        """The first `count` events, once they have arrived (fails after `within` s)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while len(self.events) < count:
            if loop.time() > deadline:
                raise AssertionError(f"expected {count} event(s), got {self.events}")
            await asyncio.sleep(0.01)
        return self.events[:count]


def telegram_config(tg: FakeTelegram, **changes: Any) -> Config:
    return Config(
        **{"telegram_token": tg.token, "telegram_api_url": tg.url, **FAST_LIMITS, **changes}
    )


@asynccontextmanager
async def fake_telegram() -> AsyncIterator[FakeTelegram]:
    """A fake Bot API without flood limits that knows a unit's group and a private chat."""
    async with FakeTelegram(limits=TelegramLimits.off()) as fake:
        fake.add_chat(GROUP, "supergroup", title="Phòng Văn hóa xã")
        fake.add_chat(PRIVATE, "private")
        yield fake


@asynccontextmanager
async def running_channel(
    tg: FakeTelegram,
    database: Database,
    handlers: RecordingHandlers,
    *,
    web: WebServer | None = None,
    **config_changes: Any,
) -> AsyncIterator[TelegramChannel]:
    channel = TelegramChannel(telegram_config(tg, **config_changes), database, handlers, COMMANDS)
    await channel.start(web)
    try:
        yield channel
    finally:
        await channel.stop()
