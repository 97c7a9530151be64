"""What a walk over one plan's days needs to know of its items, indexed once: the items
in sending order, each unit's, on which days each owner item is reminded for itself,
when open items become overdue or are closed, which items a weekly digest may list, the
backlog a plan starts with, the figures of the weekly report, and the suggested posts'
days (scheduler/post_days.py). Pure; scheduler/plan_walk.py walks the days.

The index covers the walk (`lo`, the send day before its first day, to `end`) and what
its digests look ahead to. Items are referred to by their rank in sending order (due
date, then task order), days by their ordinal number: a large plan's year is millions
of entries, and integers are what Python compares and hashes fastest.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from datetime import date, datetime, time

from content.items import Item
from content.messages import OWNERS_SHOWN
from scheduler.cadence import Cadence
from scheduler.post_days import NEVER, Groups, PostDue, post_days
from scheduler.state import PlanState


class WalkIndex:
    def __init__(self, state: PlanState, cadence: Cadence, start: int, end: int) -> None:
        self.state = state
        self.plan = plan = state.plan
        self.cadence = cadence
        self.start, self.end = start, end
        previous = cadence.previous_send(start)
        self.lo = previous if previous is not None else start
        optional = {task.id for task in plan.tasks if task.optional}
        task_rank = {task.id: index for index, task in enumerate(plan.tasks)}
        late = len(task_rank)
        self.items: list[Item] = sorted(
            state.items, key=lambda item: (item.due, task_rank.get(item.task_id, late))
        )
        self.optional = [item.task_id in optional for item in self.items]
        unit_ids = [unit.id for unit in plan.units]
        unit_ids += sorted({item.unit_id for item in self.items} - set(unit_ids))
        self.unit_ids = unit_ids
        self.unit_index = {unit_id: index for index, unit_id in enumerate(unit_ids)}
        names = {unit.id: unit.name for unit in plan.units}
        self.unit_names = [names.get(unit_id, unit_id) for unit_id in unit_ids]
        self.posts: dict[int, list[PostDue]] = {}
        self._index()

    def _index(self) -> None:
        """Index what the walk needs, in phases over the items (they are in due order),
        so that the long past of a large plan costs little: items due before the walk
        only matter while open, and a confirmation's local day is worked out only when
        it falls inside the walk (an earlier one just closes the item)."""
        cadence, tz = self.cadence, self.plan.tz
        lo, hi, first = self.lo, self.end, cadence.first
        pad = max(cadence.horizon(hi) - hi, cadence.max_lead + 12)
        items = self.items
        ordinals = {day: day.toordinal() for day in {item.due for item in items}}
        dues = [ordinals[item.due] for item in items]
        self.dues = dues
        self.lo_edge = datetime.combine(date.fromordinal(lo + 1), time(0), tzinfo=tz)
        self.hi_edge = datetime.combine(date.fromordinal(hi + 1), time(0), tzinfo=tz)
        # Per rank the window may show: (key, task id, title, due ISO, due ordinal).
        self.static: dict[int, tuple[str, str, str, str, int]] = {}
        self.hidden: dict[int, int] = {}  # rank -> the first day it is closed
        self.unit_of: dict[int, int] = {}
        self.tiers: dict[int, str] = {}
        self.triggers: dict[int, list[int]] = defaultdict(list)  # day -> ranks
        self.overdue_from: dict[int, list[int]] = defaultdict(list)
        self.closed_on: dict[int, list[int]] = defaultdict(list)
        self.initial_overdue: list[int] = []
        # Per unit, ranks a weekly digest may list (in due order) and their due days.
        self.listable: list[list[int]] = [[] for _ in self.unit_ids]
        self.listable_dues: list[list[int]] = [[] for _ in self.unit_ids]
        self.cooperating: set[int] = set()
        self.owners_of: dict[int, tuple[tuple[str, ...], int]] = {}
        # Owner items due from the first day on, for the weekly report's progress line:
        # how many fell due before the walk and were done by then, and per day after.
        self.due_before = self.done_before = 0
        self.due_on: dict[int, int] = defaultdict(int)
        self.done_on: dict[int, int] = defaultdict(int)
        start_at = bisect_left(dues, first)
        window_at = bisect_left(dues, max(lo, first))
        end_at = bisect_right(dues, hi + pad)
        self.backlog: dict[int, int] = defaultdict(int)  # unit -> open items due before
        if lo <= cadence.opening <= hi:
            self._backlog(0, start_at)
        self._before_walk(start_at, window_at)
        self._in_walk(window_at, end_at)
        self.posts = post_days(
            items, self._anniversary_groups(window_at, end_at), cadence, self.start, self.end
        )

    def _closed(self, when: datetime | None) -> int:
        """The first walked day on which an item confirmed at `when` is no longer
        listed: its local day; `lo` if that is before the walk; NEVER if after it."""
        if when is None or when >= self.hi_edge:
            return NEVER
        if when < self.lo_edge:
            return self.lo
        return when.astimezone(self.plan.tz).date().toordinal()

    def _backlog(self, begin: int, end: int) -> None:
        confirmed, opening_edge = self.state.confirmed, self.cadence.opening
        edge = datetime.combine(date.fromordinal(opening_edge + 1), time(0), tzinfo=self.plan.tz)
        for item in self.items[begin:end]:
            if item.role == "owner":
                when = confirmed.get(item.key)
                if when is None or when >= edge:
                    self.backlog[self.unit_index[item.unit_id]] += 1

    def _before_walk(self, begin: int, end: int) -> None:
        """Owner items due from the plan's first day to the walk's: open ones are overdue."""
        confirmed, lo_edge, dues = self.state.confirmed, self.lo_edge, self.dues
        items = self.items
        for rank in range(begin, end):
            item = items[rank]
            if item.role != "owner":
                continue
            self.due_before += 1
            when = confirmed.get(item.key)
            if when is not None and when < lo_edge:
                self.done_before += 1
                continue
            hidden = self._closed(when)
            if hidden < NEVER:
                self.done_on[hidden] += 1
                self.closed_on[hidden].append(rank)
            self._remember(rank, item, dues[rank], hidden)
            self.initial_overdue.append(rank)
            self._triggers(rank, item, dues[rank])

    def _in_walk(self, begin: int, end: int) -> None:
        """Items due from the walk's first day to as far as its digests look ahead."""
        confirmed, dues, items = self.state.confirmed, self.dues, self.items
        lo, hi = self.lo, self.end
        owners: dict[tuple[str, int], list[str]] = defaultdict(list)
        for rank in range(begin, end):
            item = items[rank]
            due = dues[rank]
            hidden = self._closed(confirmed.get(item.key))
            if item.role != "owner":
                if hidden > lo:
                    self.cooperating.add(rank)
                    self._remember(rank, item, due, hidden, listable=True)
                continue
            unit = self.unit_index[item.unit_id]
            owners[(item.task_id, due)].append(self.unit_names[unit])
            if due <= hi:
                self.due_on[due] += 1
                if hidden < NEVER:
                    self.done_on[max(due, hidden)] += 1
            if hidden <= lo:
                continue  # closed before the walk
            self._remember(rank, item, due, hidden, listable=True)
            self._triggers(rank, item, due)
            if due < hi:
                self.overdue_from[due + 1].append(rank)
            if hidden <= hi:
                self.closed_on[hidden].append(rank)
        for rank in self.cooperating:
            names = owners.get((self.static[rank][1], self.static[rank][4]), [])
            self.owners_of[rank] = (tuple(names[:OWNERS_SHOWN]), len(names))

    def _triggers(self, rank: int, item: Item, due: int) -> None:
        """The days of the walk on which an open owner item is reminded for itself."""
        lo, hi = self.lo, self.end
        for day in self.cadence.reminders(due, item.tier):
            if lo <= day <= hi:
                self.triggers[day].append(rank)

    def _remember(
        self, rank: int, item: Item, due: int, hidden: int, listable: bool = False
    ) -> None:
        unit = self.unit_index[item.unit_id]
        self.static[rank] = (item.key, item.task_id, item.title, item.due.isoformat(), due)
        self.hidden[rank] = hidden
        self.unit_of[rank] = unit
        self.tiers[rank] = item.tier
        if listable:
            self.listable[unit].append(rank)
            self.listable_dues[unit].append(due)

    def _anniversary_groups(self, begin: int, end: int) -> Groups:
        """Each unit's items of the anniversary occurrences the walk may post about (those
        with an item due in it or just after), whole: a post day depends on all of them."""
        items, first = self.items, self.cadence.first
        wanted = {id(item.occurrence) for item in items[begin:end] if item.occurrence is not None}
        groups: dict[tuple[int, str, int], list[tuple[int, int]]] = defaultdict(list)
        if not wanted:
            return groups
        confirmed, tz = self.state.confirmed, self.plan.tz
        for rank, item in enumerate(items):
            occurrence = item.occurrence
            if occurrence is None or id(occurrence) not in wanted or self.dues[rank] < first:
                continue
            when = confirmed.get(item.key)
            # Exact: whether a post is due depends on the day each item was closed.
            hidden = NEVER if when is None else when.astimezone(tz).date().toordinal()
            unit = self.unit_index[item.unit_id]
            groups[(unit, occurrence.key, occurrence.year)].append((rank, hidden))
        return groups
