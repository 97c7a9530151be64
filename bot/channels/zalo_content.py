"""What a message becomes on Zalo: API calls (a photo by URL with the first text part as
its caption, then text in parts of 2,000 characters), notes where a photo or file cannot
go, and the handlers' replies as messages (no buttons, pop-ups or edits on Zalo)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.channels.replies import ReplyMessage
from bot.channels.text import split_text
from bot.channels.zalo_updates import URL_PATTERN
from handlers.events import Event, Reply
from scheduler.delivery import Outgoing

TEXT_LIMIT = 2000
PHOTO_NOTE = (
    "📷 Tin này có kèm một ảnh nhưng ảnh không gửi được qua Zalo. "
    "Xin liên hệ quản trị viên nếu cần xem ảnh."
)
DOCUMENT_NOTE = (
    "📎 Tin này có kèm một tệp tài liệu nhưng tệp không gửi được qua Zalo. "
    "Xin liên hệ quản trị viên nếu cần tệp."
)
FILE_NOT_SENT = (
    "📎 Loa đã tạo tệp «{name}» nhưng Zalo không nhận tệp do Loa gửi lên. Hãy lấy tệp "
    "qua Telegram hoặc nhờ quản trị viên."
)


@dataclass(frozen=True)
class Part:
    """One API call."""

    method: str  # sendMessage | sendPhoto
    body: dict[str, Any]


def plan_parts(message: Outgoing) -> list[Part]:
    """The API calls for a message: the photo first (with the first text part as its
    caption), then the text in parts of 2,000 characters cut at paragraph or line ends.

    Zalo takes photos by URL only: a Telegram file id (a broadcast made from Telegram)
    cannot be sent, so the text says a photo was left out. Documents have no method at
    all: a link is written into the text, a file id becomes a note. Buttons are dropped
    (the texts say how to answer instead)."""
    photo = message.photo if message.photo and URL_PATTERN.match(message.photo) else None
    notes = []
    if message.photo and not photo:
        notes.append(PHOTO_NOTE)
    if message.document:
        notes.append(
            f"📎 {message.document}" if URL_PATTERN.match(message.document) else DOCUMENT_NOTE
        )
    text = "\n\n".join(piece for piece in (message.text.strip(), *notes) if piece)
    chunks = split_text(text, TEXT_LIMIT)
    parts = []
    if photo:
        body: dict[str, Any] = {"chat_id": message.chat_id, "photo": photo}
        if chunks:
            body["caption"] = chunks.pop(0)
        parts.append(Part("sendPhoto", body))
    parts += [Part("sendMessage", {"chat_id": message.chat_id, "text": c}) for c in chunks]
    return parts


def compose_replies(event: Event, replies: Sequence[Reply]) -> list[ReplyMessage]:
    """What the handlers' replies become on Zalo: messages only (no pop-ups, no edits:
    a notice is a message of its own, an edit is sent as a new message)."""
    messages = []
    for reply in replies:
        chat_id = reply.chat_id or event.chat_id
        notice = (reply.notice or "").strip()
        if notice and notice != reply.text.strip():
            messages.append(ReplyMessage(chat_id, notice))
        text = reply.text
        if reply.file is not None:
            # Zalo takes photos by URL only: a file Loa made cannot be sent here.
            text += "\n\n" + FILE_NOT_SENT.format(name=reply.file.name)
        if text.strip() or reply.photo or reply.document:
            messages.append(ReplyMessage(chat_id, text, photo=reply.photo, document=reply.document))
    return messages
