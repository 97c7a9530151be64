"""Benchmark: button presses handled per second by `loa run`, against a bare
python-telegram-bot Application on the same fake Bot API.

    .venv/bin/python bench/bench_updates.py [--updates 1000] [--rate 300]

Set-up: the fake Bot API (tests/fakes/telegram_api.py) in its own process; a plan with
one unit per group chat (N + 1 chats), two tasks due today, stored with `loa load`;
`loa run` (polling, LOA_TELEGRAM_LIMITS scaled like the fake's limits) sends each chat
its 07:30 digest with ✅ buttons ("ok:1", "ok:2").

Each measurement, for Loa and then for the baselines, runs the same way: getUpdates is
held at the fake, one warm-up press is handled, N presses of "ok:1" (one per digest,
one per chat) are queued, then getUpdates is released; the clock runs from the release
to the last answerCallbackQuery the fake received. Loa does its real work per press
(store the update, record the confirmation, answer, edit the digest in place, mark the
update handled). The baselines are bare PTB Applications on the same fake: the echo
handler of PTB's own examples/inlinekeyboard.py (answer the press, then edit the
message to echo the choice: the same two API calls as Loa, no storage), with PTB's
default sequential processing and with concurrent_updates(True); and, for scale, a
handler that only answers.

Printed: presses answered per second for each, Loa's rate as a fraction of each
baseline's (aim ≥ 0.4 of the echo handler's), presses lost (never answered, or not
recorded by Loa) and doubled (answered twice), the CPU time of each process. Exit
status 1 when anything is lost or doubled, or a run does not finish.

`--ptb-bot URL` is the baseline bot itself, started by this script in its own process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
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
    fake_for,
    gather_limited,
    group_chat_id,
    limit_rows,
    loa_running,
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


def plan_yaml(chats: int) -> str:
    """One unit per group chat; two tasks due NOW's day, so every digest has ✅ 1 and ✅ 2."""
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
    lines += [
        "tasks:",
        "  - id: bao-cao-thang",
        "    title: Gửi báo cáo tuyên truyền tháng 2",
        "    owners: [all]",
        "    due: 2026-03-02",
        "  - id: dang-tin",
        "    title: Đăng tin hưởng ứng Ngày Quốc tế Phụ nữ",
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
) -> Result:
    """Hold getUpdates, handle one warm-up press, queue the presses, release, time."""
    check = data == "ok:1"  # Loa's buttons still offer ok:1; the baselines reuse the messages
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


async def recorded_confirmations(env: dict[str, str], workdir: Path) -> int:
    """Items of the first task that `loa progress` shows as done."""
    result = await run_loa_async("progress", "--format", "json", env=env, cwd=workdir)
    if result.returncode != 0:
        raise RuntimeError(f"loa progress failed:\n{result.stderr}")
    rows = json.loads(result.stdout)
    return sum(1 for row in rows if row["task"] == "bao-cao-thang" and row["status"] == "done")


# --- the whole run ----------------------------------------------------------------------


@dataclass
class LoaChecks:
    recorded: int  # confirmations `loa progress` shows (presses + the warm-up)
    last_edit_after: float  # seconds from the release to the last digest edit
    rate_limited: int  # 429s the fake answered in the whole run


async def measure_all(args: argparse.Namespace, workdir: Path) -> tuple[list[Result], LoaChecks]:
    """Loa first (it sends the digests everyone presses on), then the two baselines."""
    fake = fake_for(args, workdir)
    within = max(60.0, args.updates / 10)
    chats = args.updates + 1
    async with fake:
        async with loa_running(args, workdir, fake, plan_yaml(chats), NOW) as (env, loa):
            assert loa.process is not None
            warm_up, *digests = await digests_sent(fake, chats, within)
            print(f"digests delivered to {chats} chats")
            loa_result = await measure(
                fake, "Loa", loa.process.pid, warm_up, digests, data="ok:1", within=within
            )

            async def all_edited() -> bool:
                return len(await fake.edits()) >= chats

            await until(all_edited, "every digest edited in place", within=within)
            last_edit = max(call["at"] for call in await fake.requests("editMessageText"))
            recorded = await recorded_confirmations(env, workdir)
        results = [loa_result]
        for number, baseline in enumerate(BASELINES):
            log_path = workdir / f"ptb-{number}.log"
            async with BaselineProcess(fake, baseline, log_path) as bot:
                results.append(
                    await measure(
                        fake, baseline.name, bot.pid, warm_up, digests, data="ok:2", within=within
                    )
                )
        checks = LoaChecks(
            recorded=recorded,
            last_edit_after=last_edit - loa_result.released_at,
            rate_limited=(await fake.stats())["rate_limited"],
        )
    return results, checks


def figures(results: list[Result], checks: LoaChecks) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for result in results:
        window = max(result.cpu.seconds, 1e-9)
        rows += [
            (f"{result.name}: presses/s", f"{result.rate:.1f} ({result.presses} in "
             f"{result.seconds:.2f} s)"),
            (f"{result.name}: answered / lost / doubled", f"{result.answered} / "
             f"{result.presses - result.answered} / {result.doubled}"),
            (f"{result.name}: CPU of the bot", f"{result.cpu.used(result.name):.2f} s = "
             f"{result.cpu.used(result.name) / window:.0%} of a core; other processes "
             f"{result.cpu.rows()[-1][1]}"),
        ]  # fmt: skip
    loa = results[0]
    rows += [
        (
            f"Loa / {result.name}" + (" (aim ≥ 0.4)" if baseline.echo else " (for scale)"),
            f"{loa.rate / result.rate:.2f}",
        )
        for result, baseline in zip(results[1:], BASELINES, strict=True)
    ]
    texts = ", ".join(f"{n} × «{text}»" for text, n in loa.answer_texts.most_common())
    rows += [
        ("Loa: button answers", texts),
        ("Loa: confirmations recorded (loa progress)", f"{checks.recorded} of {loa.presses + 1}"),
        ("Loa: last digest edited in place after", f"{checks.last_edit_after:.2f} s"),
        ("429s answered by the fake (whole run)", str(checks.rate_limited)),
    ]
    return rows


async def run(args: argparse.Namespace, workdir: Path) -> int:
    print_table("Machine", machine_lines())
    print_table(
        "Parameters",
        [
            ("presses (one per chat, each on its own digest)", str(args.updates)),
            *limit_rows(args),
            ("Loa", "polling, SQLite (WAL), LOA_TICK_SECONDS default (5)"),
            ("baselines", "bare PTB Applications: the echo handler of PTB's "
             "examples/inlinekeyboard.py (answer, then edit the message), and answer only"),
        ],
    )  # fmt: skip
    results, checks = await measure_all(args, workdir)
    print_table("Button presses", figures(results, checks))
    lost = sum(r.presses - r.answered for r in results) + (results[0].presses + 1 - checks.recorded)
    doubled = sum(r.doubled for r in results)
    if lost or doubled:
        print(f"\nFAILED: {lost} presses lost, {doubled} answered twice")
        return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--updates", type=int, default=1000, help="button presses (default 1000)")
    add_limit_options(parser)
    parser.add_argument("--ptb-bot", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--token", help=argparse.SUPPRESS)
    parser.add_argument("--concurrent", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--echo", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ptb_bot:
        asyncio.run(ptb_bot(args.ptb_bot, args.token, args.concurrent, args.echo))
        return 0
    if args.updates < 1 or args.rate <= 0:
        parser.error("--updates must be at least 1 and --rate positive")
    return run_in_workdir("loa-bench-updates-", args.keep, lambda workdir: run(args, workdir))


if __name__ == "__main__":
    sys.exit(main())
