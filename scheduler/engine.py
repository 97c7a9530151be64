"""One engine tick: find what is due now, store it in the outbox, send it.

The database is the only truth: the tick recomputes what should have been sent today
from the plan, the links and the confirmations, and the outbox's unique keys make a
message that is already stored (sent or not) impossible to store twice. So a restart,
a second instance or a missed wake-up can neither lose nor double a message; what is
still relevant today is caught up, what went stale is dropped by its expiry.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

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

    Confirmations only ever remove messages, so they are not part of it."""
    links = tuple(
        sorted((unit, tuple(sorted(map(str, chats)))) for unit, chats in state.links.items())
    )
    admins = tuple(sorted(map(str, state.admins)))
    languages = tuple(sorted(state.chat_locales.items()))
    return (day, state.plan, len(state.items), links, admins, state.closed_at, languages)


def due_now(
    states: Sequence[PlanState], now: datetime, reachable: Reachable | None = None
) -> list[DueMessage]:
    """Today's messages whose moment has come and not yet passed."""
    due: list[DueMessage] = []
    for state in states:
        today = now.astimezone(state.plan.tz).date()
        for message in (*messages_for_day(state, today), *closing_messages(state, now)):
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
        # plan id -> (signature, moment before which planning again cannot add anything)
        self._planned: dict[str, tuple[tuple[object, ...], datetime]] = {}

    async def plan(self, now: datetime) -> tuple[int, int]:
        async with self.database.session() as session:
            states = one_plan_per_anniversary(await plan_states(session, self.extra_admins))
        stale_plans = set(self._planned) - {state.plan.id for state in states}
        for plan_id in stale_plans:
            del self._planned[plan_id]
        to_plan = []
        for state in states:
            signature = _signature(state, now.astimezone(state.plan.tz).date())
            known = self._planned.get(state.plan.id)
            if known and known[0] == signature and now < known[1]:
                continue
            to_plan.append(state)
        due = due_now(to_plan, now, self.reachable)
        async with self.database.session() as session:
            enqueued = await outbox.enqueue(session, due, now)
        for state in to_plan:
            signature = _signature(state, now.astimezone(state.plan.tz).date())
            self._planned[state.plan.id] = (signature, next_wakeup(state, now))
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
