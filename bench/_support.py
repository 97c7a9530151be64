"""Shared pieces of the Telegram benchmarks: the fake Bot API in its own process, its
`/_fake/...` controls over HTTP, the machine summary, CPU accounting and the table.

The fake runs in a separate process (`python -m tests.fakes.telegram_api`) so that its
work is neither on Loa's event loop nor counted in Loa's CPU time; `loa run` is started
with tests/e2e/harness.py exactly as the end-to-end tests start it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.e2e.harness import LoaProcess, free_port, loa_env, run_loa_async  # noqa: E402

T = TypeVar("T")
TOKEN = "123456:BENCH-token-not-real"
START_TIMEOUT = 30.0
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def machine_lines() -> list[tuple[str, str]]:
    """What the figures were measured on."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return [
        ("cores (usable / online)", f"{usable} / {os.cpu_count()}"),
        ("CPU", model),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("OS", f"{platform.system()} {platform.release()}"),
    ]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # After the command name: state is field 3, utime 14 and stime 15 (1-based).
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


def system_busy_seconds() -> float:
    """CPU time all processes on the machine have used so far, summed over cores."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = (
        int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    )
    return (user + nice + system + irq + softirq + steal) / _CLOCK_TICKS


class CpuWindow:
    """CPU used by given processes, and by everything else on the machine, over a window.

    Other work on a shared machine (another test run) takes cores from Loa; the figure
    says how much, so a low rate can be told apart from a slow program."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = {**pids, "bench driver": os.getpid()}
        self._start = self._sample()
        self._stop: dict[str, float] | None = None
        self._started_at = time.monotonic()
        self.seconds = 0.0

    def _sample(self) -> dict[str, float]:
        sample = {name: cpu_seconds(pid) for name, pid in self.pids.items()}
        sample[""] = system_busy_seconds()
        return sample

    def stop(self) -> None:
        self._stop = self._sample()
        self.seconds = time.monotonic() - self._started_at

    def used(self, name: str) -> float:
        assert self._stop is not None
        return self._stop[name] - self._start[name]

    def rows(self) -> list[tuple[str, str]]:
        window = max(self.seconds, 1e-9)
        rows = [
            (f"CPU, {name}", f"{self.used(name):.2f} s = {self.used(name) / window:.0%} of a core")
            for name in self.pids
        ]
        others = self.used("") - sum(self.used(name) for name in self.pids)
        rows.append(("CPU, other processes on the machine", f"{max(others, 0) / window:.2f} cores"))
        return rows


def print_table(title: str, rows: Sequence[tuple[str, str]]) -> None:
    width = max(len(label) for label, _ in rows)
    print(f"\n{title}")
    print("-" * (width + 30))
    for label, value in rows:
        print(f"{label:<{width}}  {value}")


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def until(
    check: Callable[[], Awaitable[T]],
    what: str,
    *,
    within: float,
    interval: float = 0.25,
    progress: Callable[[], Awaitable[str]] | None = None,
) -> T:
    """Poll `check` until it returns something truthy; TimeoutError naming `what`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        result = await check()
        if result:
            return result
        if loop.time() > deadline:
            seen = f" ({await progress()})" if progress else ""
            raise TimeoutError(f"timed out after {within:.0f} s waiting for {what}{seen}")
        await asyncio.sleep(interval)


class FakeTelegramProcess:
    """`python -m tests.fakes.telegram_api` as a child process, driven over HTTP."""

    def __init__(
        self,
        *,
        global_rate: float,
        group_per_minute: int,
        chat_per_second: float,
        token: str = TOKEN,
        log_path: Path,
    ) -> None:
        self.token = token
        self.args = [
            "--port",
            "0",
            "--token",
            token,
            "--global-rate",
            str(global_rate),
            "--group-per-minute",
            str(group_per_minute),
            "--chat-per-second",
            str(chat_per_second),
            "--any-chat",
        ]
        self.log_path = log_path
        self._log: Any = None
        self.url = ""
        self.process: asyncio.subprocess.Process | None = None
        self.http: aiohttp.ClientSession | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def start(self) -> str:
        self._log = self.log_path.open("wb")
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.fakes.telegram_api",
            *self.args,
            cwd=ROOT,
            stdout=asyncio.subprocess.PIPE,
            stderr=self._log,
        )
        assert self.process.stdout is not None
        line = await asyncio.wait_for(self.process.stdout.readline(), START_TIMEOUT)
        if not line.startswith(b"http"):
            raise RuntimeError(f"the fake did not start: {line!r}; see {self.log_path}")
        self.url = line.decode().strip()
        # Many short control calls: keep connections open, allow plenty at once.
        connector = aiohttp.TCPConnector(limit=64)
        self.http = aiohttp.ClientSession(connector=connector)
        return self.url

    async def stop(self) -> None:
        if self.http is not None:
            await self.http.close()
            self.http = None
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 10)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    async def __aenter__(self) -> FakeTelegramProcess:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # --- /_fake controls ----------------------------------------------------------------

    async def _call(self, verb: str, path: str, body: Any = None, **query: Any) -> Any:
        assert self.http is not None
        params = {key: str(value) for key, value in query.items() if value is not None}
        async with self.http.request(
            verb, f"{self.url}/_fake/{path}", json=body, params=params
        ) as response:
            answer = await response.json()
            if response.status != 200:
                raise RuntimeError(f"/_fake/{path} answered {response.status}: {answer}")
            return answer

    async def message(self, chat_id: int, text: str, *, user_id: int, chat_type: str) -> Any:
        body = {"chat_id": chat_id, "text": text, "user_id": user_id, "chat_type": chat_type}
        return await self._call("POST", "message", body)

    async def callback_query(
        self, chat_id: int, message_id: int, data: str, *, user_id: int, check: bool = True
    ) -> Any:
        body = {
            "chat_id": chat_id,
            "message_id": message_id,
            "data": data,
            "user_id": user_id,
            "check_button": check,
        }
        return await self._call("POST", "callback_query", body)

    async def stats(self) -> dict[str, int]:
        return dict(await self._call("GET", "stats"))

    async def sent(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        return list(await self._call("GET", "sent", chat_id=chat_id))

    async def requests(self, method: str) -> list[dict[str, Any]]:
        return list(await self._call("GET", "requests", method=method))

    async def duplicates(self) -> list[list[Any]]:
        """[chat_id, content, times] for content delivered more than once to one chat."""
        return list(await self._call("GET", "duplicates"))

    async def callback_answers(self) -> list[dict[str, Any]]:
        return list(await self._call("GET", "callback_answers"))

    async def edits(self) -> list[dict[str, Any]]:
        return list(await self._call("GET", "edits"))

    async def hold(self, methods: Iterable[str]) -> None:
        await self._call("POST", "hold", {"methods": list(methods)})

    async def release(self) -> None:
        await self._call("POST", "release")


def bench_env(
    workdir: Path, fake: FakeTelegramProcess, *, now: str, limits: str, listen_port: int
) -> dict[str, str]:
    """The environment of `loa load` / `loa run` for a benchmark (nothing from the shell)."""
    return loa_env(
        LOA_DATABASE_URL=f"sqlite:///{workdir / 'loa.db'}",
        LOA_TELEGRAM_TOKEN=fake.token,
        LOA_TELEGRAM_API_URL=fake.url,
        LOA_NOW=now,
        LOA_LISTEN=f"127.0.0.1:{listen_port}",
        LOA_TELEGRAM_LIMITS=limits,
    )


def loa_limits(args: argparse.Namespace) -> str:
    """LOA_TELEGRAM_LIMITS for the limit options: Loa keeps to what the fake enforces."""
    return f"{args.rate:g},{args.group_per_minute},{args.chat_per_second:g}"


def limit_rows(args: argparse.Namespace) -> list[tuple[str, str]]:
    """The limit options, as lines of a benchmark's parameter table."""
    return [
        ("fake limits: global / group / chat", f"{args.rate:g}/s, "
         f"{args.group_per_minute}/min, {args.chat_per_second:g}/s"),
        ("LOA_TELEGRAM_LIMITS", loa_limits(args)),
    ]  # fmt: skip


