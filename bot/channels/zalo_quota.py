"""Zalo's monthly quota, as the Zalo channel keeps to it.

Zalo's Bot Platform allows a number of outbound messages a month
(LOA_ZALO_MONTHLY_QUOTA); past it, Zalo answers 429 until the month ends. Every message
sent is counted (bot/storage/send_counts.py). The admins are warned at 80 %; the last
LOA_ZALO_QUOTA_RESERVE messages of the month are kept for alerts, so that the warning
that only the reserve is left (and any later alert) can still reach an admin who is
only on Zalo. Alerts are outbox rows of kind "alert", claimed before everything else:
they never queue behind the posts that use the quota up.

After a 429 all sending pauses (a minute, doubling up to an hour) and the admins are
told once a day. When the pause ends, sends go one at a time until one gets through:
the first (an alert, if one waits) finds out whether the quota is back, instead of a
burst straight into the 429 Loa already knows about.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from bot.storage.db import Database
from bot.storage.send_counts import count_sent, month_of, sent_in_month
from content.clock import LOCAL_TZ, Clock
from content.i18n import N_, Translator, translator
from scheduler.delivery import RetryLater

log = logging.getLogger(__name__)

QUOTA_PAUSE = (60.0, 3600.0)  # channel-wide pause after a 429: first, doubling up to
RESERVE_RECHECK = 3600.0  # seconds: messages held back by the reserve look again

# N_: each admin reads them in their chat's language (the text is a function of `_`).
QUOTA_429_ALERT = N_(
    "⚠️ Zalo từ chối gửi tin vì vượt hạn mức (lỗi 429). Loa tạm dừng gửi qua Zalo "
    "%(minutes)d phút rồi thử lại; các tin chưa gửi vẫn được giữ. Hãy kiểm tra hạn mức "
    "của Zalo Bot."
)
QUOTA_WARNING = N_(
    "⚠️ Loa đã gửi %(count)s/%(quota)s tin Zalo trong tháng %(month)s (%(percent)d%% hạn "
    "mức). Khi hết hạn mức, Zalo sẽ ngừng nhận tin cho tới tháng sau."
)
QUOTA_EXHAUSTED = N_(
    "⚠️ Loa đã gửi %(count)s/%(quota)s tin Zalo trong tháng %(month)s: đã hết hạn mức. Loa "
    "giữ %(reserve)d tin cuối cho các cảnh báo như tin này; nhắc việc và tin khác qua Zalo "
    "chờ tới tháng sau. Hãy nâng hạn mức (LOA_ZALO_MONTHLY_QUOTA, rồi khởi động lại Loa) "
    "hoặc để các đơn vị theo dõi qua Telegram."
)

# An alert's text: a function of the translator, so that each admin reads it in their
# chat's language (handlers.context.NoticeText).
AlertText = Callable[[Translator], str]
AdminAlert = Callable[[AlertText, str], Awaitable[Any]]


def _alert_text(template: str, values: dict[str, Any]) -> AlertText:
    return lambda _: _(template) % values


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")  # Vietnamese: 3.000


class ZaloQuota:
    def __init__(
        self,
        database: Database,
        clock: Clock,
        channel: str,
        quota: int,
        reserve: int,
        alert_admins: AdminAlert | None = None,
    ) -> None:
        """`quota` a month (0: none), of which `reserve` is kept for alerts.
        `alert_admins(text, key)`: tells the plan admins; the key de-duplicates."""
        self.database = database
        self.clock = clock
        self.channel = channel
        self.quota = quota
        self.reserve = min(reserve, max(quota, 0))
        self.alert_admins = alert_admins
        self._paused_until = 0.0  # loop time; set after a 429
        self._pause = QUOTA_PAUSE[0]
        self._probing = False  # after a 429: one send at a time until one goes through
        self._probe = asyncio.Lock()
        self._month_count: tuple[str, int] | None = None  # (month, messages sent), as last seen
        self._sending = 0  # sends under way, counted against the quota already
        self._alerted: set[str] = set()  # alert keys already given to alert_admins

    @property
    def budget(self) -> int:
        """Messages other than alerts that may go each month."""
        return self.quota - self.reserve

    @asynccontextmanager
    async def sending(self, alert: bool) -> AsyncIterator[None]:
        """Around one send: raises RetryLater while paused after a 429, or when only the
        reserve is left and this is no alert; one at a time while probing."""
        await self._sent_this_month()  # read once a month, then kept up to date
        probe: AbstractAsyncContextManager[Any] = self._probe if self._probing else nullcontext()
        async with probe:
            remaining = self._paused_until - asyncio.get_running_loop().time()
            if remaining > 0:
                raise RetryLater("Zalo sending paused after a quota error (429)", remaining, False)
            assert self._month_count is not None
            if not alert and self.quota > 0 and self._month_count[1] + self._sending >= self.budget:
                raise RetryLater(
                    f"the last {self.reserve} Zalo messages of the month are kept for alerts",
                    RESERVE_RECHECK,
                )
            # Counted from the check on (nothing awaited in between), so chats sending
            # at once cannot all pass the same check and eat into the reserve together.
            self._sending += 1
            try:
                yield
            finally:
                self._sending -= 1

    async def _sent_this_month(self) -> int:
        now = self.clock.now()
        month = month_of(now)
        if self._month_count is None or self._month_count[0] != month:
            self._month_count = (month, await sent_in_month(self.database, self.channel, now))
        return self._month_count[1]

    async def delivered(self) -> None:
        """A message went out: the quota is not exceeded; count it, warn at 80 % and
        when only the reserve is left."""
        self._pause = QUOTA_PAUSE[0]
        self._probing = False
        now = self.clock.now()
        warn_at = (round(0.8 * self.quota), self.budget) if self.quota > 0 else ()
        try:
            count, crossed = await count_sent(self.database, self.channel, 1, now, warn_at)
        except SQLAlchemyError:
            log.exception("Zalo: could not count a sent message")
            return
        self._month_count = (month_of(now), count)
        if crossed is None:
            return
        exhausted = crossed >= self.budget
        template = QUOTA_EXHAUSTED if exhausted else QUOTA_WARNING
        values = {
            "count": _thousands(count),
            "quota": _thousands(self.quota),
            "month": f"{now.astimezone(LOCAL_TZ):%m/%Y}",
            "percent": round(count * 100 / self.quota),
            "reserve": self.reserve,
        }
        await self._alert(
            _alert_text(template, values),
            f"zalo-quota/{month_of(now)}/{'100' if exhausted else '80'}",
        )

    async def exceeded(self) -> float:
        """After a 429: pause all sending (doubling each time), tell the admins once a
        day; the seconds to wait."""
        now = asyncio.get_running_loop().time()
        if self._paused_until > now:
            # Other chats' requests in flight meet the same 429: one pause, not several.
            return self._paused_until - now
        pause = self._pause
        self._pause = min(pause * 2, QUOTA_PAUSE[1])
        self._paused_until = now + pause
        self._probing = True
        log.warning("Zalo answered 429 (quota exceeded): sending paused for %.0f s", pause)
        key = f"zalo-429/{self.clock.now():%Y-%m-%d}"
        if key not in self._alerted:
            minutes = max(1, round(pause / 60))
            await self._alert(_alert_text(QUOTA_429_ALERT, {"minutes": minutes}), key)
        return pause

    async def _alert(self, text: AlertText, key: str) -> None:
        if self.alert_admins is None:
            log.warning("Zalo: no admin alert hook; not sent: %s", text(translator("en")))
            return
        try:
            await self.alert_admins(text, key)
        except Exception:  # an alert must never fail a delivery
            log.exception("Zalo: could not alert the admins (%s)", key)
        else:
            self._alerted.add(key)
