"""The dispatcher delivers each row once and keeps one troubled chat from
holding up the others; rows a worker abandoned are taken back by a live one."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select, update

from bot.storage import outbox
from bot.storage.db import open_database
from bot.storage.models import OutboxMessage
from content.clock import LOCAL_TZ, FixedClock
from content.due import DueMessage
from scheduler.delivery import ChatGone, Outgoing, PartHook, Rejected, RetryLater
from scheduler.dispatcher import Dispatcher

NOW = datetime(2026, 2, 2, 7, 30, tzinfo=LOCAL_TZ)


class SimulatedCrash(BaseException):
    """Stands in for kill -9: not an Exception, so nothing in Loa catches it."""


class ScriptedChannel:
    """Delivers unless a chat has a scripted failure waiting."""

    name = "telegram"

    def __init__(self) -> None:
        self.delivered: list[tuple[str, str]] = []
        self.failures: dict[str, list[Exception]] = {}
        self.hook: Callable[[Outgoing], None] | None = None

    async def deliver(self, message: Outgoing, on_part: PartHook | None = None) -> list[str]:
        pending = self.failures.get(message.chat_id)
        if pending:
            raise pending.pop(0)
        if self.hook:
            self.hook(message)
        self.delivered.append((message.chat_id, message.text))
        return [str(len(self.delivered))]


def message(key: str, chat: str, expires: bool = True) -> DueMessage:
    return DueMessage(
        key=key,
        channel="telegram",
        chat_id=chat,
        kind="broadcast",
        text=key,
        not_before=NOW,
        expires_at=NOW + timedelta(hours=12) if expires else None,
    )


async def setup(database, keys_by_chat: dict[str, list[str]], expires: bool = True):  # type: ignore[no-untyped-def]
    async with database.session() as session:
        await outbox.enqueue(
            session,
            [message(key, chat, expires) for chat, keys in keys_by_chat.items() for key in keys],
            NOW,
        )
    clock = FixedClock(NOW)
    channel = ScriptedChannel()
    gone: list[tuple[str, str]] = []

    async def on_gone(channel_name: str, chat_id: str, reason: str) -> None:
        gone.append((channel_name, chat_id))

    dispatcher = Dispatcher(
        database, {"telegram": channel}, clock, "w", batch_size=3, on_chat_gone=on_gone
    )
    return dispatcher, channel, clock, gone


async def rows(database) -> dict[str, OutboxMessage]:  # type: ignore[no-untyped-def]
    async with database.session() as session:
        return {row.key: row for row in (await session.exec(select(OutboxMessage))).scalars()}


async def test_everything_is_delivered_once_across_batches(database) -> None:
    dispatcher, channel, _, _ = await setup(
        database, {"-1": ["a1", "a2", "a3"], "-2": ["b1", "b2"], "-3": ["c1"]}
    )
    report = await dispatcher.dispatch()
    assert report.sent == 6
    assert sorted(channel.delivered) == sorted(
        [("-1", "a1"), ("-1", "a2"), ("-1", "a3"), ("-2", "b1"), ("-2", "b2"), ("-3", "c1")]
    )
    # Order within a chat is kept.
    assert [text for chat, text in channel.delivered if chat == "-1"] == ["a1", "a2", "a3"]
    assert (await dispatcher.dispatch()).sent == 0
    assert {row.status for row in (await rows(database)).values()} == {"sent"}


async def test_a_rate_limited_chat_waits_alone(database) -> None:
    dispatcher, channel, clock, _ = await setup(database, {"-1": ["a1", "a2"], "-2": ["b1"]})
    channel.failures["-1"] = [RetryLater("429", retry_after=30)]
    report = await dispatcher.dispatch()
    assert channel.delivered == [("-2", "b1")]
    assert report.retried == 2
    stored = await rows(database)
    assert stored["a1"].next_attempt_at == NOW + timedelta(seconds=30)
    assert stored["a1"].attempts == 0  # a 429 is not a failed attempt
    clock.advance(timedelta(seconds=29))
    assert (await dispatcher.dispatch()).sent == 0
    clock.advance(timedelta(seconds=1))
    assert (await dispatcher.dispatch()).sent == 2
    assert channel.delivered[1:] == [("-1", "a1"), ("-1", "a2")]


async def test_transient_errors_back_off_then_give_up(database) -> None:
    dispatcher, channel, clock, _ = await setup(database, {"-1": ["a1"]}, expires=False)
    channel.failures["-1"] = [RetryLater("502")] * 100
    waits = []
    for _ in range(dispatcher.max_attempts):
        await dispatcher.dispatch()
        row = (await rows(database))["a1"]
        waits.append((row.next_attempt_at - clock.now()).total_seconds())
        clock.advance(timedelta(minutes=11))
    assert waits[:4] == [2, 4, 8, 16]
    assert max(waits) == 600
    stored = (await rows(database))["a1"]
    assert stored.status == "failed"
    assert "gave up" in (stored.last_error or "")
    assert channel.delivered == []


async def test_a_message_with_an_expiry_is_retried_until_it_goes_stale(database) -> None:
    dispatcher, channel, clock, _ = await setup(database, {"-1": ["a1"]})
    channel.failures["-1"] = [RetryLater("502")] * 100
    for _ in range(80):  # 80 × 11 min outlasts the 12 h expiry
        await dispatcher.dispatch()
        clock.advance(timedelta(minutes=11))
    await dispatcher.dispatch()
    assert (await rows(database))["a1"].status == "stale"


async def test_a_chat_that_is_gone_fails_its_rows_and_is_reported(database) -> None:
    dispatcher, channel, _, gone = await setup(database, {"-1": ["a1", "a2"], "-2": ["b1"]})
    channel.failures["-1"] = [ChatGone("Forbidden: bot was kicked from the group chat")]
    await dispatcher.dispatch()
    stored = await rows(database)
    assert stored["a1"].status == stored["a2"].status == "failed"
    assert stored["b1"].status == "sent"
    assert gone == [("telegram", "-1")]


async def test_a_rejected_message_does_not_block_the_next(database) -> None:
    dispatcher, channel, _, _ = await setup(database, {"-1": ["bad", "good"]})
    channel.failures["-1"] = [Rejected("Bad Request: message is too long")]
    await dispatcher.dispatch()
    stored = await rows(database)
    assert stored["bad"].status == "failed"
    assert stored["good"].status == "sent"


async def test_a_crash_mid_send_is_recovered_without_doubles(database) -> None:
    """The process dies while a request is out: rows it had not finished go back
    to pending; rows it had finished are never sent again."""
    dispatcher, channel, _, _ = await setup(database, {"-1": ["a1", "a2", "a3"]})

    def die_on_second(message: Outgoing) -> None:
        if message.text == "a2":
            raise SimulatedCrash  # the process dies before the answer came

    channel.hook = die_on_second
    with contextlib.suppress(SimulatedCrash):
        await dispatcher.dispatch()
    stored = await rows(database)
    assert [stored[k].status for k in ("a1", "a2", "a3")] == ["sent", "sending", "sending"]
    async with database.session() as session:
        await outbox.recover(session, "restarted", NOW, timedelta(minutes=2), immediate=True)
    channel.hook = None
    restarted = Dispatcher(database, {"telegram": channel}, FixedClock(NOW), "restarted")
    await restarted.dispatch()
    assert [text for _, text in channel.delivered] == ["a1", "a2", "a3"]


class SplitChannel(ScriptedChannel):
    """Sends each message as `parts` parts; `die_before` kills the process before the
    request of that part (1-based) of the first message, `fail_before` fails it."""

    def __init__(self, parts: int) -> None:
        super().__init__()
        self.parts = parts
        self.die_before: int | None = None
        self.fail_before: tuple[int, Exception] | None = None
        self.resumed_at: list[int] = []

    async def deliver(self, message: Outgoing, on_part: PartHook | None = None) -> list[str]:
        ids = list(message.parts_sent)
        self.resumed_at.append(len(ids) + 1)
        for number in range(len(ids) + 1, self.parts + 1):
            if number == self.die_before:
                self.die_before = None
                raise SimulatedCrash
            if self.fail_before and self.fail_before[0] == number:
                failure, self.fail_before = self.fail_before[1], None
                raise failure
            self.delivered.append((message.chat_id, f"{message.text} part {number}"))
            ids.append(f"{message.text}-{number}")
            if on_part is not None and number < self.parts:
                await on_part(ids)
        return ids


async def test_a_kill_between_parts_of_a_split_message_resends_no_part(database) -> None:
    """Each part is recorded as it goes, not only when a later part fails: the
    process killed before part 3 resumes there after the restart."""
    await setup(database, {"-1": ["long"]})
    channel = SplitChannel(parts=4)
    channel.die_before = 3
    first = Dispatcher(database, {"telegram": channel}, FixedClock(NOW), "first")
    with contextlib.suppress(SimulatedCrash):
        await first.dispatch()
    assert (await rows(database))["long"].payload["parts_sent"] == ["long-1", "long-2"]
    async with database.session() as session:
        await outbox.recover(session, "restarted", NOW, timedelta(minutes=1), immediate=True)
    restarted = Dispatcher(database, {"telegram": channel}, FixedClock(NOW), "restarted")
    await restarted.dispatch()
    assert channel.delivered == [("-1", f"long part {n}") for n in (1, 2, 3, 4)]
    assert channel.resumed_at == [1, 3]
    row = (await rows(database))["long"]
    assert (row.status, row.message_ids) == ("sent", [f"long-{n}" for n in (1, 2, 3, 4)])


async def test_a_split_message_cut_short_by_a_429_resumes_after_the_parts_delivered(
    database,
) -> None:
    dispatcher, _, clock, _ = await setup(database, {"-1": ["long"]})
    channel = SplitChannel(parts=3)
    channel.fail_before = (2, RetryLater("429", retry_after=5))
    dispatcher.channels["telegram"] = channel
    await dispatcher.dispatch()
    row = (await rows(database))["long"]
    assert (row.status, row.payload["parts_sent"]) == ("pending", ["long-1"])
    clock.advance(timedelta(seconds=5))
    await dispatcher.dispatch()
    assert channel.resumed_at == [1, 2]
    assert [text for _, text in channel.delivered] == [f"long part {n}" for n in (1, 2, 3)]
    assert (await rows(database))["long"].status == "sent"


# --- leases: a live worker takes over what a dead one held ---------------------------------------

LEASE = timedelta(seconds=30)


async def crash_mid_send(database, keys_by_chat: dict[str, list[str]], worker: str = "dead"):  # type: ignore[no-untyped-def]
    """A worker claims every row and dies on the first request: all stay "sending"."""
    _, channel, _, _ = await setup(database, keys_by_chat)

    def die(message: Outgoing) -> None:
        raise SimulatedCrash

    channel.hook = die
    dead = Dispatcher(database, {"telegram": channel}, FixedClock(NOW), worker, lease=LEASE)
    with contextlib.suppress(SimulatedCrash):
        await dead.dispatch()
    channel.hook = None
    return channel


async def test_a_live_worker_takes_over_rows_whose_lease_ran_out_without_a_restart(
    database, database_url
) -> None:
    """Two instances on one database (two engines): one dies holding rows; the other,
    running all along, sends them once the dead one's lease has run out."""
    await crash_mid_send(database, {"-1": ["a1", "a2"], "-2": ["b1"]})
    assert {row.status for row in (await rows(database)).values()} == {"sending"}
    other = await open_database(database_url)
    try:
        clock = FixedClock(NOW)
        survivor = ScriptedChannel()
        live = Dispatcher(other, {"telegram": survivor}, clock, "live", lease=LEASE)
        assert (await live.dispatch()).sent == 0  # within the lease: maybe still being sent
        clock.advance(LEASE)
        report = await live.dispatch()
    finally:
        await other.close()
    assert report.sent == 3
    assert sorted(survivor.delivered) == [("-1", "a1"), ("-1", "a2"), ("-2", "b1")]
    assert {row.status for row in (await rows(database)).values()} == {"sent"}


