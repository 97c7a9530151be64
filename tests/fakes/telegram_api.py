"""A fake Telegram Bot API server over real HTTP, for Loa's end-to-end tests and benchmarks.

    async with FakeTelegram() as tg:          # serves http://127.0.0.1:<free port>
        # LOA_TELEGRAM_API_URL=tg.url, LOA_TELEGRAM_TOKEN=tg.token
        tg.start_command("INVITE_CODE", chat_id=-1001234567890, chat_type="supergroup")
        [reply] = await tg.wait_for_messages(1, chat_id=-1001234567890)

Methods live at `/bot{token}/{method}` and files at `/file/bot{token}/{path}`, as PTB v22
expects with `base_url(f"{url}/bot")` and `base_file_url(f"{url}/file/bot")`; for the
fault controls a file download is the method "file" (`fail_next(3, methods=["file"])`). Parameters
come form-encoded or multipart (non-string values JSON-encoded, as PTB sends them), as a
JSON body, or in the query string. Test controls are Python methods here and the same
over HTTP under `/_fake/...` (see _controls.py and telegram_control.py).

Standalone, for benchmarks:
    python -m tests.fakes.telegram_api --port 8081 --token 123:ABC --global-rate 300
prints its URL on the first line and serves until SIGINT/SIGTERM.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from datetime import datetime
from http import HTTPStatus
from typing import Any

from aiohttp import web

from ._common import ApiError, Params, UploadedFile, api_error
from ._controls import add_common_controls
from ._server import FakeServer, run_standalone
from .telegram_control import add_telegram_controls
from .telegram_delivery import UpdateQueue, WebhookDeliverer
from .telegram_limits import RateLimiter, Storm, TelegramLimits
from .telegram_methods import BotApi
from .telegram_params import coerce_param, read_params
from .telegram_records import CallbackAnswer, EditRecord, SentMessage
from .telegram_updates import GROUP_TYPES, ChatId, Json, TelegramWorld

DEFAULT_TOKEN = "123456789:AAF4k3T0k3nF0rL0aTests_0nlyN0tR3al"
DOWNLOAD = "file"  # the name file downloads go by in fail_next(methods=...)
_HTML_5XX = (  # what Telegram's nginx front end answers instead of JSON
    "<html>\r\n<head><title>{0}</title></head>\r\n<body>\r\n"
    "<center><h1>{0}</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n"
)


class FakeTelegram(FakeServer):
    send_methods = frozenset({"sendMessage", "sendPhoto", "sendDocument"})

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "loa_test_bot",
        bot_name: str = "Loa",
        limits: TelegramLimits | None = None,
        privacy_mode: bool = True,
        known_chats_only: bool = True,
        webhook_retry_delay: float = 0.2,
        host: str = "127.0.0.1",
        port: int = 0,
        start_at: datetime | None = None,
    ) -> None:
        """`privacy_mode`: in groups the bot gets only commands, replies to its own
        messages and service messages, as with Telegram's default. `known_chats_only`:
        sending to a chat the bot never met fails as on Telegram (403 for a user, 400
        "chat not found" for a group); register chats with add_chat() or an update."""
        super().__init__(token, host=host, port=port, start_at=start_at)
        prefix = token.split(":", 1)[0]
        bot_id = int(prefix) if prefix.isdigit() else 123456789
        bot = {"id": bot_id, "is_bot": True, "first_name": bot_name, "username": bot_username}
        self.world = TelegramWorld(bot, self.now)
        self.limits = limits or TelegramLimits()
        self.limiter = RateLimiter(self.limits)
        self.storm_config: Storm | None = None
        self.privacy_mode = privacy_mode
        self.known_chats_only = known_chats_only
        self.gone: dict[ChatId, str] = {}  # chat -> the 403 description sends get
        self.sent: list[SentMessage] = []
        self.edits: list[EditRecord] = []
        self.callback_answers: list[CallbackAnswer] = []
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.deleted: list[tuple[ChatId, int]] = []
        self.chat_actions: list[tuple[ChatId, str]] = []
        self.unseen: list[Json] = []  # group messages privacy mode kept from the bot
        self.queue = UpdateQueue()
        self.webhook = WebhookDeliverer(self.queue, self.now, retry_delay=webhook_retry_delay)
        self._methods = BotApi(self).table()

    # ---- server hooks --------------------------------------------------------------------

    def lookup_method(self, name: str) -> Any:
        return self._methods.get(name.lower())

    async def parse_params(self, request: web.Request) -> tuple[Params, dict[str, UploadedFile]]:
        return await read_params(request)

    def parse_chat_id(self, raw: str) -> ChatId:
        return coerce_param("chat_id", raw)

    def fault_response(self, status: int) -> web.Response:
        if status >= 500:  # Telegram's front end answers 5xx with an nginx HTML page
            reason = f"{status} {_reason(status)}"
            return web.Response(
                status=status, text=_HTML_5XX.format(reason), content_type="text/html"
            )
        return api_error(ApiError(status, _reason(status)))

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        add_common_controls(app, self)
        add_telegram_controls(app, self)

    async def on_start(self) -> None:
        self.webhook.attach(self.http)

    async def on_stop(self) -> None:
        await self.webhook.close()

    async def _download(self, request: web.Request) -> web.Response:
        self.counters["downloads"] += 1
        if not self.token_valid(request.match_info["token"]):
            return api_error(ApiError(401, "Unauthorized"))
        failure = self.faults.take(DOWNLOAD, "fail")
        if failure is not None:
            self.counters[str(failure.status)] += 1
            return self.fault_response(failure.status)
        path = request.match_info["path"]
        stored = next((f for f in self.world.files.values() if f.file_path == path), None)
        if stored is None:
            return api_error(ApiError(404, "Not Found"))
        return web.Response(body=stored.data, content_type="application/octet-stream")

    # ---- updates the users cause -------------------------------------------------------------

    def inject_update(self, update: Json) -> Json:
        """Queue an update for the bot (getUpdates or webhook); returns it with update_id.

        A group message the bot could not see in privacy mode goes to `unseen` instead."""
        update = dict(update)
        if "update_id" in update:
            self.world.see_update_id(int(update["update_id"]))
        else:
            update = {"update_id": self.world.next_update_id(), **update}
        self.world.learn(update)
        member = update.get("my_chat_member")
        if member is not None:  # the bot's own membership decides whether sends still work
            if member["new_chat_member"]["status"] in ("kicked", "left"):
                self._mark_gone(member["chat"], member["new_chat_member"]["status"])
            else:
                self.gone.pop(member["chat"]["id"], None)
        if not self._visible_to_bot(update):
            self.unseen.append(update)
            return update
        self.queue.push(update)
        return update

    def message(
        self,
        chat_id: int,
        text: str = "",
        *,
        user_id: int | None = None,
        chat_type: str | None = None,
        reply_to_message: SentMessage | Json | None = None,
        photo: bool | bytes = False,
        document: tuple[str, bytes] | None = None,
        caption: str | None = None,
    ) -> Json:
        """A user's message; `chat_type` defaults to the known type or follows the id.

        With `photo` (True or image bytes) it is a photo, with `document` (file name,
        bytes) a file, whose caption is `caption` or `text`. Commands and @mentions get
        their entities, as Telegram adds them."""
        replied = (
            reply_to_message.message
            if isinstance(reply_to_message, SentMessage)
            else reply_to_message
        )
        return self.inject_update(
            self.world.message_update(
                chat_id,
                text,
                user_id=user_id,
                chat_type=chat_type,
                reply_to_message=replied,
                photo=photo,
                document=document,
                caption=caption,
            )
        )

    def start_command(
        self,
        payload: str,
        *,
        chat_id: int | None = None,
        user_id: int | None = None,
        chat_type: str = "private",
    ) -> Json:
        """`/start <payload>` from a deep link: t.me/<bot>?start= (private) or
        ?startgroup= (then `/start@<bot> <payload>` in the group `chat_id`)."""
        update = self.world.start_update(
            payload, chat_id=chat_id, user_id=user_id, chat_type=chat_type
        )
        return self.inject_update(update)

    def callback_query(
        self,
        chat_id: ChatId,
        message: SentMessage | Json | int,
        data: str,
        user_id: int | None = None,
        *,
        check_button: bool = True,
    ) -> Json:
        """A press on an inline button of one of the bot's messages (as it is now)."""
        message_id = (
            message
            if isinstance(message, int)
            else (message.message_id if isinstance(message, SentMessage) else message["message_id"])
        )
        current = self.world.find_message(chat_id, message_id)
        if current is None:
            raise ValueError(f"no message {message_id} in chat {chat_id}")
        buttons = [
            b for row in current.get("reply_markup", {}).get("inline_keyboard", []) for b in row
        ]
        if check_button and data not in [b.get("callback_data") for b in buttons]:
            offered = [b.get("callback_data") for b in buttons]
            raise ValueError(f"message {message_id} has no button {data!r}; it offers {offered}")
        return self.inject_update(self.world.callback_update(current, data, user_id=user_id))

    def my_chat_member(
        self,
        chat_id: int,
        old_status: str,
        new_status: str,
        *,
        user_id: int | None = None,
        chat_type: str | None = None,
    ) -> Json:
        """The bot's own membership changed. Becoming "kicked" or "left" also makes later
        sends to that chat fail with 403, as on Telegram; becoming a member again lifts it."""
        update = self.world.member_update(
            chat_id, old_status, new_status, user_id=user_id, chat_type=chat_type
        )
        return self.inject_update(update)

    def _visible_to_bot(self, update: Json) -> bool:
        message = update.get("message")
        if not self.privacy_mode or not message or message["chat"]["type"] not in GROUP_TYPES:
            return True
        content = message.get("text") or message.get("caption") or ""
        if content.startswith("/"):
            addressee = content.split()[0].partition("@")[2]
            return not addressee or addressee.lower() == self.world.bot["username"].lower()
        replied = message.get("reply_to_message")
        if replied is not None and replied["from"]["id"] == self.world.bot["id"]:
            return True
        service = ("new_chat_members", "left_chat_member", "new_chat_title", "migrate_to_chat_id")
        return any(key in message for key in service)

    # ---- the world and its faults --------------------------------------------------------

    def add_chat(
        self, chat_id: int, chat_type: str | None = None, *, title: str | None = None
    ) -> Json:
        """Make a chat known to the bot (as if it had been added to it earlier)."""
        return self.world.chat(chat_id, chat_type, title=title)

    def add_user(
        self,
        user_id: int,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
    ) -> Json:
        return self.world.user(
            user_id, first_name=first_name, last_name=last_name, username=username
        )

    def kicked(self, chat_id: int) -> None:
        """The bot was removed from the group: sends now get 403."""
        self._mark_gone(self.world.chat(chat_id), "kicked")

    def blocked(self, user_id: int) -> None:
        """The user blocked the bot: sends to the private chat now get 403."""
        self._mark_gone(self.world.chat(user_id, "private"), "kicked")

    def restore(self, chat_id: int) -> None:
        self.gone.pop(chat_id, None)

    def _mark_gone(self, chat: Json, status: str) -> None:
        if chat["type"] == "private":
            self.gone[chat["id"]] = "Forbidden: bot was blocked by the user"
        elif status == "kicked":
            self.gone[chat["id"]] = f"Forbidden: bot was kicked from the {chat['type']} chat"
        else:
            self.gone[chat["id"]] = f"Forbidden: bot is not a member of the {chat['type']} chat"

    def set_limits(self, **changes: Any) -> TelegramLimits:
        """Change flood limits (fields of TelegramLimits); the windows start afresh."""
        for key, value in changes.items():
            if not hasattr(self.limits, key):
                raise ValueError(f"unknown limit {key!r}")
            setattr(self.limits, key, type(getattr(self.limits, key))(value))
        self.limiter = RateLimiter(self.limits)
        return self.limits

    def storm(
        self,
        retry_after: int = 5,
        *,
        every: int | None = None,
        count: int | None = None,
        chat_ids: Iterable[ChatId] | None = None,
    ) -> None:
        """Forced 429s on sends: every `every`-th one or the next `count` ones, to
        `chat_ids` or to any chat. Nothing is delivered for them."""
        self.storm_config = Storm.build(retry_after, every=every, count=count, chat_ids=chat_ids)

    def calm(self) -> None:
        self.storm_config = None

    def enforce_limits(self, chat: Json) -> None:
        """Called for every otherwise valid send: raises the 429 Telegram would answer."""
        storm = self.storm_config
        if storm is not None and storm.strikes(chat["id"]):
            if storm.over:
                self.storm_config = None
            raise _too_many(storm.retry_after)
        retry_after = self.limiter.admit(chat["id"], is_group=chat["type"] in GROUP_TYPES)
        if retry_after is not None:
            raise _too_many(retry_after)

    # ---- records -----------------------------------------------------------------------------

    def command_names(self, scope: str = "default", language_code: str = "") -> list[str]:
        return [c["command"] for c in self.commands.get((scope, language_code), [])]

    def reset_records(self) -> None:
        super().reset_records()
        for records in (
            self.edits,
            self.callback_answers,
            self.deleted,
            self.chat_actions,
            self.unseen,
            self.webhook.deliveries,
        ):
            records.clear()


