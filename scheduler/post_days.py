"""On which days a unit gets an anniversary's suggested post (docs/reminders.md). Pure.

- To an owner unit: on the day it must publish (its last deadline for the occurrence on
  or before the anniversary, reminded on the working day on or before it), and when its
  work on the anniversary first shows in a digest, if that is at least MIN_POST_GAP days
  earlier: at most twice per occurrence, and not once its items are all confirmed.
- To a cooperating unit (with no owner item for the occurrence): once, on the day the
  owners' deadline is reminded, so it can share the same post.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from content.anniversaries import Occurrence
from content.items import Item
from scheduler.cadence import Cadence

NEVER = date.max.toordinal()
# A first showing fewer days than this before the publishing day brings no post of its own.
MIN_POST_GAP = 3
# (unit index, anniversary key, observance year) -> [(item rank, day it is closed)]
Groups = Mapping[tuple[int, str, int], Sequence[tuple[int, int]]]


@dataclass
class PostDue:
    unit: int
    occurrence: Occurrence
    keys: list[str]  # the unit's item keys for the occurrence


def post_days(
    items: Sequence[Item], groups: Groups, cadence: Cadence, start: int, end: int
) -> dict[int, list[PostDue]]:
    """Day (ordinal, start..end) -> the posts due that day."""
    found: dict[int, list[PostDue]] = defaultdict(list)
    for (unit, _key, _year), ranks in groups.items():
        occurrence = items[ranks[0][0]].occurrence
        assert occurrence is not None
        owners = [(items[rank], hidden) for rank, hidden in ranks if items[rank].role == "owner"]
        days = (
            _owner_days(owners, occurrence, cadence)
            if owners
            else _cooperating_days(items[ranks[0][0]], cadence)
        )
        keys = [items[rank].key for rank, _ in ranks]
        for day in days:
            if start <= day <= end:
                found[day].append(PostDue(unit, occurrence, keys))
    return found


def _owner_days(
    owners: Sequence[tuple[Item, int]], occurrence: Occurrence, cadence: Cadence
) -> set[int]:
    days: set[int] = set()
    starts = []
    for item, hidden in owners:
        shown = cadence.first_listed(item.due.toordinal(), item.tier)
        if shown is not None and shown < hidden:
            starts.append(shown)
    on_or_before = [item.due for item, _ in owners if item.due <= occurrence.date]
    publish = max(on_or_before) if on_or_before else owners[0][0].due
    day = cadence.reminder_day(publish.toordinal())
    if day >= cadence.opening and any(day < hidden for _, hidden in owners):
        days.add(day)
    if starts and (not days or min(starts) <= day - MIN_POST_GAP):
        days.add(min(starts))
    return days


def _cooperating_days(item: Item, cadence: Cadence) -> set[int]:
    day = cadence.reminder_day(item.due.toordinal())
    return {day} if day >= cadence.opening else set()