async def test_an_abandoned_row_whose_moment_passed_goes_stale_instead_of_hanging(
    database,
) -> None:
    await crash_mid_send(database, {"-1": ["morning"]})
    clock = FixedClock(NOW + timedelta(hours=13))  # past the 12 h expiry, and the lease
    channel = ScriptedChannel()
    await Dispatcher(database, {"telegram": channel}, clock, "live", lease=LEASE).dispatch()
    row = (await rows(database))["morning"]
    assert (row.status, channel.delivered) == ("stale", [])


async def test_a_long_send_keeps_its_lease_so_no_other_worker_takes_it(database) -> None:
    await setup(database, {"-1": ["slow"]})
    clock = FixedClock(NOW)
    entered, finish = asyncio.Event(), asyncio.Event()

    class SlowChannel(ScriptedChannel):
        async def deliver(self, message: Outgoing, on_part: PartHook | None = None) -> list[str]:
            entered.set()
            await finish.wait()
            return await super().deliver(message, on_part)

    slow = SlowChannel()
    holder = Dispatcher(database, {"telegram": slow}, clock, "holder", lease=LEASE)
    sending = asyncio.create_task(holder.dispatch())
    await entered.wait()
    other = ScriptedChannel()
    thief = Dispatcher(database, {"telegram": other}, clock, "other", lease=LEASE)
    for _ in range(4):  # two minutes of a send that takes long, renewed as it goes
        clock.advance(LEASE / 2)
        await holder.renew_leases()
        await thief.dispatch()
    finish.set()
    await sending
    assert other.delivered == []
    assert slow.delivered == [("-1", "slow")]
    clock.advance(LEASE * 2)  # settled: nothing is held, nothing taken back
    assert await thief.recover_abandoned(force=True) == 0


