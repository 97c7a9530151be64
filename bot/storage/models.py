"""The database tables. The plan text itself is stored; everything derived from it
(units, tasks, items) is recomputed from the text, so the database never disagrees
with the plan it was loaded from.

Over 400 lines on purpose: every table in one module, so the schema (and what the
migrations must match) is read in one place."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Table, UniqueConstraint, inspect
from sqlmodel import Field, SQLModel

from bot.storage.types import AwareDateTime


def table_of(model: type[SQLModel]) -> Table:
    """A model's Core table, for the statements that skip the ORM (SQLModel sets
    `__table__` at run time but does not declare it)."""
    table = inspect(model).local_table
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to one table")
    return table


def _when(nullable: bool = False, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(AwareDateTime(), nullable=nullable, index=index))


class PlanRecord(SQLModel, table=True):
    __tablename__ = "plans"

    id: str = Field(primary_key=True)
    title: str
    year: int
    source_name: str
    source_text: str
    digest: str
    loaded_at: datetime = _when()


class PlanStart(SQLModel, table=True):
    """When a plan started reminding: its first `loa load`. Items due before that day
    are not chased in unit chats. A table of its own so databases made before it simply
    gain it; a plan stored before it has no row and starts at its `loaded_at`."""

    __tablename__ = "plan_starts"

    plan_id: str = Field(primary_key=True)
    started_at: datetime = _when()


class PlanClosure(SQLModel, table=True):
    """A plan an admin closed (`loa plan close`): its items are no longer reminded.
    A table of its own so databases made before it simply gain it."""

    __tablename__ = "plan_closures"

    plan_id: str = Field(primary_key=True)
    closed_at: datetime = _when()
    closed_by: str = "cli"


class ChatLink(SQLModel, table=True):
    """A chat that receives a unit's messages. Several chats may serve one unit
    (a Telegram group and a Zalo group); one chat may serve several units."""

    __tablename__ = "chat_links"
    __table_args__ = (UniqueConstraint("plan_id", "unit_id", "channel", "chat_id"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: str = Field(index=True)
    unit_id: str
    channel: str
    chat_id: str = Field(index=True)
    chat_type: str = "unknown"  # group | private | unknown
    title: str | None = None
    origin: str = "plan"  # plan | invite
    active: bool = True
    linked_at: datetime = _when()
    linked_by: str | None = None
    deactivated_at: datetime | None = _when(nullable=True)
    deactivated_reason: str | None = None


class Invite(SQLModel, table=True):
    __tablename__ = "invites"

    code: str = Field(primary_key=True)
    plan_id: str
    unit_id: str
    created_at: datetime = _when()
    expires_at: datetime = _when()
    created_by: str | None = None
    used_at: datetime | None = _when(nullable=True)
    used_by: str | None = None  # the chat address it linked


class Confirmation(SQLModel, table=True):
    """One row per item ever confirmed; an undo keeps the row and sets undone_at."""

    __tablename__ = "confirmations"

    item_key: str = Field(primary_key=True)
    plan_id: str = Field(index=True)
    unit_id: str
    task_id: str
    confirmed_at: datetime = _when()
    confirmed_by: str  # address of the person, e.g. telegram:123
    confirmed_by_name: str = ""
    channel: str
    chat_id: str
    evidence: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    undone_at: datetime | None = _when(nullable=True)
    undone_by: str | None = None


class ConfirmationNote(SQLModel, table=True):
    """Why a plan admin confirmed or undid an item on its unit's behalf from the web
    page: the item's latest note. A table of its own so databases made before it simply
    gain it, and confirmations keep their shape."""

    __tablename__ = "confirmation_notes"

    item_key: str = Field(primary_key=True)
    plan_id: str = Field(index=True)
    note: str
    action: str  # confirm | undo
    written_by: str  # the admin's address
    written_at: datetime = _when()


class NotApplicable(SQLModel, table=True):
    """The confirmation of an optional item said "không phát sinh" (nothing arose): the
    item is closed without being done. It describes the item's confirmation while that
    stands (an undo withdraws both); a later plain "xong" removes it. A table of its own
    so databases made before it simply gain it."""

    __tablename__ = "not_applicable"

    item_key: str = Field(primary_key=True)
    plan_id: str = Field(index=True)
    answered_at: datetime = _when()


class ChatPause(SQLModel, table=True):
    """/tamdung: the chat gets no scheduled message from `first_day` to `last_day`
    (local dates, both included). One row per chat: a new pause replaces the last one,
    /tieptuc ends it early (`last_day` becomes the day before)."""

    __tablename__ = "chat_pauses"

    channel: str = Field(primary_key=True)
    chat_id: str = Field(primary_key=True)
    first_day: date
    last_day: date
    paused_by: str  # the person's address
    paused_at: datetime = _when()
    resumed_by: str | None = None
    resumed_at: datetime | None = _when(nullable=True)


class OutboxMessage(SQLModel, table=True):
    """Every message Loa sends is a row here before it is sent (see scheduler/outbox.py)."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_ready", "status", "next_attempt_at"),
        Index("ix_outbox_expiry", "status", "expires_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True)
    plan_id: str | None = Field(default=None, index=True)
    channel: str
    chat_id: str = Field(index=True)
    kind: str  # digest | post | escalation | broadcast | notice | alert | reply
    text: str
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    not_before: datetime = _when()
    expires_at: datetime | None = _when(nullable=True)
    status: str = "pending"  # pending | sending | sent | failed | stale
    attempts: int = 0
    next_attempt_at: datetime = _when()
    claimed_by: str | None = None
    claimed_at: datetime | None = _when(nullable=True)
    message_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    sent_at: datetime | None = _when(nullable=True)
    last_error: str | None = None
    created_at: datetime = _when()


class SentMessage(SQLModel, table=True):
    """Which outbox row produced a platform message: replies and button presses
    name the platform's message id, and this leads back to the items it listed."""

    __tablename__ = "sent_messages"

    channel: str = Field(primary_key=True)
    chat_id: str = Field(primary_key=True)
    message_id: str = Field(primary_key=True)
    outbox_id: int = Field(index=True)


class InboundEvent(SQLModel, table=True):
    """Incoming updates, stored before they are acknowledged, de-duplicated by key."""

    __tablename__ = "inbound_events"
    __table_args__ = (UniqueConstraint("channel", "event_key"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str
    event_key: str
    received_at: datetime = _when()
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    processed_at: datetime | None = _when(nullable=True)


class Broadcast(SQLModel, table=True):
    __tablename__ = "broadcasts"

    id: int | None = Field(default=None, primary_key=True)
    plan_id: str = Field(index=True)
    created_by: str
    created_at: datetime = _when()
    content_kind: str = "text"  # text | photo | document
    text: str = ""
    media: str | None = None  # platform file id or URL
    media_channel: str | None = None  # the channel the media id belongs to
    # A file kept in Loa's file store (a web broadcast's upload): every channel gets it.
    file_sha256: str | None = Field(default=None, index=True)
    file_extension: str | None = None
    file_name: str | None = None  # as the sender's computer named it
    targets: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    unit_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    require_confirmation: bool = False
    due: str | None = None  # ISO date when confirmation is required
    status: str = "draft"  # draft | sent | cancelled
    origin: str = ""  # chat address the admin worked from
    confirmed_at: datetime | None = _when(nullable=True)


class Conversation(SQLModel, table=True):
    """A multi-step dialogue (e.g. /guitin) kept in the database so a restart
    does not lose where the admin was."""

    __tablename__ = "conversations"

    channel: str = Field(primary_key=True)
    chat_id: str = Field(primary_key=True)
    user_id: str = Field(primary_key=True)
    name: str
    state: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = _when()


class SendCounter(SQLModel, table=True):
    """Messages sent per channel and month, for quota warnings (Zalo: 3,000/month)."""

    __tablename__ = "send_counters"

    channel: str = Field(primary_key=True)
    month: str = Field(primary_key=True)  # YYYY-MM, local time
    count: int = 0
    warned: bool = False


class ChatSetting(SQLModel, table=True):
    """What a chat chose for itself: the language Loa writes to it in (/ngonngu)."""

    __tablename__ = "chat_settings"

    channel: str = Field(primary_key=True)
    chat_id: str = Field(primary_key=True)
    language: str
    updated_at: datetime = _when()


class Setting(SQLModel, table=True):
    """Small values Loa generates once and must keep (the webhook secret)."""

    __tablename__ = "settings"

    key: str = Field(primary_key=True)
    value: str


class ErasureRecord(SQLModel, table=True):
    """A person's data was erased: kept so the erasure can be applied again to an older
    backup restored later. Holds no personal data: `subject` is a keyed hash of the
    address (bot/storage/privacy.py), `requested_by` says how ("cli" or "admin")."""

    __tablename__ = "erasures"

    id: int | None = Field(default=None, primary_key=True)
    subject: str = Field(index=True)
    erased_at: datetime = _when()
    requested_by: str
    counts: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class EvidenceFile(SQLModel, table=True):
    """A photo or document sent as evidence, and Loa's own copy of it.

    The confirmation keeps the platform's reference (`ref`, as in its `evidence` list);
    this row is the durable job that downloads it (pending → stored, or refused), and
    then says where the copy is: `sha256` and `extension` name it in the file store."""

    __tablename__ = "evidence_files"
    __table_args__ = (
        UniqueConstraint("item_key", "ref", name="uq_evidence_files_item_key_ref"),
        Index("ix_evidence_files_ready", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    plan_id: str = Field(index=True)
    item_key: str = Field(index=True)
    unit_id: str
    ref: str  # the evidence entry: "telegram-photo:<file id>", a Zalo photo URL
    channel: str  # the channel that can fetch it
    file_ref: str  # what that channel fetches: a file id, a URL
    kind: str  # photo | document | video, as the platform said
    chat_id: str  # where it was sent: told there if it cannot be kept
    sent_by: str  # address of the person who sent it
    status: str = "pending"  # pending | fetching | stored | refused
    attempts: int = 0
    next_attempt_at: datetime = _when()
    claimed_by: str | None = None
    claimed_at: datetime | None = _when(nullable=True)
    sha256: str | None = None
    extension: str | None = None
    media_type: str | None = None
    size: int | None = None
    refusal: str | None = None  # too_large | plan_full | type | unavailable
    last_error: str | None = None
    created_at: datetime = _when()
    stored_at: datetime | None = _when(nullable=True)


class UnitContact(SQLModel, table=True):
    """A unit's contact person registered in chat (`/daumoi`); the plan's own
    `contacts:` are read from the plan. Removing one deletes the row."""

    __tablename__ = "contacts"
    __table_args__ = (
        UniqueConstraint("plan_id", "unit_id", "address", name="uq_contacts_plan_unit_address"),
    )

    id: int | None = Field(default=None, primary_key=True)
    plan_id: str = Field(index=True)
    unit_id: str
    address: str  # the person: telegram:123456789
    name: str
    added_at: datetime = _when()
    added_in: str  # the chat address it was registered from


class PrivateChat(SQLModel, table=True):
    """A person who has written to the bot in a private chat, so the bot may write to
    them first (Telegram and Zalo refuse messages to people who never did)."""

    __tablename__ = "private_chats"

    address: str = Field(primary_key=True)  # the user address, also the chat's
    opened_at: datetime = _when()


class WebLogin(SQLModel, table=True):
    """A one-time sign-in link to the office's web page (`/dangnhap`, `loa login-link`),
    bound to one person's address. Only the SHA-256 of its token is kept, so a copy of
    the database signs nobody in; `used_at` makes it single-use."""

    __tablename__ = "web_logins"

    token_hash: str = Field(primary_key=True)
    address: str = Field(index=True)  # the person: telegram:123456789
    created_at: datetime = _when()
    expires_at: datetime = _when()
    used_at: datetime | None = _when(nullable=True)


class WebLoginFailure(SQLModel, table=True):
    """A refused sign-in attempt (a bad link, a form without its token), counted per
    client for the login rate limit. In the database, not in memory, so the limit holds
    across instances sharing it; only the SHA-256 of the client's address is kept, and
    the rows go with the daily housekeeping."""

    __tablename__ = "web_login_failures"
    __table_args__ = (Index("ix_web_login_failures_client", "client", "failed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    client: str
    failed_at: datetime = _when(index=True)


class WebSession(SQLModel, table=True):
    """A browser signed in to the web page: its cookie's SHA-256, the person, and the
    token every form of the session must carry (CSRF). Signing out sets `ended_at`."""

    __tablename__ = "web_sessions"

    token_hash: str = Field(primary_key=True)
    address: str = Field(index=True)
    csrf_token: str
    created_at: datetime = _when()
    expires_at: datetime = _when()
    ended_at: datetime | None = _when(nullable=True)
