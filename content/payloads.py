"""The shapes of what is stored with an outbox row (its payload) and of the broadcast
dialogue's state: written by the planner and the handlers, read back by the handlers,
the dispatcher and the message texts. JSON in the database, typed here.

digest: one unit's reminder of the day. Owner entries are numbered 1..n in the order
overdue, today, upcoming (each by due date, then task order); the numbers are what
"xong 2" and the "ok:2" button mean. Cooperating entries have no number. Overdue items
only counted ("… và 3 việc quá hạn khác (số 6 đến 8)") are numbered n+1... in the
order of `more_keys`.

post: the suggested post for one anniversary, to one unit; with `banner` (what the
banner shows, content/banner.py) unless the plan turned banners off: channels that can
upload an image draw it at send time and attach it.

escalation: the admins' list of units with items overdue past `escalate_after_days`.

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
    unit_id: NotRequired[str]  # broadcast entries: the unit asked to confirm


class DeliveryState(TypedDict, total=False):
    """What the dispatcher adds to any payload while delivering it."""

    buttons: ButtonRows  # channels with buttons only
    photo: str  # a file id or URL sent with the text
    document: str
    parts_sent: list[str]  # ids of the parts of a split message already delivered


class DigestPayload(DeliveryState):
    plan_id: str
    unit_id: str
    unit_name: str
    date: str  # YYYY-MM-DD
    channel: str | None
    entries: list[DigestEntry]
    overdue_more: int  # overdue items not listed
    # Their item keys, oldest first (only when overdue_more > 0): they are numbered after
    # the highest listed number, so a reply "xong 7" to the digest confirms one of them.
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


class BroadcastPayload(DeliveryState):
    broadcast_id: int
    plan_id: str
    unit_id: str  # the first unit the chat serves
    unit_ids: list[str]  # every target unit this chat serves
    entries: NotRequired[list[DigestEntry]]  # when the units are asked to confirm
    subject: NotRequired[str]  # what the broadcast is about, to name it when confirmed


class ListEntry(TypedDict):
    """An item of a numbered list (digest, broadcast, /nhiemvu) with its unit and plan."""

    n: int
    key: str
    title: str
    plan_id: str
    unit_id: str
    hidden: NotRequired[bool]  # counted in the list but not written out


class TasksPayload(DeliveryState):
    plan_id: str  # the first unit's plan
    unit_id: str  # the first unit the chat serves
    unit_ids: list[str]
    date: str  # YYYY-MM-DD, the plan's day when it was asked
    entries: list[ListEntry]


Step = Literal["content", "targets", "confirm", "preview", "sent"]
MediaKind = Literal["photo", "document"]


class BroadcastDialogue(TypedDict, total=False):
    """/guitin's state between messages, kept per admin and chat."""

    step: Step
    plan_id: str
    text: str
    media_kind: MediaKind
    media: str
    media_channel: str
    unit_ids: list[str]
    targets: list[str]  # the tokens the admin typed, as understood
    due: str | None  # YYYY-MM-DD when the units must confirm; None: no confirmation
    sender: str  # who it is from, as units know them: the admin's unit or name
    nonce: str  # ties the preview's buttons to this dialogue
    preview: str
    broadcast_id: int
