"""The shape an incoming update must have before Loa stores it.

Webhook bodies come from whoever holds the secret, and a stored update is handled
again after every restart until it succeeds, so a body that only looks like an update
(`{"update_id": true}`, a message that is a list, an id that is a string) is refused
at the door. Only the fields Loa reads are checked, strictly (an integer is not `true`
or `"1"`); everything else is kept as the platform sent it.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

# Telegram ids have up to 52 significant bits; anything past 64 bits is not an id.
Int64 = Annotated[int, Field(ge=-(2**63), lt=2**63)]
Count = Annotated[int, Field(ge=0, lt=2**63)]
ZaloId = Annotated[str, Field(max_length=128)] | Int64  # Zalo ids are strings of hex digits


class _Shape(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


# --- Telegram (https://core.telegram.org/bots/api#update) ----------------------------------


class TelegramUser(_Shape):
    id: Int64
    is_bot: bool = False
    first_name: str = ""
    last_name: str | None = None
    username: str | None = None


class TelegramChat(_Shape):
    id: Int64
    type: str
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None


class TelegramEntity(_Shape):
    type: str
    offset: Count
    length: Count
    url: str | None = None


class TelegramPhotoSize(_Shape):
    file_id: str
    width: Count
    height: Count
    file_size: Count | None = None


class TelegramFile(_Shape):
    file_id: str


class TelegramMessage(_Shape):
    message_id: Int64
    date: Count  # 0 for a message the bot can no longer see
    chat: TelegramChat
    from_user: TelegramUser | None = Field(None, alias="from")
    sender_chat: TelegramChat | None = None
    text: str | None = None
    caption: str | None = None
    entities: list[TelegramEntity] | None = None
    caption_entities: list[TelegramEntity] | None = None
    photo: list[TelegramPhotoSize] | None = None
    document: TelegramFile | None = None
    video: TelegramFile | None = None
    reply_to_message: TelegramMessage | None = None


class TelegramCallbackQuery(_Shape):
    id: str
    from_user: TelegramUser = Field(alias="from")
    message: TelegramMessage | None = None
    data: str | None = None


class TelegramChatMember(_Shape):
    status: str
    user: TelegramUser


class TelegramMemberUpdate(_Shape):
    chat: TelegramChat
    from_user: TelegramUser = Field(alias="from")
    date: Count
    old_chat_member: TelegramChatMember
    new_chat_member: TelegramChatMember


class TelegramUpdate(_Shape):
    update_id: Count
    message: TelegramMessage | None = None
    callback_query: TelegramCallbackQuery | None = None
    my_chat_member: TelegramMemberUpdate | None = None


# --- Zalo Bot Platform ---------------------------------------------------------------------


class ZaloSender(_Shape):
    id: ZaloId | None = None
    display_name: str | None = None
    name: str | None = None
    is_bot: bool | None = None


class ZaloChat(_Shape):
    id: ZaloId | None = None
    chat_type: str | None = None


class ZaloMessage(_Shape):
    message_id: ZaloId | None = None
    sender: ZaloSender | None = Field(None, alias="from")
    chat: ZaloChat | None = None
    text: str | None = None
    caption: str | None = None
    photo: str | None = None
    photo_url: str | None = None
    url: str | None = None
    date: Count | None = None


class ZaloUpdate(_Shape):
    event_name: str
    message: ZaloMessage | None = None


def shape_problem(shape: type[_Shape], payload: Any) -> str | None:
    """None when `payload` has the shape; else the first mismatch, as 'message.chat.id:
    Input should be a valid integer' (for logs and the 400 answer)."""
    try:
        shape.model_validate(payload)
    except ValidationError as error:
        first = error.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        return f"{where}: {first['msg']}"
    return None
