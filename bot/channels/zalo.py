"""The Zalo Bot Platform channel, on plain aiohttp.

Zalo's Bot API looks like Telegram's but differs where it hurts: getUpdates has no
offset (the same update can come twice, so every update is stored under its message_id,
unique in the database, before it is handled), 408 means "nothing new", there are no
buttons and no edits, texts stop at 2,000 characters, and in groups the bot only sees
messages that quote or mention it. The token sits in the URL path, so no URL and no
library error text is ever logged or raised: errors name only the type of failure.

A message longer than 2,000 characters goes out in parts; each part delivered is
recorded with the outbox row before the next goes, so a retry, or a restart after a
kill, resumes at the first part not delivered: nothing is lost and nothing is sent twice.
Every send keeps to the monthly quota (zalo_quota.py). Updates become Events in
zalo_updates.py, messages become API calls in zalo_content.py, errors are mapped in
zalo_errors.py.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
from aiohttp import web

from bot.channels import inbound
from bot.channels.ratelimit import RateLimiter
from bot.channels.replies import TurnReplies, own_dispatcher
from bot.channels.webhook import read_json, secret_matches
from bot.channels.zalo_content import Part, compose_replies, plan_parts
from bot.channels.zalo_errors import ZaloApiError, delivery_error
from bot.channels.zalo_quota import AdminAlert, ZaloQuota
from bot.channels.zalo_updates import (
    NAME,
    URL_PATTERN,
    to_event,
    unwrap_update,
    update_key,
    updates_in,
)
from bot.config import Config
from bot.logging_setup import register_secrets
from bot.storage import updates
from bot.storage.db import Database
from content.clock import Clock
from content.due import ALERT
from handlers.context import EventHandler
from scheduler.delivery import (
    ChannelDown,
    DeliveryError,
    FileTooLarge,
    Outgoing,
    PartHook,
    Rejected,
    RetryLater,
    WebRoutes,
)
from scheduler.dispatcher import Dispatcher

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhook/zalo"
SECRET_HEADER = "X-Bot-Api-Secret-Token"
SECRET_LENGTH = (8, 256)  # what setWebhook accepts
POLL_TIMEOUT_SECONDS = 30
MIN_POLL_INTERVAL = 1.0  # Zalo asks for no more than one getUpdates a second
MAX_POLL_BACKOFF = 60.0
STOP_GRACE = 5.0  # seconds in-flight updates get to finish at stop()


class ZaloChannel:
    name = NAME
    username: str | None = None  # Zalo has no deep links

    def __init__(
        self,
        config: Config,
        database: Database,
        on_event: EventHandler,
        clock: Clock,
        secret: str | None,
        alert_admins: AdminAlert | None = None,
        limiter: RateLimiter | None = None,
        dispatcher: Dispatcher | None = None,
    ) -> None:
        """`secret`: the webhook secret in use (configured, or generated and stored).
        `alert_admins(text, key)`: tells the plan admins; the key de-duplicates.
        `dispatcher` sends the replies (the app's; by default one of its own)."""
        if not config.zalo_token:
            raise ValueError("ZaloChannel needs LOA_ZALO_TOKEN")
        self._token = config.zalo_token.get_secret_value()
        self._api = config.zalo_api_url.rstrip("/")
        self._webhook_base = config.webhook_base_url
        self._secret = secret
        register_secrets([self._token, secret])  # also covers other libraries' log lines
        self.database = database
        self.on_event = on_event
        self.clock = clock
        self.quota = ZaloQuota(
            database,
            clock,
            NAME,
            config.zalo_monthly_quota,
            config.zalo_quota_reserve,
            alert_admins,
        )
        # Zalo publishes no rate limits; these stay well under what a chat app allows.
        self.limiter = limiter or RateLimiter(
            global_per_second=10, group_per_minute=20, chat_per_second=1
        )
        self._session: aiohttp.ClientSession | None = None
        self._poller: asyncio.Task[None] | None = None
        self._updates = inbound.ChatOrderedHandler(database, clock, NAME)
        self.account_name = ""
        self.running = False
        self.dispatcher = dispatcher or own_dispatcher(database, self.clock, self)

    @property
    def mode(self) -> str:
        return "webhook" if self._webhook_base else "polling"

    def health(self) -> dict[str, Any]:
        return {"running": self.running, "mode": self.mode, "alive": self.running}

    def _scrub(self, text: str) -> str:
        return text.replace(self._token, "<redacted>")

    async def call(
        self, method: str, body: dict[str, Any] | None = None, seconds: float = 30
    ) -> Any:
        """One API call; the result, or ZaloApiError (whose text never holds the token)."""
        if self._session is None:
            raise RuntimeError("the Zalo channel is not started")
        url = f"{self._api}/bot{self._token}/{method}"
        failure: str | None = None
        try:
            async with self._session.post(
                url, json=body or {}, timeout=aiohttp.ClientTimeout(total=seconds)
            ) as response:
                status = response.status
                try:
                    data = await response.json(content_type=None)
                except ValueError:  # not JSON (a proxy's error page)
                    data = None
        except (aiohttp.ClientError, TimeoutError) as error:
            # aiohttp's messages may quote the URL, which holds the token: keep the type only.
            failure = type(error).__name__
        if failure is not None:  # raised outside the except block: no __context__ either
            raise ZaloApiError(0, None, f"network error ({failure})")
        if status == 200 and isinstance(data, dict) and data.get("ok"):
            return data.get("result")
        data = data if isinstance(data, dict) else {}
        code = data.get("error_code")
        description = self._scrub(str(data.get("description") or f"HTTP {status}"))
        raise ZaloApiError(status, code if isinstance(code, int) else status, description)

    # --- lifecycle -----------------------------------------------------------------------------

    async def start(self, web_server: WebRoutes | None = None) -> None:
        """Check the token, poll or register the webhook, then handle the updates stored
        before a stop and never handled.

        Raises ChannelDown with a clear reason when the channel cannot work (a rejected
        token, a webhook setting Zalo would refuse), RetryLater when Zalo could not be
        reached or failed (the app tries again); a failed start leaves nothing running."""
        if self._webhook_base:
            if web_server is None:
                raise ChannelDown("Zalo webhooks need Loa's web server")
            low, high = SECRET_LENGTH
            if not self._secret or not low <= len(self._secret) <= high:
                raise ChannelDown(
                    f"Zalo webhooks need LOA_WEBHOOK_SECRET of {low} to {high} characters"
                )
        self._session = aiohttp.ClientSession()
        try:
            me = await self.call("getMe")
            self.account_name = str((me or {}).get("account_name", ""))
            if web_server is not None and self._webhook_base:
                # The route exists before Zalo learns the URL, so no early update is refused.
                web_server.add_post_route(WEBHOOK_PATH, self._webhook)
                await self.call(
                    "setWebhook",
                    {"url": f"{self._webhook_base}{WEBHOOK_PATH}", "secret_token": self._secret},
                )
            else:
                await self.call("deleteWebhook")  # getUpdates answers nothing while one is set
        except ZaloApiError as error:
            await self._close_session()
            if error.code == 401:
                raise ChannelDown(
                    "Zalo rejected the bot token (401): check LOA_ZALO_TOKEN"
                ) from None
            raise RetryLater(f"Zalo {self.mode} start-up failed: {error}") from None
        for row in await updates.unprocessed(self.database, NAME):
            assert row.id is not None
            self._schedule(row.id, row.payload)  # stored before a crash, never handled
        if not self._webhook_base:
            self._poller = asyncio.create_task(self._poll(), name="zalo-polling")
        self.running = True
        log.info("Zalo bot %s connected (%s)", self.account_name, self.mode)

    async def stop(self) -> None:
        """Stop receiving, give in-flight updates a moment, close the HTTP client. Updates
        cut short stay unprocessed in the store and are handled at the next start."""
        self.running = False
        if self._poller is not None:
            self._poller.cancel()
            await asyncio.gather(self._poller, return_exceptions=True)
            self._poller = None
        await self._updates.drain(STOP_GRACE)
        await self._close_session()

    async def _close_session(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    # --- receiving -----------------------------------------------------------------------------

    async def _poll(self) -> None:
        loop = asyncio.get_running_loop()
        backoff = 1.0
        unstored: list[dict[str, Any]] = []  # fetched, not yet stored: getUpdates won't repeat
        while True:
            started = loop.time()
            try:
                if not unstored:
                    unstored = updates_in(
                        await self.call(
                            "getUpdates",
                            {"timeout": str(POLL_TIMEOUT_SECONDS)},
                            seconds=POLL_TIMEOUT_SECONDS + 10,
                        )
                    )
                while unstored:
                    await self._accept(unstored[0])
                    unstored.pop(0)
                backoff = 1.0
            except ZaloApiError as error:
                if error.code == 401:
                    log.error(
                        "Zalo rejected the bot token (401): polling stopped; "
                        "set a valid LOA_ZALO_TOKEN and restart Loa"
                    )
                    self.running = False
                    return
                if error.code == 429:
                    await asyncio.sleep(await self.quota.exceeded())
                elif error.code != 408:  # 408: nothing new, the normal end of a long poll
                    log.warning("Zalo getUpdates failed (%s); retrying in %.0f s", error, backoff)
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, MAX_POLL_BACKOFF)
            except Exception:  # the database could not store the update: keep it, try again
                log.exception("Zalo: could not store an update; retrying in %.0f s", backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_POLL_BACKOFF)
            await asyncio.sleep(max(0.0, MIN_POLL_INTERVAL - (loop.time() - started)))

    async def _webhook(self, request: web.Request) -> web.Response:
        if not self._secret or not secret_matches(request.headers.get(SECRET_HEADER), self._secret):
            log.warning("Zalo webhook: refused a request without the right secret")
            return web.json_response({"ok": False, "description": "forbidden"}, status=403)
        if self._session is None:  # stopped, or its start failed: Zalo may try again later
            return web.json_response({"ok": False, "description": "stopped"}, status=503)
        update = unwrap_update(await read_json(request))
        if update is None:
            return web.json_response({"ok": False, "description": "not an update"}, status=400)
        try:
            await self._accept(update)
        except Exception:
            # Not stored: an error answer lets Zalo deliver it again.
            log.exception("Zalo webhook: could not store an update")
            return web.json_response({"ok": False, "description": "not stored"}, status=500)
        return web.json_response({"ok": True})

    async def _accept(self, update: dict[str, Any]) -> bool:
        """Store the update, then have it handled in the background; False for a repeat."""
        key = update_key(update)
        row_id = await updates.record(self.database, NAME, key, update, self.clock.now())
        if row_id is None:
            log.debug("Zalo update %s seen before: dropped", key)
            return False
        self._schedule(row_id, update)
        return True

    def _schedule(self, row_id: int, update: dict[str, Any]) -> None:
        chat = (update.get("message") or {}).get("chat") or {}

        async def handle(mark: updates.HandledMark) -> None:
            event = to_event(update, self.clock.now())
            if event is None:
                return
            turn = TurnReplies(
                self.dispatcher,
                self.clock,
                NAME,
                update_key(update),
                lambda replies: compose_replies(event, replies),
                mark,
            )
            await self.on_event(event, turn.finish)
            await turn.send()

        self._updates.schedule(row_id, str(chat.get("id") or ""), handle)

    # --- sending -------------------------------------------------------------------------------

    async def deliver(self, message: Outgoing, on_part: PartHook | None = None) -> list[str]:
        """Send an outbox row; the ids of all its parts. Raises a DeliveryError.

        A retry of a split text starts after the parts an earlier attempt delivered
        (message.parts_sent); `on_part` records each part but the last as it goes."""
        parts = plan_parts(message)
        if not parts:
            raise Rejected("nothing to send: the message is empty")
        done = len(message.parts_sent) if len(message.parts_sent) < len(parts) else 0
        if done:
            log.info(
                "Zalo chat %s: resuming a message at part %d/%d",
                message.chat_id,
                done + 1,
                len(parts),
            )
        ids = list(message.parts_sent[:done])
        for index in range(done, len(parts)):
            ids.append(await self._send(message.chat_id, parts[index], message.kind == ALERT))
            if on_part is not None and index < len(parts) - 1:
                await on_part(ids)
        return ids

    async def fetch_file(self, file_ref: str, max_bytes: int) -> bytes:
        """A photo someone sent: Zalo gives its URL on its image servers (no token in it).
        Read at most `max_bytes`; 5xx and network trouble are passing, 4xx are final."""
        if self._session is None:
            raise RetryLater("the Zalo channel is not started", None, per_chat=False)
        if not URL_PATTERN.match(file_ref):
            raise Rejected("not a photo URL")
        failure: str | None = None
        try:
            async with self._session.get(
                file_ref, timeout=aiohttp.ClientTimeout(total=120)
            ) as response:
                if response.status >= 500 or response.status == 429:
                    raise RetryLater(f"Zalo image server answered {response.status}", None)
                if response.status >= 400:
                    raise Rejected(f"Zalo image server answered {response.status}")
                if response.content_length is not None and response.content_length > max_bytes:
                    raise FileTooLarge(f"{response.content_length} bytes", response.content_length)
                received = bytearray()
                async for chunk in response.content.iter_chunked(64 * 1024):
                    received += chunk
                    if len(received) > max_bytes:
                        break
                data = bytes(received)
        except (aiohttp.ClientError, TimeoutError) as error:
            failure = type(error).__name__
        if failure is not None:
            raise RetryLater(f"Zalo image download failed ({failure})", None)
        if len(data) > max_bytes:
            raise FileTooLarge(f"more than {max_bytes} bytes")
        return data

    async def _send(self, chat_id: str, part: Part, alert: bool) -> str:
        """One send call through the quota and the limiter; its message id."""
        failure: ZaloApiError | None = None
        async with self.quota.sending(alert):
            async with self.limiter.slot(chat_id, is_group=True):
                try:
                    result = await self.call(part.method, part.body)
                except ZaloApiError as error:
                    failure = error
            if failure is None:
                await self.quota.delivered()  # counted before the next check can pass
        if failure is not None:
            raise await self._send_failed(failure)
        return str((result or {}).get("message_id", "")) if isinstance(result, dict) else ""

    async def _send_failed(self, error: ZaloApiError) -> DeliveryError:
        if error.code == 401:
            log.error(
                "Zalo rejected the bot token (401): the Zalo channel stops; "
                "set a valid LOA_ZALO_TOKEN and restart Loa"
            )
            self.running = False
        if error.code == 429:
            pause = await self.quota.exceeded()
            return RetryLater(f"Zalo quota exceeded (429): {error.description}", pause, False)
        return delivery_error(error)
