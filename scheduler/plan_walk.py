"""One plan's days: for each day of a window, the digest parts of its units' chats,
their suggested posts and the admins' messages. Pure; scheduler/planner.py merges the
parts of every plan into one digest per chat.

The items are indexed once (scheduler/walk_index.py), then the walk goes day by day
keeping each unit's open overdue items, so a year costs the messages it produces rather
than days × items. It starts on the send day before the window (without emitting it),
because a unit's part is dropped when it says nothing its previous send day's part did
not already say, and whether a unit has just become late depends on that day too: a day
alone gives what it gives in a window.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice

from content.anniversaries import Occurrence
from content.digest import PartBuilder
from content.due import DueMessage
from content.items import Item
from content.posts import render_post
from scheduler.admin_reports import (
    ITEMS_PER_UNIT,
    Late,
    UnitView,
    backlog_messages,
    escalation_messages,
    escalation_payload,
    report_day,
)
from scheduler.cadence import COOPERATING, OVERDUE, SECTION_NAMES, Cadence, section_of, send_at
from scheduler.contact_reminders import contact_reminders
from scheduler.post_days import PostDue
from scheduler.report_reminders import report_reminders
from scheduler.state import PlanState
from scheduler.walk_index import WalkIndex

MAX_OVERDUE_LISTED = 5
Chat = tuple[str, str, str]  # (channel, chat id, what keys name it: "channel:id")


@dataclass
class DayOutput:
    day: date
    window: tuple[datetime, datetime]
    parts: list[tuple[Chat, PartBuilder]] = field(default_factory=list)
    posts: list[tuple[Chat, PostDue]] = field(default_factory=list)
    # The plan's other messages: the admins', and report deadlines (to admins and units).
    admin: list[DueMessage] = field(default_factory=list)


class PlanWalk(WalkIndex):
    def __init__(
        self,
        state: PlanState,
        start: date,
        end: date,
        include_unlinked: bool,
        send_window: Callable[[date], tuple[datetime, datetime]],
        cadence: Cadence | None = None,
    ) -> None:
        plan = state.plan
        self.locale = state.locale
        self.send_window = send_window
        if cadence is None:
            cadence = Cadence(
                plan, state.first_day, state.started_at, lambda day: send_window(day)[0]
            )
        super().__init__(state, cadence, start.toordinal(), end.toordinal())
        unit_ids, links = self.unit_ids, state.links
        self.chats: list[tuple[Chat, ...]] = [
            tuple((c.channel, c.id, str(c)) for c in dict.fromkeys(links.get(unit_id, ())))
            for unit_id in unit_ids
        ]
        if include_unlinked:
            self.chats = [
                chats or (("", "", f"unlinked:{plan.id}/{unit_ids[unit]}"),)
                for unit, chats in enumerate(self.chats)
            ]
        self.views = [
            UnitView(unit_id, self.unit_names[index], bool(links.get(unit_id)))
            for index, unit_id in enumerate(unit_ids)
        ]
        self.admins = tuple(dict.fromkeys(state.admins))
        # (anniversary key, year, unit) -> text: each unit's post speaks for it.
        self._post_texts: dict[tuple[str, int, int, str], str] = {}
        self._pauses()

    # --- pauses ------------------------------------------------------------------------------

    def _pauses(self) -> None:
        """Per chat address: its paused days and the send day it resumes on."""
        cadence = self.cadence
        self.paused: dict[str, tuple[int, int]] = {}
        self.resumes: dict[str, int] = {}
        for address, (first, last) in self.state.pauses.items():
            span = (first.toordinal(), last.toordinal())
            if span[0] > span[1]:
                continue
            self.paused[address] = span
            resume = cadence.next_send(span[1])
            if any(cadence.sends(day) for day in range(span[0], span[1] + 1)):
                self.resumes[address] = resume
        # day -> units with a chat that resumes that day
        self.resuming: dict[int, set[int]] = defaultdict(set)
        for unit, chats in enumerate(self.chats):
            for chat in chats:
                if chat[2] in self.resumes:
                    self.resuming[self.resumes[chat[2]]].add(unit)

    def post_text(self, unit: int, occurrence: Occurrence, locale: str) -> str:
        """The unit's post, in the language of the chat it goes to."""
        ident = (occurrence.key, occurrence.year, unit, locale)
        text = self._post_texts.get(ident)
        if text is None:
            text = self._post_texts[ident] = render_post(
                occurrence, self.plan, locale, unit=self.unit_names[unit]
            )
        return text

    # --- the walk ---------------------------------------------------------------------------

    def days(self) -> Iterator[DayOutput]:
        cadence = self.cadence
        overdue: list[dict[int, None]] = [{} for _ in self.unit_ids]
        self.overdue = overdue
        hidden, unit_of = self.hidden, self.unit_of
        for rank in self.initial_overdue:
            overdue[unit_of[rank]][rank] = None
        due_so_far, done = self.due_before, self.done_before
        previous: dict[int, set[int]] = {}  # unit -> entry codes of the previous send day
        late_before: set[int] = set()
        for number in range(self.lo, self.end + 1):
            for rank in self.overdue_from.get(number, ()):
                if number < hidden[rank]:
                    overdue[unit_of[rank]][rank] = None
            for rank in self.closed_on.get(number, ()):
                overdue[unit_of[rank]].pop(rank, None)
            due_so_far += self.due_on.get(number, 0)
            done += self.done_on.get(number, 0)
            if not cadence.sends(number):
                continue
            entries = self._entries_of_day(number)
            late = self._late_units(number)
            if number >= self.start:
                yield self._output(number, entries, previous, late, late_before, done, due_so_far)
            previous = {unit: set(codes) for unit, codes in entries.items()}
            late_before = set(late)

    def _entries_of_day(self, number: int) -> dict[int, dict[int, int]]:
        """unit -> {entry code: rank}, entry code = rank * 4 + section, for the units
        with something to say on the send day `number` (the plan's view, no pause)."""
        weekly = self.cadence.weekly(number)
        units: set[int] = {self.unit_of[rank] for rank in self.triggers.get(number, ())}
        if weekly:
            units.update(range(len(self.unit_ids)))
        found: dict[int, dict[int, int]] = {}
        by_unit: dict[int, list[int]] = defaultdict(list)
        for rank in self.triggers.get(number, ()):
            by_unit[self.unit_of[rank]].append(rank)
        for unit in units:
            codes = self._unit_entries(unit, number, by_unit.get(unit, ()), weekly, False)
            if codes:
                found[unit] = codes
        return found

    def _unit_entries(
        self, unit: int, number: int, triggered: Iterable[int], weekly: bool, resumed: bool
    ) -> dict[int, int]:
        """A unit's entries on a send day: its items' own reminders; on a weekly day also
        what falls due up to the next one and every open overdue item; on the opening
        day and a resumed chat's first day also what is in its lead window."""
        hidden, static = self.hidden, self.static
        codes: dict[int, int] = {}
        rollup = weekly or resumed
        if rollup:
            for rank in self.overdue[unit]:
                codes[rank * 4 + OVERDUE] = rank
        for rank in triggered:
            if number < hidden[rank]:
                codes[rank * 4 + section_of(static[rank][4], number)] = rank
        if not rollup:
            return codes
        cadence = self.cadence
        full = resumed or number == cadence.opening
        dues, ranks = self.listable_dues[unit], self.listable[unit]
        horizon = cadence.horizon(number)
        reach = max(horizon, number + cadence.max_lead + 12) if full else horizon
        for index in range(bisect_left(dues, number), bisect_right(dues, reach)):
            rank, due = ranks[index], dues[index]
            if rank in self.cooperating:
                # Informed once, in the week it is due: the owners are the ones chased.
                if due < horizon:
                    codes[rank * 4 + COOPERATING] = rank
            elif number < hidden[rank] and (
                due <= horizon or (full and cadence.lead_start(due, self.tiers[rank]) <= number)
            ):
                codes[rank * 4 + section_of(due, number)] = rank
        return codes

    def _late_units(self, number: int) -> dict[int, int]:
        """unit -> how many open owner items are overdue `escalate_after_days` or more."""
        latest_due = number - self.plan.settings.escalate_after_days
        static = self.static
        late: dict[int, int] = {}
        for unit, open_ranks in enumerate(self.overdue):
            if not open_ranks or static[next(iter(open_ranks))][4] > latest_due:
                continue
            late[unit] = sum(1 for rank in open_ranks if static[rank][4] <= latest_due)
        return late

    # --- one day's output -------------------------------------------------------------------

    def _output(
        self,
        number: int,
        entries: dict[int, dict[int, int]],
        previous: dict[int, set[int]],
        late: dict[int, int],
        late_before: set[int],
        done: int,
        due_so_far: int,
    ) -> DayOutput:
        day = date.fromordinal(number)
        output = DayOutput(day, self.send_window(day))
        parts: dict[int, PartBuilder] = {}
        posts: dict[int, list[PostDue]] = defaultdict(list)
        for post in self.posts.get(number, ()):
            posts[post.unit].append(post)
        for unit in sorted(set(entries) | set(posts) | self.resuming.get(number, set())):
            codes = entries.get(unit, {})
            new = bool(codes) and not previous.get(unit, set()).issuperset(codes)
            for chat in self.chats[unit]:
                address = chat[2]
                if self._paused(address, number):
                    continue
                if self.resumes.get(address) == number:
                    rollup = self._unit_entries(unit, number, (), True, True)
                    if rollup:
                        output.parts.append((chat, self._part(unit, number, rollup)))
                elif new:
                    if unit not in parts:
                        parts[unit] = self._part(unit, number, codes)
                    output.parts.append((chat, parts[unit]))
                output.posts += [(chat, post) for post in posts.get(unit, ())]
        output.admin = self._admin(number, day, late, late_before, done, due_so_far)
        for message in report_reminders(self.state, day, *output.window):
            if not self._paused(message.chat_address, number):
                output.admin.append(message)
        fresh = self._newly_overdue(number)
        output.admin += contact_reminders(self.state, day, fresh, *output.window)
        return output

    def _paused(self, address: str, number: int) -> bool:
        span = self.paused.get(address)
        return span is not None and span[0] <= number <= span[1]

    def _newly_overdue(self, number: int) -> list[Item]:
        """Open owner items that fell overdue since the previous send day, of units with
        a chat not paused today: what the contacts hear of in private."""
        previous = self.cadence.previous_send(number)
        since = previous + 1 if previous is not None else self.cadence.first + 1
        ranks = [
            rank
            for day in range(max(since, self.lo + 1), number + 1)
            for rank in self.overdue_from.get(day, ())
        ]
        if since <= self.lo:
            ranks += [rank for rank in self.initial_overdue if self.static[rank][4] + 1 >= since]
        fresh = []
        for rank in sorted(ranks):
            unit = self.unit_of[rank]
            chats = self.chats[unit]
            if number < self.hidden[rank] and (
                not chats or any(not self._paused(chat[2], number) for chat in chats)
            ):
                fresh.append(self.items[rank])
        return fresh

    def _part(self, unit: int, number: int, codes: dict[int, int]) -> PartBuilder:
        """The unit's part of the day's digest; `codes` (its entries) is never empty."""
        static = self.static
        part = PartBuilder(
            self.plan.id, self.plan.title, self.unit_ids[unit], self.unit_names[unit], self.locale
        )
        overdue = sorted(rank for code, rank in codes.items() if code & 3 == OVERDUE)
        listed = overdue[-MAX_OVERDUE_LISTED:]
        for rank in overdue[: len(overdue) - len(listed)]:
            key, task_id, title, due_iso, due = static[rank]
            part.count(key, task_id, title, due_iso, due - number, self.optional[rank])
        rest = sorted(code for code in codes if code & 3 != OVERDUE)
        for code in (*(rank * 4 for rank in listed), *rest):
            rank, section = divmod(code, 4)
            key, task_id, title, due_iso, due = static[rank]
            name = SECTION_NAMES[section]
            if section == COOPERATING:
                owners, total = self.owners_of[rank]
                part.add(name, key, task_id, title, due_iso, due - number, owners, total)
            else:
                part.add(
                    name, key, task_id, title, due_iso, due - number, optional=self.optional[rank]
                )
        return part

    def _admin(
        self,
        number: int,
        day: date,
        late: dict[int, int],
        late_before: set[int],
        done: int,
        due_so_far: int,
    ) -> list[DueMessage]:
        if not self.admins:
            return []
        plan, cadence = self.plan, self.cadence
        messages: list[DueMessage] = []
        if number == cadence.opening and self.backlog:
            counts = [(self.views[unit], count) for unit, count in sorted(self.backlog.items())]
            messages += backlog_messages(
                plan, self.admins, day, counts, self.state.language_of, self.send_window(day)
            )
        settings = plan.settings
        # The weekly report, once something has fallen due since the plan's first day.
        if due_so_far and report_day(cadence.calendar, settings.report_weekday, number) == number:
            payload = escalation_payload(
                plan, day, self._late_list(late), done=done, due_so_far=due_so_far
            )
            window = send_at(plan, day, settings.report_time)
            return messages + escalation_messages(
                plan, self.admins, payload, self.state.language_of, window, "weekly"
            )
        crossed = {unit: count for unit, count in late.items() if unit not in late_before}
        if crossed:
            payload = escalation_payload(plan, day, self._late_list(crossed))
            window = self.send_window(day)
            messages += escalation_messages(
                plan, self.admins, payload, self.state.language_of, window, "alert"
            )
        return messages

    def _late_list(self, late: dict[int, int]) -> list[tuple[UnitView, Late]]:
        static = self.static
        shown: list[tuple[UnitView, Late]] = []
        for unit, count in sorted(late.items()):
            oldest = islice(self.overdue[unit], min(count, ITEMS_PER_UNIT))
            shown.append((self.views[unit], (count, [static[rank] for rank in oldest])))
        return shown
