"""What the fake Telegram records about the bot's messages, edits and button answers."""

from __future__ import annotations

from dataclasses import dataclass, field

from ._common import UploadedFile
from .telegram_updates import ChatId, Json


@dataclass
class SentMessage:
    """A message the fake delivered; `text`/`caption` are what users see (markup parsed)."""

    chat_id: ChatId
    message_id: int
    method: str
    text: str | None = None
    caption: str | None = None
    photo: str | None = None  # file_id or URL as sent, or the new file_id of an upload
    document: str | None = None
    reply_markup: Json | None = None
    reply_to_message_id: int | None = None
    parse_mode: str | None = None
    raw_text: str | None = None  # text or caption exactly as the bot sent it
    upload: UploadedFile | None = None
    message: Json = field(default_factory=dict)  # the Message JSON returned to the bot

    @property
    def content(self) -> str:
        if self.text is not None:
            return self.text
        return self.caption or self.photo or self.document or ""

    @property
    def buttons(self) -> list[Json]:
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [button for row in rows for button in row]


@dataclass
class EditRecord:
    chat_id: ChatId
    message_id: int
    method: str
    text: str | None
    reply_markup: Json | None
    message: Json


@dataclass
class CallbackAnswer:
    callback_query_id: str
    text: str | None
    show_alert: bool
    url: str | None
