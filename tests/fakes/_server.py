"""Plumbing shared by the fake Telegram and Zalo servers.

Both platforms answer `{"ok": bool, "result"?, "error_code"?, "description"?}` over
`/bot{token}/{method}`, so one request pipeline serves both: record the call, check the
token, find the method, apply injected faults, hold send requests when asked, run the
method, answer. Each fake only supplies its methods, its parameter parsing and its records.
"""

from __future__ import annotations

import asyncio
import hmac
import inspect
import random
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, Literal

import aiohttp
from aiohttp import web

from ._common import (
    ApiCall,
    ApiError,
    Params,
    UploadedFile,
    api_error,
    api_ok,
    find_duplicates,
    wait_until,
)
from ._faults import Fault, FaultPlan, HoldGate, RandomFailures

MethodsArg = Literal["send", "all"] | Iterable[str]
MethodHandler = Callable[..., Any]


class FakeServer:
    """An aiohttp server on 127.0.0.1 speaking a bot API; subclasses add the methods."""

    #: methods that deliver a message: the ones hold() and fail_next() target by default
    send_methods: frozenset[str] = frozenset()
    not_found_description = "Not Found"

    def __init__(
        self, token: str, *, host: str = "127.0.0.1", port: int = 0, start_at: datetime | None
    ) -> None:
        self.token = token
        self.host = host
        self.port = port
        self.requests: list[ApiCall] = []
        self.sent: list[Any] = []
        self.faults = FaultPlan()
        self.gate = HoldGate()
        self.counters: Counter[str] = Counter()
        self.http: aiohttp.ClientSession | None = None  # outgoing webhook posts
        self._runner: web.AppRunner | None = None
        self._clock_offset = start_at.timestamp() - time.time() if start_at else 0.0

    # ---- lifecycle -------------------------------------------------------------------

    @property
    def url(self) -> str:
        if self._runner is None:
            raise RuntimeError("the fake server is not started")
        return f"http://{self.host}:{self.port}"

    async def start(self) -> str:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        self.add_routes(app)
        # Cancelling handlers when the client goes is what discards held requests; a short
        # shutdown timeout keeps stop() from waiting for long polls to time out.
        runner = web.AppRunner(
            app, handler_cancellation=True, access_log=None, shutdown_timeout=0.5
        )
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self.port = runner.addresses[0][1]
        self._runner = runner
        self.http = aiohttp.ClientSession()
        await self.on_start()
        return self.url

    async def stop(self) -> None:
        await self.on_stop()
        self.gate.discard_all()
        if self.http is not None:
            await self.http.close()
            self.http = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeServer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def on_start(self) -> None:
        """Subclass hook: start background tasks (webhook delivery)."""

    async def on_stop(self) -> None:
        """Subclass hook: stop background tasks."""

    def add_routes(self, app: web.Application) -> None:
        """Subclass hook: extra routes (file downloads, /_fake controls)."""

    def now(self) -> float:
        """Platform clock in epoch seconds; runs on from `start_at` when one was given."""
        return time.time() + self._clock_offset

    # ---- the request pipeline ------------------------------------------------------------

    def lookup_method(self, name: str) -> MethodHandler | None:
        raise NotImplementedError

    async def parse_params(self, request: web.Request) -> tuple[Params, dict[str, UploadedFile]]:
        raise NotImplementedError

    def parse_chat_id(self, raw: str) -> Any:
        """A chat id from a /_fake query string."""
        return raw

    def token_valid(self, token: str) -> bool:
        return hmac.compare_digest(token.encode(), self.token.encode())

    def fault_response(self, status: int) -> web.Response:
        return api_error(ApiError(status, "Internal server error"))

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["method"]
        call = ApiCall(method=name, params={}, at=self.now(), content_type=request.content_type)
        self.requests.append(call)
        if not self.token_valid(request.match_info["token"]):
            return self._finish(call, api_error(ApiError(401, "Unauthorized")))
        handler = self.lookup_method(name)
        if handler is None:
            return self._finish(call, api_error(ApiError(404, self.not_found_description)))
        try:
            call.params, files = await self.parse_params(request)
        except ApiError as exc:
            return self._finish(call, api_error(exc))
        call.files = {part: len(upload.data) for part, upload in files.items()}
        failure = self.faults.take(name, "fail")
        if failure is not None:
            return self._finish(call, self.fault_response(failure.status))
        if self.gate.holds(name):
            try:
                await self.gate.wait()
            except asyncio.CancelledError:
                call.outcome = "discarded"
                self.counters["discarded"] += 1
                raise
        try:
            result = handler(call.params, files)
            if inspect.isawaitable(result):
                result = await result
        except ApiError as exc:
            return self._finish(call, api_error(exc))
        call.result = result
        if self.faults.take(name, "lose") is not None:
            # Processed, but the answer never reaches the client: the at-least-once case.
            call.outcome = "lost"
            self.counters["lost"] += 1
            if request.transport is not None:
                request.transport.abort()
        return self._finish(call, api_ok(result))

    def _finish(self, call: ApiCall, response: web.Response) -> web.Response:
        call.status = response.status
        if call.outcome == "pending":
            call.outcome = "ok" if response.status < 300 else "error"
        self.counters[str(response.status)] += 1
        return response

    # ---- records, waits, faults shared by both fakes ---------------------------------------

    def sent_to(self, chat_id: Any) -> list[Any]:
        return [record for record in self.sent if record.chat_id == chat_id]

    def duplicates(self) -> list[tuple[Any, str, int]]:
        return find_duplicates(self.sent)

    def describe_sent(self) -> str:
        if not self.sent:
            return "nothing was delivered"
        lines = [f"{len(self.sent)} message(s) delivered (the last 30 shown):"]
        for record in self.sent[-30:]:
            lines.append(f"  [{record.chat_id}] {record.method}: {record.content!r}")
        return "\n".join(lines)

    def describe_requests(self, last: int = 20) -> str:
        calls = self.requests[-last:]
        return "\n".join(f"  {call.method} -> {call.status} ({call.outcome})" for call in calls)

    async def wait_for_messages(
        self,
        count: int,
        chat_id: Any = None,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[Any]:
        """Wait until at least `count` messages were delivered (to `chat_id` if given)."""

        def matching() -> list[Any]:
            found = self.sent if chat_id is None else self.sent_to(chat_id)
            return list(found) if len(found) >= count else []

        where = "" if chat_id is None else f" to chat {chat_id}"
        return await wait_until(
            matching,
            within=timeout,
            describe=lambda: (
                f"expected {count} message(s){where} within {timeout}s; "
                f"{self.describe_sent()}\nlast requests:\n{self.describe_requests()}"
            ),
        )

    async def wait_for_request(
        self,
        method: str,
        count: int = 1,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[ApiCall]:
        """Wait until `method` was answered successfully `count` times."""

        def matching() -> list[ApiCall]:
            calls = [c for c in self.requests if c.method == method and c.outcome == "ok"]
            return calls if len(calls) >= count else []

        return await wait_until(
            matching,
            within=timeout,
            describe=lambda: (
                f"expected {count} successful {method} call(s) within {timeout}s; "
                f"last requests:\n{self.describe_requests()}"
            ),
        )

    def fail_next(self, count: int = 1, *, status: int = 502, methods: MethodsArg = "send") -> None:
        """The next `count` requests to `methods` get HTTP `status` and are not processed.

        `methods`: "send" (the methods that deliver messages), "all", or method names.
        """
        self.faults.add(Fault("fail", count, status, self._methods_arg(methods)))

    def fail_randomly(
        self,
        rate: float,
        *,
        status: int = 502,
        methods: MethodsArg = "send",
        seed: int | None = None,
    ) -> None:
        """From now on each request to `methods` fails with HTTP `status` (unprocessed)
        with probability `rate`, until faults.clear() or a rate of 0."""
        if not 0 <= rate <= 1:
            raise ValueError("rate must be between 0 and 1")
        self.faults.random = (
            RandomFailures(rate, status, self._methods_arg(methods), random.Random(seed))
            if rate
            else None
        )

    def lose_next(self, count: int = 1, *, methods: MethodsArg = "send") -> None:
        """The next `count` requests are processed (delivered) but the connection is cut
        before the answer, as when the platform got the message and the network failed."""
        self.faults.add(Fault("lose", count, 0, self._methods_arg(methods)))

    def _methods_arg(self, methods: MethodsArg) -> frozenset[str] | None:
        if methods == "all":
            return None
        if methods == "send":
            return self.send_methods
        return frozenset(methods)

    def hold(self, methods: MethodsArg = "send") -> None:
        """Accept requests to `methods` without processing or answering them until release().

        A held request whose client disconnects is discarded: never processed."""
        self.gate.hold(self._methods_arg(methods))

    def release(self) -> None:
        """Process every held request, in arrival order."""
        self.gate.release()

    def stats(self) -> dict[str, int]:
        server_errors = sum(n for code, n in self.counters.items() if code.startswith("5"))
        return {
            "requests": len(self.requests),
            "delivered": len(self.sent),
            "rate_limited": self.counters["429"],
            "forbidden": self.counters["403"],
            "bad_request": self.counters["400"],
            "server_errors": server_errors,
            "discarded": self.counters["discarded"],
            "lost": self.counters["lost"],
            "held": self.gate.waiting,
            "duplicates": len(self.duplicates()),
        }

    def reset_records(self) -> None:
        """Forget what was recorded (requests, deliveries, counters); keep chats and state."""
        self.requests.clear()
        self.sent.clear()
        self.counters.clear()


def run_standalone(fake: FakeServer) -> None:
    """Serve `fake` until SIGINT/SIGTERM, printing its URL first (benchmarks read it)."""

    async def main() -> None:
        url = await fake.start()
        print(url, flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        try:
            await stop.wait()
        finally:
            await fake.stop()

    asyncio.run(main())
