"""A Telegram turn's replies: what becomes the button's pop-up, an edit in place or a
file sent at once, and what becomes messages for the outbox (the reasons are in
docs/architecture.md, "Replies")."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.channels.replies import ReplyMessage, TurnReplies
from bot.channels.telegram_content import TEXT_LIMIT, keyboard
from bot.channels.telegram_sender import DIRECT_RETRIES, TelegramSender, chat_ref
from bot.channels.text import split_text, utf16_length
from handlers.events import Event, Reply
from scheduler.delivery import Rejected

log = logging.getLogger(__name__)

NOTICE_LIMIT = 200  # answerCallbackQuery text


@dataclass
class TurnAnswer:
    """What a turn's replies become besides messages: the pop-up, the edits, files."""

    popup: str | None = None
    edits: list[tuple[str, Reply]] = field(default_factory=list)
    files: list[tuple[str, Reply, str | None]] = field(default_factory=list)  # + reply_to


def compose(event: Event, replies: Sequence[Reply], answer: TurnAnswer) -> list[ReplyMessage]:
    """What the replies become on Telegram: the pop-up of a button press (when the
    notice fits one), edits in place, and the messages (the outbox's)."""
    answer.popup = _notice_for(event, replies) if event.kind == "button" else None
    answer.edits, answer.files = [], []
    messages = []
    for reply in replies:
        chat_id = reply.chat_id or event.chat_id
        same_chat = chat_id == event.chat_id
        reply_to = (
            event.message_id
            if same_chat
            and event.chat_type == "group"
            and event.kind in ("command", "message")
            and event.message_id
            else None
        )
        if reply.notice and not (answer.popup is not None and same_chat):
            messages.append(ReplyMessage(chat_id, reply.notice, reply_to=reply_to))
        if reply.edit_message_id and not (reply.photo or reply.document):
            answer.edits.append((chat_id, reply))
        elif reply.file is not None:
            answer.files.append((chat_id, reply, reply_to))
        elif reply.text.strip() or reply.photo or reply.document:
            messages.append(
                ReplyMessage(
                    chat_id, reply.text, reply.buttons, reply.photo, reply.document, reply_to
                )
            )
    return messages


def _notice_for(event: Event | None, replies: Sequence[Reply]) -> str | None:
    if event is None:
        return None
    notices = [r.notice for r in replies if r.notice and r.chat_id in (None, event.chat_id)]
    text = "\n".join(notices)
    return text if notices and utf16_length(text) <= NOTICE_LIMIT else None


async def edit_in_place(
    sender: TelegramSender, chat_id: str, reply: Reply, turn: TurnReplies
) -> None:
    """Edit a message in place; what cannot be an edit becomes a new message."""
    assert reply.edit_message_id is not None
    chunks = split_text(reply.text, TEXT_LIMIT, measure=utf16_length)
    markup = keyboard(reply.buttons)
    message_id = int(reply.edit_message_id)
    target = chat_ref(chat_id)

    async def edit() -> object:
        if not chunks:
            return await sender.bot.edit_message_reply_markup(
                chat_id=target, message_id=message_id, reply_markup=markup
            )
        return await sender.bot.edit_message_text(
            chunks[0],
            chat_id=target,
            message_id=message_id,
            reply_markup=markup if len(chunks) == 1 else None,
        )

    try:
        await sender.request(chat_id, edit, retries=DIRECT_RETRIES)
    except Rejected as error:
        if "message is not modified" in str(error).lower():
            return  # pressed twice: the message already shows this
        log.info("Telegram: could not edit message %s (%s); sending anew", message_id, error)
        anew = ReplyMessage(chat_id, reply.text, reply.buttons)
        await turn.add([anew], f"anew-{message_id}-")
        return
    if len(chunks) > 1:  # the rest goes as a new message, the buttons on its last part
        rest = ReplyMessage(chat_id, "\n\n".join(chunks[1:]), reply.buttons)
        await turn.add([rest], f"rest-{message_id}-")
