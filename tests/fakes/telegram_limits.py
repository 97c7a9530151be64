"""Telegram's flood limits, enforced the way the real server does: the request is refused
with 429 and `retry_after`, and nothing is delivered.

Three sliding windows apply to every message a bot sends: all chats together (about 30
per second), one group (20 per minute), one chat (about one per second; `chat_burst`
lets a short burst through as Telegram does). Values are configurable so a benchmark can
scale them (e.g. 300/s overall). A "storm" forces 429s regardless of the windows.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field


@dataclass
class TelegramLimits:
    global_per_second: float = 30.0
    group_per_minute: int = 20
    chat_per_second: float = 1.0
    chat_burst: int = 3
    enabled: bool = True

    @classmethod
    def off(cls) -> TelegramLimits:
        return cls(enabled=False)


class _Window:
    """At most `limit` events in any `seconds`-long window."""

    def __init__(self, limit: int, seconds: float) -> None:
        self.limit = max(1, limit)
        self.seconds = seconds
        self.events: deque[float] = deque()

    def wait_needed(self, now: float) -> float:
        while self.events and self.events[0] <= now - self.seconds:
            self.events.popleft()
        if len(self.events) < self.limit:
            return 0.0
        return self.events[0] + self.seconds - now


class RateLimiter:
    def __init__(
        self, limits: TelegramLimits, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.limits = limits
        self._monotonic = monotonic
        self._global = _Window(int(limits.global_per_second), 1.0)
        self._groups: dict[Hashable, _Window] = {}
        self._chats: dict[Hashable, _Window] = {}

    def admit(self, chat_id: Hashable, *, is_group: bool) -> int | None:
        """Count one message to `chat_id`, or return the retry_after (s) if over a limit."""
        if not self.limits.enabled:
            return None
        now = self._monotonic()
        windows = [self._global, self._chat_window(chat_id)]
        if is_group:
            windows.append(self._group_window(chat_id))
        wait = max(window.wait_needed(now) for window in windows)
        if wait > 0:
            return max(1, math.ceil(wait))
        for window in windows:
            window.events.append(now)
        return None

    def _chat_window(self, chat_id: Hashable) -> _Window:
        burst = max(1, self.limits.chat_burst)
        if chat_id not in self._chats:
            self._chats[chat_id] = _Window(burst, burst / self.limits.chat_per_second)
        return self._chats[chat_id]

    def _group_window(self, chat_id: Hashable) -> _Window:
        if chat_id not in self._groups:
            self._groups[chat_id] = _Window(self.limits.group_per_minute, 60.0)
        return self._groups[chat_id]


@dataclass
class Storm:
    """Forced 429s: every `every`-th matching send, or the next `count` matching sends."""

    retry_after: int = 5
    every: int | None = None
    count: int | None = None
    chat_ids: frozenset[Hashable] | None = None
    matched: int = field(default=0, init=False)

    @classmethod
    def build(
        cls,
        retry_after: int = 5,
        *,
        every: int | None = None,
        count: int | None = None,
        chat_ids: Iterable[Hashable] | None = None,
    ) -> Storm:
        if (every is None) == (count is None):
            raise ValueError("give exactly one of every= or count=")
        chats = frozenset(chat_ids) if chat_ids is not None else None
        return cls(retry_after, every, count, chats)

    def strikes(self, chat_id: Hashable) -> bool:
        if self.chat_ids is not None and chat_id not in self.chat_ids:
            return False
        self.matched += 1
        if self.count is not None:
            if self.count > 0:
                self.count -= 1
                return True
            return False
        assert self.every is not None
        return self.matched % self.every == 0

    @property
    def over(self) -> bool:
        return self.count is not None and self.count <= 0
