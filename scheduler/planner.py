"""The planner: which messages a plan brings on a day. Pure and deterministic.

Given a PlanState (plan, items, confirmations, chat links, admins) and a day, it returns
the DueMessages of that day; the same inputs always give the same messages with the
same keys, so the outbox can store them idempotently (scheduler/outbox.py).

What a day brings, per unit and per chat linked to it:

- one DIGEST at `settings.digest_time` (plan time zone), only if it lists something:
  - an owner item on each of its lead days (`lead_days_for`: earlier for round years)
    and on its due day, and on every day after it while it stays unconfirmed;
  - a cooperating item on its lead days and due day only: cooperating units are
    informed, not chased (no number, no button, never overdue);
  - at most MAX_OVERDUE_LISTED overdue items are listed one by one (the most recently
    due ones); the rest are counted ("… và 12 việc quá hạn khác") and shown by /tiendo,
    so a unit that fell far behind still gets a readable message with usable buttons.
- a suggested POST per anniversary occurrence, after the digest and at the same moment:
  - to a unit with an unconfirmed owner item of a per-anniversary task for that
    occurrence, on each day the digest lists that item as upcoming or due today, and on
    the anniversary day itself;
  - to a cooperating unit of such a task once, on the item's due day (the day the
    owner posts), so it can share the same post. A unit gets at most one post per
    occurrence and day, whatever number of tasks point at it.

And per admin address (plan admins plus LOA_ADMINS, in a private chat): one ESCALATION a
day listing the owner items overdue for `escalate_after_days` days or more, by unit
(units without a linked chat included: they are the ones nobody reminds); at most
ESCALATION_UNITS_SHOWN units with ESCALATION_ITEMS_PER_UNIT items each are written out,
the rest are counted, and `loa progress` or /tiendo give the whole list.

Confirmed items never appear: an item confirmed at T is left out of every day whose
local date is on or after T's, so a live day (all confirmations are in the past) never
shows one, while a simulation of past days shows what those days brought.

Timing: `not_before` is the digest time of the day, moved to the end of the quiet hours
when it falls inside them (to the end of the morning part of a window that spans
midnight, so a day's digest never slides into the next day). `expires_at` is the start
of the next quiet window or the end of the day, whichever comes first: a digest that
could not go out in time is dropped, and the next day's digest lists what is still open.

And the reminders of report deadlines (scheduler/report_reminders.py); the contacts
named in digests and their private message the first day an item is overdue
(scheduler/contact_reminders.py).

Payloads (stored with the outbox row) are typed in content/payloads.py.
A suggested post's text speaks for the unit it is sent to (content/posts.py).

`messages_between(..., include_unlinked=True)` (for `loa simulate`) also returns what
units without a chat would get, with channel and chat_id "" (UNLINKED).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from itertools import islice

from content.anniversaries import Occurrence
from content.banner import banner_spec
from content.channels import traits
from content.due import DueMessage
from content.items import Item, lead_days_for
from content.messages import (
    OWNERS_SHOWN,
    DigestBuilder,
    digest_buttons,
    render_digest,
    render_escalation,
)
from content.payloads import DigestPayload, EscalationPayload, PostPayload, Section
from content.plan import Plan, Settings
from content.posts import render_post
from scheduler.contact_reminders import contact_reminders, digest_contacts
from scheduler.report_reminders import report_reminders
from scheduler.state import PlanState

MAX_OVERDUE_LISTED = 5
ESCALATION_UNITS_SHOWN = 20
ESCALATION_ITEMS_PER_UNIT = 3
UNLINKED = ""  # channel and chat_id of a simulated message to a unit without a chat
Chat = tuple[str, str, str]  # (channel, chat id, "channel:id" as written in keys)
UNLINKED_CHAT: Chat = (UNLINKED, UNLINKED, "unlinked")


# --- when ---------------------------------------------------------------------------------


def _lead_section(lead: int) -> Section:
    return "upcoming" if lead else "today"


def send_window(plan: Plan, day: date) -> tuple[datetime, datetime]:
    """(not_before, expires_at) of the scheduled messages of `day`, see the module doc."""
    settings: Settings = plan.settings
    tz = plan.tz
    day_end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    moment = datetime.combine(day, settings.digest_time, tzinfo=tz)
    quiet = settings.quiet_hours
    if quiet is None or quiet[0] == quiet[1]:
        return moment, day_end
    start, end = quiet
    if settings.in_quiet_hours(settings.digest_time):
        # Inside the window: its end, or for a window spanning midnight entered in the
        # evening, the end of this morning's part, which keeps the digest on its day.
        moment = datetime.combine(day, end, tzinfo=tz)
    next_quiet = datetime.combine(day, start, tzinfo=tz)
    if next_quiet <= moment:
        next_quiet += timedelta(days=1)
    return moment, min(next_quiet, day_end)


def next_wakeup(state: PlanState, now: datetime) -> datetime:
    """The next moment after `now` at which messages of this plan may become due: the
    send moment of today if it is still ahead, else tomorrow's."""
    today = now.astimezone(state.plan.tz).date()
    moment, _ = send_window(state.plan, today)
    if moment > now:
        return moment
    return send_window(state.plan, today + timedelta(days=1))[0]


