"""The limiter spaces messages per chat, per group and overall, and a penalised chat
waits alone. Time is virtual: sleeping advances a fake monotonic clock."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Coroutine
from typing import Any

import pytest

from bot.channels import ratelimit
from bot.channels.ratelimit import RateLimiter, RateLimits


class VirtualTime:
    """A monotonic clock and a sleep() that jumps the clock to the next wake-up once every
    task is blocked, so waits are exact and the test takes no real time."""

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + max(0.0, seconds), next(self._order), future))
        await future

    async def run(self, *coroutines: Coroutine[Any, Any, Any]) -> list[Any]:
        tasks = [asyncio.create_task(coroutine) for coroutine in coroutines]
        while True:
            for _ in range(50):  # let every runnable task reach its next sleep
                await asyncio.sleep(0)
            if all(task.done() for task in tasks):
                return [task.result() for task in tasks]
            assert self._sleepers, "tasks are blocked but nobody sleeps"
            wake, _, future = heapq.heappop(self._sleepers)
            self.now = max(self.now, wake)
            future.set_result(None)


def slot(per_second: float) -> float:
    """Seconds between two messages at the global limit, paced under it."""
    return 1 / (per_second * ratelimit.GLOBAL_PACING)


def make(limits: RateLimits) -> tuple[RateLimiter, VirtualTime]:
    clock = VirtualTime()
    return RateLimiter.from_limits(limits, monotonic=clock.monotonic, sleep=clock.sleep), clock


async def send(
    limiter: RateLimiter, clock: VirtualTime, chat: str, log: list[tuple[str, float]]
) -> None:
    async with limiter.slot(chat, is_group=chat.startswith("-")):
        log.append((chat, clock.now))


async def test_messages_to_one_chat_are_spaced_by_the_chat_interval() -> None:
    limiter, clock = make(RateLimits(global_per_second=100, group_per_minute=20))
    sent: list[tuple[str, float]] = []
    await clock.run(*(send(limiter, clock, "42", sent) for _ in range(4)))
    assert [at for _, at in sent] == pytest.approx([0.0, 1.0, 2.0, 3.0])


async def test_other_chats_do_not_wait_for_a_busy_chat() -> None:
    limiter, clock = make(RateLimits(global_per_second=100))
    sent: list[tuple[str, float]] = []
    await clock.run(
        *(send(limiter, clock, "1", sent) for _ in range(3)),
        send(limiter, clock, "2", sent),
        send(limiter, clock, "3", sent),
    )
    times = {chat: [at for c, at in sent if c == chat] for chat in ("1", "2", "3")}
    # One global slot every 1/95 s (paced under 100/s): chats 2 and 3 go in the next two
    # slots, not after chat 1's one-second spacing.
    assert sorted(times["2"] + times["3"]) == pytest.approx([slot(100), 2 * slot(100)])
    assert times["1"] == pytest.approx([0.0, 1.0, 2.0])


async def test_a_penalised_chat_waits_alone() -> None:
    limiter, clock = make(RateLimits(global_per_second=100))
    limiter.penalise("-100", 30)
    sent: list[tuple[str, float]] = []
    await clock.run(
        send(limiter, clock, "-100", sent),
        send(limiter, clock, "-200", sent),
        send(limiter, clock, "7", sent),
    )
    assert dict(sent) == pytest.approx({"-200": 0.0, "7": slot(100), "-100": 30.0})


async def test_a_penalty_during_the_wait_pushes_the_waiting_message_back() -> None:
    limiter, clock = make(RateLimits(global_per_second=100))
    sent: list[tuple[str, float]] = []

    async def first_then_429() -> None:
        async with limiter.slot("5", is_group=False):
            sent.append(("5", clock.now))
            limiter.penalise("5", 12)  # the platform answered 429, retry_after=12

    await clock.run(first_then_429(), send(limiter, clock, "5", sent))
    assert [at for _, at in sent] == pytest.approx([0.0, 12.0])


async def test_a_chat_keeps_its_order_while_waiting() -> None:
    limiter, clock = make(RateLimits(global_per_second=100))
    limiter.penalise("9", 5)
    order: list[int] = []

    async def numbered(number: int) -> None:
        async with limiter.slot("9", is_group=False):
            order.append(number)

    await clock.run(*(numbered(number) for number in range(6)))
    assert order == list(range(6))
    assert clock.now == pytest.approx(10.0)  # 5 s penalty, then 1 s apart


async def test_a_group_gets_its_budget_per_minute() -> None:
    limiter, clock = make(
        RateLimits(global_per_second=1000, group_per_minute=3, chat_per_second=100)
    )
    sent: list[tuple[str, float]] = []
    await clock.run(*(send(limiter, clock, "-500", sent) for _ in range(5)))
    assert [at for _, at in sent] == pytest.approx([0.0, 0.01, 0.02, 60.0, 60.01])


async def test_private_chats_have_no_group_budget() -> None:
    limiter, clock = make(
        RateLimits(global_per_second=1000, group_per_minute=3, chat_per_second=100)
    )
    sent: list[tuple[str, float]] = []
    await clock.run(*(send(limiter, clock, "500", sent) for _ in range(5)))
    assert clock.now == pytest.approx(0.04)


async def test_the_global_rate_holds_across_chats() -> None:
    limiter, clock = make(RateLimits(global_per_second=10))
    sent: list[tuple[str, float]] = []
    await clock.run(*(send(limiter, clock, str(chat), sent) for chat in range(1, 41)))
    times = sorted(at for _, at in sent)
    # No burst: one message every slot from the start, never more than 10 in a second.
    assert times == pytest.approx([index * slot(10) for index in range(40)])
    assert slot(10) > 1 / 10
    for start in times:
        assert sum(1 for at in times if start <= at < start + 1.0 - 1e-9) <= 10


async def test_a_penalised_chat_does_not_use_up_the_global_rate() -> None:
    limiter, clock = make(RateLimits(global_per_second=2))
    for chat in range(1, 4):
        limiter.penalise(str(chat), 100)
    sent: list[tuple[str, float]] = []
    await clock.run(
        *(send(limiter, clock, str(chat), sent) for chat in range(1, 4)),
        send(limiter, clock, "10", sent),
        send(limiter, clock, "11", sent),
    )
    # The penalised chats took no global slot: 10 and 11 get the first two.
    assert sorted([dict(sent)["10"], dict(sent)["11"]]) == pytest.approx([0.0, slot(2)])


async def test_idle_chats_are_forgotten(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ratelimit, "_SWEEP_EVERY", 50)
    limiter, clock = make(RateLimits(global_per_second=1e6, chat_per_second=1e3))
    sent: list[tuple[str, float]] = []
    await clock.run(*(send(limiter, clock, f"-{chat}", sent) for chat in range(1, 49)))
    assert limiter.tracked_chats == 48
    clock.now += ratelimit.GROUP_WINDOW_SECONDS + 1
    await clock.run(send(limiter, clock, "-1", sent), send(limiter, clock, "-2", sent))
    assert limiter.tracked_chats == 2  # the 50th call swept all but the two just used


def test_limits_parse_the_benchmark_form() -> None:
    assert RateLimits.parse("300, 20, 1") == RateLimits(300.0, 20, 1.0)
    assert RateLimits.parse("30,20,0.5").chat_interval == 2.0
    for bad in ("300,20", "a,b,c", "0,20,1", "30,20,-1", "30,2.5,1"):
        with pytest.raises(ValueError, match="GLOBAL_PER_S"):
            RateLimits.parse(bad)
