"""A minimal webhook endpoint, for testing how the fakes deliver webhooks."""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Receiver:
    """A tiny webhook endpoint: records each POST and answers the queued statuses, then 200.

    With `secret` set it checks `secret_header` as a bot must: 403 when it does not match."""

    url: str = ""
    received: list[tuple[dict[str, str], Any]] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)
    secret: str | None = None
    secret_header: str = "X-Bot-Api-Secret-Token"

    async def handle(self, request: web.Request) -> web.Response:
        body = json.loads(await request.read())
        self.received.append((dict(request.headers), body))
        if self.secret is not None:
            given = request.headers.get(self.secret_header, "")
            if not hmac.compare_digest(given.encode(), self.secret.encode()):
                return web.Response(status=403)
        return web.Response(status=self.answers.pop(0) if self.answers else 200)
