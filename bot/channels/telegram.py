"""The Telegram channel: python-telegram-bot (v22) for the Bot API, Loa's own update loop.
(Over 400 lines: lifecycle and receiving share the bot's state; the rest is in telegram_*.py.)

Updates come by long polling (no public URL) or by webhook on Loa's aiohttp server
(LOA_WEBHOOK_BASE_URL set). Either way an update is stored in `inbound` before it is
acknowledged (before the next getUpdates offset moves past it, or before the webhook
answers 200), duplicates are dropped by update_id, and one chat's updates are handled
in order while other chats go on. That is why Loa polls with its own small loop instead
of PTB's Updater, which confirms updates to Telegram before anyone has stored them.

Updates become Events in telegram_updates.py. In groups with privacy mode on (the
default) and no admin rights, the bot sees only commands addressed to it, replies to its
own messages and button presses. That covers everything Loa needs: `/xong 2`, a reply
"xong" to a reminder, the ✅ buttons.

Every message goes through the rate limiter (Telegram: 30/s overall, 20/min per group,
1/s per chat). A 429 penalises only its chat. PTB's AIORateLimiter is not used: on a
429 it pauses every request of the bot.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import Sequence
from typing import Any, Literal

from aiohttp import web as aiohttp_web
from telegram import (
    BotCommand,
    Update,
)
from telegram.error import (
    BadRequest,
    InvalidToken,
    RetryAfter,
    TelegramError,
)
from telegram.ext import Application, ApplicationBuilder, ExtBot

from bot.channels import inbound
from bot.channels.ratelimit import TELEGRAM_LIMITS, RateLimiter, RateLimits
from bot.channels.replies import TurnReplies, own_dispatcher
from bot.channels.startup import retry_with_backoff
from bot.channels.telegram_errors import retry_seconds
from bot.channels.telegram_request import AiohttpRequest, UpdatesRequest
from bot.channels.telegram_sender import TelegramSender
from bot.channels.telegram_turns import TurnAnswer, compose, edit_in_place
from bot.channels.telegram_updates import NAME, update_to_event
from bot.channels.update_schemas import TelegramUpdate, shape_problem
from bot.channels.webhook import read_json, secret_matches
from bot.config import Config
from bot.logging_setup import redact, register_secrets
from bot.storage import updates
from bot.storage.db import Database
from content.clock import Clock
from handlers.context import EventHandler
from handlers.events import Event, Reply
from scheduler.delivery import (
    ChannelDown,
    DeliveryError,
    Outgoing,
    PartHook,
    RetryLater,
    WebRoutes,
)
from scheduler.dispatcher import Dispatcher

log = logging.getLogger(__name__)

# PTB 22 moves durations (RetryAfter.retry_after among them) from int seconds to
# timedelta and asks programs to opt in with this variable, which it reads on every
# access; without it each 429 warns. An explicit PTB_TIMEDELTA=false is respected.
os.environ.setdefault("PTB_TIMEDELTA", "true")

ALLOWED_UPDATES = ("message", "callback_query", "my_chat_member")
WEBHOOK_PATH = "/webhook/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
POLL_TIMEOUT = 30  # seconds Telegram holds a getUpdates call open
MAX_POLL_BACKOFF = 60.0
STOP_GRACE = 5.0  # seconds in-flight updates get to finish at stop()
ERROR_TEXT = "Xin lỗi, Loa gặp lỗi khi xử lý yêu cầu này. Vui lòng thử lại sau."

_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")  # what setMyCommands accepts
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


def limits_from_config(config: Config) -> RateLimits:
    """Telegram's limits, or LOA_TELEGRAM_LIMITS="GLOBAL/s,GROUP/min,CHAT/s" (benchmarks)."""
    return config.telegram_limits or TELEGRAM_LIMITS


