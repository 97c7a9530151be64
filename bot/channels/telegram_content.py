"""Telegram, what a message becomes: API calls (media first, its caption the text when
it fits 1,024; text in parts of 4,096), buttons as an inline keyboard, and a digest's
contacts as text mentions (a user named by id is notified even without a username)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, MessageEntity, User

from bot.channels.telegram_updates import NAME
from bot.channels.text import split_text, utf16_length
from content.buttons import Button
from content.contacts import Mention, mentions

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024


def keyboard(rows: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in rows]
    )


@dataclass(frozen=True)
class ApiCall:
    """One API call: a text message, or a photo or document with an optional caption."""

    method: Literal["text", "photo", "document"]
    text: str = ""
    media: str | InputFile | None = None  # a file id or URL, or bytes to upload
    markup: InlineKeyboardMarkup | None = None
    reply_to: int | None = None
    entities: tuple[MessageEntity, ...] = ()  # mentions of people, in UTF-16 units


def contact_mentions(text: str, payload: dict[str, Any]) -> list[Mention]:
    """The Telegram contacts a message names (a digest's `contacts`, content/contacts.py)."""
    found = mentions(text, payload.get("contacts") or ())
    return [mention for mention in found if mention["address"].startswith(f"{NAME}:")]


def _entities(
    text: str, start: int, chunk: str, found: Sequence[Mention]
) -> tuple[MessageEntity, ...]:
    """Text mentions for the names inside `chunk`, which begins at `start` in `text`: a
    mention of a user by id notifies them even without a username."""
    entities = []
    for mention in found:
        offset = mention["offset"] - start
        if offset < 0 or offset + mention["length"] > len(chunk):
            continue
        user_id = mention["address"].partition(":")[2]
        if not user_id.isdigit():
            continue  # a group id: not a person
        name = chunk[offset : offset + mention["length"]]
        entities.append(
            MessageEntity(
                MessageEntity.TEXT_MENTION,
                utf16_length(chunk[:offset]),
                utf16_length(name),
                user=User(int(user_id), name, is_bot=False),
            )
        )
    return tuple(entities)


def plan_parts(
    text: str,
    buttons: Sequence[Sequence[Button]],
    photo: str | InputFile | None = None,
    document: str | InputFile | None = None,
    reply_to: int | None = None,
    found: Sequence[Mention] = (),
) -> list[ApiCall]:
    """Split content into API calls: media first (the last one carries the text as its
    caption when it fits 1,024), then text in parts of 4,096; the buttons go on the last
    call and the reply reference on the first."""
    parts = [ApiCall("photo", media=photo)] if photo else []
    if document:
        parts.append(ApiCall("document", media=document))
    if parts and text.strip() and utf16_length(text) <= CAPTION_LIMIT:
        parts[-1] = replace(parts[-1], text=text, entities=_entities(text, 0, text, found))
    else:
        position = 0
        for chunk in split_text(text, TEXT_LIMIT, measure=utf16_length):
            # Every chunk is a slice of the text: where it starts places its mentions.
            start = text.find(chunk, position)
            position = start + len(chunk)
            parts.append(ApiCall("text", text=chunk, entities=_entities(text, start, chunk, found)))
    if parts:
        parts[-1] = replace(parts[-1], markup=keyboard(buttons))
        parts[0] = replace(parts[0], reply_to=reply_to)
    return parts
