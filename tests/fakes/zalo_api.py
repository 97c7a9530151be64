"""A fake Zalo Bot Platform API server over real HTTP, for Loa's tests and benchmarks.

    async with FakeZalo() as zalo:      # LOA_ZALO_API_URL=zalo.url, LOA_ZALO_TOKEN=zalo.token
        zalo.text_message("6ede9afa66b88fe6d6a9", "xong 2", user_id="a1...", chat_type="GROUP")
        [reply] = await zalo.wait_for_messages(1)

`POST /bot{token}/{method}` with a JSON body; every answer is
`{"ok": bool, "result"?, "error_code"?, "description"?}` with the HTTP status equal to
error_code. getUpdates (`{"timeout": "30"}`, a string) answers ONE update, or 408
"Request timeout" when none came in time; there is no offset, and with `redeliver` every
update comes twice, as the real platform may do. With a webhook set, updates are POSTed
with `X-Bot-Api-Secret-Token`, wrapped as `{ok, result}` or bare (`webhook_wrap`).

Standalone: `python -m tests.fakes.zalo_api --port 8082 --token T` prints its URL.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import aiohttp
from aiohttp import web

from ._common import ApiError, Params, UploadedFile, api_error
from ._controls import add_common_controls
from ._server import FakeServer, run_standalone
from .telegram_updates import tiny_png
from .zalo_control import add_zalo_controls
from .zalo_updates import ZaloUpdates

Json = dict[str, Any]
DEFAULT_TOKEN = "1459232241454765289:zAl0F4k3T0k3nF0rL0aTestsOnly"
MEDIA = "media"  # the name image downloads go by in fail_next(methods=...)
TEXT_LIMIT = 2000
DESCRIPTIONS = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Internal server error",  # sic: Zalo's documented wording for 403
    404: "Not found",
    408: "Request timeout",
    429: "Quota exceeded",
}


def zalo_error(status: int, detail: str | None = None) -> ApiError:
    description = DESCRIPTIONS.get(status, "Internal server error")
    return ApiError(status, f"{description}: {detail}" if detail else description)


@dataclass
class ZaloSent:
    """A message the fake delivered."""

    chat_id: str
    message_id: str
    method: str
    date: int  # ms
    text: str | None = None
    photo: str | None = None
    caption: str | None = None
    sticker: str | None = None

    @property
    def content(self) -> str:
        return self.text or self.caption or self.photo or self.sticker or ""


@dataclass
class ZaloDelivery:
    """One webhook POST: what was sent and what the bot answered (None: no answer)."""

    message_id: str | None
    status: int | None
    secret_sent: str | None
    body: Json = field(default_factory=dict)


class FakeZalo(FakeServer):
    send_methods = frozenset({"sendMessage", "sendPhoto", "sendSticker"})
    not_found_description = DESCRIPTIONS[404]

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        account_name: str = "bot.LoaTest",
        can_join_groups: bool = True,
        redeliver: bool = False,
        webhook_wrap: bool = True,
        monthly_quota: int | None = None,
        webhook_attempts: int = 3,
        webhook_retry_delay: float = 0.2,
        seed: int | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        start_at: datetime | None = None,
    ) -> None:
        super().__init__(token, host=host, port=port, start_at=start_at)
        self.bot_id = token.split(":", 1)[0]
        self.account_name = account_name
        self.can_join_groups = can_join_groups
        self.redeliver = redeliver
        self.webhook_wrap = webhook_wrap
        self.monthly_quota = monthly_quota
        self.webhook_attempts = webhook_attempts
        self.webhook_retry_delay = webhook_retry_delay
        self.updates = ZaloUpdates(self.now, seed=seed)
        self.sent: list[ZaloSent] = []
        self.chat_actions: list[tuple[str, str]] = []
        self.deliveries: list[ZaloDelivery] = []
        self.webhook_url = ""
        self.webhook_secret: str | None = None
        self.webhook_updated_at = 0
        self.token_revoked = False
        self.pending: deque[Json] = deque()
        self._again: Json | None = None  # the update getUpdates will hand out a second time
        self._changed = asyncio.Event()
        self._deliverer: asyncio.Task[None] | None = None
        self._media_files: list[bytes] = []
        self._methods = {
            "getMe": self.getMe,
            "getUpdates": self.getUpdates,
            "setWebhook": self.setWebhook,
            "deleteWebhook": self.deleteWebhook,
            "getWebhookInfo": self.getWebhookInfo,
            "sendMessage": self.sendMessage,
            "sendPhoto": self.sendPhoto,
            "sendSticker": self.sendSticker,
            "sendChatAction": self.sendChatAction,
        }

    # ---- server hooks ----------------------------------------------------------------------

    def lookup_method(self, name: str) -> Any:
        return self._methods.get(name)

    def token_valid(self, token: str) -> bool:
        return not self.token_revoked and super().token_valid(token)

    async def parse_params(self, request: web.Request) -> tuple[Params, dict[str, UploadedFile]]:
        params: Params = dict(request.query)
        raw = await request.read()
        if raw.strip():
            try:
                body = json.loads(raw)
            except ValueError as exc:
                raise zalo_error(400, "the body must be JSON") from exc
            if not isinstance(body, dict):
                raise zalo_error(400, "the body must be a JSON object")
            params.update(body)
        return params, {}

    def fault_response(self, status: int) -> web.Response:
        return api_error(zalo_error(status))

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/_media/{name}", self._media)
        add_common_controls(app, self)
        add_zalo_controls(app, self)

    # ---- the image server ----------------------------------------------------------------
    # Zalo hands bots a photo as a URL on its image servers, fetched without the token;
    # here they are served by the fake itself. For fail_next they are the method "media".

    def add_image(self, data: bytes | None = None) -> str:
        """Host an image (a small PNG by default); its URL, to put in image_message."""
        self._media_files.append(data if data is not None else tiny_png())
        return f"{self.url}/_media/{len(self._media_files)}.jpg"

    async def _media(self, request: web.Request) -> web.Response:
        self.counters["downloads"] += 1
        failure = self.faults.take(MEDIA, "fail")
        if failure is not None:
            self.counters[str(failure.status)] += 1
            return web.Response(status=failure.status, text="error")
        number = request.match_info["name"].partition(".")[0]
        if not number.isdigit() or not 1 <= int(number) <= len(self._media_files):
            return web.Response(status=404, text="not found")
        return web.Response(body=self._media_files[int(number) - 1], content_type="image/jpeg")

    async def on_start(self) -> None:
        self._restart_deliverer()

    async def on_stop(self) -> None:
        task, self._deliverer = self._deliverer, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    # ---- methods -------------------------------------------------------------------------------

    def getMe(self, params: Params, files: Any) -> Json:
        return {
            "id": self.bot_id,
            "account_name": self.account_name,
            "account_type": "BASIC",
            "can_join_groups": self.can_join_groups,
        }

    async def getUpdates(self, params: Params, files: Any) -> Json:
        if self.webhook_url:
            raise zalo_error(400, "getUpdates is not available while a webhook is set")
        try:
            timeout = float(params.get("timeout", "30"))
        except (TypeError, ValueError) as exc:
            raise zalo_error(400, "timeout must be a number of seconds") from exc
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if self._again is not None:
                update, self._again = self._again, None
                return update
            if self.pending:
                update = self.pending.popleft()
                if self.redeliver:
                    self._again = update
                return update
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise zalo_error(408)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)

    def setWebhook(self, params: Params, files: Any) -> Json:
        url = params.get("url")
        secret = params.get("secret_token")
        local = isinstance(url, str) and re.match(r"http://(127\.0\.0\.1|localhost)[:/]", url)
        if not isinstance(url, str) or not (url.startswith("https://") or local):
            raise zalo_error(400, "url must be an HTTPS URL")
        if not isinstance(secret, str) or not 8 <= len(secret) <= 256:
            raise zalo_error(400, "secret_token must have 8 to 256 characters")
        self.webhook_url, self.webhook_secret = url, secret
        self.webhook_updated_at = int(self.now() * 1000)
        self._restart_deliverer()
        return {"url": url, "updated_at": self.webhook_updated_at}

    def deleteWebhook(self, params: Params, files: Any) -> Json:
        self.webhook_url, self.webhook_secret = "", None
        self.webhook_updated_at = int(self.now() * 1000)
        self._restart_deliverer()
        return {"url": "", "updated_at": self.webhook_updated_at}

    def getWebhookInfo(self, params: Params, files: Any) -> Json:
        return {"url": self.webhook_url, "updated_at": self.webhook_updated_at}

    def sendMessage(self, params: Params, files: Any) -> Json:
        chat_id = self._chat_id(params)
        text = params.get("text")
        if not isinstance(text, str) or not 1 <= len(text) <= TEXT_LIMIT:
            raise zalo_error(400, f"text must have 1 to {TEXT_LIMIT} characters")
        return self._deliver(ZaloSent(chat_id, "", "sendMessage", 0, text=text))

    def sendPhoto(self, params: Params, files: Any) -> Json:
        chat_id = self._chat_id(params)
        photo, caption = params.get("photo"), params.get("caption")
        if not isinstance(photo, str) or not re.match(r"https?://\S+$", photo):
            raise zalo_error(400, "photo must be an image URL")
        if caption is not None and (not isinstance(caption, str) or len(caption) > TEXT_LIMIT):
            raise zalo_error(400, f"caption must have 1 to {TEXT_LIMIT} characters")
        return self._deliver(ZaloSent(chat_id, "", "sendPhoto", 0, photo=photo, caption=caption))

    def sendSticker(self, params: Params, files: Any) -> Json:
        chat_id = self._chat_id(params)
        sticker = params.get("sticker")
        if not isinstance(sticker, str) or not sticker:
            raise zalo_error(400, "sticker is required")
        return self._deliver(ZaloSent(chat_id, "", "sendSticker", 0, sticker=sticker))

    def sendChatAction(self, params: Params, files: Any) -> bool:
        chat_id = self._chat_id(params)
        if params.get("action") not in ("typing", "upload_photo"):
            raise zalo_error(400, "action must be typing or upload_photo")
        self.chat_actions.append((chat_id, params["action"]))
        return True

    def _chat_id(self, params: Params) -> str:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, str) or not chat_id:
            raise zalo_error(400, "chat_id must be a non-empty string")
        return chat_id

    def _deliver(self, record: ZaloSent) -> Json:
        if self.monthly_quota is not None and len(self.sent) >= self.monthly_quota:
            raise zalo_error(429)
        record.message_id = self.updates.opaque_id()
        record.date = self.updates.date_ms()
        self.sent.append(record)
        return {"message_id": record.message_id, "date": record.date}

    # ---- updates -----------------------------------------------------------------------------

    def inject_update(self, update: Json) -> Json:
        """Queue an update for getUpdates or the webhook; returns it."""
        self.pending.append(update)
        self._changed.set()
        self._changed = asyncio.Event()
        return update

    def text_message(self, chat_id: str, text: str, **who: Any) -> Json:
        """who: user_id (required in a GROUP), chat_type "PRIVATE"/"GROUP", display_name."""
        return self.inject_update(self.updates.text(chat_id, text, **who))

    def image_message(
        self, chat_id: str, photo_url: str, caption: str | None = None, **who: Any
    ) -> Json:
        return self.inject_update(self.updates.image(chat_id, photo_url, caption, **who))

    def sticker_message(self, chat_id: str, sticker: str, **who: Any) -> Json:
        return self.inject_update(self.updates.sticker(chat_id, sticker, **who))

    def unsupported_message(self, chat_id: str, **who: Any) -> Json:
        return self.inject_update(self.updates.unsupported(chat_id, **who))

    def revoke_token(self) -> None:
        """The token was reset in Bot Creator: every call now answers 401."""
        self.token_revoked = True

    # ---- webhook ---------------------------------------------------------------------------

    def _restart_deliverer(self) -> None:
        if self._deliverer is not None:
            self._deliverer.cancel()
            self._deliverer = None
        if self.webhook_url and self.http is not None:
            self._deliverer = asyncio.get_running_loop().create_task(self._deliver_updates())

    async def _deliver_updates(self) -> None:
        while True:
            if not self.pending:
                await self._changed.wait()
                continue
            update = self.pending[0]  # left queued if the webhook is deleted meanwhile
            for _ in range(2 if self.redeliver else 1):
                for attempt in range(self.webhook_attempts):
                    if await self._post(update, self.webhook_secret) in range(200, 300):
                        break
                    if attempt + 1 < self.webhook_attempts:
                        await asyncio.sleep(self.webhook_retry_delay)
            self.pending.popleft()  # delivered, or given up on like a failing webhook

    async def _post(self, update: Json, secret: str | None, url: str | None = None) -> int | None:
        assert self.http is not None
        body = {"ok": True, "result": update} if self.webhook_wrap else update
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Bot-Api-Secret-Token"] = secret
        status: int | None = None
        with contextlib.suppress(aiohttp.ClientError, TimeoutError):
            async with self.http.post(
                url or self.webhook_url,
                data=json.dumps(body, ensure_ascii=False).encode(),
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=10),
            ) as response:
                status = response.status
        message_id = (update.get("message") or {}).get("message_id")
        self.deliveries.append(ZaloDelivery(message_id, status, secret, body))
        return status

    async def post_forged(
        self,
        update: Json | None = None,
        *,
        secret: str | None = "forged-secret-0000",
        url: str | None = None,
    ) -> int | None:
        """POST an update as an attacker would (a wrong secret, or none with secret=None)
        to the webhook (or `url`); returns the HTTP status the bot answered."""
        target = url or self.webhook_url
        if not target:
            raise ValueError("no webhook is set; pass url=")
        forged = update or self.updates.text("f0f0f0f0f0f0f0f0f0f0", "xong")
        return await self._post(forged, secret, target)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.fakes.zalo_api", description="Fake Zalo Bot Platform API server"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--redeliver", action="store_true", help="hand every update out twice")
    parser.add_argument("--bare-webhook", action="store_true", help="post bare updates")
    parser.add_argument("--monthly-quota", type=int, default=None)
    parser.add_argument("--start-at", type=datetime.fromisoformat, help="clock start, ISO")
    args = parser.parse_args(argv)
    fake = FakeZalo(
        args.token,
        redeliver=args.redeliver,
        webhook_wrap=not args.bare_webhook,
        monthly_quota=args.monthly_quota,
        host=args.host,
        port=args.port,
        start_at=args.start_at,
    )
    run_standalone(fake)


if __name__ == "__main__":
    main()
