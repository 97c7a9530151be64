"""The web page on a real aiohttp server (the same WebServer `loa run` uses), with a
fresh database holding the test plan, and a client that keeps cookies."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from aiohttp import ClientSession, CookieJar
from aiohttp.test_utils import TestClient, TestServer

from bot.storage.db import Database
from bot.storage.files import FileStore
from bot.storage.web_auth import create_login_link
from bot.web import WebServer
from content.clock import Clock, FixedClock
from handlers.context import HandlerContext
from tests.conftest import NOW, PLAN_V1
from web.app import install
from web.site import Site

ADMIN = "telegram:111"
OTHER_ADMIN = "telegram:999"

OTHER_PLAN = """\
plan:
  id: ke-hoach-khac
  title: Kế hoạch khác năm 2026
  year: 2026
admins:
  - telegram:999
units:
  - id: xa-mot
    name: UBND xã Một
tasks:
  - id: bai-viet
    title: Bài viết
    owners: [xa-mot]
    due: 2026-03-20
"""


@dataclass
class WebWorld:
    client: TestClient
    database: Database
    clock: FixedClock
    evidence: Path

    async def link(self, address: str = ADMIN, at: datetime | None = None) -> str:
        async with self.database.session() as session:
            token = await create_login_link(session, address, at or self.clock.now())
        return f"/dangnhap/{token}"

    async def sign_in(self, address: str = ADMIN) -> None:
        link = await self.link(address)
        page = await self.client.get(link)
        csrf = re.search(r'name="csrf" value="([^"]+)"', await page.text())
        assert csrf is not None
        response = await self.client.post(link, data={"csrf": csrf.group(1)}, allow_redirects=False)
        assert response.status == 303 and response.headers["Location"] == "/"

    async def csrf(self, path: str = "/") -> str:
        page = await self.client.get(path)
        found = re.search(r'name="csrf" value="([^"]+)"', await page.text())
        assert found is not None
        return found.group(1)


async def serve(
    database: Database,
    clock: Clock,
    evidence: Path,
    public_url: str | None = "http://127.0.0.1",
    language: str = "vi",
) -> TestClient:
    """One instance of the web page (a `loa run`) on `database`; several may share it."""
    server = WebServer()
    site = Site(
        database=database,
        clock=clock,
        context=HandlerContext(database=database, clock=clock),
        public_url=public_url,
        extra_admins=(),
        evidence=FileStore(evidence),
        language=language,
    )
    install(server.app, site)
    client = TestClient(TestServer(server.app), cookie_jar=CookieJar(unsafe=True))
    await client.start_server()
    return client


@pytest.fixture
async def world(database: Database, store, tmp_path: Path) -> AsyncIterator[WebWorld]:  # type: ignore[no-untyped-def]
    await store(PLAN_V1)
    await store(OTHER_PLAN)
    clock = FixedClock(NOW + timedelta(minutes=1))
    client = await serve(database, clock, tmp_path / "evidence")
    try:
        yield WebWorld(client, database, clock, tmp_path / "evidence")
    finally:
        await client.close()


__all__ = ["ADMIN", "OTHER_ADMIN", "ClientSession", "WebWorld"]
