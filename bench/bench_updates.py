"""Benchmark: button presses handled per second by `loa run`, against a bare
python-telegram-bot Application on the same fake Bot API.

    .venv/bin/python bench/bench_updates.py [--updates 1000] [--rounds 3] [--rate 300]

Set-up: the fake Bot API (tests/fakes/telegram_api.py) in its own process; a plan with
one unit per group chat (N + 1 chats), one task per round due today, stored with
`loa load`; `loa run` (polling, LOA_TELEGRAM_LIMITS scaled like the fake's limits)
sends each chat its 07:30 digest with ✅ buttons ("ok:1", "ok:2", …).

The measurements are interleaved, so that other work on a shared machine weighs on Loa
and on the baselines alike: in round r, `loa run` is started, handles N presses of
"ok:r" and stops; then each baseline handles N presses. Each measurement runs the same
way: getUpdates is held at the fake, one warm-up press is handled, N presses (one per
digest, one per chat) are queued, then getUpdates is released; the clock runs from the
release to the last answerCallbackQuery the fake received. Loa does its real work per
press (store the update, record the confirmation, answer, edit the digest in place,
mark the update handled). The baselines are bare PTB Applications on the same fake:
the echo handler of PTB's own examples/inlinekeyboard.py (answer the press, then edit
the message to echo the choice: the same two API calls as Loa, no storage), with PTB's
default sequential processing and with concurrent_updates(True); and, for scale, a
handler that only answers.

Printed: presses answered per second for each, per round, Loa's rate as a fraction of
each baseline's in the same round and the median over the rounds (aim ≥ 0.4 of the
echo handler's), presses lost (never answered, or not recorded by Loa) and doubled
(answered twice), the CPU time of each process. Exit status 1 when anything is lost or
doubled, or a run does not finish.

`--ptb-bot URL` is the baseline bot itself, started by this script in its own process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._support import (
    CpuWindow,
    FakeTelegramProcess,
    add_limit_options,
    bench_env,
    fake_for,
    free_port,
    gather_limited,
    group_chat_id,
    limit_rows,
    loa_limits,
    loa_started,
    load_plan,
    machine_lines,
    print_table,
    run_in_workdir,
    until,
)
from tests.e2e.harness import run_loa_async

# Half a minute before the 07:30 digest of a day both tasks are due: a plan first loaded
# after that day's digest time starts reminding the next day.
NOW = "2026-03-02T07:29:30+07:00"
PRESSER = 700_000_123  # the unit member who presses the buttons
INJECTORS = 32  # presses queued at the fake at once
READY = "ready"


def plan_yaml(chats: int, tasks: int) -> str:
    """One unit per group chat; `tasks` tasks due NOW's day, so every digest has ✅ 1 …"""
    lines = [
        "plan:",
        "  id: bench-updates",
        "  title: Kế hoạch tuyên truyền năm 2026 (benchmark nút bấm)",
        "  issuer: Sở Văn hóa, Thể thao và Du lịch tỉnh Lào Cai",
        "  year: 2026",
        "admins: [telegram:9001]",
        "anniversaries:",
        "  include: []",
        "units:",
    ]
    for n in range(chats):
        lines += [
            f"  - id: dv-{n:05d}",
            f"    name: Xã {n + 1}",
            f"    channels: [telegram:{group_chat_id(n)}]",
        ]
    lines.append("tasks:")
    for number in range(1, tasks + 1):
        lines += [
            f"  - id: viec-{number}",
            f"    title: Việc tuyên truyền số {number} (tin, bài hưởng ứng ngày 8/3)",
            "    owners: [all]",
            "    due: 2026-03-02",
        ]
    return "\n".join(lines) + "\n"


# --- the baseline bot (runs in its own process) -----------------------------------------


