"""One engine tick: find what is due now, store it in the outbox, send it.

The database is the only truth: the tick recomputes what should have been sent today
from the plan, the links and the confirmations, and the outbox's unique keys make a
message that is already stored (sent or not) impossible to store twice. So a restart,
a second instance or a missed wake-up can neither lose nor double a message; what is
still relevant today is caught up, what went stale is dropped by its expiry.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.storage import outbox
from bot.storage.db import Database
from content.clock import Clock
from content.due import DueMessage
from content.plan import Address
from scheduler.dispatcher import Dispatcher, DispatchReport
from scheduler.plan_period import closing_messages, one_plan_per_anniversary
from scheduler.planner import messages_for_day, next_wakeup
from scheduler.state import PlanState, plan_states

log = logging.getLogger(__name__)

TickHook = Callable[[], Awaitable[object]]
IDLE_WAKEUP = timedelta(hours=1)  # with no plan, look again this often
# Which chats this engine plans for (address -> bool): by default, those of the
# channels its dispatcher can deliver to.
Reachable = Callable[[str, str], bool]


@dataclass
class TickReport:
    at: datetime
    planned: int = 0
    enqueued: int = 0
    dispatch: DispatchReport = field(default_factory=DispatchReport)


def _signature(state: PlanState, day: object) -> tuple[object, ...]:
    """What, if unchanged, cannot make new messages appear before the next wake-up.

    Confirmations are compared apart (`_only_added`); a pause or its end changes what
    a chat gets."""
    links = tuple(
        sorted((unit, tuple(sorted(map(str, chats)))) for unit, chats in state.links.items())
    )
    admins = tuple(sorted(map(str, state.admins)))
    pauses = tuple(sorted(state.pauses.items()))
    languages = tuple(sorted(state.chat_locales.items()))
    return (
        day,
        state.plan,
        len(state.items),
        links,
        admins,
        state.closed_at,
        state.started_at,
        pauses,
        languages,
    )


@dataclass(frozen=True)
class _Planned:
    """What the last planning saw, and until when nothing new can be due."""

    signature: tuple[object, ...]
    until: datetime
    confirmed: dict[str, Mapping[str, datetime]]  # plan id -> item key -> when
    not_applicable: dict[str, frozenset[str]]

    def still_holds(self, states: Sequence[PlanState], signature: object, now: datetime) -> bool:
        return (
            now < self.until
            and signature == self.signature
            and all(_only_added(self, state) for state in states)
        )


def _only_added(planned: _Planned, state: PlanState) -> bool:
    """Confirmations were only added since: a confirmation only takes messages away
    (an undo, or a new time after one, brings an item back). A morning of presses
    then costs no replanning of a large plan at every tick."""
    plan_id = state.plan.id
    before = planned.confirmed.get(plan_id, {})
    return (
        before.items() <= state.confirmed.items()
        and planned.not_applicable.get(plan_id, frozenset()) <= state.not_applicable
    )


def due_now(
    states: Sequence[PlanState], now: datetime, reachable: Reachable | None = None
) -> list[DueMessage]:
    """Today's messages whose moment has come and not yet passed. Plans are planned
    together: a chat's digest holds the parts of every plan it belongs to."""
    by_day: dict[date, list[PlanState]] = defaultdict(list)
    for state in states:
        by_day[now.astimezone(state.plan.tz).date()].append(state)
    planned = [message for day, group in by_day.items() for message in messages_for_day(group, day)]
    planned += [message for state in states for message in closing_messages(state, now)]
    due: list[DueMessage] = []
    for message in planned:
        if reachable is not None and not reachable(message.channel, message.chat_id):
            continue
        if message.not_before > now:
            continue
        if message.expires_at is not None and message.expires_at <= now:
            continue
        due.append(message)
    return due


class Engine:
    def __init__(
        self,
        database: Database,
        clock: Clock,
        dispatcher: Dispatcher,
        extra_admins: Sequence[Address] = (),
        hooks: Sequence[TickHook] = (),
        reachable: Reachable | None = None,
    ) -> None:
        self.database = database
        self.clock = clock
        self.dispatcher = dispatcher
        self.extra_admins = tuple(extra_admins)
        self.hooks = list(hooks)
        # A chat of a channel that is not running (a Zalo link without a Zalo token, a
        # console chat) gets nothing planned here, rather than rows no one sends.
        self.reachable = reachable or (lambda channel, _chat: channel in dispatcher.channels)
        self.last_tick: datetime | None = None
        # (signature of every plan, moment before which planning again cannot add anything)
        self._planned: _Planned | None = None

    async def plan(self, now: datetime) -> tuple[int, int]:
        async with self.database.session() as session:
            states = one_plan_per_anniversary(await plan_states(session, self.extra_admins))
        # All plans or none: a chat's digest is made of every plan it belongs to.
        signature = tuple(
            _signature(state, now.astimezone(state.plan.tz).date()) for state in states
        )
        if self._planned is not None and self._planned.still_holds(states, signature, now):
            return 0, 0
        due = due_now(states, now, self.reachable)
        async with self.database.session() as session:
            enqueued = await outbox.enqueue(session, due, now)
        wakeups = [next_wakeup(state, now) for state in states]
        self._planned = _Planned(
            signature,
            min(wakeups, default=now + IDLE_WAKEUP),
            {state.plan.id: state.confirmed for state in states},
            {state.plan.id: state.not_applicable for state in states},
        )
        if enqueued:
            log.info("enqueued %d new message(s)", enqueued)
        return len(due), enqueued

    async def tick(self) -> TickReport:
        now = self.clock.now()
        report = TickReport(at=now)
        try:
            report.planned, report.enqueued = await self.plan(now)
        except Exception:
            # A broken plan must not stop delivery of what is already in the outbox.
            log.exception("planning failed")
        for hook in self.hooks:
            try:
                await hook()
            except Exception:
                log.exception("tick hook %r failed", hook)
        report.dispatch = await self.dispatcher.dispatch()
        self.last_tick = self.clock.now()
        return report
