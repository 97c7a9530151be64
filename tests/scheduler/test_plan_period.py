"""A plan's year in the scheduler: reminders stop when the period ends or the plan is
closed, the admins get one closing summary, and two plans never both remind a chat of
the same anniversary. Tested across a year end, in the pure planner and in the engine."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from bot.storage.plan_closures import close_plan
from bot.storage.plans import save_plan
from content.clock import LOCAL_TZ, FixedClock
from content.items import expand_items
from content.plan import Address
from content.plan_loader import load_plan, parse_plan
from content.plan_rollover import roll_over
from scheduler.plan_period import closing_messages, one_plan_per_anniversary, plan_status
from scheduler.planner import messages_between, messages_for_day
from scheduler.state import PlanState
from tests.conftest import SAMPLE_PLAN
from tests.scheduler.test_engine import RecordingChannel, at, start

ADMIN = Address("telegram", "123456789")
VAN_PHONG = Address("telegram", "-1001234567890")


def sample_state(year: int = 2026, **changes: object) -> PlanState:
    text = SAMPLE_PLAN.read_text(encoding="utf-8")
    if year != 2026:
        text = roll_over(text, year).text
    plan = parse_plan(text)
    links = {unit.id: tuple(unit.channels) for unit in plan.units if unit.channels}
    state = PlanState(plan=plan, items=expand_items(plan), links=links, admins=(ADMIN,))
    return replace(state, **changes)


def test_an_ended_plan_reminds_nobody_after_its_year() -> None:
    old = sample_state()
    assert old.last_day == date(2026, 12, 31)
    december = messages_between(old, date(2026, 12, 28), date(2027, 1, 10))
    assert december and max(m.not_before.date() for m in december) <= date(2026, 12, 31)
    assert messages_for_day(old, date(2027, 1, 4)) == []
    assert plan_status(old, date(2026, 12, 31)) == "active"
    assert plan_status(old, date(2027, 1, 1)) == "ended"


def test_the_admins_get_one_closing_summary_the_morning_after_the_year() -> None:
    old = sample_state()
    assert closing_messages(old, datetime(2026, 12, 31, 20, 0, tzinfo=LOCAL_TZ)) == []
    [summary] = closing_messages(old, datetime(2027, 1, 2, 9, 0, tzinfo=LOCAL_TZ))
    assert summary.key == "closing/sldtbxh-laocai-2026/telegram:123456789"
    assert summary.not_before == datetime(2027, 1, 1, 7, 30, tzinfo=LOCAL_TZ)
    assert summary.text.startswith("🏁 KẾT THÚC KẾ HOẠCH — Kế hoạch triển khai")
    assert "Thời gian của kế hoạch đã hết ngày Thứ Năm, ngày 31/12/2026." in summary.text
    assert "Đã xong 0/" in summary.text and "• Văn phòng Sở:" in summary.text
    # The same key every day: the outbox keeps it once. An old plan gets none.
    again = closing_messages(old, datetime(2027, 1, 20, 9, 0, tzinfo=LOCAL_TZ))
    assert [m.key for m in again] == [summary.key]
    assert closing_messages(old, datetime(2027, 3, 1, 9, 0, tzinfo=LOCAL_TZ)) == []


def test_a_closed_plan_stops_the_day_it_is_closed_and_says_what_was_done() -> None:
    closed_at = datetime(2026, 6, 10, 15, 0, tzinfo=LOCAL_TZ)
    state = sample_state()
    done = {item.key: closed_at - timedelta(days=1) for item in state.items[:3]}
    state = replace(state, closed_at=closed_at, confirmed=done)
    assert state.last_day == date(2026, 6, 9)
    assert messages_for_day(state, date(2026, 6, 10)) == []
    assert messages_for_day(state, date(2026, 6, 8)) != []  # the last weekly digest
    [summary] = closing_messages(state, closed_at)
    assert summary.not_before <= closed_at  # at once: the day's digest time has passed
    assert "Kế hoạch đã được đóng; ngày nhắc cuối cùng: Thứ Ba, ngày 09/06/2026." in summary.text
    owners_done = sum(1 for key in done if key in {i.key for i in state.items if i.is_owner})
    assert f"Đã xong {owners_done}/" in summary.text


def test_two_plans_of_different_years_never_both_remind_a_chat_of_one_anniversary() -> None:
    # A school-year plan (Sept 2026 - June 2027) and the 2027 calendar plan both hold
    # Tết 2027 for Văn phòng Sở's group: only the 2027 plan, whose year it is, reminds it.
    school_text = """\
