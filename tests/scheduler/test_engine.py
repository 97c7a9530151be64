"""The engine tick: what is due is sent once, after a restart too; what is missed is
caught up while it still matters and dropped when it has gone stale."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from bot.storage.confirmations import confirm, undo
from bot.storage.models import OutboxMessage
from bot.storage.pauses import pause_chat
from bot.storage.plans import save_plan
from content.clock import LOCAL_TZ, FixedClock
from content.items import Item
from content.plan_loader import load_plan, parse_plan
from scheduler.delivery import Outgoing, PartHook
from scheduler.dispatcher import Dispatcher
from scheduler.engine import Engine
from scheduler.state import plan_state
from tests.conftest import SAMPLE_PLAN
from tests.scheduler.test_cadence import plan_text

VAN_PHONG = "-1001234567890"  # the sample plan's Văn phòng Sở group


class RecordingChannel:
    def __init__(self, name: str) -> None:
        self.name = name
        self.sent: list[Outgoing] = []

    async def deliver(self, message: Outgoing, on_part: PartHook | None = None) -> list[str]:
        self.sent.append(message)
        return [str(len(self.sent))]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LOCAL_TZ)


async def start(database, clock: FixedClock):  # type: ignore[no-untyped-def]
    """A fresh process: new channels, dispatcher and engine over the same database."""
    channels = {"telegram": RecordingChannel("telegram"), "zalo": RecordingChannel("zalo")}
    dispatcher = Dispatcher(database, channels, clock, f"worker-{id(channels)}")
    return Engine(database, clock, dispatcher), channels


async def load_sample(database, now: datetime) -> None:  # type: ignore[no-untyped-def]
    async with database.session() as session:
        await save_plan(
            session, load_plan(SAMPLE_PLAN), SAMPLE_PLAN.read_text(encoding="utf-8"), now
        )


def digests_to(channel: RecordingChannel, chat_id: str) -> list[Outgoing]:
    return [m for m in channel.sent if m.chat_id == chat_id and "NHẮC VIỆC" in m.text]


async def test_nothing_is_sent_before_the_digest_time(database) -> None:
    clock = FixedClock(at("2026-04-23T07:29:00"))
    await load_sample(database, clock.now())
    engine, channels = await start(database, clock)
    report = await engine.tick()
    assert report.enqueued == 0
    assert channels["telegram"].sent == []


async def test_the_digest_goes_once_even_across_a_restart(database) -> None:
    clock = FixedClock(at("2026-04-23T07:30:00"))
    await load_sample(database, clock.now())
    engine, channels = await start(database, clock)
    await engine.tick()
    [digest] = digests_to(channels["telegram"], VAN_PHONG)
    assert "Văn phòng Sở" in digest.text and "Thứ Năm, ngày 23/04/2026" in digest.text
    assert next(b.data for row in digest.buttons for b in row) == "ok:1"
    await engine.tick()  # the same process again: nothing new
    restarted, after_restart = await start(database, clock)
    report = await restarted.tick()
    assert report.enqueued == 0
    assert after_restart["telegram"].sent == []
    assert len(digests_to(channels["telegram"], VAN_PHONG)) == 1


async def test_a_digest_missed_in_the_morning_is_caught_up_the_same_day(database) -> None:
    clock = FixedClock(at("2026-04-24T10:40:00"))  # Loa was down at 07:30
    await load_sample(database, at("2026-04-20T09:00:00"))
    engine, channels = await start(database, clock)
    await engine.tick()
    assert len(digests_to(channels["telegram"], VAN_PHONG)) == 1


async def test_a_stale_digest_is_dropped_and_the_next_one_carries_the_work(database) -> None:
    clock = FixedClock(at("2026-04-24T22:15:00"))  # back up during quiet hours
    await load_sample(database, at("2026-04-20T09:00:00"))
    engine, channels = await start(database, clock)
    await engine.tick()
    assert channels["telegram"].sent == []  # not tonight: quiet hours, and it is stale
    clock.set(at("2026-04-28T07:30:00"))  # the next working day: Monday 27/04 is Giỗ Tổ
    await engine.tick()
    [digest] = digests_to(channels["telegram"], VAN_PHONG)
    assert "Thứ Ba, ngày 28/04/2026" in digest.text
    assert "Quá hạn" in digest.text  # Friday's items, due on Saturday, are still open


async def test_chats_of_a_channel_that_is_not_running_get_nothing_planned(database) -> None:
    clock = FixedClock(at("2026-04-23T07:30:00"))
    await load_sample(database, clock.now())
    telegram_only = {"telegram": RecordingChannel("telegram")}
    engine = Engine(database, clock, Dispatcher(database, telegram_only, clock, "telegram-only"))

    await engine.tick()

    assert digests_to(telegram_only["telegram"], VAN_PHONG)
    async with database.session() as session:
        channels = set((await session.exec(select(OutboxMessage.channel))).scalars())
    # The sample plan's Zalo chat would otherwise hold a row no process ever sends.
    assert channels == {"telegram"}


async def test_a_chat_in_two_plans_gets_one_digest_with_both(database) -> None:
    clock = FixedClock(at("2026-03-10T07:30:00"))
    async with database.session() as session:
        for plan_id in ("kh", "bc"):
            text = plan_text(plan_id=plan_id)
            await save_plan(session, parse_plan(text), text, at("2026-03-02T07:00:00"))
    engine, channels = await start(database, clock)
    await engine.tick()
    [digest] = digests_to(channels["telegram"], "-1001")
    assert "▌ Kế hoạch bc năm 2026" in digest.text and "▌ Kế hoạch kh năm 2026" in digest.text
    assert [b.data for row in digest.buttons for b in row] == ["ok:1", "ok:2"]
    restarted, again = await start(database, clock)
    assert (await restarted.tick()).enqueued == 0
    assert again["telegram"].sent == []


async def test_a_paused_chat_gets_nothing_until_the_pause_ends(database) -> None:
    clock = FixedClock(at("2026-04-24T07:30:00"))
    await load_sample(database, at("2026-04-20T09:00:00"))
    async with database.session() as session:
        await pause_chat(
            session,
            "telegram",
            VAN_PHONG,
            date(2026, 4, 24),
            date(2026, 4, 28),
            by="telegram:501",
            now=clock.now(),
        )
    engine, channels = await start(database, clock)
    await engine.tick()
    assert digests_to(channels["telegram"], VAN_PHONG) == []
    assert digests_to(channels["telegram"], "-1001234567891")  # the other units go on
    clock.set(at("2026-04-29T07:30:00"))
    await engine.tick()
    [resumed] = digests_to(channels["telegram"], VAN_PHONG)
    assert "Thứ Tư, ngày 29/04/2026" in resumed.text
    # What the pause held back: the items that fell due meanwhile, then today's.
    assert resumed.text.index("⏰ Quá hạn") < resumed.text.index("📌 Hôm nay")
    assert "Giỗ Tổ Hùng Vương" in resumed.text


async def _confirm(database, item: Item, now: datetime) -> None:  # type: ignore[no-untyped-def]
    async with database.session() as session:
        await confirm(
            session,
            item,
            by="telegram:501",
            by_name="Nguyễn Văn A",
            channel="telegram",
            chat_id=VAN_PHONG,
            evidence=(),
            now=now,
        )


async def test_presses_between_ticks_cost_no_replanning_but_an_undo_does(database) -> None:
    clock = FixedClock(at("2026-04-24T07:31:00"))
    await load_sample(database, at("2026-04-20T09:00:00"))
    async with database.session() as session:
        state = await plan_state(session, "sldtbxh-laocai-2026")
    assert state is not None
    first, second = [item for item in state.items if item.unit_id == "van-phong"][:2]
    await _confirm(database, first, clock.now())
    engine, _channels = await start(database, clock)
    assert (await engine.tick()).planned > 0

    clock.set(at("2026-04-24T07:32:00"))
    await _confirm(database, second, clock.now())
    assert (await engine.tick()).planned == 0  # only added: nothing new can be due

    async with database.session() as session:
        await undo(session, first.key, by="telegram:501", now=clock.now())
    again = await engine.tick()
    assert again.planned > 0  # an item is back: the day is planned again
    assert again.enqueued == 0  # and today's digest, already sent, is not sent twice
