"""`loa run`: wires the database, the channels, the handlers, the engine and the
web server together, and stops them cleanly."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import signal
import socket
import uuid
from contextlib import suppress
from datetime import timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.config import Config
from bot.logging_setup import configure_logging
from bot.reports.bao_cao import report_bytes, report_file_name
from bot.reports.report_data import gather
from bot.storage import outbox
from bot.storage.db import Database, open_database
from bot.storage.files import FileStore
from bot.storage.plan_cache import stored_plan
from bot.storage.plans import stored_plans
from bot.storage.settings import get_or_create_secret
from bot.web import WebServer
from content.clock import Clock
from handlers.broadcast import finished_broadcast_reports
from handlers.commands import menu_entries
from handlers.context import HandlerContext, TurnHook
from handlers.events import Event, Reply
from handlers.router import ALL_COMMANDS, handle
from scheduler.delivery import Channel, ChannelDown, FileUpload
from scheduler.dispatcher import Dispatcher
from scheduler.engine import Engine
from scheduler.evidence import EvidenceFetcher
from scheduler.housekeeping import Housekeeping, Retention

log = logging.getLogger("loa")


class LoaApp:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.clock = Clock(config.now)
        self.worker_id = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.channels: dict[str, Channel] = {}
        self.web = WebServer()
        self.scheduler = AsyncIOScheduler(timezone="Asia/Ho_Chi_Minh")
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self.database: Database
        self.engine: Engine
        self.context: HandlerContext
        self.evidence: EvidenceFetcher

    def wake(self) -> None:
        """Something was enqueued: send it now rather than at the next tick."""
        self._wake.set()

    async def on_event(self, event: Event, finish: TurnHook | None = None) -> list[Reply]:
        return await handle(event, self.context, finish)

    async def _on_chat_gone(self, channel: str, chat_id: str, reason: str) -> None:
        """A send found the bot kicked or blocked: the same as being told so by the
        platform, so it goes through the membership handler (links off, admins told)."""
        blocked = "blocked" in reason.lower()
        await handle(
            Event(
                channel=channel,
                chat_id=chat_id,
                chat_type="private" if blocked else "group",
                user_id="",
                user_name="",
                kind="member",
                received_at=self.clock.now(),
                member_status="kicked",
            ),
            self.context,
        )

    async def _alert_admins(self, text: str, key: str) -> None:
        """A channel-level problem (Zalo quota): every plan's admins are told once."""
        async with self.database.session() as session:
            for plan in await stored_plans(session):
                await self.context.notify_admins(session, plan, text, f"{key}/{plan.id}")
        self.wake()

    async def _report_draft(self, described: dict[str, Any]) -> FileUpload | None:
        """The draft báo cáo a report reminder carries, made as it goes out."""
        async with self.database.session() as session:
            plan = await stored_plan(session, str(described.get("plan_id")))
            if plan is None:
                return None
            data = await gather(
                session,
                plan.id,
                as_of=self.clock.now().astimezone(plan.tz).date(),
                unit_id=described.get("unit_id"),
                store=FileStore(self.config.evidence_root),
            )
        if data is None:
            return None
        document = await asyncio.to_thread(report_bytes, data)
        return FileUpload(report_file_name(data), document)

    async def _webhook_secret(self) -> str:
        if self.config.webhook_secret:
            return self.config.webhook_secret
        async with self.database.session() as session:
            # Both platforms accept 8–256 characters of [A-Za-z0-9_-].
            return await get_or_create_secret(
                session, "webhook_secret", lambda: secrets.token_urlsafe(32)
            )

    def _build_channels(self, secret: str | None) -> None:
        commands = menu_entries(ALL_COMMANDS)
        if self.config.telegram_token:
            from bot.channels.telegram import TelegramChannel

            self.channels["telegram"] = TelegramChannel(
                self.config, self.database, self.on_event, commands, self.clock, secret
            )
        if self.config.zalo_token:
            from bot.channels.zalo import ZaloChannel

            self.channels["zalo"] = ZaloChannel(
                self.config, self.database, self.on_event, self.clock, secret, self._alert_admins
            )

    async def start(self) -> None:
        configure_logging(
            secret
            for secret in (
                self.config.telegram_token,
                self.config.zalo_token,
                self.config.webhook_secret,
            )
            if secret
        )
        self.database = await open_database(self.config.database_url)
        secret = await self._webhook_secret() if self.config.uses_webhooks else None
        if secret:
            configure_logging([secret])
        self._build_channels(secret)
        if not self.channels:
            raise SystemExit("Chưa cấu hình kênh nào: đặt LOA_TELEGRAM_TOKEN hoặc LOA_ZALO_TOKEN.")
        async with self.database.session() as session:
            recovered = await outbox.recover(
                session,
                self.worker_id,
                self.clock.now(),
                timedelta(seconds=self.config.claim_lease_seconds),
                immediate=self.database.is_sqlite,
            )
        if recovered:
            log.warning("recovered %d message(s) left in flight by a stopped process", recovered)
        dispatcher = Dispatcher(
            self.database,
            self.channels,
            self.clock,
            self.worker_id,
            on_chat_gone=self._on_chat_gone,
            attach=self._report_draft,
        )
        self.context = HandlerContext(
            database=self.database,
            clock=self.clock,
            extra_admins=self.config.admins,
            bot_usernames={},
            wake=self.wake,
            evidence_store=FileStore(self.config.evidence_root),
        )
        self.evidence = EvidenceFetcher(
            self.database,
            self.channels,
            FileStore(self.config.evidence_root),
            self.clock,
            self.worker_id,
            limits=self.config.evidence_limits,
            extra_admins=self.config.admins,
            lease=timedelta(seconds=self.config.claim_lease_seconds),
        )
        self.engine = Engine(
            self.database,
            self.clock,
            dispatcher,
            self.config.admins,
            hooks=[
                lambda: finished_broadcast_reports(self.context),
                Housekeeping(self.database, self.clock, Retention()),
                self.evidence,
            ],
        )
        self.web.add_health("database", self.database.ping)
        self.web.add_health("scheduler", self._scheduler_health)
        for name, channel in list(self.channels.items()):
            try:
                await channel.start(self.web)
            except ChannelDown as error:
                log.error("%s disabled: %s", name, error)
                del self.channels[name]
                dispatcher.channels.pop(name, None)
            else:
                self.web.add_health(name, channel.health)
        if not self.channels:
            raise SystemExit("Không kênh nào khởi động được; xem các dòng log ở trên.")
        self.context.bot_usernames = {
            name: channel.username for name, channel in self.channels.items() if channel.username
        }
        await self.web.start(self.config.listen_host, self.config.listen_port)
        self.scheduler.add_job(
            self.wake,
            "interval",
            seconds=self.config.tick_seconds,
            id="engine-tick",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
        )
        self.scheduler.start()
        self._tasks.append(asyncio.create_task(self._engine_loop()))
        self.wake()
        log.info(
            "Loa is running: channels %s, %s, listening on %s:%s",
            ", ".join(self.channels),
            "webhooks" if self.config.uses_webhooks else "polling",
            self.config.listen_host,
            self.config.listen_port,
        )

    def _scheduler_health(self) -> dict[str, object]:
        last = self.engine.last_tick
        age = (self.clock.now() - last).total_seconds() if last else None
        alive = age is not None and age < max(60.0, self.config.tick_seconds * 6)
        return {
            "last_tick": last.isoformat() if last else None,
            "age_seconds": age,
            "alive": alive,
        }

    async def _engine_loop(self) -> None:
        # APScheduler only sets the wake flag; the tick itself runs here, one at a time.
        while not self._stopping.is_set():
            await self._wake.wait()
            self._wake.clear()
            try:
                await self.engine.tick()
            except Exception:
                log.exception("engine tick failed")
                await asyncio.sleep(1)

    async def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        with suppress(Exception):
            self.scheduler.shutdown(wait=False)
        for task in self._tasks:
            task.cancel()
            with suppress(asyncio.CancelledError, Exception):
                await task
        if hasattr(self, "evidence"):
            await self.evidence.stop()
        for channel in self.channels.values():
            with suppress(Exception):
                await channel.stop()
        await self.web.stop()
        await self.database.close()


async def run_forever(config: Config) -> None:
    app = LoaApp(config)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await app.start()
    try:
        await stop.wait()
    finally:
        log.info("stopping")
        await app.stop()