async def ptb_bot(url: str, token: str, concurrent: bool, echo: bool) -> None:
    """A bare PTB Application that answers every button press and, with `echo`, edits
    the message to echo the choice (PTB's examples/inlinekeyboard.py)."""
    from telegram import Update
    from telegram.ext import ApplicationBuilder, CallbackQueryHandler, ContextTypes

    mode = "concurrent" if concurrent else "sequential"

    async def answer(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer()
        if echo:
            # The mode in the text: a second run editing the same message changes it.
            await query.edit_message_text(text=f"Selected option: {query.data} ({mode})")

    builder = ApplicationBuilder().token(token).base_url(f"{url}/bot").job_queue(None)
    application = builder.concurrent_updates(concurrent).build()
    application.add_handler(CallbackQueryHandler(answer))
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with application:
        assert application.updater is not None
        await application.updater.start_polling(
            timeout=30, allowed_updates=["callback_query"], drop_pending_updates=True
        )
        await application.start()
        print(READY, flush=True)
        await stop.wait()
        await application.updater.stop()
        await application.stop()


@dataclass(frozen=True)
class Baseline:
    name: str
    echo: bool  # answer and edit (the aim is set against these), or only answer
    concurrent: bool


BASELINES = (
    Baseline("PTB echo (answer + edit), sequential", echo=True, concurrent=False),
    Baseline("PTB echo (answer + edit), concurrent_updates", echo=True, concurrent=True),
    Baseline("PTB answer only, sequential", echo=False, concurrent=False),
)


class BaselineProcess:
    """This script with --ptb-bot, as a child process."""

    def __init__(self, fake: FakeTelegramProcess, baseline: Baseline, log_path: Path) -> None:
        self.args = [str(Path(__file__).resolve()), "--ptb-bot", fake.url, "--token", fake.token]
        if baseline.concurrent:
            self.args.append("--concurrent")
        if baseline.echo:
            self.args.append("--echo")
        self.log_path = log_path
        self._log: Any = None
        self.process: asyncio.subprocess.Process | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def __aenter__(self) -> BaselineProcess:
        self._log = self.log_path.open("wb")
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, *self.args, stdout=asyncio.subprocess.PIPE, stderr=self._log
        )
        assert self.process.stdout is not None
        line = await asyncio.wait_for(self.process.stdout.readline(), 30)
        if line.strip() != READY.encode():
            raise RuntimeError(f"the PTB baseline did not start; see {self.log_path}")
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 15)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        self._log.close()


# --- one measurement --------------------------------------------------------------------


@dataclass
class Digest:
    chat_id: int
    message_id: int


@dataclass
class Result:
    name: str
    presses: int
    released_at: float
    seconds: float
    answered: int  # presses among the N whose query got an answer
    doubled: int  # answers beyond the first for one query
    answer_texts: Counter[str]
    cpu: CpuWindow

    @property
    def rate(self) -> float:
        return self.presses / self.seconds


async def measure(
    fake: FakeTelegramProcess,
    name: str,
    pid: int,
    warm_up: Digest,
    digests: list[Digest],
    *,
    data: str,
    within: float,
    check: bool,
) -> Result:
    """Hold getUpdates, handle one warm-up press, queue the presses, release, time.
    `check`: the fake refuses a press on a message that no longer offers the button
    (a baseline's echo edit removes Loa's buttons, so only the first round checks)."""
    answered_before = len(await fake.callback_answers())

    async def polling() -> bool:
        return any(call["outcome"] == "pending" for call in await fake.requests("getUpdates"))

    # Held from now on: only the getUpdates already waiting gets the warm-up press.
    await until(polling, f"{name}: a getUpdates call waiting", within=30, interval=0.05)
    await fake.hold(["getUpdates"])
    await fake.callback_query(
        warm_up.chat_id, warm_up.message_id, data, user_id=PRESSER, check=check
    )

    async def warmed_up() -> bool:
        answers = len(await fake.callback_answers())
        return answers > answered_before and (await fake.stats())["held"] >= 1

    await until(warmed_up, f"{name}: the warm-up press answered", within=30, interval=0.05)
    queued = await gather_limited(
        (
            fake.callback_query(d.chat_id, d.message_id, data, user_id=PRESSER, check=check)
            for d in digests
        ),
        INJECTORS,
    )
    query_ids = {update["callback_query"]["id"] for update in queued}
    target = answered_before + 1 + len(digests)
    cpu = CpuWindow({name: pid, "fake Bot API": fake.pid})
    released_at = time.time()
    await fake.release()

    async def all_answered() -> bool:
        return len(await fake.callback_answers()) >= target

    async def progress() -> str:
        return f"{len(await fake.callback_answers()) - answered_before - 1} answered"

    await until(all_answered, f"{name}: every press answered", within=within, progress=progress)
    cpu.stop()
    calls = [
        call
        for call in await fake.requests("answerCallbackQuery")
        if call["params"].get("callback_query_id") in query_ids
    ]
    per_query = Counter(call["params"]["callback_query_id"] for call in calls)
    answers = {
        answer["callback_query_id"]: answer["text"] or ""
        for answer in await fake.callback_answers()
        if answer["callback_query_id"] in query_ids
    }
    return Result(
        name=name,
        presses=len(digests),
        released_at=released_at,
        seconds=max(call["at"] for call in calls) - released_at,
        answered=len(answers),
        doubled=sum(n - 1 for n in per_query.values()),
        answer_texts=Counter(text.split(":")[0] for text in answers.values()),
        cpu=cpu,
    )