plan: {id: nam-hoc-2026, title: Kế hoạch năm học 2026-2027, year: 2026,
       period: {from: 2026-09-01, to: 2027-06-30}}
units:
  - {id: van-phong, name: Văn phòng Sở, channels: ["telegram:-1001234567890"]}
tasks:
  - id: ky-niem
    title: Đăng tin {anniversary}
    owners: [van-phong]
    per_anniversary: {keys: [quoc_khanh, tet]}
    due: {offset_days: -1}
"""
    school = parse_plan(school_text)
    links = {unit.id: tuple(unit.channels) for unit in school.units if unit.channels}
    school_state = PlanState(school, expand_items(school), links=links, admins=(ADMIN,))
    calendar = sample_state(2027)

    def tet_items(state: PlanState) -> list[str]:
        return [i.key for i in state.items if i.occurrence and i.occurrence.key == "tet"]

    assert tet_items(school_state) and tet_items(calendar)
    kept_school, kept_calendar = one_plan_per_anniversary([school_state, calendar])
    assert tet_items(kept_school) == []
    assert tet_items(kept_calendar) == tet_items(calendar)
    # Quốc khánh 2026 is in the school plan's period only: it keeps it.
    assert any(i.occurrence and i.occurrence.key == "quoc_khanh" for i in kept_school.items)
    # Due on 05/02/2027, in the Tết break (04-10/02): posted the working day before it.
    on_the_day = [
        m
        for m in messages_for_day([kept_school, kept_calendar], date(2027, 2, 3))
        if m.chat_id == VAN_PHONG.id and m.kind == "post"
    ]
    assert [m.payload["anniversary"] for m in on_the_day] == ["tet"]
    assert {m.plan_id for m in on_the_day} == {calendar.plan.id}


async def test_across_a_year_end_the_engine_switches_plans_and_closes_the_old_one(
    database,
) -> None:
    clock = FixedClock(at("2026-12-20T06:00:00"))
    text_2026 = SAMPLE_PLAN.read_text(encoding="utf-8")
    text_2027 = roll_over(text_2026, 2027).text
    async with database.session() as session:
        for text in (text_2026, text_2027):
            await save_plan(session, parse_plan(text), text, clock.now())
    engine, channels = await start(database, clock)
    telegram: RecordingChannel = channels["telegram"]

    clock.set(at("2026-12-21T08:00:00"))  # a Monday in the old plan's year
    await engine.tick()
    old_digests = [m for m in telegram.sent if "NHẮC VIỆC" in m.text]
    assert old_digests

    clock.set(at("2027-01-04T08:00:00"))
    telegram.sent.clear()
    await engine.tick()
    summaries = [m for m in telegram.sent if m.text.startswith("🏁 KẾT THÚC KẾ HOẠCH")]
    assert [m.chat_id for m in summaries] == [ADMIN.id]
    assert "năm 2026" in summaries[0].text
    # Nothing of 2026 is chased any more; the 2027 plan's items are.
    texts = "\n".join(m.text for m in telegram.sent if "NHẮC VIỆC" in m.text)
    assert "2026" not in texts.replace("năm 2026", "")

    clock.set(at("2027-01-05T08:00:00"))
    telegram.sent.clear()
    await engine.tick()
    assert not [m for m in telegram.sent if m.text.startswith("🏁")]  # sent once


async def test_closing_a_plan_in_the_store_stops_its_reminders(database) -> None:
    clock = FixedClock(at("2026-04-20T08:00:00"))
    async with database.session() as session:
        await save_plan(
            session, load_plan(SAMPLE_PLAN), SAMPLE_PLAN.read_text(encoding="utf-8"), clock.now()
        )
        await close_plan(session, "sldtbxh-laocai-2026", clock.now(), "cli")
    engine, channels = await start(database, clock)
    await engine.tick()
    sent = channels["telegram"].sent
    assert [m.chat_id for m in sent] == [ADMIN.id]
    assert sent[0].text.startswith("🏁 KẾT THÚC KẾ HOẠCH")
