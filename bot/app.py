"""`loa run`: wires the database, the channels, the handlers, the engine and the
web server together, and stops them cleanly.

A channel that cannot start because its platform fails (a 502 on getMe, a timeout) is
retried in the background with a doubling wait; /healthz shows it "starting" (and the
whole as degraded), and the admins are told through the other channels. Only a
rejected token, or a setting the platform refuses, switches a channel off; `loa run`
exits only when every channel is off.

Over 400 lines on purpose: start-up and shut-down are one sequence, read top to bottom;
what each part does lives in its own module (channels, engine, web, metrics).
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import signal
import socket
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import suppress
from datetime import timedelta
from functools import partial
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.channels.startup import retry_with_backoff
from bot.config import Config
from bot.logging_setup import register_secrets
from bot.metrics import PATH as METRICS_PATH
from bot.metrics import Metrics, MetricSources
from bot.storage import outbox
from bot.storage.db import Database, open_database
from bot.storage.files import FileStore
from bot.storage.plans import stored_plans
from bot.storage.settings import get_or_create_secret
from bot.web import WebServer
from content.clock import Clock
from content.due import ALERT
from content.i18n import N_, Translator, _
from handlers.attachments import Attachments
from handlers.broadcast_report import finished_broadcast_reports
from handlers.commands import menu_entries
from handlers.context import HandlerContext, NoticeText, TurnHook
from handlers.events import Event, Reply
from handlers.router import ALL_COMMANDS, handle
from scheduler.delivery import Channel, ChannelDown, RetryLater
from scheduler.dispatcher import Dispatcher
from scheduler.engine import Engine
from scheduler.evidence import EvidenceFetcher
from scheduler.housekeeping import Housekeeping, Retention

log = logging.getLogger("loa")

FIRST_ATTEMPT_WAIT = 60.0  # seconds start() waits for each channel's first attempt
NO_CHANNEL = N_("Không kênh nào khởi động được; xem các dòng log ở trên.")
CHANNEL_NAMES = {"telegram": "Telegram", "zalo": "Zalo"}


# Mounted on the web server once the database and the handlers' context exist, before
# it starts listening: the office's web page (the `web` package, above this layer).
Extension = Callable[["LoaApp"], None]


class LoaApp:
    def __init__(self, config: Config, extensions: Sequence[Extension] = ()) -> None:
        self.config = config
        self.extensions = tuple(extensions)
        self.clock = Clock(config.now)
        self.worker_id = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.channels: dict[str, Channel] = {}
        self.web = WebServer()
        self.scheduler = AsyncIOScheduler(timezone="Asia/Ho_Chi_Minh")
        self._wake = asyncio.Event()
        self.stopping = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._started: set[str] = set()  # channels whose start() succeeded
        self._status: dict[str, dict[str, Any]] = {}  # /healthz of channels not started
        self._first_attempts: dict[str, asyncio.Event] = {}
        self._usernames: dict[str, str] = {}  # channel -> the bot's name there
        self.failed: str | None = None  # why `loa run` must end (every channel is off)
        self.inbound: Counter[str] = Counter()  # updates handled per channel (/metrics)
        self.database: Database
        self.dispatcher: Dispatcher
        self.engine: Engine
        self.context: HandlerContext
        self.evidence: EvidenceFetcher

    def wake(self) -> None:
        """Something was enqueued: send it now rather than at the next tick."""
        self._wake.set()

    async def on_event(self, event: Event, finish: TurnHook | None = None) -> list[Reply]:
        self.inbound[event.channel] += 1
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

    async def _alert_admins(
        self, text: NoticeText, key: str, skip_channel: str | None = None
    ) -> None:
        """A channel-level problem (Zalo quota, a channel down): every plan's admins are
        told once, before anything else the outbox holds (except on `skip_channel`)."""
        async with self.database.session() as session:
            for plan in await stored_plans(session):
                await self.context.notify_admins(
                    session,
                    plan,
                    text,
                    f"{key}/{plan.id}",
                    kind=ALERT,
                    skip_channels=(skip_channel,) if skip_channel else (),
                )
        self.wake()

    async def _webhook_secret(self) -> str:
        if self.config.webhook_secret:
            return self.config.webhook_secret.get_secret_value()
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
                self.config,
                self.database,
                self.on_event,
                commands,
                self.clock,
                secret,
                dispatcher=self.dispatcher,
            )
        if self.config.zalo_token:
            from bot.channels.zalo import ZaloChannel

            self.channels["zalo"] = ZaloChannel(
                self.config,
                self.database,
                self.on_event,
                self.clock,
                secret,
                self._alert_admins,
                dispatcher=self.dispatcher,
            )

    async def start(self) -> None:
        register_secrets(self.config.secret_values())
        self.database = await open_database(self.config.database_url)
        secret = await self._webhook_secret() if self.config.uses_webhooks else None
        if secret:
            register_secrets([secret])
        lease = timedelta(seconds=self.config.claim_lease_seconds)
        self.dispatcher = Dispatcher(
            self.database,
            {},  # each channel joins once it has started
            self.clock,
            self.worker_id,
            lease=lease,
            on_chat_gone=self._on_chat_gone,
            attach=Attachments(
                self.database,
                self.clock,
                FileStore(self.config.evidence_root),
                self.config.public_url,
            ),
            wake=self.wake,
        )
        self._build_channels(secret)
        if not self.channels:
            raise SystemExit(
                _("Chưa cấu hình kênh nào: đặt LOA_TELEGRAM_TOKEN hoặc LOA_ZALO_TOKEN.")
            )
        if self.database.is_sqlite:
            # One process owns an SQLite file: whatever another left "sending" is abandoned.
            async with self.database.session() as session:
                recovered = await outbox.recover(
                    session, self.worker_id, self.clock.now(), lease, immediate=True
                )
            if recovered:
                log.warning("took back %d message(s) a stopped process left sending", recovered)
        self.context = HandlerContext(
            database=self.database,
            clock=self.clock,
            extra_admins=self.config.admins,
            bot_usernames=self._usernames,  # filled in as channels start
            wake=self.wake,
            evidence_store=FileStore(self.config.evidence_root),
            retention=_retention(self.config),
            public_url=self.config.public_url,
        )
        self.evidence = EvidenceFetcher(
            self.database,
            self.dispatcher.channels,  # the channels that have started
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
            self.dispatcher,
            self.config.admins,
            hooks=[
                lambda: finished_broadcast_reports(self.context),
                Housekeeping(self.database, self.clock, _retention(self.config)),
                self.evidence,
            ],
            reachable=self._reachable,
        )
        self.web.add_health("database", self.database.ping)
        self.web.add_health("scheduler", self._scheduler_health)
        self.metrics = Metrics(
            MetricSources(
                deliveries=lambda: self.dispatcher.totals,
                inbound=lambda: {name: self.inbound[name] for name in self.channels},
                last_tick_age=self._last_tick_age,
                outbox_depth=self._outbox_depth,
            )
        )
        self.web.add_get_route(METRICS_PATH, self.metrics.handle)
        for extension in self.extensions:
            extension(self)
        await self.web.start(self.config.listen_host, self.config.listen_port)
        for name, channel in self.channels.items():
            self._first_attempts[name] = asyncio.Event()
            self._status[name] = {"running": False, "state": "starting"}
            self.web.add_health(name, partial(self._channel_health, name))
            self._tasks.append(asyncio.create_task(self._bring_up(name, channel)))
        # The first attempt of each channel decides what the log says; those that fail
        # go on trying in the background.
        with suppress(TimeoutError):
            await asyncio.wait_for(
                asyncio.gather(*(event.wait() for event in self._first_attempts.values())),
                FIRST_ATTEMPT_WAIT,
            )
        if self.failed:
            raise SystemExit(self.failed)
        self.scheduler.add_job(
            self.wake,
            "interval",
            seconds=self.config.tick_seconds,
            id="engine-tick",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
        )
        self.scheduler.add_job(
            self.dispatcher.renew_leases,
            "interval",
            seconds=max(lease.total_seconds() / 3, 0.5),
            id="lease-renewal",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
        )
        self.scheduler.start()
        self._tasks.append(asyncio.create_task(self._engine_loop()))
        self.wake()
        starting = [name for name in self.channels if name not in self._started]
        log.info(
            "Loa is running: channels %s%s, %s, listening on %s:%s",
            ", ".join(sorted(self._started)) or "none yet",
            f" (still starting: {', '.join(starting)})" if starting else "",
            "webhooks" if self.config.uses_webhooks else "polling",
            self.config.listen_host,
            self.config.listen_port,
        )

    async def _bring_up(self, name: str, channel: Channel) -> None:
        """Start a channel, again and again while its platform fails; join it to the
        dispatcher once it works. The admins hear of a channel that does not start
        through the other channels, and hear again when it does."""
        told = False
        label = CHANNEL_NAMES.get(name, name)

        def down(_: Translator) -> str:  # in each admin's language
            return _(
                "⚠️ Loa chưa kết nối được %(channel)s: máy chủ của %(channel)s không trả "
                "lời hoặc báo lỗi. Loa vẫn chạy và tự thử lại; các tin gửi qua "
                "%(channel)s được giữ lại và sẽ đi khi kết nối được."
            ) % {"channel": label}

        def up(_: Translator) -> str:
            return _("✅ Loa đã kết nối lại được %(channel)s.") % {"channel": label}

        async def failed(error: Exception, wait: float) -> None:
            nonlocal told
            if not isinstance(error, RetryLater):  # not the platform: a bug, the database
                log.error("starting %s failed unexpectedly", label, exc_info=error)
            self._status[name] = {
                "running": False,
                "state": "starting",
                "error": str(error),
                "retry_in_seconds": wait,
            }
            self._first_attempts[name].set()
            if not told:
                told = True
                await self._alert_quietly(down, f"channel-down/{name}", skip_channel=name)

        try:
            await retry_with_backoff(
                lambda: channel.start(self.web),
                f"starting {label}",
                final=lambda error: isinstance(error, ChannelDown),
                on_failure=failed,
            )
        except Exception as error:
            log.error("%s disabled: %s", name, error)
            self._status[name] = {"running": False, "state": "off", "error": str(error)}
            self._first_attempts[name].set()
            if all(self._status.get(other, {}).get("state") == "off" for other in self.channels):
                self.failed = _(NO_CHANNEL)
                self.stopping.set()
            return
        self._started.add(name)
        self._status.pop(name, None)
        self.dispatcher.add_channel(channel)
        if channel.username:
            self._usernames[name] = channel.username
        self._first_attempts[name].set()
        self.wake()
        if told:
            await self._alert_quietly(up, f"channel-up/{name}", skip_channel=name)

    async def _alert_quietly(self, text: NoticeText, key: str, skip_channel: str) -> None:
        """Tell the admins once an hour at most (the key holds the hour): instances
        sharing a database, or restarting, do not tell them the same thing again."""
        try:
            await self._alert_admins(text, f"{key}/{self.clock.now():%Y-%m-%dT%H}", skip_channel)
        except Exception:  # the database may be what fails: the log still says it
            log.exception("could not tell the admins (%s)", key)

    def _reachable(self, channel: str, chat_id: str) -> bool:
        """Messages are planned for the channels configured, also while one is still
        starting (they wait in the outbox); not for one that is off."""
        return channel in self.channels and self._status.get(channel, {}).get("state") != "off"

    def _channel_health(self, name: str) -> dict[str, Any]:
        if name in self._started:
            return dict(self.channels[name].health())
        return self._status[name]

    def _last_tick_age(self) -> float | None:
        last = self.engine.last_tick
        return (self.clock.now() - last).total_seconds() if last else None

    async def _outbox_depth(self) -> dict[str, int]:
        async with self.database.session() as session:
            return await outbox.depth(session)

    def _scheduler_health(self) -> dict[str, object]:
        last = self.engine.last_tick
        age = self._last_tick_age()
        alive = age is not None and age < max(60.0, self.config.tick_seconds * 6)
        return {
            "last_tick": last.isoformat() if last else None,
            "age_seconds": age,
            "alive": alive,
        }

    async def _engine_loop(self) -> None:
        # APScheduler only sets the wake flag; the tick itself runs here, one at a time.
        while not self.stopping.is_set():
            await self._wake.wait()
            self._wake.clear()
            try:
                await self.engine.tick()
            except Exception:
                log.exception("engine tick failed")
                await asyncio.sleep(1)

    async def stop(self) -> None:
        self.stopping.set()
        self._wake.set()
        with suppress(Exception):
            self.scheduler.shutdown(wait=False)
        for task in self._tasks:
            task.cancel()
            with suppress(asyncio.CancelledError, Exception):
                await task
        if hasattr(self, "evidence"):
            await self.evidence.stop()
        for name in self._started:
            with suppress(Exception):
                await self.channels[name].stop()
        if hasattr(self, "dispatcher"):  # start() may have failed before it was made
            with suppress(Exception):
                await self.dispatcher.close()
        await self.web.stop()
        if hasattr(self, "database"):
            await self.database.close()


async def run_forever(config: Config, extensions: Sequence[Extension] = ()) -> None:
    app = LoaApp(config, extensions)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError):
            loop.add_signal_handler(sig, app.stopping.set)
    started = False
    try:
        await app.start()
        started = True
        # Until a signal, or until every channel is off (a token rejected while retrying).
        await app.stopping.wait()
    finally:
        if started:  # a start that failed has said why; nothing was running
            log.info("stopping")
        await app.stop()
    if app.failed:
        raise SystemExit(app.failed)


def _retention(config: Config) -> Retention:
    return Retention(
        updates_days=config.retention_updates_days,
        invites_days=config.retention_invites_days,
        outbox_days=config.retention_outbox_days,
        confirmations_days_after_plan=config.retention_after_plan_days,
    )