def fake_for(args: argparse.Namespace, workdir: Path) -> FakeTelegramProcess:
    """The fake Bot API enforcing the limit options, logging into the work directory."""
    return FakeTelegramProcess(
        global_rate=args.rate,
        group_per_minute=args.group_per_minute,
        chat_per_second=args.chat_per_second,
        log_path=workdir / "fake.log",
    )


@asynccontextmanager
async def loa_running(
    args: argparse.Namespace, workdir: Path, fake: FakeTelegramProcess, plan_text: str, now: str
) -> AsyncIterator[tuple[dict[str, str], LoaProcess]]:
    """`loa load` the plan, then `loa run` against the fake until the block ends; yields
    the environment both ran with and the running process."""
    env = bench_env(workdir, fake, now=now, limits=loa_limits(args), listen_port=free_port())
    print(f"\nloa load: {await load_plan(plan_text, workdir, env):.1f} s")
    async with loa_started(env, workdir) as loa:
        yield env, loa


@asynccontextmanager
async def loa_started(env: dict[str, str], workdir: Path) -> AsyncIterator[LoaProcess]:
    """`loa run` with this environment until the block ends, once /healthz answers."""
    async with LoaProcess(env, cwd=workdir, log_path=workdir / "loa.log") as loa:
        await loa.wait_healthy(timeout=120)
        assert loa.process is not None
        print(f"loa run (pid {loa.process.pid}) healthy")
        yield loa


async def load_plan(plan_text: str, workdir: Path, env: dict[str, str]) -> float:
    """`loa load` the plan; the seconds it took."""
    path = workdir / "plan.yaml"
    path.write_text(plan_text, encoding="utf-8")
    started = time.perf_counter()
    result = await run_loa_async("load", str(path), env=env, cwd=workdir, timeout=300)
    if result.returncode != 0:
        raise RuntimeError(f"loa load failed ({result.returncode}):\n{result.stderr}")
    return time.perf_counter() - started


def group_chat_id(n: int) -> int:
    """The n-th benchmark group: supergroup ids, as Telegram gives them (-100…)."""
    return -1_002_000_000_000 - n


async def gather_limited(calls: Iterable[Awaitable[T]], limit: int) -> list[T]:
    """Await the calls with at most `limit` in flight; results in order."""
    gate = asyncio.Semaphore(limit)

    async def one(call: Awaitable[T]) -> T:
        async with gate:
            return await call

    return await asyncio.gather(*(one(call) for call in calls))


def add_limit_options(parser: argparse.ArgumentParser) -> None:
    """The fake's (and Loa's) Telegram limits, scaled, plus --keep."""
    parser.add_argument("--rate", type=float, default=300.0, help="global limit, messages/s")
    parser.add_argument("--group-per-minute", type=int, default=20)
    parser.add_argument("--chat-per-second", type=float, default=1.0)
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, db)")


def run_in_workdir(
    prefix: str, keep: bool, main: Callable[[Path], Coroutine[Any, Any, int]]
) -> int:
    """Run `main(workdir)` in a fresh temporary directory; keep it on failure or --keep."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        return asyncio.run(main(workdir))
    except (TimeoutError, RuntimeError, AssertionError) as error:
        print(f"\nFAILED: {error}\n(logs in {workdir})", file=sys.stderr)
        keep = True
        return 1
    finally:
        if keep:
            print(f"work directory kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
