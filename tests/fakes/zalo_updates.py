"""Realistic Zalo Bot Platform update JSON.

    {"event_name": "message.text.received",
     "message": {"from": {"id": "6ede9afa66b88fe6d6a9", "display_name": "Ted", "is_bot": false},
                 "chat": {"id": "6ede9afa66b88fe6d6a9", "chat_type": "PRIVATE"},
                 "text": "xong", "message_id": "2d758cb5e222177a4e35", "date": 1750316131602}}

Ids are opaque 20-hex-digit strings, `date` is in milliseconds, `chat_type` is PRIVATE or
GROUP; in a private chat the chat id is the user's id. Images carry `photo` (the image URL)
and an optional `caption`, as Zalo's docs list them; unsupported messages (content Zalo
withholds from the bot) carry no content at all.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from typing import Any

Json = dict[str, Any]

TEXT = "message.text.received"
IMAGE = "message.image.received"
STICKER = "message.sticker.received"
UNSUPPORTED = "message.unsupported.received"
CHAT_TYPES = ("PRIVATE", "GROUP")
_NAMES = [
    "Nguyễn Văn An",
    "Trần Thị Bình",
    "Lê Minh Châu",
    "Phạm Quốc Dũng",
    "Hoàng Thu Hà",
    "Vũ Đức Hùng",
    "Đặng Ngọc Lan",
    "Bùi Thanh Minh",
]


class ZaloUpdates:
    """Builds updates; ids come from a seeded generator so runs can be reproduced."""

    def __init__(self, clock: Callable[[], float], *, seed: int | None = None) -> None:
        self.clock = clock
        self.rng = random.Random(seed)
        self.names: dict[str, str] = {}

    def opaque_id(self) -> str:
        return f"{self.rng.getrandbits(80):020x}"

    def date_ms(self) -> int:
        return int(self.clock() * 1000)

    def user(self, user_id: str, display_name: str | None = None) -> Json:
        if display_name is not None:
            self.names[user_id] = display_name
        name = self.names.get(user_id)
        if name is None:
            index = int(hashlib.sha1(user_id.encode()).hexdigest(), 16) % len(_NAMES)
            name = _NAMES[index]
        return {"id": user_id, "display_name": name, "is_bot": False}

    def _message(
        self,
        event_name: str,
        chat_id: str,
        *,
        user_id: str | None,
        chat_type: str,
        display_name: str | None,
        **content: Any,
    ) -> Json:
        if chat_type not in CHAT_TYPES:
            raise ValueError(f"chat_type must be PRIVATE or GROUP, not {chat_type!r}")
        if user_id is None:
            if chat_type == "GROUP":
                raise ValueError("a GROUP message needs user_id (who wrote it)")
            user_id = chat_id
        message: Json = {
            "from": self.user(user_id, display_name),
            "chat": {"id": chat_id, "chat_type": chat_type},
        }
        message.update({key: value for key, value in content.items() if value is not None})
        message["message_id"] = self.opaque_id()
        message["date"] = self.date_ms()
        return {"event_name": event_name, "message": message}

    def text(
        self,
        chat_id: str,
        text: str,
        *,
        user_id: str | None = None,
        chat_type: str = "PRIVATE",
        display_name: str | None = None,
    ) -> Json:
        return self._message(
            TEXT,
            chat_id,
            user_id=user_id,
            chat_type=chat_type,
            display_name=display_name,
            text=text,
        )

    def image(
        self,
        chat_id: str,
        photo_url: str,
        caption: str | None = None,
        *,
        user_id: str | None = None,
        chat_type: str = "PRIVATE",
        display_name: str | None = None,
    ) -> Json:
        return self._message(
            IMAGE,
            chat_id,
            user_id=user_id,
            chat_type=chat_type,
            display_name=display_name,
            photo=photo_url,
            caption=caption,
        )

    def sticker(
        self,
        chat_id: str,
        sticker: str,
        *,
        user_id: str | None = None,
        chat_type: str = "PRIVATE",
        display_name: str | None = None,
    ) -> Json:
        url = f"https://zalo-api.zadn.vn/api/emoticon/sticker/webpc?eid={sticker}&size=130"
        return self._message(
            STICKER,
            chat_id,
            user_id=user_id,
            chat_type=chat_type,
            display_name=display_name,
            sticker=sticker,
            url=url,
        )

    def unsupported(
        self,
        chat_id: str,
        *,
        user_id: str | None = None,
        chat_type: str = "PRIVATE",
        display_name: str | None = None,
    ) -> Json:
        return self._message(
            UNSUPPORTED, chat_id, user_id=user_id, chat_type=chat_type, display_name=display_name
        )
