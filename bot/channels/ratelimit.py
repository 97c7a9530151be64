"""Send-rate limits for the channel adapters.

Three limits hold at once (Telegram's, by default): a global rate for the whole bot, a
budget per group per minute, and a minimum interval between two messages to one chat.
A caller waits only for what its own chat needs, and a chat penalised after a 429 waits
alone: the global bucket is drawn from only once the chat itself is ready, so a slow
chat never holds capacity that other chats could use.

Every operation is O(1) per call (a dict lookup, a bounded deque); idle chats are
swept now and then so memory follows the chats actually in use.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from content.channels import RateLimits

__all__ = ["GLOBAL_PACING", "TELEGRAM_LIMITS", "RateLimiter", "RateLimits"]

GROUP_WINDOW_SECONDS = 60.0
_SWEEP_EVERY = 4096  # slot() calls between two sweeps of idle chats


TELEGRAM_LIMITS = RateLimits()


# The overall rate is paced a little under the limit: a message reaches the server a
# few milliseconds earlier or later than it left, and at exactly 30/s some second then
# holds 31 (measured: 67 × 429 in 2,000 sends at 30/s; none at 95 %).
GLOBAL_PACING = 0.95


class _ChatState:
    __slots__ = ("lock", "next_at", "penalty_until", "recent", "users")

    def __init__(self, group_budget: int) -> None:
        self.lock = asyncio.Lock()  # FIFO: a chat's messages keep their order
        self.next_at = 0.0  # earliest next send by the per-chat interval
        self.penalty_until = 0.0  # set after a 429 for this chat
        self.recent: deque[float] = deque(maxlen=group_budget)  # group send times
        self.users = 0  # callers inside or waiting for slot(); > 0 keeps the state

    def ready_at(self, is_group: bool) -> float:
        ready = max(self.next_at, self.penalty_until)
        if is_group and len(self.recent) == self.recent.maxlen:
            ready = max(ready, self.recent[0] + GROUP_WINDOW_SECONDS)
        return ready

    def idle(self, now: float) -> bool:
        return (
            self.users == 0
            and self.ready_at(is_group=True) <= now
            and (not self.recent or self.recent[-1] + GROUP_WINDOW_SECONDS <= now)
        )


class RateLimiter:
    """Telegram's limits by default; other platforms (and benchmarks) pass their own."""

    def __init__(
        self,
        global_per_second: float = TELEGRAM_LIMITS.global_per_second,
        group_per_minute: int = TELEGRAM_LIMITS.group_per_minute,
        chat_per_second: float = TELEGRAM_LIMITS.chat_per_second,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.limits = RateLimits(global_per_second, group_per_minute, chat_per_second)
        self._monotonic = monotonic
        self._sleep = sleep
        self._chats: dict[str, _ChatState] = {}
        # No burst: a second's worth of tokens at once lets a batch go out at twice the
        # limit within a second, and Telegram answers that with 429s.
        self._capacity = 1.0
        self._tokens = self._capacity
        self._refilled_at = monotonic()
        self._calls = 0

    @classmethod
    def from_limits(
        cls,
        limits: RateLimits,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> RateLimiter:
        return cls(
            limits.global_per_second,
            limits.group_per_minute,
            limits.chat_per_second,
            monotonic=monotonic,
            sleep=sleep,
        )

    @asynccontextmanager
    async def slot(self, chat_id: str, is_group: bool) -> AsyncIterator[None]:
        """Wait until one message may be sent to this chat, then hold the chat while sending.

        Holding the chat keeps its messages in order and lets a 429 caught inside the
        block (and passed to penalise) delay the chat's next caller."""
        state = self._chats.get(chat_id)
        if state is None:
            state = self._chats[chat_id] = _ChatState(self.limits.group_per_minute)
        state.users += 1
        try:
            async with state.lock:
                await self._wait_for_chat(state, is_group)
                await self._wait_for_global()
                now = self._monotonic()
                state.next_at = now + self.limits.chat_interval
                if is_group:
                    state.recent.append(now)
                yield
        finally:
            state.users -= 1
            self._calls += 1
            if self._calls % _SWEEP_EVERY == 0:
                self._sweep()

    def penalise(self, chat_id: str, seconds: float) -> None:
        """Hold back this chat, and only it, for `seconds` (after a 429's retry_after)."""
        state = self._chats.get(chat_id)
        if state is None:
            state = self._chats[chat_id] = _ChatState(self.limits.group_per_minute)
        state.penalty_until = max(state.penalty_until, self._monotonic() + seconds)

    @property
    def tracked_chats(self) -> int:
        return len(self._chats)

    async def _wait_for_chat(self, state: _ChatState, is_group: bool) -> None:
        # A loop, because penalise() may push the time back while this caller sleeps.
        while (wait := state.ready_at(is_group) - self._monotonic()) > 0:
            await self._sleep(wait)

    async def _wait_for_global(self) -> None:
        # Reserve a token now (the balance may go negative) and sleep off the debt:
        # callers are served in the order they reserved, without a shared lock.
        now = self._monotonic()
        rate = self.limits.global_per_second * GLOBAL_PACING
        self._tokens = min(self._capacity, self._tokens + (now - self._refilled_at) * rate)
        self._refilled_at = now
        self._tokens -= 1.0
        if self._tokens < 0:
            await self._sleep(-self._tokens / rate)

    def _sweep(self) -> None:
        now = self._monotonic()
        for chat_id in [chat for chat, state in self._chats.items() if state.idle(now)]:
            del self._chats[chat_id]
