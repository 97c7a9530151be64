"""Telegram's errors as the dispatcher's DeliveryError family (scheduler/delivery.py),
their text redacted."""

from __future__ import annotations

from datetime import timedelta

from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot.logging_setup import redact
from scheduler.delivery import ChannelDown, ChatGone, DeliveryError, Rejected, RetryLater

# Bad requests that mean the chat cannot be written to at all: stop sending there.
_CHAT_GONE_HINTS = ("chat not found", "have no rights to send", "not enough rights to send")


def retry_seconds(error: RetryAfter) -> float:
    value = error.retry_after  # a timedelta with PTB_TIMEDELTA (set in telegram.py), else seconds
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def map_error(error: TelegramError) -> DeliveryError:
    """Translate a PTB error into what the dispatcher acts on; the text is redacted."""
    reason = redact(str(error))
    if isinstance(error, RetryAfter):
        return RetryLater(f"Telegram flood control: {reason}", retry_seconds(error), per_chat=True)
    if isinstance(error, ChatMigrated):
        return ChatGone(f"the group became a supergroup with chat id {error.new_chat_id}")
    if isinstance(error, Forbidden):
        return ChatGone(reason)
    if isinstance(error, InvalidToken):
        return ChannelDown("Telegram rejected the bot token")
    if isinstance(error, BadRequest):  # before NetworkError: BadRequest is a subclass
        if any(hint in reason.lower() for hint in _CHAT_GONE_HINTS):
            return ChatGone(reason)
        return Rejected(reason)
    if isinstance(error, NetworkError):  # timeouts, connection errors, 5xx
        # A network failure hits every chat alike: let the dispatcher pause the channel.
        return RetryLater(f"Telegram unreachable: {reason}", None, per_chat=False)
    return Rejected(reason)
