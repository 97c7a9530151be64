"""The delivery contract between the dispatcher and the channel adapters.

The dispatcher hands an adapter an `Outgoing` message and learns the outcome from the
platform message ids it gets back or from one of the `DeliveryError` subclasses; the
evidence fetcher (scheduler/evidence.py) asks it for the files people sent; the app
starts and stops adapters through the `Channel` protocol. Adapters live in
bot/channels/ and import this; nothing here knows a platform.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from content.buttons import Button


@dataclass(frozen=True)
class FileUpload:
    """A file Loa made (a report, a banner), sent as its bytes on channels whose traits
    say `uploads`; elsewhere the adapter says where to get it instead."""

    name: str  # shown to the user: "bao-cao-2026.docx"
    data: bytes
    kind: Literal["photo", "document"] = "document"
    # What names these bytes for good (a stored file's hash): an adapter may then send
    # what the platform gave for an earlier upload instead of the bytes again.
    key: str | None = None


@dataclass(frozen=True)
class FileLink:
    """A file Loa keeps, given by the address a platform fetches it from: for channels
    that take files by URL only (their traits say `media` but not `uploads`). The
    dispatcher puts `url` in the message's `photo` or `document`."""

    name: str
    url: str
    kind: Literal["photo", "document"] = "document"


@dataclass(frozen=True)
class Outgoing:
    """A message to deliver. Adapters split over-long text and escape it."""

    chat_id: str
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    photo: str | None = None  # file id or URL
    document: str | None = None
    upload: FileUpload | None = None  # a file Loa made, sent as its bytes
    payload: dict[str, Any] = field(default_factory=dict)
    # Ids of the parts an earlier attempt delivered: the adapter sends only the rest.
    parts_sent: tuple[str, ...] = ()
    reply_to: str | None = None  # the platform message this answers (quoted where it can be)
    kind: str = ""  # the outbox row's kind: an "alert" may use a quota's reserve


# Called by an adapter after each part of a split message but the last, with the ids
# of every part delivered so far: the dispatcher records them before the next part
# goes, so a process killed between two parts never sends the first ones again.
PartHook = Callable[[list[str]], Awaitable[None]]


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


class FileTooLarge(Rejected):
    """A file to fetch is larger than the caller allows (or than the platform lets a
    bot download); `size` in bytes when the platform said."""

    def __init__(self, reason: str, size: int | None = None) -> None:
        super().__init__(reason)
        self.size = size


class ChannelDown(DeliveryError):
    """The whole channel cannot work (401: bad token)."""


class WebRoutes(Protocol):
    """What a channel needs of the web server: a route for its webhook."""

    def add_post_route(self, path: str, handler: Callable[[Any], Awaitable[Any]]) -> None:
        """`handler` takes the web framework's request and returns its response."""
        ...


class Channel(Protocol):
    """Everything the app and the dispatcher call on a channel adapter."""

    name: str

    @property
    def username(self) -> str | None:
        """The bot's own name on the platform, once known (for deep links)."""
        ...

    def health(self) -> dict[str, Any]:
        """{"running": bool, "mode": "polling" | "webhook", …} for /healthz."""
        ...

    async def start(self, web: WebRoutes | None = None) -> None:
        """Connect, then poll or register the webhook route. Raises ChannelDown when
        the channel cannot work at all (a rejected token, a setting the platform
        refuses), RetryLater when the platform could not be reached: the app tries
        again later. A failed start leaves nothing running."""
        ...

    async def stop(self) -> None: ...

    async def deliver(self, message: Outgoing, on_part: PartHook | None = None) -> list[str]:
        """Send one message (maybe split in parts, resuming after message.parts_sent);
        return the platform message ids of all its parts. `on_part` is awaited after
        each part but the last.

        Raises one of the DeliveryError subclasses."""
        ...

    async def fetch_file(self, file_ref: str, max_bytes: int) -> bytes:
        """The bytes of a file someone sent (an Attachment's `ref`: a file id, a URL).

        Raises FileTooLarge past `max_bytes` (before downloading when the platform
        tells the size), RetryLater for a passing failure, Rejected when the platform
        no longer has the file, ChannelDown for a rejected token."""
        ...
