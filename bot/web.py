"""Loa's HTTP server (aiohttp): the platforms' webhooks, a health check and the metrics
(bot/metrics.py, added by the app with `add_get_route`).

Channel adapters register their webhook routes with `add_post_route` (also after the
server has started: routes are looked up per request). `GET /healthz` asks every
registered health provider and answers 200 when all are alive, 503 otherwise, so a
service manager or load balancer can act:

    {"status": "ok" | "degraded",
     "database": true,
     "scheduler": {"last_tick": ISO, "age_seconds": 4.2, "alive": true},
     "channels": {"telegram": {"running": true, "mode": "polling"}, ...}}

"database" and "scheduler" are the names of those two parts; any other name is a channel.

The server is exposed to the internet (behind a TLS proxy at best), so it bounds what
a client can hold: a connection must send its request headers within `IDLE_TIMEOUT`
(and an idle keep-alive connection closes after it), webhook bodies must arrive within
`bot.channels.webhook.BODY_TIMEOUT`, and past `MAX_CONNECTIONS` open connections new
ones are answered 503 and closed at once. Requests the HTTP parser refuses and clients
that vanish mid-request are logged on one line, without a traceback.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import web
from aiohttp.http import HttpProcessingError

from bot.logging_setup import redact

log = logging.getLogger(__name__)

PostHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]
HealthState = bool | Mapping[str, Any]
# A bool, or a mapping whose "alive" (else "running") says whether the part works.
HealthProvider = Callable[[], HealthState | Awaitable[HealthState]]

MAX_BODY_BYTES = 1024 * 1024  # platform updates are a few KB; more is not an update
PROBE_TIMEOUT = 5.0  # a hung database must not hang the health check
# aiohttp (>= 3.14.4) closes a connection that has not sent a whole request this many
# seconds after it opened or after its last response.
IDLE_TIMEOUT = 15.0
# Telegram opens at most 40 webhook connections at a time (its default); Zalo fewer.
MAX_CONNECTIONS = 256
_BUSY = b"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
TOP_LEVEL_PARTS = frozenset({"database", "scheduler"})


class WebServer:
    def __init__(
        self,
        *,
        client_max_size: int = MAX_BODY_BYTES,
        idle_timeout: float = IDLE_TIMEOUT,
        max_connections: int = MAX_CONNECTIONS,
    ) -> None:
        self._posts: dict[str, PostHandler] = {}
        self._health: dict[str, HealthProvider] = {}
        self._runner: web.AppRunner | None = None
        self._listener: asyncio.Server | None = None
        self._idle_timeout = idle_timeout
        self._max_connections = max_connections
        self._refusing = False  # past the connection limit: logged once per episode
        self.app = web.Application(client_max_size=client_max_size)
        self.app.router.add_get("/healthz", self._healthz)
        self.app.router.add_post("/{path:.*}", self._dispatch_post)

    def add_post_route(self, path: str, handler: PostHandler) -> None:
        if not path.startswith("/"):
            raise ValueError(f"a route path starts with '/': {path!r}")
        self._posts[path] = handler

    def add_get_route(self, path: str, handler: PostHandler) -> None:
        """A GET route; only before start() (aiohttp freezes its router then)."""
        self.app.router.add_get(path, handler)

    def add_health(self, name: str, provider: HealthProvider) -> None:
        """Report `name` in /healthz; registering a name again replaces its provider."""
        self._health[name] = provider

    @property
    def port(self) -> int | None:
        """The bound port (useful after starting on port 0)."""
        if self._listener is None:
            return None
        return int(self._listener.sockets[0].getsockname()[1])

    async def start(self, host: str, port: int) -> None:
        self._runner = web.AppRunner(
            self.app,
            # No access log: health probes would flood it; webhooks are logged by their handlers.
            access_log=None,
            keepalive_timeout=self._idle_timeout,
            # Platforms post plain JSON; decompressing would let a small body grow huge.
            auto_decompress=False,
            logger=_http_log,
        )
        await self._runner.setup()
        loop = asyncio.get_running_loop()
        # Served directly rather than by a TCPSite, to count connections as they open.
        self._listener = await loop.create_server(self._connection, host, port)
        log.info("web server listening on %s:%s", host, self.port)

    def _connection(self) -> asyncio.BaseProtocol:
        assert self._runner is not None and self._runner.server is not None
        server = self._runner.server
        if len(server.connections) < self._max_connections:
            self._refusing = False
            return server()
        if not self._refusing:
            self._refusing = True
            log.warning(
                "web server: %d connections open, the limit; refusing new ones until some close",
                self._max_connections,
            )
        return _Busy()

    async def stop(self) -> None:
        if self._listener is not None:
            self._listener.close()
        if self._runner is not None:
            await self._runner.cleanup()  # closes the open connections
            self._runner = None
        if self._listener is not None:
            await self._listener.wait_closed()
            self._listener = None

    async def health(self) -> tuple[bool, dict[str, Any]]:
        """(all alive, the report shown by /healthz)."""
        report: dict[str, Any] = {}
        channels: dict[str, Any] = {}
        alive = True
        for name, provider in self._health.items():
            state = await self._ask(name, provider)
            if isinstance(state, Mapping):
                state = dict(state)
                alive &= bool(state.get("alive", state.get("running", False)))
            else:
                alive &= bool(state)
            if name in TOP_LEVEL_PARTS:
                report[name] = state
            else:
                channels[name] = state
        return alive, {"status": "ok" if alive else "degraded", **report, "channels": channels}

    async def _ask(self, name: str, provider: HealthProvider) -> HealthState:
        try:
            state = provider()
            if inspect.isawaitable(state):
                state = await asyncio.wait_for(state, PROBE_TIMEOUT)
            return state
        except Exception:
            log.warning("health check: %s did not answer", name, exc_info=True)
            return False

    async def _healthz(self, request: web.Request) -> web.Response:
        alive, report = await self.health()
        return web.json_response(report, status=200 if alive else 503)

    async def _dispatch_post(self, request: web.Request) -> web.StreamResponse:
        handler = self._posts.get(request.path)
        if handler is None:
            raise web.HTTPNotFound()
        return await handler(request)


class _Busy(asyncio.Protocol):
    """Answers 503 and closes: the connection limit is reached. Best effort: a client
    whose request is already in may see the connection reset instead."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.WriteTransport)
        transport.write(_BUSY)
        transport.close()


class _ClientFaults(logging.Filter):
    """aiohttp logs a malformed request or a client that vanished mid-request at ERROR
    with a traceback; they are the client's doing, so one INFO line says it."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is not None and _client_fault(error):
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.msg, record.args = "web server: dropped a bad request (%s)", (_reason(error),)
            record.exc_info, record.exc_text = None, None
            return logging.getLogger(record.name).isEnabledFor(logging.INFO)
        return True


def _client_fault(error: BaseException) -> bool:
    """Whether the error, or one it came from, is a parse error or a lost connection."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, (HttpProcessingError, ConnectionError)):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _reason(error: BaseException) -> str:
    # The parser quotes the bytes it refused: one line, cut short, secrets redacted.
    return redact(" ".join(f"{type(error).__name__}: {error}".split())[:200])


# The logger aiohttp's protocol reports to (instead of "aiohttp.server").
_http_log = logging.getLogger(f"{__name__}.http")
_http_log.addFilter(_ClientFaults())
