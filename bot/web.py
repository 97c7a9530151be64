"""Loa's HTTP server (aiohttp): the platforms' webhooks and a health check.

Channel adapters register their webhook routes with `add_post_route` (also after the
server has started: routes are looked up per request). `GET /healthz` asks every
registered health provider and answers 200 when all are alive, 503 otherwise, so a
service manager or load balancer can act:

    {"status": "ok" | "degraded",
     "database": true,
     "scheduler": {"last_tick": ISO, "age_seconds": 4.2, "alive": true},
     "channels": {"telegram": {"running": true, "mode": "polling"}, ...}}

"database" and "scheduler" are the names of those two parts; any other name is a channel.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import web

log = logging.getLogger(__name__)

PostHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]
HealthState = bool | Mapping[str, Any]
# A bool, or a mapping whose "alive" (else "running") says whether the part works.
HealthProvider = Callable[[], HealthState | Awaitable[HealthState]]

MAX_BODY_BYTES = 1024 * 1024  # platform updates are a few KB; more is not an update
PROBE_TIMEOUT = 5.0  # a hung database must not hang the health check
TOP_LEVEL_PARTS = frozenset({"database", "scheduler"})


class WebServer:
    def __init__(self, *, client_max_size: int = MAX_BODY_BYTES) -> None:
        self._posts: dict[str, PostHandler] = {}
        self._health: dict[str, HealthProvider] = {}
        self._runner: web.AppRunner | None = None
        self.app = web.Application(client_max_size=client_max_size)
        self.app.router.add_get("/healthz", self._healthz)
        self.app.router.add_post("/{path:.*}", self._dispatch_post)

    def add_post_route(self, path: str, handler: PostHandler) -> None:
        if not path.startswith("/"):
            raise ValueError(f"a route path starts with '/': {path!r}")
        self._posts[path] = handler

    def add_health(self, name: str, provider: HealthProvider) -> None:
        """Report `name` in /healthz; registering a name again replaces its provider."""
        self._health[name] = provider

    @property
    def port(self) -> int | None:
        """The bound port (useful after starting on port 0)."""
        if self._runner is None:
            return None
        for address in self._runner.addresses:
            if isinstance(address, tuple):
                return int(address[1])
        return None

    async def start(self, host: str, port: int) -> None:
        # No access log: health probes would flood it, and webhooks are logged by their handlers.
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        log.info("web server listening on %s:%s", host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

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
