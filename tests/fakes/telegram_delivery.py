"""How the fake Telegram hands updates to the bot: a getUpdates queue or a webhook.

Semantics follow the Bot API: an update stays queued until a getUpdates call with a
higher `offset` confirms it (a negative offset keeps only the last ones); a second
concurrent getUpdates terminates the first with 409; getUpdates answers 409 while a
webhook is set; `allowed_updates` is remembered and filters updates created afterwards.
With a webhook, each update is POSTed in order and retried until the bot answers 2xx.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from ._common import ApiError

Json = dict[str, Any]

# chat_member, message_reaction and message_reaction_count must be asked for explicitly.
NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
CONFLICT_POLLER = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)


def update_type(update: Json) -> str:
    return next(key for key in update if key != "update_id")


class UpdateQueue:
    def __init__(self) -> None:
        self.pending: list[Json] = []
        self.allowed: frozenset[str] | None = None  # None: all but NOT_BY_DEFAULT
        self.filtered: list[Json] = []  # updates the bot did not ask for
        self.webhook_active: Callable[[], bool] = lambda: False
        self._changed = asyncio.Event()
        self._poller: object | None = None

    @property
    def polling(self) -> bool:
        """A getUpdates call is waiting right now."""
        return self._poller is not None

    def allows(self, kind: str) -> bool:
        if self.allowed is None:
            return kind not in NOT_BY_DEFAULT
        return kind in self.allowed

    def set_allowed(self, kinds: Iterable[str] | None) -> None:
        if kinds is not None:
            chosen = frozenset(kinds)
            self.allowed = chosen or None  # an empty list means "the default set"

    def push(self, update: Json) -> bool:
        if not self.allows(update_type(update)):
            self.filtered.append(update)
            return False
        self.pending.append(update)
        self.notify()
        return True

    def confirm(self, offset: int) -> None:
        if offset < 0:
            del self.pending[:offset]
        else:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]

    def drop_all(self) -> None:
        self.pending.clear()

    def notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_changed(self) -> None:
        await self._changed.wait()

    async def poll(
        self, *, offset: int | None, limit: int, wait: float, allowed: list[str] | None
    ) -> list[Json]:
        if self.webhook_active():
            raise ApiError(409, CONFLICT_WEBHOOK)
        if not 1 <= limit <= 100:
            limit = 100
        self.set_allowed(allowed)
        if offset:
            self.confirm(offset)
        me = object()
        self._poller = me
        self.notify()  # wakes an older poller, which then sees it was superseded
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(0.0, wait)
        try:
            while True:
                if self._poller is not me:
                    raise ApiError(409, CONFLICT_POLLER)
                if self.webhook_active():
                    raise ApiError(409, CONFLICT_WEBHOOK)
                if self.pending:
                    return self.pending[:limit]
                remaining = deadline - loop.time()
                if remaining <= 0:
                    return []
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), remaining)
        finally:
            if self._poller is me:
                self._poller = None


@dataclass
class WebhookConfig:
    url: str
    secret_token: str | None
    max_connections: int = 40
    set_at: int = 0


@dataclass
class WebhookDelivery:
    update_id: int
    url: str
    status: int | None  # None: the connection failed
    error: str | None
    headers: dict[str, str] = field(default_factory=dict)


class WebhookDeliverer:
    """Posts queued updates to the webhook one by one, retrying failures with backoff."""

    def __init__(
        self,
        queue: UpdateQueue,
        clock: Callable[[], float],
        *,
        retry_delay: float = 0.2,
        max_retry_delay: float = 2.0,
        request_timeout: float = 10.0,
    ) -> None:
        self.queue = queue
        self.clock = clock
        self.retry_delay = retry_delay
        self.max_retry_delay = max_retry_delay
        self.request_timeout = request_timeout
        self.config: WebhookConfig | None = None
        self.deliveries: list[WebhookDelivery] = []
        self.last_error_date: int | None = None
        self.last_error_message: str | None = None
        self._session: aiohttp.ClientSession | None = None
        self._task: asyncio.Task[None] | None = None
        queue.webhook_active = lambda: self.config is not None

    def attach(self, session: aiohttp.ClientSession | None) -> None:
        """Give the HTTP session to post with (None when the server stops)."""
        self._session = session
        self._restart()

    def set(self, config: WebhookConfig) -> None:
        self.config = config
        self.last_error_date = self.last_error_message = None
        self.queue.notify()  # a waiting getUpdates now answers 409
        self._restart()

    def delete(self) -> None:
        self.config = None
        self._restart()

    async def close(self) -> None:
        self._session = None
        await self._cancel()

    def _restart(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        if self.config is not None and self._session is not None:
            self._task = asyncio.get_running_loop().create_task(self._run(self.config))

    async def _cancel(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self, config: WebhookConfig) -> None:
        delay = self.retry_delay
        while True:
            if not self.queue.pending:
                await self.queue.wait_changed()
                continue
            update = self.queue.pending[0]
            if await self._post(config, update):
                if self.queue.pending and self.queue.pending[0] is update:
                    self.queue.pending.pop(0)
                delay = self.retry_delay
            else:
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.max_retry_delay)

    async def _post(self, config: WebhookConfig, update: Json) -> bool:
        assert self._session is not None
        headers = {"Content-Type": "application/json"}
        if config.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = config.secret_token
        body = json.dumps(update, ensure_ascii=False).encode()
        status: int | None = None
        error: str | None = None
        try:
            timeout = aiohttp.ClientTimeout(total=self.request_timeout)
            async with self._session.post(
                config.url, data=body, headers=headers, timeout=timeout
            ) as response:
                status = response.status
                if not 200 <= status < 300:
                    error = f"Wrong response from the webhook: {status} {response.reason}"
        except TimeoutError:
            error = "Read timeout expired"
        except aiohttp.ClientError as exc:
            error = f"Connection failed: {exc.__class__.__name__}"
        self.deliveries.append(
            WebhookDelivery(update["update_id"], config.url, status, error, headers)
        )
        if error is not None:
            self.last_error_date = int(self.clock())
            self.last_error_message = error
            return False
        return True

    def info(self) -> Json:
        if self.config is None:
            return {
                "url": "",
                "has_custom_certificate": False,
                "pending_update_count": len(self.queue.pending),
            }
        info: Json = {
            "url": self.config.url,
            "has_custom_certificate": False,
            "pending_update_count": len(self.queue.pending),
            "max_connections": self.config.max_connections,
            "ip_address": "127.0.0.1",
        }
        if self.queue.allowed is not None:
            info["allowed_updates"] = sorted(self.queue.allowed)
        if self.last_error_date is not None:
            info["last_error_date"] = self.last_error_date
            info["last_error_message"] = self.last_error_message
        return info
