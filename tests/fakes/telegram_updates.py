"""The fake Telegram's world (users, chats, messages, files) and realistic Update JSON.

Field names and required fields follow the Bot API as python-telegram-bot v22 parses it
(telegram/_update.py, _message.py, _chatmember.py, _callbackquery.py): every builder's
output goes through `telegram.Update.de_json` in the tests of this package.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .telegram_text import utf16_len

Json = dict[str, Any]
ChatId = int | str

GROUP_TYPES = frozenset({"group", "supergroup"})
_GIVEN_NAMES = ["An", "Bình", "Chi", "Dũng", "Hà", "Hùng", "Lan", "Minh", "Ngọc", "Phương", "Thảo"]
_FAMILY_NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng"]
_COMMAND = re.compile(r"(?:(?<=\s)|^)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
_MENTION = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{5,32}")
START_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")


def tiny_png() -> bytes:
    """A valid 1x1 white PNG: injected photos get real image bytes to download."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def infer_chat_type(chat_id: int) -> str:
    if chat_id > 0:
        return "private"
    return "supergroup" if chat_id <= -1_000_000_000_000 else "group"


def text_entities(text: str) -> list[Json]:
    """The entities Telegram attaches to a user's plain text: bot commands and @mentions."""
    found: list[tuple[int, str, str]] = []
    for match in _COMMAND.finditer(text):
        found.append((match.start(), match.group(0), "bot_command"))
    for match in _MENTION.finditer(text):
        found.append((match.start(), match.group(0), "mention"))
    entities = [
        {"type": kind, "offset": utf16_len(text[:start]), "length": utf16_len(token)}
        for start, token, kind in sorted(found)
    ]
    return entities


def chat_member(user: Json, status: str, *, until_date: int = 0) -> Json:
    """A ChatMember of `status` with every field PTB requires for that status."""
    member: Json = {"status": status, "user": user}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        rights = [
            "can_manage_chat", "can_delete_messages", "can_manage_video_chats",
            "can_restrict_members", "can_promote_members", "can_change_info",
            "can_invite_users", "can_post_stories", "can_edit_stories", "can_delete_stories",
            "can_pin_messages",
        ]  # fmt: skip
        member.update({right: right != "can_promote_members" for right in rights})
        member.update(can_be_edited=False, is_anonymous=False)
    elif status == "restricted":
        rights = [
            "can_change_info", "can_invite_users", "can_pin_messages", "can_send_messages",
            "can_send_polls", "can_send_other_messages", "can_add_web_page_previews",
            "can_manage_topics", "can_send_audios", "can_send_documents", "can_send_photos",
            "can_send_videos", "can_send_video_notes", "can_send_voice_notes", "can_edit_tag",
            "can_react_to_messages",
        ]  # fmt: skip
        member.update({right: False for right in rights})
        member.update(is_member=True, until_date=until_date)
    elif status == "kicked":
        member["until_date"] = until_date
    elif status not in ("member", "left"):
        raise ValueError(f"unknown chat member status {status!r}")
    return member


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    source_url: str | None = None


