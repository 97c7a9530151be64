"""What a channel adapter hands to the handlers (Event) and gets back (Reply).

Both are plain data: handlers never see python-telegram-bot or Zalo objects, so one
handler serves every platform.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from content.buttons import Button
from scheduler.delivery import FileUpload

__all__ = ["Attachment", "Event", "FileUpload", "Reply"]

ChatType = Literal["private", "group"]
AttachmentKind = Literal["photo", "document", "video"]
EventKind = Literal["message", "command", "button", "member", "unsupported"]


@dataclass(frozen=True)
class Attachment:
    """A file that came with a message: `ref` is what the channel needs to fetch or
    send it again (a Telegram file id, a Zalo photo URL); `evidence` is how it reads in
    the event's evidence (and so in a confirmation's), when it differs from `ref`."""

    kind: AttachmentKind
    ref: str
    evidence: str = ""

    @property
    def evidence_ref(self) -> str:
        return self.evidence or self.ref


@dataclass(frozen=True)
class Event:
    channel: str  # a key of content.channels.CHANNELS
    chat_id: str
    chat_type: ChatType
    user_id: str
    user_name: str
    kind: EventKind
    received_at: datetime
    text: str = ""
    command: str | None = None  # without the slash and any @botname, lower-case
    args: tuple[str, ...] = ()
    button_data: str | None = None  # the callback data of a pressed button
    message_id: str | None = None  # the incoming message (or the one whose button was pressed)
    reply_to_message_id: str | None = None  # the bot message this replies to (Telegram)
    quotes_bot: bool = False  # replies to / quotes one of the bot's messages
    evidence: tuple[str, ...] = ()  # links and photo/file references that came with it
    attachments: tuple[Attachment, ...] = ()  # the files among them
    chat_title: str | None = None
    member_status: str | None = None  # for kind == "member": the bot's new status in the chat

    @property
    def chat_address(self) -> str:
        return f"{self.channel}:{self.chat_id}"

    @property
    def user_address(self) -> str:
        return f"{self.channel}:{self.user_id}"


@dataclass(frozen=True)
class Reply:
    """One thing to show the user.

    `edit_message_id` edits an earlier bot message in place (Telegram) instead of
    sending a new one; `notice` is the short pop-up answer to a button press.
    Text is plain: adapters escape it for their platform.
    """

    text: str = ""
    buttons: tuple[tuple[Button, ...], ...] = ()
    edit_message_id: str | None = None
    notice: str | None = None
    photo: str | None = None
    document: str | None = None
    file: FileUpload | None = None
    chat_id: str | None = None  # another chat of the same channel; None = where the event came from
    extra: dict[str, str] = field(default_factory=dict)
