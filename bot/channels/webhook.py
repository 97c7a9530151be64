"""What every platform's webhook endpoint does first: check the secret header, then
read the body (within `BODY_TIMEOUT`) as JSON of bounded depth, refusing anything else.

Whoever holds the secret can post anything, and the body is stored as it came: so it
must be JSON the database can store and Loa can walk without recursion trouble (no
NaN or infinite numbers, no unpaired surrogates, at most `MAX_DEPTH` levels). A client
that resets or closes the connection mid-body gets no answer and a one-line log.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import math
from typing import Any

import pydantic_core
from aiohttp import web

log = logging.getLogger(__name__)

BODY_TIMEOUT = 10.0  # seconds for the whole body once the headers are in
# Telegram's updates nest about eight levels (a button inside a quoted message).
MAX_DEPTH = 32


def secret_matches(provided: str | None, expected: str) -> bool:
    """Constant-time comparison of a webhook's secret header with ours."""
    if provided is None:
        return False
    return hmac.compare_digest(provided.encode(), expected.encode())


async def read_json(request: web.Request) -> Any:
    """The request body as JSON: 400 when it is not JSON Loa stores, 408 when it is not
    in within BODY_TIMEOUT, 413 when over the size limit."""
    try:
        async with asyncio.timeout(BODY_TIMEOUT):
            body = await request.read()  # aiohttp raises HTTPRequestEntityTooLarge past the limit
    except TimeoutError:
        log.info("webhook %s: body not received within %.0f s", request.path, BODY_TIMEOUT)
        raise web.HTTPRequestTimeout(text="body too slow") from None
    except ConnectionError:
        log.info("webhook %s: the client closed the connection mid-body", request.path)
        raise web.HTTPBadRequest(text="connection closed") from None  # nobody reads it
    return parse_json(body)


def parse_json(body: bytes) -> Any:
    """JSON as the database can store it; HTTPBadRequest otherwise."""
    try:
        # pydantic-core's parser refuses NaN, unpaired surrogates and invalid UTF-8, and
        # stops at 200 levels without recursing in Python (json.loads would raise
        # RecursionError at about 1,000).
        data = pydantic_core.from_json(body, allow_inf_nan=False)
    except ValueError:
        raise web.HTTPBadRequest(text="invalid JSON") from None
    problem = _storable(data)
    if problem:
        raise web.HTTPBadRequest(text=problem)
    return data


def _storable(data: Any) -> str | None:
    """Why `data` cannot be stored as it is, or None."""
    pending: list[tuple[Any, int]] = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            if isinstance(value, float) and not math.isfinite(value):
                return "number out of range"  # 1e400: JSON has no infinity
            continue
        if depth > MAX_DEPTH:
            return f"nested deeper than {MAX_DEPTH} levels"
        pending.extend((child, depth + 1) for child in children)
    return None