@dataclass
class TelegramWorld:
    """Everything the fake knows: ids are per-chat increasing like Telegram's."""

    bot: Json
    clock: Callable[[], float]
    users: dict[int, Json] = field(default_factory=dict)
    chats: dict[ChatId, Json] = field(default_factory=dict)
    messages: dict[tuple[ChatId, int], Json] = field(default_factory=dict)
    files: dict[str, StoredFile] = field(default_factory=dict)
    callback_queries: dict[str, Json] = field(default_factory=dict)
    _message_ids: dict[ChatId, int] = field(default_factory=dict)
    _update_id: int = 512_000_000
    _sequence: int = 0

    def date(self) -> int:
        return int(self.clock())

    def next_update_id(self) -> int:
        self._update_id += 1
        return self._update_id

    def see_update_id(self, update_id: int) -> None:
        self._update_id = max(self._update_id, update_id)

    def _next(self) -> int:
        self._sequence += 1
        return self._sequence

    # ---- users and chats ---------------------------------------------------------------

    def user(
        self,
        user_id: int,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
    ) -> Json:
        if user_id == self.bot["id"]:
            return self.bot
        user = self.users.get(user_id)
        if user is None:
            user = {
                "id": user_id,
                "is_bot": False,
                "first_name": _GIVEN_NAMES[user_id % len(_GIVEN_NAMES)],
                "last_name": _FAMILY_NAMES[user_id % len(_FAMILY_NAMES)],
                "username": f"user{user_id}",
                "language_code": "vi",
            }
            self.users[user_id] = user
        overrides = {"first_name": first_name, "last_name": last_name, "username": username}
        user.update({key: value for key, value in overrides.items() if value is not None})
        return user

    def chat(self, chat_id: int, chat_type: str | None = None, *, title: str | None = None) -> Json:
        """The chat, registered on first use (the bot then knows it)."""
        chat = self.chats.get(chat_id)
        if chat is not None and (chat_type is None or chat["type"] == chat_type):
            if title is not None:
                chat["title"] = title
            return chat
        kind = chat_type or infer_chat_type(chat_id)
        if kind == "private":
            user = self.user(chat_id)
            chat = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
            chat.update({k: user[k] for k in ("last_name", "username") if user.get(k)})
        elif kind in GROUP_TYPES:
            chat = {"id": chat_id, "type": kind, "title": title or f"Nhóm thử {abs(chat_id)}"}
        else:
            raise ValueError(f"unsupported chat type {kind!r}")
        self.chats[chat_id] = chat
        return chat

    def find_chat(self, chat_id: ChatId) -> Json | None:
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            wanted = chat_id[1:].lower()
            return next(
                (c for c in self.chats.values() if c.get("username", "").lower() == wanted), None
            )
        return self.chats.get(chat_id)

    def learn(self, update: Json) -> None:
        """Know the chats, users, messages and queries a raw update shows, as Telegram does:
        the bot can then answer in that chat, reply to that message, answer that query."""
        for key, payload in update.items():
            if not isinstance(payload, dict):
                continue
            if key == "callback_query":
                self.callback_queries.setdefault(
                    payload["id"], {"query": payload, "answered": False}
                )
                self._learn_user(payload.get("from"))
                payload = payload.get("message") or {}
            if "message_id" in payload and "chat" in payload:
                self._learn_message(payload)
            elif "chat" in payload:  # chat member updates
                self.chats.setdefault(payload["chat"]["id"], payload["chat"])
                self._learn_user(payload.get("from"))

    def _learn_message(self, message: Json) -> None:
        chat_id = message["chat"]["id"]
        self.chats.setdefault(chat_id, message["chat"])
        self._learn_user(message.get("from"))
        self.messages.setdefault((chat_id, message["message_id"]), message)
        self._message_ids[chat_id] = max(self._message_ids.get(chat_id, 0), message["message_id"])
        if "reply_to_message" in message:
            self._learn_message(message["reply_to_message"])

    def _learn_user(self, user: Json | None) -> None:
        if user is not None and user["id"] != self.bot["id"]:
            self.users.setdefault(user["id"], user)

    # ---- messages ----------------------------------------------------------------------------

    def add_message(self, chat: Json, sender: Json, **content: Any) -> Json:
        chat_id = chat["id"]
        message_id = self._message_ids.get(chat_id, 0) + 1
        self._message_ids[chat_id] = message_id
        message: Json = {"message_id": message_id, "from": sender, "chat": chat}
        message["date"] = self.date()
        message.update({key: value for key, value in content.items() if value is not None})
        self.messages[(chat_id, message_id)] = message
        return message

    def find_message(self, chat_id: ChatId, message_id: int) -> Json | None:
        return self.messages.get((chat_id, message_id))

    # ---- files -------------------------------------------------------------------------------

    def add_file(
        self, data: bytes, folder: str, suffix: str, source_url: str | None = None
    ) -> StoredFile:
        number = self._next()
        digest = hashlib.sha1(f"{folder}{number}".encode()).hexdigest()
        stored = StoredFile(
            file_id=f"AgACAgUAAxkBAAI{digest[:24]}{number}",
            file_unique_id=f"AQAD{digest[24:34]}",
            file_path=f"{folder}/file_{number}.{suffix}",
            data=data,
            source_url=source_url,
        )
        self.files[stored.file_id] = stored
        return stored

    def photo_sizes(self, data: bytes, source_url: str | None = None) -> list[Json]:
        sizes = []
        for side in (90, 320, 800):
            stored = self.add_file(data, "photos", "jpg", source_url)
            sizes.append(
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "file_size": len(data),
                    "width": side,
                    "height": side,
                }
            )
        return sizes

    def document(self, file_name: str, data: bytes) -> Json:
        suffix = file_name.rpartition(".")[2] or "bin"
        stored = self.add_file(data, "documents", suffix)
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": file_name,
            "mime_type": mimetypes.guess_type(file_name)[0] or "application/octet-stream",
            "file_size": len(data),
        }

    # ---- updates a user causes -------------------------------------------------------------

    def message_update(
        self,
        chat_id: int,
        text: str | None,
        *,
        user_id: int | None = None,
        chat_type: str | None = None,
        reply_to_message: Json | None = None,
        photo: bool | bytes = False,
        document: tuple[str, bytes] | None = None,
        caption: str | None = None,
    ) -> Json:
        chat = self.chat(chat_id, chat_type)
        if user_id is None:
            user_id = chat_id if chat["type"] == "private" else 700_000_001
        sender = self.user(user_id)
        content: Json = {}
        if reply_to_message is not None:
            content["reply_to_message"] = {
                k: v for k, v in reply_to_message.items() if k != "reply_to_message"
            }
        if photo is not False or document is not None:
            if document is not None:
                content["document"] = self.document(*document)
            else:
                data = photo if isinstance(photo, bytes) else tiny_png()
                content["photo"] = self.photo_sizes(data)
            caption = caption if caption is not None else (text or None)
            if caption:
                content["caption"] = caption
                content["caption_entities"] = text_entities(caption) or None
        else:
            if not text:
                raise ValueError("a text message needs text")
            content["text"] = text
            content["entities"] = text_entities(text) or None
        return {"message": self.add_message(chat, sender, **content)}

    def start_update(
        self, payload: str, *, chat_id: int | None, user_id: int | None, chat_type: str
    ) -> Json:
        if not START_PAYLOAD.fullmatch(payload):
            raise ValueError(f"a deep-link payload must match [A-Za-z0-9_-]{{1,64}}: {payload!r}")
        if chat_type == "private":
            user_id = user_id or chat_id or 700_000_001
            chat_id = user_id
            text = f"/start {payload}"
        else:
            if chat_id is None:
                raise ValueError("a group /start needs chat_id")
            # The startgroup deep link addresses the command to this bot explicitly.
            text = f"/start@{self.bot['username']} {payload}"
        return self.message_update(chat_id, text, user_id=user_id, chat_type=chat_type)

    def callback_update(self, message: Json, data: str, *, user_id: int | None) -> Json:
        chat = message["chat"]
        if user_id is None:
            user_id = chat["id"] if chat["type"] == "private" else 700_000_001
        query_id = str(4_382_000_000_000_000_000 + self._next())
        digest = hashlib.sha1(str(chat["id"]).encode()).hexdigest()
        query = {
            "id": query_id,
            "from": self.user(user_id),
            "message": message,
            "chat_instance": str(-int(digest[:15], 16)),
            "data": data,
        }
        self.callback_queries[query_id] = {"query": query, "answered": False}
        return {"callback_query": query}

    def member_update(
        self,
        chat_id: int,
        old_status: str,
        new_status: str,
        *,
        user_id: int | None = None,
        chat_type: str | None = None,
    ) -> Json:
        chat = self.chat(chat_id, chat_type)
        if user_id is None:
            user_id = chat_id if chat["type"] == "private" else 700_000_001
        return {
            "my_chat_member": {
                "chat": chat,
                "from": self.user(user_id),
                "date": self.date(),
                "old_chat_member": chat_member(self.bot, old_status),
                "new_chat_member": chat_member(self.bot, new_status),
            }
        }