# --- what -----------------------------------------------------------------------------------


def messages_for_day(state: PlanState, day: date) -> list[DueMessage]:
    """Every message `day` brings for this plan, in sending order."""
    return messages_between(state, day, day)


def messages_between(
    state: PlanState, start: date, end: date, *, include_unlinked: bool = False
) -> list[DueMessage]:
    """Every message of the days start..end (inclusive), day by day, in sending order."""
    return list(iter_messages_between(state, start, end, include_unlinked=include_unlinked))


def iter_messages_between(
    state: PlanState, start: date, end: date, *, include_unlinked: bool = False
) -> Iterator[DueMessage]:
    """The same messages one at a time, for a consumer that need not hold a year of
    them (a large plan's year is hundreds of thousands of messages)."""
    if end < start:
        raise ValueError(f"end {end.isoformat()} is before start {start.isoformat()}")
    # A plan whose period is over, or that was closed, reminds no one (plan_period.py).
    end = min(end, state.last_day)
    if end < start:
        return iter(())
    return _Planner(state, start, end, include_unlinked).run()


class _Planner:
    """Indexes the items once (on which days each appears, when each becomes overdue or
    is confirmed), then walks the days keeping each unit's open overdue items, so a year
    costs the messages it produces rather than days × items.

    Items are referred to by their rank in sending order (due date, then task order);
    days by their ordinal number: a year of a large plan is millions of entries, and
    integers are what Python compares and hashes fastest.
    """

    def __init__(self, state: PlanState, start: date, end: date, include_unlinked: bool):
        self.state = state
        self.plan = plan = state.plan
        self.start, self.end = start, end
        self.locale = state.locale
        self.chat_locales = state.chat_locales  # a chat's own choice beats the plan's
        self.include_unlinked = include_unlinked
        task_rank = {task.id: index for index, task in enumerate(plan.tasks)}
        late = len(task_rank)
        self.items: list[Item] = sorted(
            state.items, key=lambda item: (item.due, task_rank.get(item.task_id, late))
        )
        # Units in plan order, then any unit only the items know of (hand-built states).
        unit_ids = [unit.id for unit in plan.units]
        known = set(unit_ids)
        unit_ids += sorted({item.unit_id for item in self.items} - known)
        self.unit_ids = unit_ids
        self.unit_index = {unit_id: index for index, unit_id in enumerate(unit_ids)}
        names = {unit.id: unit.name for unit in plan.units}
        self.unit_names = [names.get(unit_id, unit_id) for unit_id in unit_ids]
        # Per unit: its chats as (channel, chat id, address for keys).
        self.chats: list[tuple[Chat, ...]] = [
            tuple(
                (chat.channel, chat.id, str(chat))
                for chat in dict.fromkeys(state.links.get(unit_id, ()))
            )
            for unit_id in unit_ids
        ]
        self.admins = tuple(dict.fromkeys(state.admins))
        # (anniversary key, year, unit index, language) -> text: each unit's post speaks
        # for it, in each of its chats' language.
        self._post_texts: dict[tuple[str, int, int, str], str] = {}
        self.behind: set[int] = set()  # during run(): units with open overdue items
        self._index()

    def _index(self) -> None:
        plan, tz = self.plan, self.plan.tz
        first, last = self.start.toordinal(), self.end.toordinal()
        confirmed = self.state.confirmed
        never = date.max.toordinal()
        # Per rank of an item the window can show: (key, task_id, title, due ISO, due
        # ordinal), its unit, and the first day it is hidden (the local day it was
        # confirmed). Items the window cannot show are left out: a single day (the
        # engine's question) then costs little more than a look at each item.
        self.static: dict[int, tuple[str, str, str, str, int]] = {}
        self.hidden: dict[int, int] = {}
        self.unit_of: dict[int, int] = {}
        # day ordinal -> [(rank, section)]: lead-day and due-day appearances
        self.appearances: dict[int, list[tuple[int, Section]]] = defaultdict(list)
        self.overdue_from: dict[int, list[int]] = defaultdict(list)
        self.confirmed_on: dict[int, list[int]] = defaultdict(list)
        # Owner posts: the item's lead days and due day, and the anniversary itself.
        self.owner_post_days: dict[int, list[int]] = defaultdict(list)
        self.anniversary_day: dict[int, list[int]] = defaultdict(list)
        self.cooperating_post: dict[int, list[int]] = defaultdict(list)
        self.initial_overdue: list[int] = []
        # Cooperating ranks -> (names of up to OWNERS_SHOWN owners, number of owners).
        self.owners_of: dict[int, tuple[list[str], int]] = {}
        owners: dict[tuple[str, int], list[str]] = defaultdict(list)
        cooperating: list[tuple[int, tuple[str, int]]] = []
        # (task, tier) -> [(days before due, owner section)], earliest first; the due day
        # always counts.
        offsets_of: dict[tuple[str, str], tuple[tuple[int, Section], ...]] = {}
        for rank, item in enumerate(self.items):
            due = item.due.toordinal()
            owner = item.role == "owner"
            occurrence = item.occurrence
            anniversary = occurrence.date.toordinal() if occurrence is not None else never
            offsets = offsets_of.get((item.task_id, item.tier))
            if offsets is None:
                leads = {lead for lead in lead_days_for(plan, item) if lead >= 0} | {0}
                offsets = offsets_of[(item.task_id, item.tier)] = tuple(
                    (lead, _lead_section(lead)) for lead in sorted(leads, reverse=True)
                )
            in_window = first <= anniversary <= last
            if due - offsets[0][0] > last and not (owner and in_window):
                continue  # first listed after the window
            if due < first and not owner:
                continue  # cooperating items are never overdue
            when = confirmed.get(item.key)
            hidden = when.astimezone(tz).date().toordinal() if when is not None else never
            if due < first and hidden <= first and not in_window:
                continue  # done before the window
            unit = self.unit_index[item.unit_id]
            self.static[rank] = (item.key, item.task_id, item.title, item.due.isoformat(), due)
            self.hidden[rank] = hidden
            self.unit_of[rank] = unit
            for lead, section in offsets:
                day = due - lead
                if first <= day <= last:
                    self.appearances[day].append((rank, section if owner else "cooperating"))
                    if owner and occurrence is not None:
                        self.owner_post_days[day].append(rank)
            if not owner:
                cooperating.append((rank, (item.task_id, due)))
                if occurrence is not None and first <= due <= last:
                    self.cooperating_post[due].append(rank)
                continue
            owners[(item.task_id, due)].append(self.unit_names[unit])
            if in_window:
                self.anniversary_day[anniversary].append(rank)
            if due < first:
                if first < hidden:
                    self.initial_overdue.append(rank)
            elif due < last:
                self.overdue_from[due + 1].append(rank)
            if first < hidden <= last:
                self.confirmed_on[hidden].append(rank)
        for rank, task_due in cooperating:
            names = owners.get(task_due, [])
            self.owners_of[rank] = (names[:OWNERS_SHOWN], len(names))

    # --- the walk ---------------------------------------------------------------------------

    def run(self) -> Iterator[DueMessage]:
        # Per unit index: its open overdue ranks, in sending order (a dict keeps insertion
        # order and forgets a confirmed rank in O(1)).
        overdue: list[dict[int, None]] = [{} for _ in self.unit_ids]
        behind = self.behind = set()
        hidden, unit_of = self.hidden, self.unit_of
        for rank in self.initial_overdue:
            overdue[unit_of[rank]][rank] = None
            behind.add(unit_of[rank])
        for day_number in range(self.start.toordinal(), self.end.toordinal() + 1):
            for rank in self.overdue_from.get(day_number, ()):
                if day_number < hidden[rank]:
                    overdue[unit_of[rank]][rank] = None
                    behind.add(unit_of[rank])
            for rank in self.confirmed_on.get(day_number, ()):
                open_ranks = overdue[unit_of[rank]]
                open_ranks.pop(rank, None)
                if not open_ranks:
                    behind.discard(unit_of[rank])
            yield from self._day(date.fromordinal(day_number), overdue)

    def _day(self, day: date, overdue: list[dict[int, None]]) -> Iterator[DueMessage]:
        number = day.toordinal()
        hidden, unit_of = self.hidden, self.unit_of
        by_unit: dict[int, list[tuple[int, Section]]] = defaultdict(list)
        for appearance in self.appearances.get(number, ()):
            rank = appearance[0]
            if number < hidden[rank]:
                by_unit[unit_of[rank]].append(appearance)
        posts = self._posts_by_unit(number)
        not_before, expires_at = send_window(self.plan, day)
        iso = day.isoformat()
        for unit in sorted(self.behind.union(by_unit, posts)):
            appearances = by_unit.get(unit)
            open_ranks = overdue[unit]
            unit_posts = posts.get(unit)
            chats = self.chats[unit]
            if not chats and not self.include_unlinked:
                continue
            digest = None
            if appearances or open_ranks:
                digest = self._digest(number, iso, unit, appearances or [], open_ranks)
            targets = chats or (UNLINKED_CHAT,)
            for chat in targets:
                if digest is not None:
                    last = chat is targets[-1]
                    yield self._digest_message(digest, chat, not_before, expires_at, last)
                for occurrence, keys in unit_posts or ():
                    yield self._post(occurrence, keys, unit, chat, iso, not_before, expires_at)
        fresh = self._newly_overdue(number)
        yield from contact_reminders(self.state, day, fresh, not_before, expires_at)
        yield from self._escalations(day, overdue, not_before, expires_at)
        yield from report_reminders(self.state, day, not_before, expires_at)

    def _newly_overdue(self, number: int) -> list[Item]:
        """The owner items whose first overdue day is day `number`, still open."""
        ranks = list(self.overdue_from.get(number, ()))
        if number == self.start.toordinal():
            ranks += [rank for rank in self.initial_overdue if self.static[rank][4] == number - 1]
        return [self.items[rank] for rank in ranks if number < self.hidden[rank]]

    # --- digests ----------------------------------------------------------------------------

    def _digest(
        self,
        number: int,
        iso: str,
        unit: int,
        appearances: list[tuple[int, Section]],
        open_ranks: dict[int, None],
    ) -> tuple[DigestBuilder, DigestPayload]:
        """The unit's digest of the day: its builder (for the text) and payload base."""
        static = self.static
        builder = DigestBuilder(self.locale)
        add = builder.add
        listed = list(islice(reversed(open_ranks), MAX_OVERDUE_LISTED))
        listed.reverse()
        n = 0
        for rank in listed:
            key, task_id, title, due_iso, due = static[rank]
            n += 1
            add(n, key, task_id, title, due_iso, "overdue", due - number)
        # In rank order, due-today items come before upcoming ones (ranks follow due dates).
        appearances.sort()
        cooperating = []
        for rank, section in appearances:
            if section == "cooperating":
                cooperating.append(rank)
                continue
            key, task_id, title, due_iso, due = static[rank]
            n += 1
            add(n, key, task_id, title, due_iso, section, due - number)
        for rank in cooperating:
            key, task_id, title, due_iso, due = static[rank]
            names, total = self.owners_of[rank]
            add(None, key, task_id, title, due_iso, "cooperating", due - number, names, total)
        base: DigestPayload = {
            "plan_id": self.plan.id,
            "unit_id": self.unit_ids[unit],
            "unit_name": self.unit_names[unit],
            "date": iso,
            "channel": None,
            "entries": builder.entries,
            "overdue_more": len(open_ranks) - len(listed),
        }
        if base["overdue_more"]:
            counted = islice(open_ranks, base["overdue_more"])
            base["more_keys"] = [static[rank][0] for rank in counted]
        return builder, base

    def _digest_message(
        self,
        digest: tuple[DigestBuilder, DigestPayload],
        chat: Chat,
        not_before: datetime,
        expires_at: datetime,
        last: bool,
    ) -> DueMessage:
        builder, base = digest
        channel, chat_id, where = chat
        locale = self.chat_locales.get(where, self.locale)
        if locale == builder.locale:
            text = builder.text(base["unit_name"], base["date"], base["overdue_more"], channel)
        else:
            text = render_digest(base, channel, locale)
        # The unit's last chat takes the payload itself; earlier ones get copies.
        payload = base if last else base.copy()
        payload["channel"] = channel or None
        if traits(channel).buttons:
            payload["buttons"] = digest_buttons(base["entries"])
        text, payload = digest_contacts(self.state, text, payload, locale)
        return DueMessage(
            key=f"digest/{self.plan.id}/{base['unit_id']}/{where}/{base['date']}",
            channel=channel,
            chat_id=chat_id,
            kind="digest",
            text=text,
            not_before=not_before,
            expires_at=expires_at,
            plan_id=self.plan.id,
            payload=payload,
        )

    # --- posts ------------------------------------------------------------------------------

    def _posts_by_unit(self, number: int) -> dict[int, list[tuple[Occurrence, list[str]]]]:
        """unit index -> [(occurrence, the unit's item keys for it)], by anniversary date."""
        items, unit_of = self.items, self.unit_of
        chosen: dict[int, dict[tuple[str, int], tuple[Occurrence, list[str]]]] = defaultdict(dict)

        def add(rank: int) -> None:
            item = items[rank]
            occurrence = item.occurrence
            assert occurrence is not None
            slot = chosen[unit_of[rank]].setdefault(
                (occurrence.key, occurrence.year), (occurrence, [])
            )
            if item.key not in slot[1]:
                slot[1].append(item.key)

        hidden = self.hidden
        for rank in self.owner_post_days.get(number, ()):
            if number < hidden[rank]:
                add(rank)
        for rank in self.anniversary_day.get(number, ()):
            if number < hidden[rank]:
                add(rank)
        for rank in self.cooperating_post.get(number, ()):
            add(rank)
        return {
            unit: sorted(slots.values(), key=lambda pair: (pair[0].date, pair[0].key))
            for unit, slots in chosen.items()
        }

    def _post(
        self,
        occurrence: Occurrence,
        keys: list[str],
        unit: int,
        chat: Chat,
        iso: str,
        not_before: datetime,
        expires_at: datetime,
    ) -> DueMessage:
        channel, chat_id, where = chat
        locale = self.chat_locales.get(where, self.locale)
        ident = (occurrence.key, occurrence.year, unit, locale)
        unit_name = self.unit_names[unit]
        text = self._post_texts.get(ident)
        if text is None:
            text = self._post_texts[ident] = render_post(
                occurrence, self.plan, locale, unit=unit_name
            )
        unit_id = self.unit_ids[unit]
        payload = PostPayload(
            plan_id=self.plan.id,
            unit_id=unit_id,
            anniversary=occurrence.key,
            year=occurrence.year,
            occurrence_date=occurrence.date.isoformat(),
            date=iso,
            items=keys,
        )
        if self.plan.settings.post_banners:
            payload["banner"] = banner_spec(occurrence, self.plan, unit_name).as_payload()
        return DueMessage(
            key=f"post/{self.plan.id}/{unit_id}/{where}/{occurrence.key}-{occurrence.year}/{iso}",
            channel=channel,
            chat_id=chat_id,
            kind="post",
            text=text,
            not_before=not_before,
            expires_at=expires_at,
            plan_id=self.plan.id,
            payload=payload,
        )

    # --- escalations ------------------------------------------------------------------------

    def _escalations(
        self,
        day: date,
        overdue: list[dict[int, None]],
        not_before: datetime,
        expires_at: datetime,
    ) -> Iterator[DueMessage]:
        if not self.admins:
            return
        threshold = self.plan.settings.escalate_after_days
        latest_due = day.toordinal() - threshold
        static = self.static
        late: list[tuple[int, int]] = []  # (unit, how many of its items are late enough)
        for unit in sorted(self.behind):
            open_ranks = overdue[unit]
            # Open ranks are in due order: count the too recent ones from the end.
            recent = 0
            for rank in reversed(open_ranks):
                if static[rank][4] <= latest_due:
                    break
                recent += 1
            if len(open_ranks) > recent:
                late.append((unit, len(open_ranks) - recent))
        if not late:
            return
        shown = [
            (unit, list(islice(overdue[unit], min(count, ESCALATION_ITEMS_PER_UNIT))), count)
            for unit, count in late[:ESCALATION_UNITS_SHOWN]
        ]
        rest = late[ESCALATION_UNITS_SHOWN:]
        number = day.toordinal()
        payload: EscalationPayload = {
            "plan_id": self.plan.id,
            "plan_title": self.plan.title,
            "date": day.isoformat(),
            "threshold": threshold,
            "entries": [
                {
                    "unit_id": self.unit_ids[unit],
                    "unit_name": self.unit_names[unit],
                    "key": static[rank][0],
                    "task_id": static[rank][1],
                    "title": static[rank][2],
                    "due": static[rank][3],
                    "days": static[rank][4] - number,
                }
                for unit, ranks, _ in shown
                for rank in ranks
            ],
            "units": [
                {
                    "unit_id": self.unit_ids[unit],
                    "unit_name": self.unit_names[unit],
                    "linked": bool(self.chats[unit]),
                    "overdue": count,
                }
                for unit, _, count in shown
            ],
            "more_units": len(rest),
            "more_items": sum(count for _, count in rest),
        }
        texts: dict[str, str] = {}
        for admin in self.admins:
            locale = self.chat_locales.get(str(admin), self.locale)
            text = texts.get(locale)
            if text is None:
                text = texts[locale] = render_escalation(payload, locale)
            yield DueMessage(
                key=f"escalation/{self.plan.id}/{admin}/{day.isoformat()}",
                channel=admin.channel,
                chat_id=admin.id,
                kind="escalation",
                text=text,
                not_before=not_before,
                expires_at=expires_at,
                plan_id=self.plan.id,
                payload=payload,
            )
