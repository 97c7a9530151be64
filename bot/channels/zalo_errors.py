"""Zalo's API errors, and what the outbox does about each (DeliveryError family,
scheduler/delivery.py). An error never holds the URL: the token is in its path."""

from __future__ import annotations

from scheduler.delivery import ChannelDown, ChatGone, DeliveryError, Rejected, RetryLater


class ZaloApiError(Exception):
    """An API answer other than ok, or no answer (status 0). Never holds the URL."""

    def __init__(self, status: int, code: int | None, description: str) -> None:
        self.status = status
        self.code = code or status
        self.description = description
        super().__init__(f"Zalo API {self.code or 'network'}: {description}")


def delivery_error(error: ZaloApiError) -> DeliveryError:
    """What the outbox does about a failed send (the 401 and 429 cases are the channel's)."""
    if error.status == 0:
        # The network fails every chat alike: the dispatcher pauses the channel.
        return RetryLater(f"Zalo unreachable: {error.description}", per_chat=False)
    if error.code == 401:
        return ChannelDown("Zalo rejected the bot token (401)")
    if error.code in (403, 408) or error.code >= 500:
        # Zalo answers 403 "Internal server error" for passing faults.
        return RetryLater(f"Zalo {error.code}: {error.description}")
    if error.code == 404 and "chat" in error.description.lower():
        return ChatGone(f"Zalo {error.code}: {error.description}")
    return Rejected(f"Zalo {error.code}: {error.description}")
