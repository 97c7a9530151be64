"""Chaos: the real `loa run`, killed with SIGKILL at random moments while it sends
digests, split messages, replies and a broadcast through fake Telegram and Zalo servers
that fail requests (502 on Telegram, 500 on Zalo) and answer 429 storms; then counted,
per chat and message: lost, doubled, stuck.

    .venv/bin/python bench/chaos.py [--backend sqlite|postgresql|both] [--rounds 5]
        [--kills 6] [--seed 1] [--fail-rate 0.1] [--keep]
    bash -c 'source .ci/postgres.sh; .venv/bin/python bench/chaos.py --backend both'

A round: a fresh database and fresh fakes (in this process, on 127.0.0.1), the plan of
bench/_chaos_world.py loaded with `loa load`, then `loa run` started a few seconds
before the 07:30 digests: one process on SQLite, two sharing the database on
PostgreSQL (LOA_TEST_DATABASE_URL or --database-url names a server where a throw-away
database is created). While people act (bench/_chaos_world.py) for ACTIVE seconds,
`--kills` times an instance is killed with SIGKILL and restarted at once, as systemd
would. Then the faults stop and the round settles: it ends when every expected message
has arrived and the outbox holds nothing unsettled, or after SETTLE seconds.

Counted: lost (an expected message never arrived, or a person's answer did not come
within a minute), doubled (a message delivered twice to one chat), stuck (outbox rows
still pending or sending, updates stored and never handled). An answer whose question
Loa never received is counted apart: Zalo's getUpdates has no acknowledgement, so an
update it handed to a process killed before the update was stored is gone (Telegram's
offset confirms only what was stored). After every kill the
outbox rows the dead process held are compared with what the fake received: a part the
platform accepted whose delivery was not yet committed will be sent again after the
restart. That is the one duplicate the design allows (docs/architecture.md); each
double is reported as inside that window or not. Exit status 1 when anything is lost
or stuck or a double falls outside the window.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import socket
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func
from sqlalchemy.engine import make_url
from sqlmodel import select

from bench._chaos_world import (
    ADMIN,
    TELEGRAM_GROUPS,
    TELEGRAM_PEOPLE,
    People,
    plan_yaml,
)
from bench._support import machine_lines, print_table
from bot.channels import telegram_content as telegram_adapter
from bot.channels import zalo_content as zalo_adapter
from bot.storage.db import Database
from bot.storage.models import InboundEvent, OutboxMessage
from scheduler.dispatcher import to_outgoing
from tests.e2e.harness import LoaProcess, free_port, loa_env, run_loa_async
from tests.fakes import FakeTelegram, FakeZalo

TOKEN = "123456:CHAOS-token-not-real"
NOW = "2026-03-02T07:29:58+07:00"
ACTIVE = 30.0  # seconds of traffic, faults and kills per round
SETTLE = 150.0  # seconds a round may take to settle once the faults stop
# LOA_CLAIM_LEASE_SECONDS. Each `loa run` starts its LOA_NOW clock when it has loaded,
# a few seconds after it was launched, more on a busy machine: the instances' clocks
# differ by that much (real servers agree through NTP), and a lease must be well above
# the difference or a live instance's claims look expired to the other.
LEASE = "20"


@dataclass
class Tally:
    rounds: int = 0
    kills: int = 0
    expected: int = 0
    delivered: int = 0
    lost: list[str] = field(default_factory=list)
    lost_by_zalo: list[str] = field(default_factory=list)  # see Round.never_stored
    # Answers about a message (a "xong 1" about the digest) that was in the window when a
    # kill landed: Loa did not know it had gone out, said so, and sent it again.
    answered_unknown: list[str] = field(default_factory=list)
    doubled_in_window: int = 0
    doubled_outside: list[str] = field(default_factory=list)
    in_window_at_kills: list[int] = field(default_factory=list)
    stuck: int = 0
    settle_seconds: list[float] = field(default_factory=list)


# --- databases ---------------------------------------------------------------------------------


@asynccontextmanager
async def fresh_database(backend: str, workdir: Path, admin_url: str) -> AsyncIterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{workdir / f'chaos-{uuid.uuid4().hex[:6]}.db'}"
        return
    import psycopg

    url = make_url(admin_url)
    name = f"loa_chaos_{uuid.uuid4().hex[:10]}"

    def admin() -> Any:
        return psycopg.connect(
            host=url.host,
            port=url.port or 5432,
            user=url.username,
            password=url.password or None,
            dbname=url.database or "postgres",
            autocommit=True,
        )

    with admin() as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- one round ---------------------------------------------------------------------------------


class Round:
    def __init__(self, args: argparse.Namespace, backend: str, number: int, workdir: Path):
        self.args = args
        self.backend = backend
        self.number = number
        self.workdir = workdir
        self.rng = random.Random(args.seed * 1000 + number)
        self.telegram = FakeTelegram(TOKEN)
        self.zalo = FakeZalo(seed=number)
        self.instances: list[LoaProcess] = []
        self.window: set[tuple[str, str, str]] = set()  # (platform, chat, content)
        self.in_window_at_kills: list[int] = []
        self.database_url = ""
        self.started = time.monotonic()  # the round's clock starts at NOW

    def env(self, database_url: str) -> dict[str, str]:
        return loa_env(
            LOA_DATABASE_URL=database_url,
            LOA_TELEGRAM_TOKEN=TOKEN,
            LOA_TELEGRAM_API_URL=self.telegram.url,
            LOA_ZALO_TOKEN=self.zalo.token,
            LOA_ZALO_API_URL=self.zalo.url,
            LOA_NOW=NOW,
            LOA_TICK_SECONDS="1",
            LOA_CLAIM_LEASE_SECONDS=LEASE,
            LOA_LISTEN=f"127.0.0.1:{free_port()}",
        )

    async def run(self, database_url: str, tally: Tally) -> None:
        self.database_url = database_url
        await self.telegram.start()
        await self.zalo.start()
        try:
            for chat in (*TELEGRAM_GROUPS, ADMIN, *TELEGRAM_PEOPLE):
                self.telegram.add_chat(chat, "supergroup" if chat < 0 else "private")
            first_env = self.env(database_url)
            plan = self.workdir / "plan.yaml"
            plan.write_text(plan_yaml(), encoding="utf-8")
            loaded = await run_loa_async("load", str(plan), env=first_env, cwd=self.workdir)
            if loaded.returncode != 0:
                raise RuntimeError(f"loa load failed:\n{loaded.stderr}")
            count = 2 if self.backend == "postgresql" else 1
            envs = [first_env] + [self.env(database_url) for _ in range(count - 1)]
            self.started = time.monotonic()
            self.instances = [self.start(env, n, 0) for n, env in enumerate(envs)]
            people = People(self.telegram, self.zalo, self.rng, self.number)
            self.faults_on()
            acting = asyncio.create_task(people.act(ACTIVE * 0.6))
            await self.kill_at_random(envs)
            await acting
            self.telegram.faults.clear()
            self.zalo.faults.clear()
            self.telegram.calm()
            settled = await self.settle(people)
            await self.count(people, tally, settled)
        finally:
            for instance in self.instances:
                await instance.kill(signal.SIGTERM)
            await self.telegram.stop()
            await self.zalo.stop()

    def start(self, env: dict[str, str], slot: int, life: int) -> LoaProcess:
        """`loa run`, its clock where the round's clock is now: instances that share a
        database must agree on the time (leases are compared across them), and a
        restarted one must not go back to 07:29."""
        log = self.workdir / f"round{self.number}-instance{slot}-life{life}.log"
        elapsed = timedelta(seconds=time.monotonic() - self.started)
        clock = {"LOA_NOW": (datetime.fromisoformat(NOW) + elapsed).isoformat()}
        return LoaProcess(env | clock, cwd=self.workdir, log_path=log).start()

    def faults_on(self) -> None:
        rate = self.args.fail_rate
        self.telegram.fail_randomly(rate, status=502, methods="all", seed=self.number)
        self.zalo.fail_randomly(rate, status=500, methods="all", seed=self.number)

    async def kill_at_random(self, envs: list[dict[str, str]]) -> None:
        started = time.monotonic()
        moments = sorted(self.rng.uniform(1.0, ACTIVE) for _ in range(self.args.kills))
        storm_at = self.rng.uniform(3.0, ACTIVE / 2)
        lives = [0] * len(self.instances)
        for moment in moments:
            await asyncio.sleep(max(0.0, moment - (time.monotonic() - started)))
            if storm_at <= time.monotonic() - started < storm_at + 5:
                self.telegram.storm(retry_after=1, every=4)
            else:
                self.telegram.calm()
            slot = self.rng.randrange(len(self.instances))
            victim = self.instances[slot]
            assert victim.process is not None
            pid = victim.process.pid
            await victim.kill(signal.SIGKILL)
            self.in_window_at_kills.append(await self.delivered_not_recorded(pid))
            lives[slot] += 1
            self.instances[slot] = self.start(envs[slot], slot, lives[slot])  # as systemd
        await asyncio.sleep(max(0.0, ACTIVE - (time.monotonic() - started)))

    async def delivered_not_recorded(self, pid: int) -> int:
        """Parts the platform accepted from the dead process whose delivery it had not
        committed: these, and only these, will be sent again."""
        worker = f"{socket.gethostname()}-{pid}-%"
        database = Database(self.database_url)
        try:
            async with database.session() as session:
                result = await session.exec(
                    select(OutboxMessage).where(
                        OutboxMessage.status == "sending",
                        OutboxMessage.claimed_by.like(worker),
                    )
                )
                held = list(result.all())
        finally:
            await database.close()
        found = 0
        for row in held:
            for content in _unrecorded_parts(row):
                fake = self.telegram if row.channel == "telegram" else self.zalo
                chat = int(row.chat_id) if row.channel == "telegram" else row.chat_id
                if any(record.content == content for record in fake.sent_to(chat)):
                    self.window.add((row.channel, str(chat), content))
                    found += 1
        return found

    async def settle(self, people: People) -> float:
        """Seconds until everything expected arrived and nothing is left unsettled."""
        started = time.monotonic()
        while time.monotonic() - started < SETTLE:
            if not people.missing() and not await self.unsettled():
                await asyncio.sleep(3)  # time for a late double to show
                return time.monotonic() - started
            await asyncio.sleep(1)
        return SETTLE

    async def unsettled(self) -> int:
        """Outbox rows still pending or sending, and updates stored but never handled."""
        database = Database(self.database_url)
        try:
            async with database.session() as session:
                rows = await session.exec(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.status.in_(("pending", "sending")))
                )
                updates = await session.exec(
                    select(func.count())
                    .select_from(InboundEvent)
                    .where(InboundEvent.processed_at.is_(None))
                )
                return int(rows.one()) + int(updates.one())
        finally:
            await database.close()

    async def count(self, people: People, tally: Tally, settled: float) -> None:
        tally.rounds += 1
        tally.kills += len(self.in_window_at_kills)
        tally.in_window_at_kills += self.in_window_at_kills
        tally.expected += len(people.expected)
        missing = people.missing()
        tally.delivered += len(people.expected) - len(missing)
        where = f"{self.backend} round {self.number}"
        unasked = await self.never_stored([e.asked_by for e in missing if e.asked_by])
        for e in missing:
            line = f"{where}: {e.platform} {e.chat}: {e.what}"
            if e.asked_by in unasked:
                tally.lost_by_zalo.append(line)
            elif e.about and any(
                (platform, chat, content[:1]) == (e.platform, str(e.chat), e.about)
                for platform, chat, content in self.window
            ):
                tally.answered_unknown.append(line)
            else:
                tally.lost.append(line)
        tally.lost += [f"{where}: {step}" for step in people.lost_steps]
        doubled_outside = len(tally.doubled_outside)
        for platform, fake in (("telegram", self.telegram), ("zalo", self.zalo)):
            for chat, content, times in fake.duplicates():
                if (platform, str(chat), content) in self.window:
                    tally.doubled_in_window += times - 1
                else:
                    tally.doubled_outside.append(
                        f"{where}: {platform} {chat}: {times} × {content[:60]!r}"
                    )
        tally.stuck += await self.unsettled()
        if missing or people.lost_steps or len(tally.doubled_outside) > doubled_outside:
            chats = {(e.platform, str(e.chat)) for e in missing}
            if people.lost_steps:
                chats.add(("telegram", str(ADMIN)))
            await self.diagnose(chats)
        tally.settle_seconds.append(settled)

    async def never_stored(self, keys: list[str]) -> set[str]:
        """The Zalo updates among `keys` that getUpdates handed out (answered 200) and
        Loa never stored: a process killed between Zalo's answer and the commit. Zalo's
        getUpdates has no acknowledgement, so it never hands them out again; no bot can
        answer what it never received."""
        if not keys:
            return set()
        database = Database(self.database_url)
        try:
            async with database.session() as session:
                stored = await session.exec(
                    select(InboundEvent.event_key).where(
                        InboundEvent.channel == "zalo", InboundEvent.event_key.in_(keys)
                    )
                )
                known = set(stored.all())
        finally:
            await database.close()
        handed_out = {
            str((call.result or {}).get("message", {}).get("message_id"))
            for call in self.zalo.requests
            if call.method == "getUpdates" and call.status == 200 and call.result
        }
        return {key for key in keys if key not in known and key in handed_out}

    async def diagnose(self, chats: set[tuple[str, str]]) -> None:
        """What the database and the fakes saw, written beside the round's logs (the
        database itself is dropped): the whole outbox, and for chats that miss a
        message their updates and what the fake delivered there."""
        lines = []
        database = Database(self.database_url)
        try:
            async with database.session() as session:
                every = await session.exec(select(OutboxMessage).order_by(OutboxMessage.id))
                for row in every.all():
                    lines.append(
                        f"outbox {row.id} {row.key} {row.chat_id} {row.status} "
                        f"attempts={row.attempts} text={row.text[:40]!r} "
                        f"claimed_by={row.claimed_by} claimed_at={row.claimed_at} "
                        f"sent_at={row.sent_at} ids={row.message_ids} error={row.last_error!r}"
                    )
                for platform, chat in sorted(chats):
                    lines.append(f"== {platform} {chat}")
                    rows = await session.exec(
                        select(OutboxMessage)
                        .where(OutboxMessage.channel == platform, OutboxMessage.chat_id == chat)
                        .order_by(OutboxMessage.id)
                    )
                    for row in rows.all():
                        lines.append(
                            f"outbox {row.id} {row.key} {row.kind} {row.status} "
                            f"attempts={row.attempts} error={row.last_error!r} "
                            f"claimed_by={row.claimed_by} text={row.text[:60]!r}"
                        )
                    events = await session.exec(
                        select(InboundEvent).where(InboundEvent.channel == platform)
                    )
                    for event in events.all():
                        if chat in str(event.payload):
                            lines.append(
                                f"update {event.event_key} received={event.received_at} "
                                f"handled={event.processed_at} {str(event.payload)[:160]}"
                            )
                    fake = self.telegram if platform == "telegram" else self.zalo
                    key = int(chat) if platform == "telegram" else chat
                    lines += [f"delivered {m.content[:80]!r}" for m in fake.sent_to(key)]
        finally:
            await database.close()
        fake_calls = [
            f"{call.at:.3f} {call.status} {call.outcome} {str(call.result)[:160]}"
            for call in self.zalo.requests
            if call.method == "getUpdates"
        ]
        (self.workdir / f"round{self.number}-diagnosis.txt").write_text(
            "\n".join([*lines, "== zalo getUpdates calls", *fake_calls]), encoding="utf-8"
        )


def _unrecorded_parts(row: OutboxMessage) -> list[str]:
    """The contents of the parts of a row not recorded as delivered, as the adapter
    would send them."""
    message = to_outgoing(row)
    if row.channel == "telegram":
        reply_to = int(message.reply_to) if message.reply_to else None
        parts = telegram_adapter.plan_parts(
            message.text, message.buttons, message.photo, message.document, reply_to
        )
        contents = [part.text or (part.media or "") for part in parts]
    else:
        contents = [
            str(part.body.get("text") or part.body.get("caption") or part.body.get("photo"))
            for part in zalo_adapter.plan_parts(message)
        ]
    done = len(message.parts_sent) if len(message.parts_sent) < len(contents) else 0
    return contents[done:]


# --- the whole run -----------------------------------------------------------------------------


async def run_backend(args: argparse.Namespace, backend: str, workdir: Path) -> Tally:
    tally = Tally()
    for number in range(1, args.rounds + 1):
        round_dir = workdir / f"{backend}-{number}"
        round_dir.mkdir()
        async with fresh_database(backend, round_dir, args.database_url) as url:
            await Round(args, backend, number, round_dir).run(url, tally)
        print(f"{backend} round {number}: {tally.kills} kills so far, {len(tally.lost)} lost, "
              f"{tally.doubled_in_window + len(tally.doubled_outside)} doubled, "
              f"{tally.stuck} stuck", flush=True)  # fmt: skip
    return tally


def figures(backend: str, tally: Tally) -> list[tuple[str, str]]:
    window = tally.in_window_at_kills
    settle = sorted(tally.settle_seconds)
    return [
        ("rounds / kills", f"{tally.rounds} / {tally.kills}"),
        ("expected messages (per chat)", str(tally.expected)),
        ("delivered", str(tally.delivered)),
        ("lost", str(len(tally.lost))),
        ("not received: Zalo handed the update to the process killed before it stored it",
         str(len(tally.lost_by_zalo))),
        ("answered «no such message» about one that was in the window (then sent again)",
         str(len(tally.answered_unknown))),
        ("doubled, inside the window", str(tally.doubled_in_window)),
        ("doubled, outside it", str(len(tally.doubled_outside))),
        ("stuck (rows unsettled, updates unhandled)", str(tally.stuck)),
        ("delivered-not-recorded at a kill: total / max", f"{sum(window)} / {max(window or [0])}"),
        ("seconds to settle after the faults: median / max",
         f"{settle[len(settle) // 2]:.0f} / {settle[-1]:.0f}" if settle else "-"),
    ]  # fmt: skip


async def main_async(args: argparse.Namespace, workdir: Path) -> int:
    print_table("Machine", machine_lines())
    print_table(
        "Parameters",
        [
            ("rounds × kills per round", f"{args.rounds} × {args.kills}"),
            ("failures", f"{args.fail_rate:.0%} of all requests (Telegram 502, Zalo 500)"),
            ("429 storm", "Telegram, every 4th send for 5 s once a round"),
            ("LOA_CLAIM_LEASE_SECONDS", LEASE),
            ("seed", str(args.seed)),
        ],
    )
    failed = False
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    for backend in backends:
        tally = await run_backend(args, backend, workdir)
        print_table(f"Chaos on {backend}", figures(backend, tally))
        lines = (*tally.lost, *tally.lost_by_zalo, *tally.answered_unknown, *tally.doubled_outside)
        for line in lines:
            print(f"  {line}")
        failed = failed or bool(tally.lost or tally.doubled_outside or tally.stuck)
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--kills", type=int, default=6, help="kills per round")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fail-rate", type=float, default=0.1)
    parser.add_argument("--database-url", default="", help="PostgreSQL server (admin URL)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs)")
    args = parser.parse_args()
    args.database_url = args.database_url or os.environ.get("LOA_TEST_DATABASE_URL", "")
    if args.backend != "sqlite" and not args.database_url:
        parser.error("PostgreSQL needs --database-url or LOA_TEST_DATABASE_URL")
    workdir = Path(tempfile.mkdtemp(prefix="loa-chaos-"))
    status = 1
    try:
        status = asyncio.run(main_async(args, workdir))
    finally:
        if args.keep or status:
            print(f"work directory kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