class TelegramChannel:
    name = NAME

    def __init__(
        self,
        config: Config,
        database: Database,
        on_event: EventHandler,
        commands: Sequence[tuple[str, str, str]] = (),
        clock: Clock | None = None,
        webhook_secret: str | None = None,
        *,
        limiter: RateLimiter | None = None,
        dispatcher: Dispatcher | None = None,
    ) -> None:
        """`commands`: (command, Vietnamese description, English description), for the
        menu. `webhook_secret`: the secret in use (generated and stored when
        LOA_WEBHOOK_SECRET is unset); defaults to the configured one. `dispatcher`
        sends the replies (the app's, shared with the engine; by default one of its
        own)."""
        if not config.telegram_token:
            raise ValueError("LOA_TELEGRAM_TOKEN is not set")
        for command, vietnamese, english in commands:
            if not _COMMAND_NAME.fullmatch(command):
                raise ValueError(f"Telegram commands must match [a-z0-9_]{{1,32}}: {command!r}")
            if not (0 < len(vietnamese) <= 256 and 0 < len(english) <= 256):
                raise ValueError(f"command /{command} needs descriptions of 1-256 characters")
        configured = config.webhook_secret
        self.webhook_secret = webhook_secret or (
            configured.get_secret_value() if configured is not None else None
        )
        token = config.telegram_token.get_secret_value()
        register_secrets([token, self.webhook_secret])
        self.config = config
        self.database = database
        self.on_event = on_event
        self.commands = tuple(commands)
        self.limiter = limiter or RateLimiter.from_limits(limits_from_config(config))
        self.clock = clock or Clock(config.now)
        api = config.telegram_api_url.rstrip("/")
        self._updates_request = UpdatesRequest()
        self._application: Application[Any, Any, Any, Any, Any, Any] = (
            ApplicationBuilder()
            .token(token)
            .base_url(f"{api}/bot")
            .base_file_url(f"{api}/file/bot")
            .job_queue(None)
            .updater(None)
            # A few kept-alive connections serve 30 msg/s; more gain nothing. Sends wait
            # for a free one rather than fail.
            .request(AiohttpRequest(16, pool_timeout=30))
            .get_updates_request(self._updates_request)
            .build()
        )
        self._running = False
        self._poller: asyncio.Task[None] | None = None
        self._menu: asyncio.Task[None] | None = None
        self._updates = inbound.ChatOrderedHandler(database, self.clock, NAME)
        self.sender = TelegramSender(self._application.bot, self.limiter)
        self.dispatcher = dispatcher or own_dispatcher(database, self.clock, self)

    # --- lifecycle ---------------------------------------------------------------------------

    @property
    def bot(self) -> ExtBot[Any]:
        return self._application.bot

    @property
    def username(self) -> str | None:
        """The bot's @username without the @ (for t.me links), known after start()."""
        try:
            return self.bot.username
        except RuntimeError:  # PTB raises until getMe has answered
            return None

    @property
    def mode(self) -> Literal["polling", "webhook"]:
        return "webhook" if self.config.uses_webhooks else "polling"

    @property
    def running(self) -> bool:
        if self.mode == "polling":
            return self._running and self._poller is not None and not self._poller.done()
        return self._running

    def health(self) -> dict[str, Any]:
        return {"running": self.running, "mode": self.mode}

    async def start(self, web: WebRoutes | None = None) -> None:
        """Check the token (getMe), then receive updates; the command menu is
        registered in the background. Raises ChannelDown for a rejected token or an
        unusable webhook setting, RetryLater when Telegram could not be reached (the
        app tries again); a failed start leaves nothing running."""
        if self.config.uses_webhooks:
            self._check_webhook_config(web)
        failure: DeliveryError | None = None
        try:
            await self._application.initialize()
            log.info("Telegram bot @%s connected (%s)", self.username, self.mode)
            if web is not None and self.config.uses_webhooks:
                await self._start_webhook(web)
            else:
                await self.bot.delete_webhook(drop_pending_updates=False)
        except InvalidToken:
            log.error(
                "Telegram rejected the bot token: check LOA_TELEGRAM_TOKEN "
                "(and LOA_TELEGRAM_API_URL); the Telegram channel is off"
            )
            failure = ChannelDown("Telegram rejected the bot token (LOA_TELEGRAM_TOKEN)")
        except TelegramError as error:
            failure = RetryLater(f"Telegram start-up failed: {redact(str(error))}")
        if failure is not None:
            # Raised outside the except block: PTB's message quotes the token, so it must
            # not be chained, not even as __context__.
            await self._application.shutdown()
            await self.bot.shutdown()  # the HTTP clients, when getMe itself failed
            raise failure
        for row in await updates.unprocessed(self.database, NAME):
            assert row.id is not None
            self._schedule(row.id, row.event_key, row.payload)  # stored, never handled
        if not self.config.uses_webhooks:
            self._poller = asyncio.create_task(self._poll(), name="telegram-polling")
        if self.commands:
            self._menu = asyncio.create_task(self._register_commands(), name="telegram-menu")
        self._running = True

    async def _register_commands(self) -> None:
        """setMyCommands (Vietnamese, then English), retried until Telegram takes it:
        the menu is a convenience, so the bot works meanwhile."""

        async def register() -> None:
            await self.bot.set_my_commands([BotCommand(c, vi) for c, vi, _ in self.commands])
            await self.bot.set_my_commands(
                [BotCommand(c, en) for c, _, en in self.commands], language_code="en"
            )

        def final(error: Exception) -> bool:
            return isinstance(error, InvalidToken | BadRequest)

        try:
            await retry_with_backoff(register, "Telegram command menu", final=final)
        except TelegramError as error:
            log.error("Telegram: could not register the command menu: %s", redact(str(error)))

    def _check_webhook_config(self, web: WebRoutes | None) -> None:
        if web is None:
            raise ChannelDown("Telegram webhooks need Loa's web server")
        secret = self.webhook_secret
        if not secret or not _WEBHOOK_SECRET.fullmatch(secret):
            raise ChannelDown(
                "LOA_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and - "
                "for Telegram webhooks"
            )

    async def _start_webhook(self, web: WebRoutes) -> None:
        # The route exists before Telegram learns the URL, so no early update is refused.
        web.add_post_route(WEBHOOK_PATH, self._webhook)
        await self.bot.set_webhook(
            url=f"{self.config.webhook_base_url}{WEBHOOK_PATH}",
            secret_token=self.webhook_secret,
            allowed_updates=list(ALLOWED_UPDATES),
        )

    async def stop(self) -> None:
        """Stop receiving, give in-flight updates a moment, close the HTTP clients.

        The webhook stays registered: Telegram keeps the updates until Loa is back.
        Updates cut short stay unprocessed in the store and are handled at next start."""
        self._running = False
        for task in (self._poller, self._menu):
            if task is not None:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        self._poller = self._menu = None
        await self._updates.drain(STOP_GRACE)
        await self._application.shutdown()

    # --- receiving -----------------------------------------------------------------------------

    async def _poll(self) -> None:
        offset: int | None = None
        backoff = 1.0
        while True:
            try:
                batch = await self.bot.get_updates(
                    offset=offset, timeout=POLL_TIMEOUT, allowed_updates=list(ALLOWED_UPDATES)
                )
                payloads = self._updates_request.take_updates()
                if batch:
                    await self._accept(self._as_sent(payloads, batch), batch)
                    # Only stored updates are confirmed, by the next call's offset.
                    offset = batch[-1].update_id + 1
                backoff = 1.0
            except InvalidToken:
                log.error("Telegram rejected the bot token while polling; polling stopped")
                return
            except RetryAfter as error:
                await asyncio.sleep(retry_seconds(error))
            except Exception as error:  # network trouble, a 5xx, a Conflict, the database
                log.warning("Telegram polling failed (%s); retrying in %.0f s", error, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_POLL_BACKOFF)

    @staticmethod
    def _as_sent(payloads: list[dict[str, Any]], updates: Sequence[Update]) -> list[dict[str, Any]]:
        """The updates' JSON as Telegram sent it; PTB's rendering if the two disagree."""
        if [payload.get("update_id") for payload in payloads] == [u.update_id for u in updates]:
            return payloads
        return [update.to_dict() for update in updates]

    async def _webhook(self, request: aiohttp_web.Request) -> aiohttp_web.Response:
        secret = self.webhook_secret or ""
        if not secret or not secret_matches(request.headers.get(SECRET_HEADER), secret):
            log.warning("Telegram webhook: refused a request without the right secret")
            return aiohttp_web.Response(status=403, text="forbidden")
        payload = await read_json(request)
        update = self._readable(payload)
        if update is None:
            return aiohttp_web.Response(status=400, text="not a Telegram update")
        try:
            await self._accept([payload], [update])
        except Exception:
            # Not stored: a 500 makes Telegram deliver the update again later.
            log.exception("Telegram webhook: could not store update %s", payload["update_id"])
            return aiohttp_web.Response(status=500, text="not stored")
        return aiohttp_web.Response(text="ok")

    def _readable(self, payload: Any) -> Update | None:
        """The update a webhook body holds; None (logged) when it is not an update Loa
        can read: checked before it is stored, since a stored update is retried."""
        problem = shape_problem(TelegramUpdate, payload)
        if problem is None:
            try:
                update = Update.de_json(payload, self.bot)
                self.to_event(update)  # pure; e.g. an entity offset inside a character
                return update
            except Exception as error:  # PTB reading a field Loa does not check itself
                problem = " ".join(f"{type(error).__name__}: {error}".split())
        log.warning("Telegram webhook: refused a body that is no update (%.200s)", problem)
        return None

    async def _accept(
        self, payloads: Sequence[dict[str, Any]], parsed: Sequence[Update] | None = None
    ) -> None:
        """Store updates (one transaction), then have them handled in the background;
        drop the ones seen before. `parsed`: the same updates already read by PTB."""
        keyed = [(str(payload["update_id"]), payload) for payload in payloads]
        stored = await updates.record_many(self.database, NAME, keyed, self.clock.now())
        for index, (key, payload) in enumerate(keyed):
            row_id = stored.pop(key, None)
            if row_id is None:
                log.debug("Telegram update %s seen before: dropped", key)
                continue
            self._schedule(row_id, key, payload, parsed[index] if parsed else None)

    def _schedule(
        self, row_id: int, key: str, payload: dict[str, Any], update: Update | None = None
    ) -> None:
        if update is None:
            try:
                update = Update.de_json(payload, self.bot)
            except Exception:
                log.warning("Telegram update %s could not be read: ignored", row_id, exc_info=True)
        chat = update.effective_chat if update else None

        async def handle(mark: updates.HandledMark) -> None:
            if update is not None:
                await self._handle(update, key, mark)

        self._updates.schedule(row_id, str(chat.id) if chat else "", handle)

    def to_event(self, update: Update) -> Event | None:
        return update_to_event(
            update, bot_id=self.bot.id, bot_username=self.username, now=self.clock.now()
        )

    async def _handle(
        self, update: Update, key: str, mark: updates.HandledMark | None = None
    ) -> None:
        """Have the handlers answer an update: the pop-up and edits go direct, every
        message through the outbox (bot/channels/replies.py)."""
        event = self.to_event(update)
        answer = TurnAnswer()
        turn = TurnReplies(
            self.dispatcher,
            self.clock,
            NAME,
            key,
            lambda replies: compose(event, replies, answer) if event else [],
            mark,
        )
        failed = False
        if event is not None:
            try:
                await self.on_event(event, turn.finish)
            except Exception:
                log.exception("the handlers failed on a Telegram %s event", event.kind)
                failed = True
        if update.callback_query is not None:
            # Always answered, or the user's client keeps spinning.
            await self._answer(update.callback_query.id, ERROR_TEXT if failed else answer.popup)
        if event is None:
            return
        if failed and event.kind in ("command", "message"):
            try:
                await turn.add(compose(event, [Reply(text=ERROR_TEXT)], answer), "error-")
            except Exception:
                log.exception("Telegram: could not store the apology for chat %s", event.chat_id)
        for chat_id, reply in answer.edits:
            try:
                await edit_in_place(self.sender, chat_id, reply, turn)
            except DeliveryError as error:
                log.info("Telegram: edit in chat %s not made: %s", chat_id, error)
        await turn.send()
        for chat_id, reply, reply_to in answer.files:
            try:
                await self.sender.send_file(chat_id, reply, reply_to)
            except DeliveryError as error:
                log.warning("Telegram: file for chat %s not sent: %s", chat_id, error)

    async def _answer(self, query_id: str, text: str | None) -> None:
        try:
            await self.bot.answer_callback_query(query_id, text=text)
        except TelegramError as error:  # e.g. "query is too old" after a restart
            log.info("Telegram: could not answer a button press: %s", error)

    # --- sending (telegram_sender.py) --------------------------------------------------------

    async def deliver(self, message: Outgoing, on_part: PartHook | None = None) -> list[str]:
        return await self.sender.deliver(message, on_part)

    async def fetch_file(self, file_ref: str, max_bytes: int) -> bytes:
        return await self.sender.fetch_file(file_ref, max_bytes)
