"""A plan's period seen by the scheduler: which plans still remind, the one closing
summary the admins get, and one plan per anniversary for a chat.

- A plan reminds from when it is loaded up to the end of its period (or its last due
  date, when later: a final report due in January); a closed plan up to the day before
  it was closed (PlanState.last_day; the planner stops there).
- When it has ended or was closed, each admin gets one closing summary, key
  `closing/<plan>/<admin>`, sent at the digest time of the day after the last day
  (at once after `loa plan close`). A plan that ended more than CLOSING_WINDOW_DAYS ago
  (an old plan loaded for the record) gets none.
- Two plans that both campaign for the same anniversary occurrence (overlapping
  periods) never both remind one chat of it: the plan whose period contains the
  occurrence wins; if several do, the one whose year is the occurrence's, then the
  first by plan id.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Literal

from content.closing import UNITS_SHOWN, render_closing
from content.due import DueMessage
from content.plan import Address
from scheduler.planner import send_window
from scheduler.state import PlanState

PlanStatus = Literal["active", "ended", "closed"]
CLOSING_WINDOW_DAYS = 30


def plan_status(state: PlanState, today: date) -> PlanStatus:
    if state.closed_at is not None:
        return "closed"
    return "ended" if today > state.plan.active_until else "active"


def closing_messages(state: PlanState, now: datetime) -> list[DueMessage]:
    """The closing summary for each admin, once the plan has ended or was closed."""
    plan = state.plan
    today = now.astimezone(plan.tz).date()
    status = plan_status(state, today)
    if status == "active" or not state.admins:
        return []
    first_day_after = state.last_day + timedelta(days=1)
    if today - first_day_after > timedelta(days=CLOSING_WINDOW_DAYS):
        return []
    # The digest time of the day after the last day: at once when a plan is closed
    # after that day's digest time.
    not_before = send_window(plan, first_day_after)[0]
    owners = [item for item in state.items if item.role == "owner" and item.due <= state.last_day]
    done = sum(1 for item in owners if item.key in state.confirmed)
    open_by_unit: dict[str, int] = defaultdict(int)
    for item in owners:
        if item.key not in state.confirmed:
            open_by_unit[item.unit_id] += 1
    names = {unit.id: unit.name for unit in plan.units}
    ranked = sorted(open_by_unit.items(), key=lambda pair: (-pair[1], pair[0]))
    payload = {
        "plan_id": plan.id,
        "plan_title": plan.title,
        "reason": status,
        "last_day": state.last_day.isoformat(),
        "done": done,
        "total": len(owners),
        "units": [
            {"unit_id": unit, "unit_name": names.get(unit, unit), "open": count}
            for unit, count in ranked[:UNITS_SHOWN]
        ],
        "more_units": max(len(ranked) - UNITS_SHOWN, 0),
    }
    text = render_closing(payload, state.locale)
    return [
        DueMessage(
            key=f"closing/{plan.id}/{admin}",
            channel=admin.channel,
            chat_id=admin.id,
            kind="notice",
            text=text,
            not_before=not_before,
            expires_at=None,
            plan_id=plan.id,
            payload=payload,
        )
        for admin in dict.fromkeys(state.admins)
    ]


def _rank(state: PlanState, when: date, year: int) -> tuple[bool, bool, str]:
    start, end = state.plan.period
    return (not start <= when <= end, state.plan.year != year, state.plan.id)


def one_plan_per_anniversary(states: Sequence[PlanState]) -> list[PlanState]:
    """`states` with the items dropped that would remind a chat of an anniversary
    occurrence another plan reminds that chat of (see the module doc)."""
    holders: dict[tuple[str, int], list[int]] = defaultdict(list)
    for index, state in enumerate(states):
        for occurrence in {(o.key, o.year): o for o in state.plan.campaign_occurrences}.values():
            holders[(occurrence.key, occurrence.year)].append(index)
    dropped: dict[int, set[tuple[str, str, int]]] = defaultdict(set)  # state -> (unit, key, year)
    for (key, year), indexes in holders.items():
        if len(indexes) < 2:
            continue
        occurrence_date = next(
            o.date
            for o in states[indexes[0]].plan.campaign_occurrences
            if (o.key, o.year) == (key, year)
        )
        ranked = sorted(indexes, key=lambda i: _rank(states[i], occurrence_date, year))
        winner = states[ranked[0]]
        chats: set[Address] = {
            chat
            for item in winner.items
            if item.occurrence is not None
            and (item.occurrence.key, item.occurrence.year) == (key, year)
            for chat in winner.links.get(item.unit_id, ())
        }
        for index in ranked[1:]:
            loser = states[index]
            for unit, unit_chats in loser.links.items():
                if chats.intersection(unit_chats):
                    dropped[index].add((unit, key, year))
    if not dropped:
        return list(states)
    result = list(states)
    for index, drops in dropped.items():
        state = states[index]
        result[index] = replace(
            state,
            items=[
                item
                for item in state.items
                if item.occurrence is None
                or (item.unit_id, item.occurrence.key, item.occurrence.year) not in drops
            ],
        )
    return result
