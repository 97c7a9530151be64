"""The daily clean-up that keeps personal data only as long as it serves its purpose
(docs/privacy.md): raw updates after they can no longer be redelivered, finished
dialogues and old invites, delivered messages, and the names on confirmations of plans
long ended (the confirmations stay: reports count them).

Once per local day, from the engine's tick. Each step removes at most `batch` rows,
so a large backlog is worked off over a few days without a long transaction; every
step can run again with the same result. It logs counts, never contents.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.storage.conversations import purge_expired
from bot.storage.db import Database
from bot.storage.plan_cache import stored_plans
from bot.storage.retention import (
    anonymise_confirmations,
    purge_invites,
    purge_outbox,
    purge_updates,
)
from bot.storage.settings import get_setting, set_setting
from bot.storage.web_auth import purge_login_failures, purge_web_auth
from content.clock import Clock
from content.privacy_notice import KeptDays

log = logging.getLogger(__name__)

LAST_RUN = "housekeeping_day"


@dataclass(frozen=True)
class Retention:
    updates_days: int = 30  # raw updates: de-duplication needs minutes, audit a month
    invites_days: int = 30  # after they were used or expired
    outbox_days: int = 90  # delivered messages (a digest is answered within days)
    web_sign_ins_days: int = 30  # web sign-in links and sessions, after they expired
    login_failures_days: int = 1  # refused web sign-ins: the rate limit looks back minutes
    confirmations_days_after_plan: int = 365  # names on confirmations, after the plan ends
    batch: int = 5000

    @property
    def told(self) -> KeptDays:
        """The periods the notice to people states (/baomat, the web page)."""
        return KeptDays(self.updates_days, self.outbox_days, self.confirmations_days_after_plan)


async def clean(database: Database, now: datetime, retention: Retention) -> dict[str, int]:
    """One pass of every step; what each removed."""
    done: dict[str, int] = {}
    async with database.session() as session:
        done["updates"] = await purge_updates(
            session, now - timedelta(days=retention.updates_days), retention.batch
        )
        done["dialogues"] = await purge_expired(session, now)
        done["invites"] = await purge_invites(
            session, now - timedelta(days=retention.invites_days), retention.batch
        )
        done["messages"] = await purge_outbox(
            session, now - timedelta(days=retention.outbox_days), retention.batch
        )
        done["web_sign_ins"] = await purge_web_auth(
            session, now - timedelta(days=retention.web_sign_ins_days)
        )
        done["web_login_failures"] = await purge_login_failures(
            session, now - timedelta(days=retention.login_failures_days)
        )
        anonymised = 0
        for plan in await stored_plans(session):
            ended = plan.active_until  # its period's end, or a later final report
            if now.date() > ended + timedelta(days=retention.confirmations_days_after_plan):
                names = {unit.id: unit.name for unit in plan.units}
                anonymised += await anonymise_confirmations(
                    session, plan.id, names, retention.batch
                )
        done["confirmations_anonymised"] = anonymised
    return done


class Housekeeping:
    """The engine hook: runs `clean` at most once per local day, across restarts."""

    def __init__(self, database: Database, clock: Clock, retention: Retention) -> None:
        self.database = database
        self.clock = clock
        self.retention = retention
        self._last_day: str | None = None

    async def __call__(self) -> dict[str, int] | None:
        now = self.clock.now()
        today = now.date().isoformat()
        if self._last_day == today:
            return None
        async with self.database.session() as session:
            if await get_setting(session, LAST_RUN) == today:
                self._last_day = today
                return None
            await set_setting(session, LAST_RUN, today)
        self._last_day = today
        done = await clean(self.database, now, self.retention)
        log.info(
            "housekeeping removed: %s",
            ", ".join(f"{count} {what}" for what, count in done.items()) or "nothing",
        )
        return done
