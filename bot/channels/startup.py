"""Start-up calls that must not give up on a passing failure.

One 502 on getMe used to stop the bot. A start-up call (getMe, setWebhook or
deleteWebhook, setMyCommands) is now retried with a doubling wait, 1 s up to 5 min,
until it works; only what cannot get better by waiting (a rejected token) is final.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

FIRST_WAIT = 1.0
MAX_WAIT = 300.0

FailureHook = Callable[[Exception, float], Awaitable[None]]


def _never(error: Exception) -> bool:
    return False


async def retry_with_backoff(
    call: Callable[[], Awaitable[T]],
    what: str,
    *,
    final: Callable[[Exception], bool] = _never,
    on_failure: FailureHook | None = None,
    first_wait: float = FIRST_WAIT,
    max_wait: float = MAX_WAIT,
) -> T:
    """`call()` until it returns; an error for which `final(error)` is true is raised.
    `on_failure(error, wait)` hears of every other failure before the wait."""
    wait = first_wait
    while True:
        try:
            return await call()
        except Exception as error:
            if final(error):
                raise
            log.warning("%s failed (%s); trying again in %.0f s", what, error, wait)
            if on_failure is not None:
                await on_failure(error, wait)
        await asyncio.sleep(wait)
        wait = min(wait * 2, max_wait)