def _too_many(retry_after: int) -> ApiError:
    return ApiError(
        429,
        f"Too Many Requests: retry after {retry_after}",
        parameters={"retry_after": retry_after},
    )


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.fakes.telegram_api", description="Fake Telegram Bot API server"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--bot-username", default="loa_test_bot")
    parser.add_argument("--global-rate", type=float, default=30.0, help="messages/s, all chats")
    parser.add_argument("--group-per-minute", type=int, default=20)
    parser.add_argument("--chat-per-second", type=float, default=1.0)
    parser.add_argument("--chat-burst", type=int, default=3)
    parser.add_argument("--no-limits", action="store_true", help="no flood limits at all")
    parser.add_argument("--no-privacy", action="store_true", help="bot sees all group messages")
    parser.add_argument("--any-chat", action="store_true", help="accept sends to unknown chats")
    parser.add_argument("--start-at", type=datetime.fromisoformat, help="clock start, ISO")
    args = parser.parse_args(argv)
    limits = TelegramLimits(
        global_per_second=args.global_rate,
        group_per_minute=args.group_per_minute,
        chat_per_second=args.chat_per_second,
        chat_burst=args.chat_burst,
        enabled=not args.no_limits,
    )
    fake = FakeTelegram(
        args.token,
        bot_username=args.bot_username,
        limits=limits,
        privacy_mode=not args.no_privacy,
        known_chats_only=not args.any_chat,
        host=args.host,
        port=args.port,
        start_at=args.start_at,
    )
    run_standalone(fake)


if __name__ == "__main__":
    main()
