"""The sending half of the fake Bot API: sendMessage, sendPhoto, sendDocument.

Every send goes one way, in the real server's order: the target chat must be known and
reachable (403 when the bot was kicked or blocked), the text or caption must parse and fit
(4,096 / 1,024 characters after entity parsing), buttons must be valid (callback_data at
most 64 bytes), the replied-to message must exist; then forced 429s and the flood limits
are checked, and only then is the message stored, recorded and returned.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ._common import ApiError, Params, UploadedFile
from .telegram_params import bad
from .telegram_records import SentMessage
from .telegram_text import EntityParseError, parse_text, utf16_len
from .telegram_updates import Json, StoredFile, tiny_png

if TYPE_CHECKING:
    from .telegram_api import FakeTelegram

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
BUTTON_ACTIONS = frozenset(
    [
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    ]
)


def validate_reply_markup(markup: Any) -> Json | None:
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        return markup  # reply keyboards, remove_keyboard, force_reply: accepted as sent
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad("can't parse inline keyboard: it must be an Array of Arrays of buttons")
    for button in (button for row in rows for button in row):
        if not isinstance(button, dict) or not isinstance(button.get("text"), str):
            raise bad('can\'t parse inline keyboard button: Field "text" must be of type String')
        actions = BUTTON_ACTIONS.intersection(button)
        if len(actions) != 1:
            raise bad(
                "can't parse inline keyboard button: "
                "Text buttons are unallowed in the inline keyboard"
            )
        if "callback_data" in button:
            data = button["callback_data"]
            if not isinstance(data, str) or not 1 <= len(data.encode()) <= CALLBACK_DATA_LIMIT:
                raise bad("BUTTON_DATA_INVALID")
        if "url" in button and not re.match(r"(https?|tg)://\S+$", str(button["url"])):
            raise bad("BUTTON_URL_INVALID")
    return markup


class SendingMethods:
    """Sending and the checks editing shares; state lives on the FakeTelegram."""

    def __init__(self, fake: FakeTelegram) -> None:
        self.fake = fake
        self.world = fake.world

    # ---- sending -----------------------------------------------------------------------------

    def sendMessage(self, params: Params, files: dict[str, UploadedFile]) -> Json:
        chat = self._reachable_chat(params)
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise bad("message text is empty")
        plain, entities = self._formatted(text, params, "entities")
        if not plain.strip():
            raise bad("message text is empty")
        if utf16_len(plain) > TEXT_LIMIT:
            raise bad("message is too long")
        record = SentMessage(chat["id"], 0, "sendMessage", text=plain, raw_text=text)
        content = {"text": plain, "entities": entities or None}
        return self._deliver(chat, params, record, content)

    def sendPhoto(self, params: Params, files: dict[str, UploadedFile]) -> Json:
        chat = self._reachable_chat(params)
        reference, stored, upload = self._input_file(params, files, "photo")
        record = SentMessage(chat["id"], 0, "sendPhoto", photo=reference, upload=upload)
        content = {"photo": self.world.photo_sizes(stored.data, stored.source_url)}
        if upload is not None:
            record.photo = content["photo"][-1]["file_id"]
        return self._deliver(chat, params, record, {**content, **self._caption(params, record)})

    def sendDocument(self, params: Params, files: dict[str, UploadedFile]) -> Json:
        chat = self._reachable_chat(params)
        reference, stored, upload = self._input_file(params, files, "document")
        record = SentMessage(chat["id"], 0, "sendDocument", document=reference, upload=upload)
        document: Json = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_name": upload.filename if upload else stored.file_path.rsplit("/", 1)[-1],
        }
        if upload is not None:
            document["mime_type"] = upload.content_type
            record.document = stored.file_id
        content = {"document": document, **self._caption(params, record)}
        return self._deliver(chat, params, record, content)

    def _caption(self, params: Params, record: SentMessage | None = None) -> Json:
        """Caption fields of the message ({} without a caption); fills `record` if given."""
        caption = params.get("caption")
        if not caption:
            return {}
        plain, entities = self._formatted(caption, params, "caption_entities")
        if utf16_len(plain) > CAPTION_LIMIT:
            raise bad("message caption is too long")
        if record is not None:
            record.caption, record.raw_text = plain, caption
        return {"caption": plain, "caption_entities": entities or None}

    def _formatted(self, text: str, params: Params, entities_key: str) -> tuple[str, list[Json]]:
        if params.get(entities_key):
            return text, params[entities_key]
        try:
            return parse_text(text, params.get("parse_mode"))
        except EntityParseError as exc:
            raise bad(f"can't parse entities: {exc}") from exc

    def _input_file(
        self, params: Params, files: dict[str, UploadedFile], name: str
    ) -> tuple[str | None, StoredFile, UploadedFile | None]:
        value = params.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value.removeprefix("attach://"))
            if upload is None:
                raise bad(f"there is no {name} in the request")
            value = None
        else:
            upload = files.get(name)
        folder, suffix = ("photos", "jpg") if name == "photo" else ("documents", "bin")
        if upload is not None:
            return None, self.world.add_file(upload.data, folder, suffix), upload
        if not isinstance(value, str) or not value:
            raise bad(f"there is no {name} in the request")
        if re.match(r"https?://\S+$", value):
            data = tiny_png() if name == "photo" else b""
            return value, self.world.add_file(data, folder, suffix, source_url=value), None
        stored = self.world.files.get(value)
        if stored is None:
            raise bad("wrong file identifier/HTTP URL specified")
        return value, stored, None

    def _deliver(self, chat: Json, params: Params, record: SentMessage, content: Json) -> Json:
        markup = validate_reply_markup(params.get("reply_markup"))
        reply_to = self._reply_target(chat, params)
        self.fake.enforce_limits(chat)
        if markup is not None and "inline_keyboard" in markup:
            content["reply_markup"] = markup
        if reply_to is not None:
            content["reply_to_message"] = {
                k: v for k, v in reply_to.items() if k != "reply_to_message"
            }
        message = self.world.add_message(chat, self.world.bot, **content)
        record.message_id = message["message_id"]
        record.reply_markup = content.get("reply_markup")
        record.reply_to_message_id = reply_to["message_id"] if reply_to else None
        record.parse_mode = params.get("parse_mode")
        record.message = message
        self.fake.sent.append(record)
        return message

    def _reply_target(self, chat: Json, params: Params) -> Json | None:
        reply = params.get("reply_parameters") or {}
        message_id = reply.get("message_id", params.get("reply_to_message_id"))
        if message_id is None:
            return None
        allow = reply.get("allow_sending_without_reply", params.get("allow_sending_without_reply"))
        target = self.world.find_message(reply.get("chat_id", chat["id"]), int(message_id))
        if target is None and not allow:
            raise bad("message to be replied not found")
        return target

    def _reachable_chat(self, params: Params) -> Json:
        chat_id = params.get("chat_id")
        if chat_id in (None, ""):
            raise bad("chat_id is empty")
        chat = self.world.find_chat(chat_id)
        if chat is None and isinstance(chat_id, int) and not self.fake.known_chats_only:
            chat = self.world.chat(chat_id)
        if chat is None:
            if isinstance(chat_id, int) and chat_id > 0:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
            raise bad("chat not found")
        gone = self.fake.gone.get(chat["id"])
        if gone is not None:
            raise ApiError(403, gone)
        return chat
