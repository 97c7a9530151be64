"""Benchmark: the window in which a delivered message is not yet recorded, under fan-out.

    .venv/bin/python bench/bench_outcomes.py [--chats 60] [--rows 5] [--rate 30]
        [--database-url URL]

Between the platform's answer and the commit that marks a row sent, a process killed
would send the message again: that window is the only duplicate the outbox allows.
Here the real Dispatcher sends `--chats` chats × `--rows` rows at once (a broadcast's
fan-out) through a channel that answers each request after 5–30 ms (a platform's
latency), at most `--rate` requests a second (Telegram's 30/s by default; 0 for none,
the worst case), and every outcome is timed from the answer to its commit. Two ways of
committing are compared on the same database: one transaction per answer (how Loa
committed before) and the group commit of bot/storage/group_commit.py (answers that
arrive while a commit runs share the next one).

Printed, for each: answer-to-commit time (median, 95th percentile, max) and how many
rows are in the window at once (on average over the send, and at most): the expected
and the worst number of doubles if the process were killed at a random instant of it.
SQLite unless --database-url (or LOA_TEST_DATABASE_URL) names a PostgreSQL server.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy.engine import make_url
from sqlmodel.ext.asyncio.session import AsyncSession

from bench._support import machine_lines, percentile, print_table
from bot.storage import outbox
from bot.storage.db import Database, open_database
from bot.storage.group_commit import GroupCommit
from content.clock import LOCAL_TZ, FixedClock
from content.due import DueMessage
from scheduler.delivery import Outgoing, PartHook
from scheduler.dispatcher import Dispatcher

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=LOCAL_TZ)
Write = Callable[[AsyncSession], Awaitable[object]]


class Timings:
    """When each send task got its answer, and when its outcome was committed."""

    def __init__(self) -> None:
        self.answered: dict[asyncio.Task[Any] | None, float] = {}
        self.windows: list[tuple[float, float]] = []

    def answer(self) -> None:
        self.answered[asyncio.current_task()] = time.perf_counter()

    def committed(self) -> None:
        started = self.answered.pop(asyncio.current_task(), None)
        if started is not None:
            self.windows.append((started, time.perf_counter()))


class PlatformLike:
    """Answers each request after 5–30 ms, as a platform's API does; with a `rate`,
    requests leave no faster than that many a second (Loa's limiter does this)."""

    name = "telegram"

    def __init__(self, timings: Timings, rng: random.Random, rate: float) -> None:
        self.timings = timings
        self.rng = rng
        self.interval = 1 / rate if rate else 0.0
        self._next = 0.0

    async def deliver(self, message: Outgoing, on_part: PartHook | None = None) -> list[str]:
        now = time.perf_counter()
        slot = max(now, self._next)
        self._next = slot + self.interval
        await asyncio.sleep(slot - now + self.rng.uniform(0.005, 0.030))
        self.timings.answer()
        return [uuid.uuid4().hex[:8]]


class TimedGroupCommit(GroupCommit):
    """The group commit, timing each outcome of a delivery from answer to commit."""

    def __init__(self, database: Database, timings: Timings) -> None:
        super().__init__(database)
        self.timings = timings

    async def write(self, write: Write) -> None:
        await super().write(write)
        self.timings.committed()


class OneTransactionEach(TimedGroupCommit):
    """Before: every outcome in a transaction of its own, queued for the database."""

    async def write(self, write: Write) -> None:
        async with self.database.session() as session:
            await write(session)
        self.timings.committed()


async def measure(
    database: Database, way: type[TimedGroupCommit], args: argparse.Namespace
) -> tuple[list[tuple[float, float]], float]:
    timings = Timings()
    rng = random.Random(7)
    batch = f"{way.__name__}-{uuid.uuid4().hex[:6]}"
    async with database.session() as session:
        await outbox.enqueue(
            session,
            [
                DueMessage(f"{batch}/{chat}/{n}", "telegram", f"-{chat}", "broadcast", "x", NOW)
                for chat in range(args.chats)
                for n in range(args.rows)
            ],
            NOW,
        )
    dispatcher = Dispatcher(
        database,
        {"telegram": PlatformLike(timings, rng, args.rate)},
        FixedClock(NOW),
        batch,
        batch_size=args.chats * args.rows,
        commits=way(database, timings),
    )
    started = time.perf_counter()
    report = await dispatcher.dispatch()
    elapsed = time.perf_counter() - started
    assert report.sent == args.chats * args.rows, report
    return timings.windows, elapsed


def rows_in_window(windows: list[tuple[float, float]]) -> tuple[float, int]:
    """(time-weighted mean, max) of rows answered but not yet committed."""
    events = sorted([(start, 1) for start, _ in windows] + [(end, -1) for _, end in windows])
    open_rows, area, peak = 0, 0.0, 0
    first, last = events[0][0], events[-1][0]
    previous = first
    for moment, change in events:
        area += open_rows * (moment - previous)
        open_rows += change
        peak = max(peak, open_rows)
        previous = moment
    return area / max(last - first, 1e-9), peak


@asynccontextmanager
async def database_for(url: str):  # type: ignore[no-untyped-def]
    if not url:
        with tempfile.TemporaryDirectory() as directory:
            database = await open_database(f"sqlite:///{directory}/bench.db")
            try:
                yield database, "SQLite (WAL)"
            finally:
                await database.close()
        return
    import psycopg

    admin, name = make_url(url), f"loa_bench_{uuid.uuid4().hex[:8]}"
    connect = {"host": admin.host, "port": admin.port or 5432, "user": admin.username,
               "password": admin.password or None,
               "dbname": admin.database or "postgres", "autocommit": True}  # fmt: skip
    with psycopg.connect(**connect) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    database = await open_database(admin.set(database=name).render_as_string(False))
    try:
        yield database, "PostgreSQL"
    finally:
        await database.close()
        with psycopg.connect(**connect) as connection:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


async def run(args: argparse.Namespace) -> int:
    print_table("Machine", machine_lines())
    async with database_for(args.database_url) as (database, label):
        print_table(
            "Parameters",
            [
                ("database", label),
                ("fan-out", f"{args.chats} chats × {args.rows} rows, all claimed at once"),
                ("platform latency", "5–30 ms per request"),
                ("requests/s at most", f"{args.rate:g}" if args.rate else "no limit"),
            ],
        )
        rows = []
        for way, name in (
            (OneTransactionEach, "one transaction per answer"),
            (TimedGroupCommit, "group commit"),
        ):
            windows, elapsed = await measure(database, way, args)
            spans = [(end - start) * 1000 for start, end in windows]
            mean, peak = rows_in_window(windows)
            rows += [
                (f"{name}: answer to commit, ms (median / p95 / max)",
                 f"{percentile(spans, 0.5):.1f} / {percentile(spans, 0.95):.1f} / "
                 f"{max(spans):.1f}"),
                (f"{name}: rows in the window (mean / max)", f"{mean:.2f} / {peak}"),
                (f"{name}: whole send", f"{elapsed:.2f} s"),
            ]  # fmt: skip
        print_table("Delivered but not yet recorded", rows)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chats", type=int, default=60)
    parser.add_argument("--rows", type=int, default=5, help="rows per chat")
    parser.add_argument(
        "--rate", type=float, default=30.0, help="requests/s overall (Telegram: 30; 0: no limit)"
    )
    parser.add_argument("--database-url", default=os.environ.get("LOA_TEST_DATABASE_URL", ""))
    args = parser.parse_args()
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