async def digests_sent(fake: FakeTelegramProcess, chats: int, within: float) -> list[Digest]:
    """Wait for every chat's digest; return them in chat order."""

    async def delivered() -> bool:
        return (await fake.stats())["delivered"] >= chats

    await until(delivered, f"{chats} digests", within=within)
    found: dict[int, Digest] = {}
    for message in await fake.sent():
        rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
        if any(button.get("callback_data") == "ok:1" for row in rows for button in row):
            found.setdefault(message["chat_id"], Digest(message["chat_id"], message["message_id"]))
    missing = [n for n in range(chats) if group_chat_id(n) not in found]
    if missing:
        raise RuntimeError(f"{len(missing)} chats got no digest with ✅ buttons")
    return [found[group_chat_id(n)] for n in range(chats)]


async def recorded_confirmations(env: dict[str, str], workdir: Path) -> Counter[str]:
    """Items `loa progress` shows as done, by task."""
    result = await run_loa_async("progress", "--format", "json", env=env, cwd=workdir)
    if result.returncode != 0:
        raise RuntimeError(f"loa progress failed:\n{result.stderr}")
    return Counter(row["task"] for row in json.loads(result.stdout) if row["status"] == "done")


# --- the whole run ----------------------------------------------------------------------


@dataclass
class Round:
    loa: Result
    baselines: list[Result]
    last_edit_after: float  # seconds from the release to Loa's last digest edit


@dataclass
class LoaChecks:
    recorded: Counter[str]  # confirmations `loa progress` shows, by task
    rate_limited: int  # 429s the fake answered in the whole run


async def loa_round(
    fake: FakeTelegramProcess,
    env: dict[str, str],
    workdir: Path,
    number: int,
    warm_up: Digest,
    digests: list[Digest],
    within: float,
) -> tuple[Result, float]:
    """`loa run` handles the presses of "ok:NUMBER"; its result, and when the last
    digest edit came after the release."""
    edits_before = len(await fake.edits())
    async with loa_started(env, workdir) as loa:
        assert loa.process is not None

        async def first_tick_done() -> bool:  # it plans the day: not while timing presses
            return bool((await loa.wait_healthy()).get("scheduler", {}).get("last_tick"))

        await until(first_tick_done, "Loa's first tick", within=60)
        result = await measure(
            fake,
            "Loa",
            loa.process.pid,
            warm_up,
            digests,
            data=f"ok:{number}",
            within=within,
            check=number == 1,
        )

        async def all_edited() -> bool:  # the warm-up's digest and every pressed one
            return len(await fake.edits()) >= edits_before + 1 + len(digests)

        await until(all_edited, "every digest edited in place", within=within)
    last_edit = max(call["at"] for call in await fake.requests("editMessageText"))
    return result, last_edit - result.released_at


async def measure_all(args: argparse.Namespace, workdir: Path) -> tuple[list[Round], LoaChecks]:
    """Round by round: Loa (whose digests everyone presses on), then each baseline."""
    fake = fake_for(args, workdir)
    within = max(60.0, args.updates / 10)
    chats = args.updates + 1
    rounds: list[Round] = []
    async with fake:
        env = bench_env(workdir, fake, now=NOW, limits=loa_limits(args), listen_port=free_port())
        plan = plan_yaml(chats, args.rounds)
        print(f"\nloa load: {await load_plan(plan, workdir, env):.1f} s")
        async with loa_started(env, workdir):
            warm_up, *digests = await digests_sent(fake, chats, within)
        print(f"digests delivered to {chats} chats")
        for number in range(1, args.rounds + 1):
            loa, last_edit_after = await loa_round(
                fake, env, workdir, number, warm_up, digests, within
            )
            baselines = []
            for index, baseline in enumerate(BASELINES):
                log_path = workdir / f"ptb-{number}-{index}.log"
                async with BaselineProcess(fake, baseline, log_path) as bot:
                    baselines.append(
                        await measure(
                            fake,
                            baseline.name,
                            bot.pid,
                            warm_up,
                            digests,
                            data=f"ok:{number}",
                            within=within,
                            check=False,
                        )
                    )
            rounds.append(Round(loa, baselines, last_edit_after))
            print(f"round {number}: Loa {loa.rate:.0f}/s, PTB echo {baselines[0].rate:.0f}/s")
        checks = LoaChecks(
            recorded=await recorded_confirmations(env, workdir),
            rate_limited=(await fake.stats())["rate_limited"],
        )
    return rounds, checks


