"""Zalo updates as Events: a getUpdates answer or a webhook body unwrapped, each update's
key (getUpdates has no offset: the key is what makes a repeat harmless), and a message
read into a command, a text or a photo."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from datetime import datetime
from typing import Any

from bot.channels.text import extract_links
from bot.channels.update_schemas import ZaloUpdate, shape_problem
from handlers.events import Attachment, Event

log = logging.getLogger(__name__)


NAME = "zalo"
URL_PATTERN = re.compile(r"https?://\S+$", re.IGNORECASE)
# A command may follow a mention: "@Loa /tiendo" (Zalo puts mentions in the text).
_COMMAND = re.compile(r"^(?:@\S+\s+)?/(?P<name>[A-Za-z0-9_]{1,32})(?:@\S+)?(?P<rest>(?:\s.*)?)$")


def unwrap_update(body: Any) -> dict[str, Any] | None:
    """Webhook bodies come as {ok, result: update} or as the bare update; None for
    anything else, and (logged) for an update whose fields Loa reads have wrong types."""
    if not isinstance(body, dict):
        return None
    update = body if isinstance(body.get("event_name"), str) else body.get("result")
    if not isinstance(update, dict) or not isinstance(update.get("event_name"), str):
        return None
    problem = shape_problem(ZaloUpdate, update)
    if problem is not None:
        log.warning("Zalo: refused an update of the wrong shape (%.200s)", problem)
        return None
    return update


def updates_in(result: Any) -> list[dict[str, Any]]:
    """getUpdates answers one update; a list (or a wrapped one) is accepted all the same."""
    items = result if isinstance(result, list) else [result]
    return [update for item in items if (update := unwrap_update(item)) is not None]


def update_key(update: dict[str, Any]) -> str:
    """The de-duplication key: the message_id, else a digest of the whole update."""
    message = update.get("message") or {}
    message_id = message.get("message_id")
    if message_id:
        return str(message_id)
    canonical = json.dumps(update, sort_keys=True, ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


def _photo_of(message: dict[str, Any]) -> str | None:
    for field in ("photo", "photo_url", "url"):
        value = message.get(field)
        if isinstance(value, str) and URL_PATTERN.match(value):
            return value
    return None


def to_event(update: dict[str, Any], received_at: datetime) -> Event | None:
    """The Event for a Zalo update, or None for what Loa cannot act on."""
    name = update.get("event_name", "")
    message = update.get("message") or {}
    sender = message.get("from") or {}
    chat = message.get("chat") or {}
    user_id = str(sender.get("id") or "")
    if not user_id or sender.get("is_bot") is True:
        return None
    chat_type = "group" if str(chat.get("chat_type", "")).upper() == "GROUP" else "private"
    common: dict[str, Any] = {
        "channel": NAME,
        "chat_id": str(chat.get("id") or user_id),  # a private chat's id is the user's
        "chat_type": chat_type,
        "user_id": user_id,
        "user_name": str(sender.get("display_name") or sender.get("name") or ""),
        "received_at": received_at,
        "message_id": str(message.get("message_id") or "") or None,
        # In a group Zalo shows the bot only messages that quote or mention it.
        "quotes_bot": chat_type == "group",
    }
    if name in ("message.unsupported.received", "message.sticker.received"):
        # Content Zalo withholds (protected users), or a sticker: a polite answer only.
        return Event(kind="unsupported", **common)
    if name == "message.text.received":
        text = str(message.get("text") or "").strip()
    elif name == "message.image.received":
        text = str(message.get("caption") or "").strip()
    else:
        return None  # future event kinds carry nothing Loa acts on
    evidence = extract_links(text)
    photo = _photo_of(message) if name == "message.image.received" else None
    if photo and photo not in evidence:
        evidence.append(photo)
    if not text and not evidence:
        return None
    command = _COMMAND.match(text)
    return Event(
        kind="command" if command else "message",
        text=text,
        command=command.group("name").lower() if command else None,
        args=tuple(command.group("rest").split()) if command else (),
        evidence=tuple(evidence),
        attachments=(Attachment("photo", photo),) if photo else (),
        **common,
    )
