"""The planner: which messages the plans bring on a day. Pure and deterministic.

Given the PlanStates (plan, items, confirmations, chat links, admins, pauses, start) and
a day, it returns the DueMessages of that day; the same inputs always give the same
messages with the same keys, so the outbox stores each once (bot/storage/outbox.py).
A day's keys name only the chat (or admin) and the day, never what the cadence put in
the message, so moving a reminder never changes a key.

What a day brings (the cadence: scheduler/cadence.py; the walk: scheduler/plan_walk.py;
docs/reminders.md tells it for people):

- per chat, at most ONE DIGEST (`digest/<channel:chat>/<date>`), only on the plans'
  working days and not while the chat is paused, with one part per (plan, unit) the
  chat serves that has something new to say; numbered through, so "xong 3" is one item;
- the SUGGESTED POSTS due that day (`post/<plan>/<unit>/<chat>/<anniversary>-<year>/<date>`),
  after the digest at the same moment; a unit gets a post at most twice per
  anniversary occurrence: when its work first shows, and on the day it must publish;
- for the admins: the weekly report, an alert when units have just crossed
  `escalate_after_days`, once the backlog summary (scheduler/admin_reports.py);
- the reminders of report deadlines (scheduler/report_reminders.py), and the private
  message each unit contact gets the first send day an item is overdue
  (scheduler/contact_reminders.py); a digest names its units' contacts.

Confirmed items never appear: an item confirmed at T is left out of every day whose
local date is on or after T's, so a live day (all confirmations are in the past) never
shows one, while a simulation of past days shows what those days brought.

Timing: `not_before` is the digest time of the day, moved to the end of the quiet hours
when it falls inside them. `expires_at` is the start of the next quiet window or the end
of the day, whichever comes first: a digest that could not go out in time is dropped.
A chat whose units belong to several plans gets the send window of its first part's plan.

`messages_between(..., include_unlinked=True)` (for `loa simulate`) also returns what
units without a chat would get, with channel and chat_id "" (UNLINKED).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, timedelta

from content.banner import banner_spec
from content.channels import traits
from content.contacts import with_contacts
from content.digest import PartBuilder, compose, render_digest
from content.digest_buttons import digest_buttons
from content.due import DueMessage
from content.payloads import DigestPayload, PostPayload
from content.plan import Plan
from scheduler.cadence import Cadence, send_at
from scheduler.contact_reminders import contact_entries
from scheduler.plan_walk import MAX_OVERDUE_LISTED, Chat, DayOutput, PlanWalk, PostDue
from scheduler.state import PlanState

__all__ = [
    "MAX_OVERDUE_LISTED",
    "UNLINKED",
    "iter_messages_between",
    "messages_between",
    "messages_for_day",
    "next_wakeup",
    "send_window",
]

UNLINKED = ""  # channel and chat_id of a simulated message to a unit without a chat
States = PlanState | Sequence[PlanState]


def send_window(plan: Plan, day: date) -> tuple[datetime, datetime]:
    """(not_before, expires_at) of the scheduled messages of `day`, see the module doc."""
    return send_at(plan, day, plan.settings.digest_time)


def next_wakeup(state: PlanState, now: datetime) -> datetime:
    """The next moment after `now` at which messages of this plan may become due: the
    next send moment of the digest or of the weekly report."""
    today = now.astimezone(state.plan.tz).date()
    moments = []
    for day in (today, today + timedelta(days=1)):
        moments.append(send_window(state.plan, day)[0])
        moments.append(send_at(state.plan, day, state.plan.settings.report_time)[0])
    return min(moment for moment in moments if moment > now)


def messages_for_day(states: States, day: date) -> list[DueMessage]:
    """Every message `day` brings for these plans, in sending order."""
    return messages_between(states, day, day)


def messages_between(
    states: States, start: date, end: date, *, include_unlinked: bool = False
) -> list[DueMessage]:
    """Every message of the days start..end (inclusive), day by day, in sending order."""
    return list(iter_messages_between(states, start, end, include_unlinked=include_unlinked))


def iter_messages_between(
    states: States, start: date, end: date, *, include_unlinked: bool = False
) -> Iterator[DueMessage]:
    """The same messages one at a time, for a consumer that need not hold a year of
    them (a large plan's year is hundreds of thousands of messages)."""
    if end < start:
        raise ValueError(f"end {end.isoformat()} is before start {start.isoformat()}")
    if isinstance(states, PlanState):
        states = [states]
    walks = []
    for state in sorted(states, key=lambda state: state.plan.id):
        # A plan whose period is over, or that was closed, reminds no one (plan_period.py);
        # a window of days off only (a weekend, the Tết break) costs nothing to plan.
        last = min(end, state.last_day)
        window = _window_of(state.plan)
        cadence = Cadence(state.plan, state.first_day, state.started_at, _opening_of(state.plan))
        days = range(start.toordinal(), last.toordinal() + 1)
        if any(cadence.sends(day) for day in days):
            walks.append(PlanWalk(state, start, last, include_unlinked, window, cadence))
    return _merged(walks, start, end)


def _window_of(plan: Plan) -> Callable[[date], tuple[datetime, datetime]]:
    return lambda day: send_window(plan, day)


def _opening_of(plan: Plan) -> Callable[[date], datetime]:
    """When the plan's sending opens on a day: the cadence's send moment."""
    return lambda day: send_window(plan, day)[0]


def _merged(walks: list[PlanWalk], start: date, end: date) -> Iterator[DueMessage]:
    """Day by day: the chats' digests (parts of every plan merged), their posts, then
    the admins' messages."""
    streams = [(walk, walk.days()) for walk in walks]
    pending: list[DayOutput | None] = [next(stream, None) for _, stream in streams]
    for number in range(start.toordinal(), end.toordinal() + 1):
        today: list[tuple[PlanWalk, DayOutput]] = []
        for index, (walk, stream) in enumerate(streams):
            output = pending[index]
            if output is not None and output.day.toordinal() == number:
                today.append((walk, output))
                pending[index] = next(stream, None)
        if today:
            yield from _day(today)


def _day(outputs: list[tuple[PlanWalk, DayOutput]]) -> Iterator[DueMessage]:
    # Chats in the order they first appear: plans by id, units in plan order.
    chats: dict[str, tuple[Chat, list[tuple[PlanWalk, DayOutput, PartBuilder]]]] = {}
    posts: dict[str, list[tuple[PlanWalk, DayOutput, PostDue]]] = {}
    for walk, output in outputs:
        for chat, part in output.parts:
            chats.setdefault(chat[2], (chat, []))[1].append((walk, output, part))
        for chat, post in output.posts:
            chats.setdefault(chat[2], (chat, []))
            posts.setdefault(chat[2], []).append((walk, output, post))
    for address, (chat, parts) in chats.items():
        if parts:
            yield _digest(chat, parts)
        for walk, output, post in posts.get(address, ()):
            yield _post(walk, output, chat, post)
    for _, output in outputs:
        yield from output.admin


def _digest(chat: Chat, parts: list[tuple[PlanWalk, DayOutput, PartBuilder]]) -> DueMessage:
    channel, address = chat[0], chat[2]
    walk, output, first = parts[0]
    builders = [part for _, _, part in parts]
    day = output.day.isoformat()
    locale = walk.state.language_of(address)  # a chat's /ngonngu beats the plan's language
    text, entries = compose(builders, day, channel or None, walk.locale)
    payload: DigestPayload = {
        "plan_id": first.plan_id,
        "unit_id": first.unit_id,
        "unit_name": first.unit_name,
        "date": day,
        "channel": channel or None,
        "entries": entries,
        "overdue_more": sum(part.overdue_more for part in builders),
        "parts": [part.info() for part in builders],
    }
    if locale != walk.locale:  # the parts were written in the plan's language
        text = render_digest(payload, channel or None, locale)
    if traits(channel).buttons:
        payload["buttons"] = digest_buttons(entries, locale=locale)
    # The contacts of every unit the digest speaks to, each once.
    contacts = {
        contact["address"]: contact
        for part_walk, _, part in parts
        for contact in contact_entries(part_walk.state, part.unit_id)
    }
    if contacts:
        payload["contacts"] = list(contacts.values())
        text = with_contacts(text, payload["contacts"], locale)
    return _message(f"digest/{address}/{day}", chat, "digest", text, output, first.plan_id, payload)


def _post(walk: PlanWalk, output: DayOutput, chat: Chat, post: PostDue) -> DueMessage:
    plan, occurrence = walk.plan, post.occurrence
    unit_id, unit_name = walk.unit_ids[post.unit], walk.unit_names[post.unit]
    address = chat[2]
    text = walk.post_text(post.unit, occurrence, walk.state.language_of(address))
    day = output.day.isoformat()
    payload: PostPayload = {
        "plan_id": plan.id,
        "unit_id": unit_id,
        "anniversary": occurrence.key,
        "year": occurrence.year,
        "occurrence_date": occurrence.date.isoformat(),
        "date": day,
        "items": post.keys,
    }
    if plan.settings.post_banners:
        payload["banner"] = banner_spec(occurrence, plan, unit_name).as_payload()
    key = f"post/{plan.id}/{unit_id}/{address}/{occurrence.key}-{occurrence.year}/{day}"
    return _message(key, chat, "post", text, output, plan.id, payload)


def _message(
    key: str,
    chat: Chat,
    kind: str,
    text: str,
    output: DayOutput,
    plan_id: str,
    payload: DigestPayload | PostPayload,
) -> DueMessage:
    not_before, expires_at = output.window
    return DueMessage(
        key=key,
        channel=chat[0],
        chat_id=chat[1],
        kind=kind,
        text=text,
        not_before=not_before,
        expires_at=expires_at,
        plan_id=plan_id,
        payload=payload,
    )
