"""Running the real `loa` program in end-to-end tests.

    env = loa_env(LOA_ZALO_TOKEN=fake.token, LOA_ZALO_API_URL=fake.url, ...)
    assert run_loa("load", str(plan_path), env=env).returncode == 0
    async with LoaProcess(env, cwd=tmp_path) as loa:   # `python -m bot run`, output logged
        await loa.wait_healthy()              # GET /healthz on LOA_LISTEN answered 200
        ...
        await loa.kill(signal.SIGTERM)        # or leave it to the context manager

The fake platform servers run in the test's own event loop, so every wait here is
asynchronous: a blocking wait would stop the fakes from answering the bot. `run_loa`
blocks, which is fine for commands that do not talk to a platform (load, progress,
check); `run_loa_async` is there for the others. Processes run in an empty directory
unless told otherwise, so no stray .env file is read.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import aiohttp

COMMAND = (sys.executable, "-m", "bot")
START_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


async def wait_for_port(host: str, port: int, timeout: float = START_TIMEOUT) -> None:  # noqa: ASYNC109
    """Wait until something accepts TCP connections on host:port."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            _, writer = await asyncio.open_connection(host, port)
        except OSError:
            if loop.time() > deadline:
                raise TimeoutError(f"nothing listens on {host}:{port} after {timeout} s") from None
            await asyncio.sleep(0.05)
        else:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
            return


def loa_env(**variables: str) -> dict[str, str]:
    """The environment for `loa`: this one without any LOA_* setting (nothing leaks in
    from the developer's shell), plus `variables`."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("LOA_")}
    env.update(variables)
    env["PYTHONUNBUFFERED"] = "1"
    return env


_empty_dir: Path | None = None


def _workdir(cwd: Path | str | None) -> Path:
    """`cwd`, or an empty directory of this test session."""
    global _empty_dir
    if cwd is not None:
        return Path(cwd)
    if _empty_dir is None:
        _empty_dir = Path(tempfile.mkdtemp(prefix="loa-e2e-"))
    return _empty_dir


def run_loa(
    *args: str,
    env: Mapping[str, str],
    cwd: Path | str | None = None,
    timeout: float = 120,
    stdin: str = "",
) -> subprocess.CompletedProcess[str]:
    """`loa ARGS...` to completion, `stdin` as its input; stdout and stderr as text."""
    return subprocess.run(
        [*COMMAND, *args],
        env=dict(env),
        cwd=_workdir(cwd),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


async def run_loa_async(
    *args: str,
    env: Mapping[str, str],
    cwd: Path | str | None = None,
    timeout: float = 120,  # noqa: ASYNC109
) -> subprocess.CompletedProcess[str]:
    """`loa ARGS...` without blocking the event loop (the fakes keep answering)."""
    process = await asyncio.create_subprocess_exec(
        *COMMAND,
        *args,
        env=dict(env),
        cwd=_workdir(cwd),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), timeout)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    return subprocess.CompletedProcess(
        [*COMMAND, *args], process.returncode or 0, out.decode(), err.decode()
    )


class LoaProcess:
    """`loa run` (or `loa run ARGS`) as a child process; output goes to a log file."""

    def __init__(
        self,
        env: Mapping[str, str],
        *args: str,
        cwd: Path | str | None = None,
        log_path: Path | None = None,
    ) -> None:
        """`env` from loa_env (LOA_LISTEN says where /healthz is); `args` go after `run`;
        the output is written to `log_path` (default: loa-run-PORT.log in `cwd`)."""
        self.env = dict(env)
        self.args = args
        self.cwd = _workdir(cwd)
        listen = self.env.get("LOA_LISTEN", "127.0.0.1:8080")
        host, _, port = listen.rpartition(":")
        self.host, self.port = host.strip("[]"), int(port)
        self.log_path = log_path or self.cwd / f"loa-run-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._log: Any = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> LoaProcess:
        if self.process is not None:
            raise RuntimeError("already started")
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [*COMMAND, "run", *self.args],
            env=self.env,
            cwd=self.cwd,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        return self

    def output(self) -> str:
        """Everything the process has written so far (stdout and stderr)."""
        if not self.log_path.exists():
            return ""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    @property
    def returncode(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def _check_alive(self, waiting_for: str) -> None:
        if self.process is None:
            raise RuntimeError("not started")
        code = self.process.poll()
        if code is not None:
            raise AssertionError(
                f"loa run exited with {code} while waiting for {waiting_for}; "
                f"its output:\n{self.output()}"
            )

    async def wait_healthy(self, timeout: float = START_TIMEOUT) -> dict[str, Any]:  # noqa: ASYNC109
        """Wait for GET /healthz to answer 200; return its report. Fails with the
        process's output if it exits or stays unhealthy."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        last = "no answer"
        async with aiohttp.ClientSession() as http:
            while True:
                self._check_alive("/healthz")
                try:
                    async with http.get(
                        f"{self.url}/healthz", timeout=aiohttp.ClientTimeout(total=5)
                    ) as response:
                        body = await response.text()
                        if response.status == 200:
                            return dict(await response.json(content_type=None))
                        last = f"{response.status} {body}"
                except (aiohttp.ClientError, TimeoutError) as error:
                    last = type(error).__name__
                if loop.time() > deadline:
                    raise AssertionError(
                        f"loa run not healthy after {timeout} s (last: {last}); "
                        f"its output:\n{self.output()}"
                    )
                await asyncio.sleep(0.1)

    async def wait_for_output(self, text: str, timeout: float = START_TIMEOUT) -> None:  # noqa: ASYNC109
        """Wait until `text` appears in the process's output."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while text not in self.output():
            self._check_alive(repr(text))
            if loop.time() > deadline:
                raise AssertionError(
                    f"{text!r} not in the output after {timeout} s:\n{self.output()}"
                )
            await asyncio.sleep(0.05)

    async def kill(
        self,
        sig: signal.Signals = signal.SIGTERM,
        timeout: float = STOP_TIMEOUT,  # noqa: ASYNC109
    ) -> int:
        """Send `sig` and wait for the exit (SIGKILL after `timeout`); the exit code."""
        if self.process is None:
            raise RuntimeError("not started")
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                await asyncio.wait_for(asyncio.to_thread(self.process.wait), timeout)
            except TimeoutError:
                self.process.kill()
                await asyncio.to_thread(self.process.wait)
        if self._log is not None:
            self._log.close()
            self._log = None
        code = self.process.returncode
        assert code is not None
        return code

    async def __aenter__(self) -> LoaProcess:
        return self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.kill()
