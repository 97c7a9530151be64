"""What every platform's webhook endpoint does first: check the secret header and
read the body as JSON, refusing anything else."""

from __future__ import annotations

import hmac
import json
from typing import Any

from aiohttp import web


def secret_matches(provided: str | None, expected: str) -> bool:
    """Constant-time comparison of a webhook's secret header with ours."""
    if provided is None:
        return False
    return hmac.compare_digest(provided.encode(), expected.encode())


async def read_json(request: web.Request) -> Any:
    """The request body as JSON; 400 when it is not JSON, 413 when over the size limit."""
    body = await request.read()  # aiohttp raises HTTPRequestEntityTooLarge past the limit
    try:
        return json.loads(body)
    except ValueError:  # JSONDecodeError and UnicodeDecodeError alike
        raise web.HTTPBadRequest(text="invalid JSON") from None
