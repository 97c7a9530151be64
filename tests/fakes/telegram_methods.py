"""The Bot API methods of the fake Telegram, with the real server's checks and wording.

Each method takes the parsed parameters (and uploaded files) and returns the `result`
JSON or raises ApiError. Sending lives in telegram_send.py; this adds getMe, updates and
webhooks, commands, edits, callback answers, deletion, chat actions, getChat and getFile.
"""

from __future__ import annotations

import re
from typing import Any

from ._common import Params, UploadedFile
from .telegram_delivery import WebhookConfig
from .telegram_params import bad
from .telegram_records import CallbackAnswer, EditRecord
from .telegram_send import TEXT_LIMIT, SendingMethods, validate_reply_markup
from .telegram_text import utf16_len
from .telegram_updates import GROUP_TYPES, Json, chat_member

COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
CHAT_ACTIONS = frozenset(
    [
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    ]
)


def _scope_key(scope: Json | None) -> str:
    if not scope or scope.get("type") == "default":
        return "default"
    parts = [str(scope.get(k)) for k in ("type", "chat_id", "user_id") if scope.get(k) is not None]
    return ":".join(parts)


class BotApi(SendingMethods):
    """Every method the fake serves."""

    def table(self) -> dict[str, Any]:
        """Lower-cased method name -> handler (Bot API method names are case-insensitive)."""
        methods = [
            self.getMe, self.getUpdates, self.setWebhook, self.deleteWebhook,
            self.getWebhookInfo, self.setMyCommands, self.getMyCommands, self.deleteMyCommands,
            self.sendMessage, self.sendPhoto, self.sendDocument, self.editMessageText,
            self.editMessageCaption, self.editMessageReplyMarkup, self.answerCallbackQuery,
            self.deleteMessage, self.sendChatAction, self.getChat, self.getChatMember,
            self.getFile,
        ]  # fmt: skip
        return {method.__name__.lower(): method for method in methods}

    # ---- bot and updates -----------------------------------------------------------------

    def getMe(self, params: Params, files: dict[str, UploadedFile]) -> Json:
        return {
            **self.world.bot,
            "can_join_groups": True,
            "can_read_all_group_messages": not self.fake.privacy_mode,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def getUpdates(self, params: Params, files: dict[str, UploadedFile]) -> list[Json]:
        return await self.fake.queue.poll(
            offset=params.get("offset"),
            limit=params.get("limit", 100),
            wait=params.get("timeout", 0),
            allowed=params.get("allowed_updates"),
        )

    def setWebhook(self, params: Params, files: dict[str, UploadedFile]) -> bool:
        url = params.get("url", "")
        if not url:
            self.fake.webhook.delete()
            return True
        local = re.match(r"http://(127\.0\.0\.1|localhost)(:\d+)?/", url + "/")
        if not url.startswith("https://") and not local:
            raise bad("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not SECRET_TOKEN.fullmatch(secret):
            raise bad("secret token contains unallowed characters")
        if params.get("drop_pending_updates"):
            self.fake.queue.drop_all()
        self.fake.queue.set_allowed(params.get("allowed_updates"))
        max_connections = params.get("max_connections", 40)
        config = WebhookConfig(url, secret, max_connections, self.world.date())
        self.fake.webhook.set(config)
        return True

    def deleteWebhook(self, params: Params, files: dict[str, UploadedFile]) -> bool:
        self.fake.webhook.delete()
        if params.get("drop_pending_updates"):
            self.fake.queue.drop_all()
        return True

    def getWebhookInfo(self, params: Params, files: dict[str, UploadedFile]) -> Json:
        return self.fake.webhook.info()

    def setMyCommands(self, params: Params, files: dict[str, UploadedFile]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad("can't parse commands JSON object")
        for command in commands:
            if not COMMAND_NAME.fullmatch(str(command.get("command", ""))):
                raise bad("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad("command description must be non-empty")
        key = (_scope_key(params.get("scope")), params.get("language_code", ""))
        self.fake.commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    def getMyCommands(self, params: Params, files: dict[str, UploadedFile]) -> list[Json]:
        key = (_scope_key(params.get("scope")), params.get("language_code", ""))
        return self.fake.commands.get(key, [])

    def deleteMyCommands(self, params: Params, files: dict[str, UploadedFile]) -> bool:
        key = (_scope_key(params.get("scope")), params.get("language_code", ""))
        self.fake.commands.pop(key, None)
        return True

    # ---- editing and the rest ------------------------------------------------------------

    def _own_message(self, params: Params, action: str) -> Json:
        if params.get("inline_message_id"):
            raise bad("inline messages are not supported by this fake")
        chat = self._reachable_chat(params)
        message = self.world.find_message(chat["id"], int(params.get("message_id") or 0))
        if message is None:
            raise bad(f"message to {action} not found")
        if message["from"]["id"] != self.world.bot["id"]:
            raise bad(f"message can't be {action}ed")
        return message

    def _apply_edit(self, message: Json, method: str, changes: Json) -> Json:
        markup = validate_reply_markup(changes.pop("reply_markup", None))
        if markup is not None and "inline_keyboard" not in markup:
            raise bad("inline keyboard expected")
        changes["reply_markup"] = markup  # omitting it removes the keyboard, as on Telegram
        if all(message.get(key) == value for key, value in changes.items()):
            raise bad(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        for key, value in changes.items():
            if value is None:
                message.pop(key, None)
            else:
                message[key] = value
        message["edit_date"] = self.world.date()
        self.fake.edits.append(
            EditRecord(
                message["chat"]["id"],
                message["message_id"],
                method,
                message.get("text", message.get("caption")),
                markup,
                dict(message),
            )
        )
        return message

    def editMessageText(self, params: Params, files: dict[str, UploadedFile]) -> Json:
        message = self._own_message(params, "edit")
        if "text" not in message:
            raise bad("there is no text in the message to edit")
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise bad("message text is empty")
        plain, entities = self._formatted(text, params, "entities")
        if utf16_len(plain) > TEXT_LIMIT:
            raise bad("MESSAGE_TOO_LONG")
        changes = {"text": plain, "entities": entities or None}
        changes["reply_markup"] = params.get("reply_markup")
        return self._apply_edit(message, "editMessageText", changes)

    def editMessageCaption(self, params: Params, files: dict[str, UploadedFile]) -> Json:
        message = self._own_message(params, "edit")
        if "text" in message:
            raise bad("there is no caption in the message to edit")
        changes = {"caption": None, "caption_entities": None, **self._caption(params)}
        changes["reply_markup"] = params.get("reply_markup")
        return self._apply_edit(message, "editMessageCaption", changes)

    def editMessageReplyMarkup(self, params: Params, files: dict[str, UploadedFile]) -> Json:
        message = self._own_message(params, "edit")
        changes = {"reply_markup": params.get("reply_markup")}
        return self._apply_edit(message, "editMessageReplyMarkup", changes)

    def answerCallbackQuery(self, params: Params, files: dict[str, UploadedFile]) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        query = self.world.callback_queries.get(query_id)
        if query is None or query["answered"]:
            raise bad("query is too old and response timeout expired or query ID is invalid")
        query["answered"] = True
        answer = CallbackAnswer(
            query_id, params.get("text"), bool(params.get("show_alert")), params.get("url")
        )
        self.fake.callback_answers.append(answer)
        return True

    def deleteMessage(self, params: Params, files: dict[str, UploadedFile]) -> bool:
        chat = self._reachable_chat(params)
        message = self.world.find_message(chat["id"], int(params.get("message_id") or 0))
        if message is None:
            raise bad("message to delete not found")
        own = message["from"]["id"] == self.world.bot["id"]
        if chat["type"] in GROUP_TYPES and not own:
            raise bad("message can't be deleted")  # the bot is a plain member, not an admin
        del self.world.messages[(chat["id"], message["message_id"])]
        self.fake.deleted.append((chat["id"], message["message_id"]))
        return True

    def sendChatAction(self, params: Params, files: dict[str, UploadedFile]) -> bool:
        chat = self._reachable_chat(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise bad("wrong parameter action in request")
        self.fake.chat_actions.append((chat["id"], params["action"]))
        return True

    def getChat(self, params: Params, files: dict[str, UploadedFile]) -> Json:
        chat = self._reachable_chat(params)
        gifts = [
            "unlimited_gifts",
            "limited_gifts",
            "unique_gifts",
            "premium_subscription",
            "gifts_from_channels",
        ]
        return {
            **chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": dict.fromkeys(gifts, True),
        }

    def getChatMember(self, params: Params, files: dict[str, UploadedFile]) -> Json:
        chat = self._reachable_chat(params)
        user_id = params.get("user_id")
        if not isinstance(user_id, int):
            raise bad("invalid user_id specified")
        if chat["type"] == "private" and user_id not in (chat["id"], self.world.bot["id"]):
            raise bad("user not found")
        return chat_member(self.world.user(user_id), "member")

    def getFile(self, params: Params, files: dict[str, UploadedFile]) -> Json:
        stored = self.world.files.get(str(params.get("file_id", "")))
        if stored is None:
            raise bad("invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }
