"""One engine tick with 100,000 pending outbox rows.

The outbox grows with every broadcast and every retry; a tick (plan what is due,
claim what is ready, send it) must stay cheap however many rows wait. The rows here
wait for a later retry, as after a long outage, so the tick measures the planning
and the indexed claim, not the sending. A second figure sends 200 ready rows through
a channel that answers at once, to show the per-row cost of claim + send + commit.

    python bench/bench_tick.py [--rows 100000] [--ticks 50]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bot.storage import outbox
from bot.storage.db import open_database
from bot.storage.plans import save_plan
from content.clock import FixedClock
from content.due import DueMessage
from content.plan_loader import load_plan
from scheduler.delivery import Outgoing, PartHook
from scheduler.dispatcher import Dispatcher
from scheduler.engine import Engine

SAMPLE = Path(__file__).resolve().parent.parent / "content/plans/sample-sldtbxh-laocai-2026.yaml"
NOW = "2026-04-23T10:00:00+07:00"


class InstantChannel:
    name = "telegram"

    async def deliver(self, message: Outgoing, on_part: PartHook | None = None) -> list[str]:
        return ["1"]


def due_rows(count: int, start: int, not_before, prefix: str) -> list[DueMessage]:  # type: ignore[no-untyped-def]
    return [
        DueMessage(
            key=f"{prefix}/{n}",
            channel="telegram",
            chat_id=str(-1000000000000 - n % 2000),
            kind="broadcast",
            text=f"Tin số {n}",
            not_before=not_before,
            plan_id="sldtbxh-laocai-2026",
        )
        for n in range(start, start + count)
    ]


async def main(rows: int, ticks: int) -> None:
    from datetime import datetime

    now = datetime.fromisoformat(NOW)
    clock = FixedClock(now)
    with tempfile.TemporaryDirectory() as folder:
        database = await open_database(f"sqlite:///{folder}/bench.db")
        plan = load_plan(SAMPLE)
        async with database.session() as session:
            await save_plan(session, plan, SAMPLE.read_text(encoding="utf-8"), now)

        started = time.perf_counter()
        later = now + timedelta(hours=6)
        for start in range(0, rows, 10_000):
            async with database.session() as session:
                await outbox.enqueue(session, due_rows(10_000, start, later, "wait"), now)
        fill = time.perf_counter() - started

        dispatcher = Dispatcher(database, {"telegram": InstantChannel()}, clock, "bench")
        engine = Engine(database, clock, dispatcher)
        first_started = time.perf_counter()
        first = await engine.tick()  # plans today's digests for the sample plan
        first_tick = time.perf_counter() - first_started

        timings = []
        for _ in range(ticks):
            started = time.perf_counter()
            await engine.tick()
            timings.append((time.perf_counter() - started) * 1000)

        async with database.session() as session:
            await outbox.enqueue(session, due_rows(200, rows, now, "ready"), now)
        started = time.perf_counter()
        report = await engine.tick()
        send_tick = time.perf_counter() - started
        await database.close()

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, SQLite")
    print(f"outbox rows waiting          : {rows:,} (filled in {fill:.1f} s)")
    print(
        f"first tick (plans the day)   : {first_tick * 1000:.1f} ms, "
        f"{first.enqueued} digest(s) enqueued and sent"
    )
    print(
        f"steady tick, {ticks} runs       : median {statistics.median(timings):.2f} ms, "
        f"p95 {sorted(timings)[int(ticks * 0.95) - 1]:.2f} ms, max {max(timings):.2f} ms"
    )
    print(
        f"tick sending 200 ready rows  : {send_tick * 1000:.1f} ms "
        f"({report.dispatch.sent} sent, {report.dispatch.sent / send_tick:.0f} rows/s)"
    )
    print(f"peak memory (max RSS)        : {peak_mb:.0f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--ticks", type=int, default=50)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.rows, arguments.ticks))