def _result_rows(result: Result, label: str) -> list[tuple[str, str]]:
    window = max(result.cpu.seconds, 1e-9)
    cpu = result.cpu.used(result.name)
    return [
        (f"{label}: presses/s", f"{result.rate:.1f} ({result.presses} in {result.seconds:.2f} s)"),
        (f"{label}: answered / lost / doubled",
         f"{result.answered} / {result.presses - result.answered} / {result.doubled}"),
        (f"{label}: CPU of the bot", f"{cpu:.2f} s = {cpu / window:.0%} of a core, "
         f"{cpu / result.presses * 1000:.1f} ms a press; other processes "
         f"{result.cpu.rows()[-1][1]}"),
    ]  # fmt: skip


def figures(rounds: list[Round], checks: LoaChecks) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for number, one in enumerate(rounds, start=1):
        rows += _result_rows(one.loa, f"round {number}, Loa")
        rows.append((f"round {number}, Loa: last digest edited in place after",
                     f"{one.last_edit_after:.2f} s"))  # fmt: skip
        for result in one.baselines:
            rows += _result_rows(result, f"round {number}, {result.name}")
    for index, baseline in enumerate(BASELINES):
        ratios = [one.loa.rate / one.baselines[index].rate for one in rounds]
        aim = " (aim ≥ 0.4)" if baseline.echo else " (for scale)"
        shown = ", ".join(f"{ratio:.2f}" for ratio in ratios)
        rows.append(
            (f"Loa / {baseline.name}{aim}", f"median {statistics.median(ratios):.2f} ({shown})")
        )
    answers: Counter[str] = Counter()
    for one in rounds:
        answers.update(one.loa.answer_texts)
    texts = ", ".join(f"{n} × «{text}»" for text, n in answers.most_common())
    expected = rounds[0].loa.presses + 1
    recorded = ", ".join(
        f"{checks.recorded[f'viec-{number}']} of {expected}" for number in range(1, len(rounds) + 1)
    )
    rows += [
        ("Loa: button answers", texts),
        ("Loa: confirmations recorded per task (loa progress)", recorded),
        ("429s answered by the fake (whole run)", str(checks.rate_limited)),
    ]
    return rows


async def run(args: argparse.Namespace, workdir: Path) -> int:
    print_table("Machine", machine_lines())
    print_table(
        "Parameters",
        [
            ("presses (one per chat, each on its own digest)", str(args.updates)),
            ("rounds (Loa, then each baseline)", str(args.rounds)),
            *limit_rows(args),
            ("Loa", "polling, SQLite (WAL), LOA_TICK_SECONDS default (5)"),
            ("baselines", "bare PTB Applications: the echo handler of PTB's "
             "examples/inlinekeyboard.py (answer, then edit the message), and answer only"),
        ],
    )  # fmt: skip
    rounds, checks = await measure_all(args, workdir)
    print_table("Button presses", figures(rounds, checks))
    results = [result for one in rounds for result in (one.loa, *one.baselines)]
    expected = rounds[0].loa.presses + 1
    unrecorded = sum(
        expected - checks.recorded[f"viec-{number}"] for number in range(1, len(rounds) + 1)
    )
    lost = sum(r.presses - r.answered for r in results) + unrecorded
    doubled = sum(r.doubled for r in results)
    if lost or doubled:
        print(f"\nFAILED: {lost} presses lost, {doubled} answered twice")
        return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--updates", type=int, default=1000, help="button presses (default 1000)")
    parser.add_argument(
        "--rounds", type=int, default=3, help="interleaved rounds of Loa and the baselines"
    )
    add_limit_options(parser)
    parser.add_argument("--ptb-bot", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--token", help=argparse.SUPPRESS)
    parser.add_argument("--concurrent", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--echo", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ptb_bot:
        asyncio.run(ptb_bot(args.ptb_bot, args.token, args.concurrent, args.echo))
        return 0
    if args.updates < 1 or args.rounds < 1 or args.rate <= 0:
        parser.error("--updates and --rounds must be at least 1, --rate positive")
    return run_in_workdir("loa-bench-updates-", args.keep, lambda workdir: run(args, workdir))


if __name__ == "__main__":
    sys.exit(main())