async def test_a_worker_that_lost_its_claim_never_hands_the_row_back(database) -> None:
    """A worker stalled past its lease: another took the row and sent it. The stalled
    one's late failure must not make the row pending again (a third send)."""
    await setup(database, {"-1": ["a1"]})
    async with database.session() as session:
        [row] = await outbox.claim(session, "stalled", NOW)
        await outbox.recover(session, "other", NOW + LEASE, LEASE)
        [again] = await outbox.claim(session, "other", NOW + LEASE)
        await outbox.mark_sent(session, again, ["9"], NOW + LEASE)
    async with database.session() as session:
        await outbox.retry_later(session, row.id, "stalled", NOW + LEASE, "502")
        await outbox.mark_failed(session, row.id, "stalled", "400")
    assert (await rows(database))["a1"].status == "sent"


async def test_rows_stored_claimed_are_sent_at_once_without_a_claim(database, now) -> None:
    """Replies are stored already claimed by the worker that answers, and sent by it."""
    channel = ScriptedChannel()
    dispatcher = Dispatcher(database, {"telegram": channel}, FixedClock(NOW), "w")
    async with database.session() as session:
        stored = await outbox.enqueue_claimed(
            session,
            [message("reply/telegram/41/1", "-5"), message("reply/telegram/41/2", "-6")],
            "w",
            NOW,
        )
    async with database.session() as session:
        assert await outbox.claim(session, "another", NOW) == []  # nobody else may take them
    report = await dispatcher.send_claimed(stored)
    assert report.sent == 2
    assert sorted(channel.delivered) == [
        ("-5", "reply/telegram/41/1"),
        ("-6", "reply/telegram/41/2"),
    ]
    async with database.session() as session:
        assert (
            await outbox.enqueue_claimed(session, [message("reply/telegram/41/1", "-5")], "w", NOW)
            == []
        )


