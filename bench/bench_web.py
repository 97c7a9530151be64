"""The web page's render times for a large plan: the overview and one unit's page.

A plan of 1,000 units × 100 tasks (100,000 items, every task owned by every unit)
is loaded into SQLite with 40 % of the items due so far confirmed; the pages are
served by the real aiohttp app (web/app.py) on loopback and fetched by a signed-in
client, one request at a time. Printed: p50 / p95 / max of each page (aim: p95 under
200 ms) and the page sizes.

    python bench/bench_web.py [--units 1000] [--tasks 100] [--requests 40]

The plan cache takes the cached plans out of the garbage collector's scans
(bot/storage/plan_cache.py, `gc.freeze()`), as in `loa run`.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from aiohttp import CookieJar
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._support import machine_lines, percentile, print_table
from bot.storage.db import open_database
from bot.storage.files import FileStore
from bot.storage.models import Confirmation
from bot.storage.plan_cache import plan_items
from bot.storage.plans import save_plan
from bot.storage.web_auth import create_login_link
from bot.web import WebServer
from content.clock import FixedClock
from content.plan_loader import parse_plan
from handlers.context import HandlerContext
from web.app import install
from web.site import Site

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 6, 15, 9, 0, tzinfo=LOCAL)
ADMIN = "telegram:111"


def plan_text(units: int, tasks: int) -> str:
    lines = [
        "plan:",
        "  id: bench-web",
        "  title: Kế hoạch tuyên truyền năm 2026 (thử tải)",
        "  year: 2026",
        "admins:",
        f"  - {ADMIN}",
        "units:",
    ]
    for n in range(units):
        lines += [f"  - id: don-vi-{n:04d}", f"    name: Đơn vị số {n + 1}", "    tags: [moi]"]
        if n % 3:
            lines.append(f"    channels: [telegram:-100{n + 1:010d}]")
    lines.append("tasks:")
    start = date(2026, 1, 5)
    for n in range(tasks):
        due = start + timedelta(days=n * 350 // tasks)
        lines += [
            f"  - id: viec-{n:03d}",
            f"    title: Việc tuyên truyền số {n + 1}",
            "    owners: [tag:moi]",
            f"    due: {due.isoformat()}",
        ]
    return "\n".join(lines) + "\n"


async def timed(client: TestClient, path: str, count: int) -> tuple[list[float], int]:
    times, size = [], 0
    for _ in range(count):
        started = time.perf_counter()
        response = await client.get(path)
        body = await response.read()
        times.append((time.perf_counter() - started) * 1000)
        assert response.status == 200, (path, response.status)
        size = len(body)
    return times, size


async def main(units: int, tasks: int, requests: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        database = await open_database(f"sqlite:///{folder}/bench.db")
        text = plan_text(units, tasks)
        plan = parse_plan(text, "bench.yaml")
        started = time.perf_counter()
        async with database.session() as session:
            await save_plan(session, plan, text, NOW - timedelta(days=200))
        load = time.perf_counter() - started
        items = [item for item in plan_items(plan) if item.due < NOW.date()]
        confirmed = [item for n, item in enumerate(items) if n % 5 < 2]  # 40 %
        async with database.session() as session:
            await session.exec(
                insert(Confirmation),
                params=[
                    {
                        "item_key": item.key,
                        "plan_id": item.plan_id,
                        "unit_id": item.unit_id,
                        "task_id": item.task_id,
                        "confirmed_at": NOW - timedelta(days=1),
                        "confirmed_by": "telegram:500",
                        "confirmed_by_name": "Cán bộ",
                        "channel": "telegram",
                        "chat_id": "-1001",
                        "evidence": ["https://example.org/bai-viet"],
                    }
                    for item in confirmed
                ],
            )
        clock = FixedClock(NOW)
        server = WebServer()
        install(
            server.app,
            Site(
                database=database,
                clock=clock,
                context=HandlerContext(database=database, clock=clock),
                public_url="http://127.0.0.1",
                extra_admins=(),
                evidence=FileStore(Path(folder) / "evidence"),
            ),
        )
        client = TestClient(TestServer(server.app), cookie_jar=CookieJar(unsafe=True))
        await client.start_server()
        try:
            async with database.session() as session:
                token = await create_login_link(session, ADMIN, NOW)
            page = await (await client.get(f"/dangnhap/{token}")).text()
            csrf = re.search(r'name="csrf" value="([^"]+)"', page)
            assert csrf is not None
            await client.post(f"/dangnhap/{token}", data={"csrf": csrf.group(1)})
            await timed(client, "/", 2)  # warm: the plan parsed, its items cached
            overview, overview_size = await timed(client, "/", requests)
            unit_path = f"/ke-hoach/bench-web/don-vi/don-vi-{units // 2:04d}"
            unit, unit_size = await timed(client, unit_path, requests)
        finally:
            await client.close()
            await database.close()

    print_table("Machine", machine_lines())
    print_table(
        f"Web page, {units:,} units × {tasks} tasks = {units * tasks:,} items, "
        f"{len(confirmed):,} confirmed (SQLite, {requests} requests each)",
        [
            ("plan load (save_plan)", f"{load:.1f} s"),
            *(
                (
                    f"{name}: p50 / p95 / max",
                    f"{percentile(times, 0.5):.0f} / "
                    f"{percentile(times, 0.95):.0f} / {max(times):.0f} ms ({size / 1024:.0f} KB)",
                )
                for name, times, size in (
                    ("overview (/)", overview, overview_size),
                    ("a unit's page", unit, unit_size),
                )
            ),
        ],
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--tasks", type=int, default=100)
    parser.add_argument("--requests", type=int, default=40)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.units, arguments.tasks, arguments.requests))
