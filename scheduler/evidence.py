"""Downloads the photos and documents people sent as evidence into Loa's own store.

Each file is a durable job (bot/storage/evidence.py) written with its confirmation, so
nothing is lost: the engine's tick starts a pass in the background (a slow download
never holds up reminders), which claims ready jobs, asks the channel adapter for the
bytes (`fetch_file`: Telegram's getFile and file download, Zalo's photo URL) and keeps
them under their SHA-256. A passing failure (a 502, a timeout, the network) is retried
with a growing wait; the item stays confirmed all along. A file Loa will not keep (too
large, the plan's store full, not an image or a document, gone from the platform) is
refused for good, and the chat it came from is told why (an outbox notice, so it is
sent once). Jobs a killed process left half done are taken up again at start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.storage import evidence as jobs
from bot.storage import outbox
from bot.storage.chat_settings import chat_languages
from bot.storage.db import Database
from bot.storage.files import FileStore
from bot.storage.models import EvidenceFile
from bot.storage.plan_cache import plan_item_index, stored_plan
from content.clock import Clock
from content.due import DueMessage
from content.evidence import (
    EvidenceLimits,
    Refusal,
    content_name,
    plan_full_text,
    refusal_text,
    sniff,
)
from content.i18n import Translator, translator
from content.plan import Address, Plan, merge_admins
from scheduler.delivery import Channel, ChannelDown, FileTooLarge, Rejected, RetryLater

log = logging.getLogger(__name__)

NOTICE_LIFETIME = timedelta(days=3)
MAX_ATTEMPTS = 48  # with the waits below: about two days of trying
SWEEP_GRACE_SECONDS = 3600.0


def backoff(attempts: int) -> timedelta:
    """2 s, 4 s, 8 s ... capped at an hour."""
    return timedelta(seconds=min(2 ** (attempts + 1), 3600))


@dataclass
class FetchReport:
    stored: int = 0
    retried: int = 0
    refused: int = 0


class EvidenceFetcher:
    def __init__(
        self,
        database: Database,
        channels: Mapping[str, Channel],
        store: FileStore,
        clock: Clock,
        worker_id: str,
        *,
        limits: EvidenceLimits | None = None,
        extra_admins: Sequence[Address] = (),
        lease: timedelta = timedelta(minutes=10),
        batch: int = 20,
    ) -> None:
        self.database = database
        self.channels = channels  # the app's live mapping: a channel that fails drops out
        self.store = store
        self.clock = clock
        self.worker_id = worker_id
        self.limits = limits or EvidenceLimits()
        self.extra_admins = tuple(extra_admins)
        self.lease = lease
        self.batch = batch
        self._recovered = False
        self._swept_day: str | None = None
        self._task: asyncio.Task[FetchReport] | None = None

    # --- as an engine hook ----------------------------------------------------------------

    async def __call__(self) -> None:
        """Start a pass in the background unless one is running."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._pass_logged(), name="evidence-fetch")

    async def stop(self) -> None:
        """Cancel a running pass; its half-done job is taken up again at the next start."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None

    async def _pass_logged(self) -> FetchReport:
        try:
            return await self.run()
        except Exception:
            log.exception("evidence fetching failed")
            return FetchReport()

    # --- one pass -------------------------------------------------------------------------

    async def run(self) -> FetchReport:
        """Fetch every job that is ready now; what happened."""
        report = FetchReport()
        if not self._recovered:
            async with self.database.session() as session:
                recovered = await jobs.recover(
                    session,
                    self.worker_id,
                    self.clock.now(),
                    self.lease,
                    immediate=self.database.is_sqlite,
                )
            if recovered:
                log.info("taking up %d evidence download(s) a stopped process left", recovered)
            self._recovered = True
        while True:
            live = list(self.channels)
            if not live:
                break
            async with self.database.session() as session:
                rows = await jobs.claim(session, self.worker_id, self.clock.now(), live, self.batch)
            for row in rows:
                await self._fetch(row, report)
            if len(rows) < self.batch:
                break
        await self._sweep_daily()
        return report

    async def _fetch(self, row: EvidenceFile, report: FetchReport) -> None:
        assert row.id is not None
        limits = self.limits
        if row.kind == "video":
            await self._refuse(row, "type", "a video", report)
            return
        channel = self.channels.get(row.channel)
        if channel is None:  # stopped since the claim: try again later
            await self._retry(row, "channel not running", report)
            return
        try:
            data = await channel.fetch_file(row.file_ref, limits.max_file_bytes)
        except FileTooLarge as error:
            await self._refuse(row, "too_large", str(error), report, size=error.size)
            return
        except (RetryLater, ChannelDown) as error:
            await self._retry(row, str(error), report)
            return
        except Rejected as error:
            await self._refuse(row, "unavailable", str(error), report)
            return
        except Exception as error:  # an adapter bug must not lose the job
            log.exception("fetching evidence file %s failed", row.id)
            await self._retry(row, repr(error), report)
            return
        kind = sniff(data)
        if kind is None:
            await self._refuse(row, "type", "not an image or a document", report, size=len(data))
            return
        digest = content_name(data)
        async with self.database.session() as session:
            # Bytes the plan already keeps (sent again for another item) take no room.
            known = await jobs.plan_has_file(session, row.plan_id, digest)
            used = await jobs.plan_bytes(session, row.plan_id)
        if not known and used + len(data) > limits.max_plan_bytes:
            await self._refuse(row, "plan_full", "store full", report, size=len(data))
            return
        await asyncio.to_thread(self.store.put, data, digest, kind.extension)
        async with self.database.session() as session:
            await jobs.mark_stored(
                session,
                row.id,
                sha256=digest,
                extension=kind.extension,
                media_type=kind.media_type,
                size=len(data),
                now=self.clock.now(),
            )
        report.stored += 1

    async def _retry(self, row: EvidenceFile, error: str, report: FetchReport) -> None:
        assert row.id is not None
        if row.attempts + 1 >= MAX_ATTEMPTS:
            await self._refuse(row, "unavailable", f"gave up: {error}", report)
            return
        at = self.clock.now() + backoff(row.attempts)
        log.info("evidence file %s: retry at %s (%s)", row.id, at, error)
        async with self.database.session() as session:
            await jobs.retry_later(session, row.id, at, error)
        report.retried += 1

    async def _refuse(
        self,
        row: EvidenceFile,
        refusal: Refusal,
        error: str,
        report: FetchReport,
        size: int | None = None,
    ) -> None:
        assert row.id is not None
        log.info("evidence file %s not kept: %s (%s)", row.id, refusal, error)
        now = self.clock.now()
        async with self.database.session() as session:
            await jobs.refuse(session, row.id, refusal, error, size)
            plan = await stored_plan(session, row.plan_id)
            if plan is not None:
                chats = [f"{row.channel}:{row.chat_id}"]
                chats += [str(admin) for admin in merge_admins(plan, self.extra_admins)]
                chosen = await chat_languages(session, chats)
                notices = self._notices(plan, row, refusal, now, chosen)
                await outbox.enqueue(session, notices, now)
        report.refused += 1

    def _notices(
        self,
        plan: Plan,
        row: EvidenceFile,
        refusal: Refusal,
        now: datetime,
        chosen: Mapping[str, str],
    ) -> list[DueMessage]:
        """To the chat that sent the file and, when the plan's store is full, to the
        admins: each in its chat's language (its /ngonngu, else the plan's)."""

        def in_language_of(chat: str) -> Translator:
            return translator(chosen.get(chat, plan.settings.language))

        _ = in_language_of(f"{row.channel}:{row.chat_id}")
        item = plan_item_index(plan).get(row.item_key)
        title = item.title if item is not None else row.item_key.split("/")[1]
        try:
            unit = plan.unit(row.unit_id).name
        except KeyError:
            unit = row.unit_id
        expires = now + NOTICE_LIFETIME
        notices = [
            DueMessage(
                key=f"evidence-refused/{row.id}",
                channel=row.channel,
                chat_id=row.chat_id,
                kind="notice",
                text=refusal_text(_, refusal, unit, title, self.limits),
                not_before=now,
                expires_at=expires,
                plan_id=plan.id,
            )
        ]
        if refusal == "plan_full":  # the admins can act: told once per plan
            notices += [
                DueMessage(
                    key=f"evidence-plan-full/{plan.id}/{admin}",
                    channel=admin.channel,
                    chat_id=admin.id,
                    kind="notice",
                    text=plan_full_text(in_language_of(str(admin)), plan.title, self.limits),
                    not_before=now,
                    expires_at=expires,
                    plan_id=plan.id,
                )
                for admin in merge_admins(plan, self.extra_admins)
            ]
        return notices

    async def _sweep_daily(self) -> None:
        """Once a day: files no row names any more (after an erasure) are deleted."""
        today = self.clock.now().date().isoformat()
        if self._swept_day == today:
            return
        self._swept_day = today
        async with self.database.session() as session:
            keep = await jobs.stored_hashes(session)
        removed = await asyncio.to_thread(self.store.sweep, keep, time.time() - SWEEP_GRACE_SECONDS)
        if removed:
            log.info("evidence store: %d file(s) no longer needed were deleted", removed)
