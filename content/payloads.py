"""The shapes of what is stored with an outbox row (its payload) and of the broadcast
dialogue's state: written by the planner and the handlers, read back by the handlers,
the dispatcher and the message texts. JSON in the database, typed here.

digest: one chat's reminder of the day, in parts: one per (plan, unit) the chat
serves that has something to say, plans by id, units in plan order. Owner entries are
numbered 1..n through the whole digest, part after part, each part in the order
overdue, today, upcoming (each by due date, then task order); the numbers are what
"xong 2" and the "ok:2" button mean. Cooperating entries have no number. Each entry
names its part's plan and unit. Overdue items a part only counts ("… và 3 việc quá hạn
khác (số 8 đến 10)") are entries too, marked `hidden`, numbered after every written
number, part after part, so a reply "xong 9" confirms one of them. Digests stored
before parts existed have no `parts`: they are one part, the payload's
plan_id/unit_id/unit_name, and their counted items are `more_keys`.

post: the suggested post for one anniversary, to one unit; with `banner` (what the
banner shows, content/banner.py) unless the plan turned banners off: channels that can
upload an image draw it at send time and attach it.

escalation: the admins' alert that units have just crossed `escalate_after_days`, and
(kind "weekly") the weekly report of every unit with items that late; both
EscalationPayload.

backlog: once, when a plan starts, the admins' summary of the items due before it
(not chased in unit chats).

broadcast: an admin's message to units; with `entries` when it asks them to confirm.

tasks: the answer to /nhiemvu, every open item numbered, so a reply to it confirms by
number like a reply to a digest.
"""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict

from content.contacts import ContactEntry

Section = Literal["overdue", "today", "upcoming", "cooperating"]
# Buttons as stored: rows of [label, packed data] (content.buttons.pack).
ButtonRows = list[list[list[str]]]


class DigestEntry(TypedDict):
    n: int | None  # None: for information only (cooperating)
    key: str  # the item key
    task_id: str
    title: str
    due: str  # YYYY-MM-DD
    section: Section
    days: int  # due minus the digest's date (negative when overdue)
    owners: NotRequired[list[str]]  # cooperating entries: up to OWNERS_SHOWN owner names
    owners_total: NotRequired[int]
    unit_id: NotRequired[str]  # the unit asked to confirm (its part's, in a digest)
    plan_id: NotRequired[str]  # digests: the plan of the entry's part
    optional: NotRequired[bool]  # may be answered "không phát sinh" (only when true)
    hidden: NotRequired[bool]  # an overdue item the digest counts but does not write out


class DigestPart(TypedDict):
    plan_id: str
    plan_title: str
    unit_id: str
    unit_name: str
    overdue_more: int  # this part's overdue items counted, not listed


class DeliveryState(TypedDict, total=False):
    """What the dispatcher adds to any payload while delivering it."""

    buttons: ButtonRows  # channels with buttons only
    photo: str  # a file id or URL sent with the text
    document: str
    parts_sent: list[str]  # ids of the parts of a split message already delivered


class DigestPayload(DeliveryState):
    plan_id: str  # the first part's
    unit_id: str
    unit_name: str
    date: str  # YYYY-MM-DD
    channel: str | None
    entries: list[DigestEntry]
    overdue_more: int  # overdue items not written out, all parts
    parts: NotRequired[list[DigestPart]]
    # Older digests: the counted items' keys, oldest first, numbered after the highest
    # written number (handlers/targets.py reads both forms).
    more_keys: NotRequired[list[str]]
    # The unit's contacts, named on a line of the text (scheduler/contact_reminders.py).
    contacts: NotRequired[list[ContactEntry]]


class BannerPayload(TypedDict):
    heading: str  # "NHIỆT LIỆT CHÀO MỪNG", or "" for a memorial
    title: str  # the official title without its dates
    dates: str  # "(03/02/1930 - 03/02/2027)"
    slogan: str  # the plan's first slogan for the day, or ""
    unit: str
    style: Literal["festive", "memorial"]


class PostPayload(DeliveryState):
    plan_id: str
    unit_id: str
    anniversary: str  # the anniversary key
    year: int  # the observance year
    occurrence_date: str  # YYYY-MM-DD
    date: str  # the day it is sent
    items: list[str]  # this unit's item keys for the occurrence
    banner: NotRequired[BannerPayload]


class EscalationEntry(TypedDict):
    unit_id: str
    unit_name: str
    key: str
    task_id: str
    title: str
    due: str
    days: int


class EscalationUnit(TypedDict):
    unit_id: str
    unit_name: str
    linked: bool
    overdue: int


class EscalationPayload(DeliveryState):
    plan_id: str
    plan_title: str
    date: str
    threshold: int  # escalate_after_days
    entries: list[EscalationEntry]
    units: list[EscalationUnit]
    more_units: int
    more_items: int
    week: NotRequired[str]  # the weekly report: its ISO week, "2026-W11"
    done: NotRequired[int]  # the weekly report: owner items due so far, done ...
    due_so_far: NotRequired[int]  # ... out of how many (since the plan's first day)


class BacklogPayload(DeliveryState):
    plan_id: str
    plan_title: str
    date: str  # the plan's first day
    open_items: int  # owner items due before it, not confirmed
    units: list[EscalationUnit]  # the units with most of them ("overdue": their count)
    more_units: int


class BroadcastPayload(DeliveryState):
    broadcast_id: int
    plan_id: str
    unit_id: str  # the first unit the chat serves
    unit_ids: list[str]  # every target unit this chat serves
    entries: NotRequired[list[DigestEntry]]  # when the units are asked to confirm
    subject: NotRequired[str]  # what the broadcast is about, to name it when confirmed
    file: NotRequired[StoredFile]  # sent as its bytes or its URL (the dispatcher's attach)


class ListEntry(TypedDict):
    """An item of a numbered list (digest, broadcast, /nhiemvu) with its unit and plan."""

    n: int
    key: str
    title: str
    plan_id: str
    unit_id: str
    hidden: NotRequired[bool]  # counted in the list but not written out
    optional: NotRequired[bool]  # may be answered "không phát sinh"


class TasksPayload(DeliveryState):
    plan_id: str  # the first unit's plan
    unit_id: str  # the first unit the chat serves
    unit_ids: list[str]
    date: str  # YYYY-MM-DD, the plan's day when it was asked
    entries: list[ListEntry]


Step = Literal["content", "targets", "confirm", "preview", "sent"]
MediaKind = Literal["photo", "document"]


class StoredFile(TypedDict):
    """A file kept in Loa's file store (a web broadcast's photo or document): named by
    the SHA-256 of its bytes, never the bytes themselves."""

    sha256: str
    extension: str  # "jpg", "pdf"
    name: str  # as the sender's computer named it, shown to the units
    kind: MediaKind


class BroadcastDialogue(TypedDict, total=False):
    """/guitin's state between messages, kept per admin and chat."""

    step: Step
    plan_id: str
    text: str
    media_kind: MediaKind
    media: str
    media_channel: str
    file: StoredFile  # a web broadcast's file, for every channel in `file_channels`
    file_channels: list[str]  # the channels that can get it (by upload or by URL)
    unit_ids: list[str]
    targets: list[str]  # the tokens the admin typed, as understood
    due: str | None  # YYYY-MM-DD when the units must confirm; None: no confirmation
    sender: str  # who it is from, as units know them: the admin's unit or name
    nonce: str  # ties the preview's buttons to this dialogue
    preview: str
    broadcast_id: int
