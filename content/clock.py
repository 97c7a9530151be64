"""The clock every part of Loa asks for "now".

With LOA_NOW the clock starts at that instant and runs on in real time, so demos and
end-to-end tests can stand on any day of the plan year.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class Clock:
    def __init__(self, start: datetime | None = None) -> None:
        if start is not None and start.tzinfo is None:
            raise ValueError("the clock needs a timezone-aware start")
        self._offset = timedelta(0)
        if start is not None:
            self._offset = start - datetime.now(UTC)

    def now(self) -> datetime:
        return (datetime.now(UTC) + self._offset).astimezone(LOCAL_TZ)

    def monotonic(self) -> float:
        return time.monotonic()


class FixedClock(Clock):
    """A clock that only moves when told: for pure tests and simulations."""

    def __init__(self, moment: datetime) -> None:
        super().__init__()
        if moment.tzinfo is None:
            raise ValueError("the clock needs a timezone-aware moment")
        self._moment = moment

    def now(self) -> datetime:
        return self._moment.astimezone(LOCAL_TZ)

    def set(self, moment: datetime) -> None:
        self._moment = moment

    def advance(self, delta: timedelta) -> None:
        self._moment += delta
