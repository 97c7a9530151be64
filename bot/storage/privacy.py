"""What Loa holds about one person, to give it back or erase it (Luật Bảo vệ dữ liệu cá
nhân 91/2025/QH15); erasing is in erasures.py, retention in retention.py.

A person is an address, `telegram:123` or `zalo:abc`. They appear as:
- the confirmer of items (confirmations: confirmed_by, confirmed_by_name, undone_by,
  with the photos they sent as evidence);
- the sender of raw updates (inbound_events: their id anywhere in the payload, as the
  "id" of a "from" or "chat" object);
- the one who linked a chat or made or used an invite, and their private chat with the
  bot (chat_links, invites, outbox rows and sent messages to that chat);
- an admin's broadcasts and dialogues (broadcasts, conversations);
- their name in texts Loa sent (outbox rows that name them);
- a unit's contact registered with /daumoi (contacts), and that they opened a private
  chat with the bot (private_chats).

Over 400 lines on purpose: `find` is the one list of every place a person appears,
which the export, the erasure and their table-scan test all follow; split, a new
table could be added to one half and missed by the other.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import String, cast, or_, true
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from bot.storage.models import (
    Broadcast,
    ChatLink,
    ChatPause,
    ChatSetting,
    Confirmation,
    ConfirmationNote,
    Conversation,
    InboundEvent,
    Invite,
    OutboxMessage,
    PrivateChat,
    UnitContact,
    WebLogin,
    WebSession,
)
from content.dates import to_local

_T = TypeVar("_T")


def _id_tokens(payload: Any) -> Iterator[str]:
    """Every value of an "id" key in a JSON document (users, chats, senders)."""
    stack = [payload]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "id" and isinstance(value, str | int) and not isinstance(value, bool):
                    yield str(value)
                elif isinstance(value, dict | list):
                    stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)


def _names_in(payload: Any, user_id: str) -> set[str]:
    """The display names a payload gives the person (Telegram first/last/username,
    Zalo display_name), looked up in the object whose id is theirs."""
    names: set[str] = set()
    stack = [payload]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if str(node.get("id")) == user_id:
                full = " ".join(
                    str(node[part]) for part in ("first_name", "last_name") if node.get(part)
                )
                names.update(
                    name
                    for name in (full, node.get("display_name"), node.get("username"))
                    if isinstance(name, str) and name.strip()
                )
            stack.extend(value for value in node.values() if isinstance(value, dict | list))
        elif isinstance(node, list):
            stack.extend(node)
    return names


@dataclass(frozen=True)
class Person:
    channel: str
    user_id: str

    @classmethod
    def parse(cls, address: str) -> Person:
        channel, sep, user_id = address.strip().partition(":")
        if not sep or not channel or not user_id or ":" in user_id:
            raise ValueError(f"địa chỉ '{address}' phải có dạng kênh:mã, ví dụ telegram:123456")
        return cls(channel.lower(), user_id)

    @property
    def address(self) -> str:
        return f"{self.channel}:{self.user_id}"


@dataclass
class Holdings:
    """Everything found about a person, as rows; `names` are the names they went by."""

    person: Person
    names: set[str] = field(default_factory=set)
    confirmations: list[Confirmation] = field(default_factory=list)
    undone: list[Confirmation] = field(default_factory=list)
    updates: list[InboundEvent] = field(default_factory=list)
    links: list[ChatLink] = field(default_factory=list)  # linked by them, or their chat
    invites: list[Invite] = field(default_factory=list)
    broadcasts: list[Broadcast] = field(default_factory=list)
    conversations: list[Conversation] = field(default_factory=list)
    pauses: list[ChatPause] = field(default_factory=list)  # chat pauses they set or ended
    private_messages: list[OutboxMessage] = field(default_factory=list)
    naming_messages: list[OutboxMessage] = field(default_factory=list)  # texts with a name
    contacts: list[UnitContact] = field(default_factory=list)
    private_chats: list[PrivateChat] = field(default_factory=list)
    chat_settings: list[ChatSetting] = field(default_factory=list)  # their private chat's
    web_logins: list[WebLogin] = field(default_factory=list)  # sign-in links to the web page
    web_sessions: list[WebSession] = field(default_factory=list)
    notes: list[ConfirmationNote] = field(default_factory=list)  # written on the web page

    def counts(self) -> dict[str, int]:
        return {
            "confirmations": len(self.confirmations),
            "undone": len(self.undone),
            "updates": len(self.updates),
            "links": len(self.links),
            "invites": len(self.invites),
            "broadcasts": len(self.broadcasts),
            "conversations": len(self.conversations),
            "pauses": len(self.pauses),
            "private_messages": len(self.private_messages),
            "naming_messages": len(self.naming_messages),
            "contacts": len(self.contacts),
            "private_chats": len(self.private_chats),
            "chat_settings": len(self.chat_settings),
            "web_logins": len(self.web_logins),
            "web_sessions": len(self.web_sessions),
            "notes": len(self.notes),
        }

    @property
    def empty(self) -> bool:
        return not any(self.counts().values()) and not self.names


def _before(column: Any, cutoff: datetime | None) -> Any:
    return true() if cutoff is None else column <= cutoff


async def _all(session: AsyncSession, statement: SelectOfScalar[_T]) -> list[_T]:
    """The rows of a select of one entity or column."""
    return list(await session.exec(statement))


async def find(session: AsyncSession, person: Person, before: datetime | None = None) -> Holdings:
    """Everything about `person` (only what is older than `before`, when given)."""
    address, chat = person.address, person.user_id
    found = Holdings(person)
    found.confirmations = list(
        await _all(
            session,
            select(Confirmation).where(
                col(Confirmation.confirmed_by) == address,
                _before(col(Confirmation.confirmed_at), before),
            ),
        )
    )
    found.undone = list(
        await _all(
            session,
            select(Confirmation).where(
                col(Confirmation.undone_by) == address, _before(col(Confirmation.undone_at), before)
            ),
        )
    )
    found.names.update(
        row.confirmed_by_name for row in found.confirmations if row.confirmed_by_name
    )
    for update in await _all(
        session,
        select(InboundEvent).where(
            col(InboundEvent.channel) == person.channel,
            _before(col(InboundEvent.received_at), before),
        ),
    ):
        if chat in set(_id_tokens(update.payload)):
            found.updates.append(update)
            found.names.update(_names_in(update.payload, chat))
    found.links = list(
        await _all(
            session,
            select(ChatLink).where(
                _before(col(ChatLink.linked_at), before),
                or_(
                    col(ChatLink.linked_by) == address,
                    (col(ChatLink.channel) == person.channel)
                    & (col(ChatLink.chat_id) == chat)
                    & (col(ChatLink.chat_type) == "private"),
                ),
            ),
        )
    )
    found.invites = list(
        await _all(
            session,
            select(Invite).where(
                _before(col(Invite.created_at), before),
                or_(col(Invite.created_by) == address, col(Invite.used_by) == address),
            ),
        )
    )
    found.broadcasts = list(
        await _all(
            session,
            select(Broadcast).where(
                _before(col(Broadcast.created_at), before),
                or_(col(Broadcast.created_by) == address, col(Broadcast.origin) == address),
            ),
        )
    )
    found.conversations = list(
        await _all(
            session,
            select(Conversation).where(
                col(Conversation.channel) == person.channel,
                col(Conversation.user_id) == chat,
                _before(col(Conversation.updated_at), before),
            ),
        )
    )
    found.contacts = list(
        await _all(
            session,
            select(UnitContact).where(
                col(UnitContact.address) == address, _before(col(UnitContact.added_at), before)
            ),
        )
    )
    found.names.update(row.name for row in found.contacts)
    found.pauses = list(
        await _all(
            session,
            select(ChatPause).where(
                _before(col(ChatPause.paused_at), before),
                or_(col(ChatPause.paused_by) == address, col(ChatPause.resumed_by) == address),
            ),
        )
    )
    found.private_chats = list(
        await _all(
            session,
            select(PrivateChat).where(
                col(PrivateChat.address) == address, _before(col(PrivateChat.opened_at), before)
            ),
        )
    )
    found.web_logins = list(
        await _all(
            session,
            select(WebLogin).where(
                col(WebLogin.address) == address, _before(col(WebLogin.created_at), before)
            ),
        )
    )
    found.web_sessions = list(
        await _all(
            session,
            select(WebSession).where(
                col(WebSession.address) == address, _before(col(WebSession.created_at), before)
            ),
        )
    )
    found.notes = list(
        await _all(
            session,
            select(ConfirmationNote).where(
                col(ConfirmationNote.written_by) == address,
                _before(col(ConfirmationNote.written_at), before),
            ),
        )
    )
    private_chats = {link.chat_id for link in found.links if link.chat_type == "private"}
    private_chats.add(chat)  # a private chat's id is the person's on both platforms
    found.private_messages = list(
        await _all(
            session,
            select(OutboxMessage).where(
                col(OutboxMessage.channel) == person.channel,
                col(OutboxMessage.chat_id).in_(private_chats),
                _before(col(OutboxMessage.created_at), before),
                col(OutboxMessage.key).not_like("digest/%"),  # a unit's digests: found below
            ),
        )
    )
    private_ids = {row.id for row in found.private_messages}
    # Digests name a unit's contacts: their address is in the payload (a Telegram
    # mention needs it), their name in the text.
    for message in await _all(
        session,
        select(OutboxMessage).where(
            cast(col(OutboxMessage.payload), String).contains(f'"{address}"'),
            _before(col(OutboxMessage.created_at), before),
        ),
    ):
        if message.id not in private_ids and message not in found.naming_messages:
            found.naming_messages.append(message)
    for name in sorted(found.names):
        for message in await _all(
            session,
            select(OutboxMessage).where(
                col(OutboxMessage.text).contains(name),
                _before(col(OutboxMessage.created_at), before),
            ),
        ):
            if message.id not in private_ids and message not in found.naming_messages:
                found.naming_messages.append(message)
    found.chat_settings = await _all(
        session,
        select(ChatSetting).where(
            col(ChatSetting.channel) == person.channel,
            col(ChatSetting.chat_id) == chat,
            _before(col(ChatSetting.updated_at), before),
        ),
    )
    return found


async def private_digests(session: AsyncSession, person: Person) -> list[OutboxMessage]:
    """Digests sent to the person's private chat: their unit's items, addressed to them."""
    return list(
        await _all(
            session,
            select(OutboxMessage).where(
                col(OutboxMessage.channel) == person.channel,
                col(OutboxMessage.chat_id) == person.user_id,
                col(OutboxMessage.key).like("digest/%"),
            ),
        )
    )


async def known_people(session: AsyncSession) -> set[Person]:
    """Every address the database holds, to match against the erasure log."""
    people: set[Person] = set()

    def add(address: str | None) -> None:
        if address:
            with contextlib.suppress(ValueError):  # an erased or hand-written value
                people.add(Person.parse(address))

    for column in (
        col(Confirmation.confirmed_by),
        col(Confirmation.undone_by),
        col(ChatLink.linked_by),
        col(Invite.created_by),
        col(Invite.used_by),
        col(Broadcast.created_by),
        col(ChatPause.paused_by),
        col(ChatPause.resumed_by),
    ):
        for value in await _all(session, select(column).distinct()):
            add(value)
    for channel, user_id in await session.exec(
        select(col(Conversation.channel), col(Conversation.user_id))
    ):
        people.add(Person(channel, user_id))
    for channel, payload in await session.exec(
        select(col(InboundEvent.channel), col(InboundEvent.payload))
    ):
        people.update(Person(channel, token) for token in _id_tokens(payload))
    return people


def _plain(row: Any) -> dict[str, Any]:
    """A table row as JSON-ready values (dates in ISO with their offset)."""
    values = row.model_dump()
    return {
        name: to_local(value).isoformat() if isinstance(value, datetime) else value
        for name, value in values.items()
    }


def export(found: Holdings, now: datetime) -> dict[str, Any]:
    """Everything held about the person, as one JSON document."""
    return {
        "address": found.person.address,
        "exported_at": now.isoformat(),
        "names": sorted(found.names),
        "confirmations": [_plain(row) for row in found.confirmations],
        "confirmations_undone": [_plain(row) for row in found.undone],
        "messages_received": [_plain(row) for row in found.updates],
        "chat_links": [_plain(row) for row in found.links],
        "invites": [_plain(row) for row in found.invites],
        "broadcasts": [_plain(row) for row in found.broadcasts],
        "dialogues": [_plain(row) for row in found.conversations],
        "chat_pauses": [_plain(row) for row in found.pauses],
        "messages_sent_to_them": [_plain(row) for row in found.private_messages],
        "messages_naming_them": [_plain(row) for row in found.naming_messages],
        "unit_contacts": [_plain(row) for row in found.contacts],
        "private_chats": [_plain(row) for row in found.private_chats],
        "chat_settings": [_plain(row) for row in found.chat_settings],
        "notes_written": [_plain(row) for row in found.notes],
        # When they signed in to the web page; the tokens' digests are not theirs to need.
        "web_sign_ins": [
            {"created_at": to_local(row.created_at).isoformat(), "ended_at": _iso(row.ended_at)}
            for row in found.web_sessions
        ],
    }


def _iso(moment: datetime | None) -> str | None:
    return to_local(moment).isoformat() if moment else None