async def test_a_message_that_failed_often_does_not_stall_the_other_chats_for_long(
    database,
) -> None:
    """A 502 pauses the whole channel (it hits every chat alike), but for as long as
    the channel has been failing, not for the failing message's own long backoff."""
    dispatcher, channel, clock, _ = await setup(database, {"-1": ["unlucky"], "-2": ["reply"]})
    async with database.session() as session:
        await session.exec(
            update(OutboxMessage).where(OutboxMessage.key == "unlucky").values(attempts=6)
        )
    channel.failures["-1"] = [RetryLater("502", per_chat=False)]
    dispatcher.batch_size = 1  # the unlucky row first, alone
    await dispatcher.dispatch()
    stored = await rows(database)
    assert stored["unlucky"].next_attempt_at == NOW + timedelta(seconds=128)  # its own
    clock.advance(timedelta(seconds=2))  # the channel's pause: one failure in a row
    dispatcher.batch_size = 10
    await dispatcher.dispatch()
    assert channel.delivered == [("-2", "reply")]


async def test_an_outage_that_fails_every_chat_at_once_counts_as_one_failure(database) -> None:
    """Five chats' messages failing together with a 502 are one outage: the channel
    waits 2 s, not the 64 s of five failures in a row."""
    chats = {f"-{n}": [f"answer-{n}"] for n in range(1, 6)}
    dispatcher, channel, clock, _ = await setup(database, chats)
    for chat in chats:
        channel.failures[chat] = [RetryLater("502", per_chat=False)]
    deliver = channel.deliver

    async def over_the_network(*args, **kwargs):  # type: ignore[no-untyped-def]
        await asyncio.sleep(0)  # every chat's request is in flight before any answer
        return await deliver(*args, **kwargs)

    channel.deliver = over_the_network  # type: ignore[method-assign]
    dispatcher.batch_size = 10
    await dispatcher.dispatch()
    assert channel.delivered == []

    clock.advance(timedelta(seconds=2))
    await dispatcher.dispatch()
    assert sorted(channel.delivered) == sorted((chat, keys[0]) for chat, keys in chats.items())
