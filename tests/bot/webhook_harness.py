"""What the hostile-webhook tests share: Loa's web server with the Telegram and Zalo
webhooks on it (each channel against its fake API), raw-socket clients that misbehave
on purpose, and a check that every stored update is one Loa can read."""

from __future__ import annotations

import asyncio
import json
import socket
import struct
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from telegram import Update

from bot.channels import telegram, zalo, zalo_updates
from bot.channels.ratelimit import RateLimiter
from bot.channels.telegram import TelegramChannel
from bot.channels.update_schemas import TelegramUpdate, ZaloUpdate, shape_problem
from bot.channels.zalo import ZaloChannel
from bot.config import Config
from bot.storage.db import Database
from bot.storage.models import InboundEvent
from bot.web import WebServer
from content.clock import FixedClock
from tests.bot.telegram_harness import RecordingHandlers, running_channel
from tests.fakes import FakeTelegram, FakeZalo

SECRET = "Loa-hostile-webhook-secret-0123456789"
NOW = datetime(2026, 2, 3, 7, 31, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
FIXTURES = Path(__file__).parents[1] / "fixtures"
TELEGRAM_FIXTURES = {
    path.stem: json.loads(path.read_text("utf-8"))
    for path in sorted((FIXTURES / "telegram").glob("*.json"))
}
ZALO_FIXTURES = {
    path.stem: json.loads(path.read_text("utf-8"))
    for path in sorted((FIXTURES / "zalo").glob("*.json"))
}
PATHS = {"telegram": telegram.WEBHOOK_PATH, "zalo": zalo.WEBHOOK_PATH}
SECRET_HEADERS = {"telegram": telegram.SECRET_HEADER, "zalo": "X-Bot-Api-Secret-Token"}


@dataclass
class Hooks:
    web: WebServer
    telegram: TelegramChannel
    zalo: ZaloChannel
    database: Database

    def url(self, platform: str) -> str:
        return f"http://127.0.0.1:{self.web.port}{PATHS[platform]}"


@asynccontextmanager
async def webhooks(
    tg: FakeTelegram,
    fake_zalo: FakeZalo,
    database: Database,
    handlers: RecordingHandlers,
    **web_options: Any,
) -> AsyncIterator[Hooks]:
    """A started WebServer (with `web_options`) serving both platforms' webhooks."""
    web = WebServer(**web_options)
    await web.start("127.0.0.1", 0)
    base = f"http://127.0.0.1:{web.port}"
    zalo_channel = ZaloChannel(
        Config(zalo_token=fake_zalo.token, zalo_api_url=fake_zalo.url, webhook_base_url=base),
        database,
        handlers,
        FixedClock(NOW),
        SECRET,
        limiter=RateLimiter(10000, 10000, 10000),
    )
    try:
        async with running_channel(
            tg, database, handlers, web=web, webhook_secret=SECRET, webhook_base_url=base
        ) as telegram_channel:
            await zalo_channel.start(web)
            try:
                yield Hooks(web, telegram_channel, zalo_channel, database)
            finally:
                await zalo_channel.stop()
    finally:
        await web.stop()


async def stored(database: Database) -> list[InboundEvent]:
    async with database.session() as session:
        return list((await session.exec(select(InboundEvent))).scalars())


def unreadable(hooks: Hooks, row: InboundEvent) -> str | None:
    """Why a stored update is not one Loa can handle, or None."""
    if row.channel == "telegram":
        problem = shape_problem(TelegramUpdate, row.payload)
        if problem is None:
            try:
                hooks.telegram.to_event(Update.de_json(row.payload, hooks.telegram.bot))
            except Exception as error:
                return repr(error)
        return problem
    problem = shape_problem(ZaloUpdate, row.payload)
    if problem is None:
        try:
            zalo_updates.to_event(row.payload, NOW)
        except Exception as error:
            return repr(error)
    return problem


async def open_raw(port: int) -> socket.socket:
    """A non-blocking TCP connection to the server, to send bytes exactly as chosen."""
    sock = socket.socket()
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
    return sock


async def send(sock: socket.socket, data: bytes) -> None:
    await asyncio.get_running_loop().sock_sendall(sock, data)


async def read_until_closed(sock: socket.socket, within: float) -> bytes:
    """Everything the server sends until it closes the connection (TimeoutError if it
    is still open after `within` seconds)."""
    loop = asyncio.get_running_loop()
    received = b""
    async with asyncio.timeout(within):
        while True:
            try:
                chunk = await loop.sock_recv(sock, 65536)
            except ConnectionResetError:
                return received
            if not chunk:
                return received
            received += chunk


def reset(sock: socket.socket) -> None:
    """Close with a TCP reset (RST), as a crashed client or a middlebox does."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def post_head(platform: str, length: int, secret: str = SECRET) -> bytes:
    return (
        f"POST {PATHS[platform]} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: application/json\r\n{SECRET_HEADERS[platform]}: {secret}\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode()
