"""Telegram updates as Loa Events: pure conversion, no I/O.

What Loa reads: messages (text, commands, captions, photos, documents, links), button
presses (callback queries) and changes of the bot's own membership (my_chat_member), in
private chats, groups and supergroups. Everything else is ignored: channel posts,
service messages, commands addressed to another bot, buttons of inline-mode messages.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Literal

from telegram import Message, MessageEntity, Update

from bot.channels.text import extract_links
from handlers.events import Attachment, ChatType, Event

NAME = "telegram"

_COMMAND_TYPED = re.compile(r"[A-Za-z0-9_]{1,32}")  # what users type (any case)


def _chat_type(telegram_type: str) -> ChatType | None:
    if telegram_type == "private":
        return "private"
    if telegram_type in ("group", "supergroup"):
        return "group"
    return None  # channels are not served


def _attachment(kind: Literal["photo", "document", "video"], file_id: str) -> Attachment:
    return Attachment(kind, file_id, evidence=f"telegram-{kind}:{file_id}")


def _attachments(message: Message) -> tuple[Attachment, ...]:
    found: list[Attachment] = []
    if message.photo:
        largest = max(
            message.photo, key=lambda size: (size.width * size.height, size.file_size or 0)
        )
        found.append(_attachment("photo", largest.file_id))
    if message.document:
        found.append(_attachment("document", message.document.file_id))
    if message.video:
        found.append(_attachment("video", message.video.file_id))
    return tuple(found)


def _message_evidence(message: Message, attachments: tuple[Attachment, ...]) -> tuple[str, ...]:
    evidence = [attachment.evidence_ref for attachment in attachments]
    kinds: list[str | None] = [MessageEntity.URL, MessageEntity.TEXT_LINK]
    entities = (
        message.parse_entities(kinds) if message.text else message.parse_caption_entities(kinds)
    )
    links = [
        entity.url if entity.type == MessageEntity.TEXT_LINK else shown
        for entity, shown in sorted(entities.items(), key=lambda item: item[0].offset)
    ]
    # Also links without an entity (some clients and forwards carry none).
    links += extract_links(message.text or message.caption or "")
    for link in links:
        if link and link not in evidence:
            evidence.append(link)
    return tuple(evidence)


def _parse_command(text: str) -> tuple[str, str, tuple[str, ...]] | None:
    """("xong", "LoaBot", ("2",)) for "/xong@LoaBot 2" (addressee "" when none given);
    None when the text is not a command."""
    if not text.startswith("/"):
        return None
    head, *args = text.split()
    name, _, addressee = head[1:].partition("@")
    if not _COMMAND_TYPED.fullmatch(name):
        return None
    return name.lower(), addressee, tuple(args)


def update_to_event(
    update: Update, *, bot_id: int, bot_username: str | None, now: datetime
) -> Event | None:
    """The Event for an update, or None for what Loa ignores (channel posts, service
    messages, other bots' commands, inline-mode buttons)."""
    if update.callback_query is not None:
        query = update.callback_query
        if query.message is None or query.data is None:
            return None
        chat = query.message.chat
        chat_type = _chat_type(chat.type)
        if chat_type is None:
            return None
        return Event(
            channel=NAME,
            chat_id=str(chat.id),
            chat_type=chat_type,
            user_id=str(query.from_user.id),
            user_name=query.from_user.full_name,
            kind="button",
            received_at=now,
            button_data=query.data,
            message_id=str(query.message.message_id),
            chat_title=chat.title,
        )
    if update.my_chat_member is not None:
        change = update.my_chat_member
        chat_type = _chat_type(change.chat.type)
        if chat_type is None:
            return None
        return Event(
            channel=NAME,
            chat_id=str(change.chat.id),
            chat_type=chat_type,
            user_id=str(change.from_user.id),
            user_name=change.from_user.full_name,
            kind="member",
            received_at=now,
            chat_title=change.chat.title,
            member_status=change.new_chat_member.status,
        )
    if update.message is not None:
        return _message_event(update.message, bot_id, bot_username, now)
    return None


def _message_event(
    message: Message, bot_id: int, bot_username: str | None, now: datetime
) -> Event | None:
    chat_type = _chat_type(message.chat.type)
    if chat_type is None:
        return None
    if message.sender_chat is not None:  # an anonymous group admin or a linked channel
        user_id, user_name = str(message.sender_chat.id), message.sender_chat.effective_name or ""
    elif message.from_user is not None and not message.from_user.is_bot:
        user_id, user_name = str(message.from_user.id), message.from_user.full_name
    else:
        return None
    text = message.text or message.caption or ""
    attachments = _attachments(message)
    evidence = _message_evidence(message, attachments)
    command = _parse_command(text)
    if command and command[1] and command[1].lower() != (bot_username or "").lower():
        return None  # a command for another bot in the same group
    if command is not None:
        kind: Literal["command", "message", "unsupported"] = "command"
    elif text or evidence:
        kind = "message"
    elif message.effective_attachment is not None:
        kind = "unsupported"  # a sticker, voice note, location...
    else:
        return None  # service messages: members joined, title changed, pinned...
    quoted = message.reply_to_message
    quotes_bot = bool(quoted and quoted.from_user and quoted.from_user.id == bot_id)
    return Event(
        channel=NAME,
        chat_id=str(message.chat.id),
        chat_type=chat_type,
        user_id=user_id,
        user_name=user_name,
        kind=kind,
        received_at=now,
        text=text,
        command=command[0] if command else None,
        args=command[2] if command else (),
        message_id=str(message.message_id),
        reply_to_message_id=str(quoted.message_id) if quoted and quotes_bot else None,
        quotes_bot=quotes_bot,
        evidence=evidence,
        attachments=attachments,
        chat_title=message.chat.title,
    )
