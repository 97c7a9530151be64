"""The contract between the outbox dispatcher and a platform adapter."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from handlers.context import TurnHook
from handlers.events import Button, Event, Reply


class EventHandler(Protocol):
    """What a channel hands its events to (LoaApp.on_event). `finish` marks the update
    handled in the handlers' transaction."""

    async def __call__(self, event: Event, finish: TurnHook | None = None) -> Sequence[Reply]: ...


@dataclass(frozen=True)
class Outgoing:
    """A message to deliver. Adapters split over-long text and escape it."""

    chat_id: str
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    photo: str | None = None  # file id or URL
    document: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    # Ids of the parts an earlier attempt delivered: the adapter sends only the rest.
    parts_sent: tuple[str, ...] = ()


class DeliveryError(Exception):
    """Base class; `str()` must never contain a token."""


class RetryLater(DeliveryError):
    """Rate-limited (429) or a passing failure (5xx, timeout, network).

    `retry_after` is what the platform asked for; None lets the dispatcher back off.
    `per_chat` tells whether only this chat is affected (Telegram's 429 per chat).
    """

    def __init__(self, reason: str, retry_after: float | None = None, per_chat: bool = True):
        super().__init__(reason)
        self.retry_after = retry_after
        self.per_chat = per_chat


class ChatGone(DeliveryError):
    """The bot was removed from the group or blocked: stop sending there."""


class Rejected(DeliveryError):
    """The platform refused this message for good (400): retrying cannot help."""


class PartlyDelivered(DeliveryError):
    """The first parts of a split message went out, then `cause` stopped the rest.

    The dispatcher keeps `delivered` (all part ids so far) with the outbox row, so the
    retry passes them back in Outgoing.parts_sent and no part is sent twice."""

    def __init__(self, cause: DeliveryError, delivered: list[str]) -> None:
        super().__init__(f"{len(delivered)} part(s) delivered, then: {cause}")
        self.cause = cause
        self.delivered = delivered


class ChannelDown(DeliveryError):
    """The whole channel cannot work (401: bad token)."""


class Channel(Protocol):
    name: str

    async def deliver(self, message: Outgoing) -> list[str]:
        """Send one message (maybe split in parts); return the platform message ids.

        Raises one of the DeliveryError subclasses."""
        ...
