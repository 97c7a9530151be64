"""Injected faults: failing or answer-less requests, and held (unanswered) requests."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from typing import Literal


@dataclass
class Fault:
    """`count` coming requests to `methods` (None: any method) fail or lose their answer."""

    kind: Literal["fail", "lose"]
    count: int
    status: int = 502
    methods: frozenset[str] | None = None


@dataclass
class RandomFailures:
    """Each request to `methods` (None: any) fails with probability `rate`."""

    rate: float
    status: int
    methods: frozenset[str] | None
    rng: random.Random


class FaultPlan:
    """Queued faults, consumed in the order they were added; then random failures."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self.random: RandomFailures | None = None

    def add(self, fault: Fault) -> None:
        if fault.count > 0:
            self._faults.append(fault)

    def take(self, method: str, kind: str) -> Fault | None:
        """Consume one use of the first `kind` fault that applies to `method`."""
        for fault in self._faults:
            if fault.kind == kind and (fault.methods is None or method in fault.methods):
                fault.count -= 1
                if fault.count <= 0:
                    self._faults.remove(fault)
                return fault
        chance = self.random
        if (
            kind == "fail"
            and chance is not None
            and (chance.methods is None or method in chance.methods)
            and chance.rng.random() < chance.rate
        ):
            return Fault("fail", 1, chance.status, chance.methods)
        return None

    def clear(self) -> None:
        self._faults.clear()
        self.random = None


class HoldGate:
    """While held, matching requests wait unanswered; `release()` lets them go in order.

    A waiting request whose client disconnects is cancelled by aiohttp (the server runs
    with handler_cancellation), so it is never processed: that models a request that
    never reached the platform.
    """

    def __init__(self) -> None:
        self._held = False
        self._methods: frozenset[str] | None = None
        self._waiters: list[asyncio.Future[None]] = []

    def hold(self, methods: frozenset[str] | None) -> None:
        """Hold `methods` (None: every method)."""
        self._held = True
        self._methods = methods

    def release(self) -> None:
        self._held = False
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:  # FIFO: handlers resume in the order they arrived
            if not waiter.done():
                waiter.set_result(None)

    def discard_all(self) -> None:
        self._held = False
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            waiter.cancel()

    @property
    def active(self) -> bool:
        return self._held

    @property
    def waiting(self) -> int:
        return sum(1 for waiter in self._waiters if not waiter.done())

    def holds(self, method: str) -> bool:
        return self._held and (self._methods is None or method in self._methods)

    async def wait(self) -> None:
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        finally:
            if waiter in self._waiters:
                self._waiters.remove(waiter)
