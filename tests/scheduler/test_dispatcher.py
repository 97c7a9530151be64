"""The dispatcher delivers each row once and keeps one troubled chat from
holding up the others."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.storage import outbox
from bot.storage.models import OutboxMessage
from content.clock import LOCAL_TZ, FixedClock
from content.due import DueMessage
from scheduler.delivery import ChatGone, Outgoing, PartlyDelivered, Rejected, RetryLater
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

    async def deliver(self, message: Outgoing) -> list[str]:
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
        return {row.key: row for row in (await session.execute(select(OutboxMessage))).scalars()}


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


async def test_a_split_message_cut_short_is_resumed_not_repeated(database) -> None:
    dispatcher, channel, clock, _ = await setup(database, {"-1": ["long"]})
    seen: list[tuple[str, ...]] = []

    async def deliver(message: Outgoing) -> list[str]:
        seen.append(message.parts_sent)
        if not message.parts_sent:
            raise PartlyDelivered(RetryLater("429", retry_after=5), ["p1"])
        return [*message.parts_sent, "p2"]

    channel.deliver = deliver  # type: ignore[method-assign]
    await dispatcher.dispatch()
    assert (await rows(database))["long"].payload["parts_sent"] == ["p1"]
    clock.advance(timedelta(seconds=5))
    await dispatcher.dispatch()
    row = (await rows(database))["long"]
    assert seen == [(), ("p1",)]
    assert (row.status, row.message_ids) == ("sent", ["p1", "p2"])
