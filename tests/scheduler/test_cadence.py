"""The cadence (docs/reminders.md): working days only, the weekly digest, a reminder on
the due day, overdue items on a backoff, nothing repeated, a plan that starts when it
is loaded, paused chats, and one digest per chat across plans."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pytest

from content.due import DueMessage
from content.items import expand_items
from content.lunar import to_solar
from content.plan_loader import parse_plan
from content.working_days import NATIONAL
from scheduler.planner import messages_between, messages_for_day
from scheduler.state import PlanState

TZ_NAME = "Asia/Ho_Chi_Minh"


def plan_text(year: int = 2026, settings: str = "", tasks: str = "", plan_id: str = "kh") -> str:
    return f"""\
plan: {{id: {plan_id}-{year}, title: Kế hoạch {plan_id} năm {year}, year: {year}}}
{settings}
admins: [telegram:111]
units:
  - {{id: van-phong, name: Văn phòng Sở, channels: ["telegram:-1001"]}}
  - {{id: phong-a, name: Phòng A, channels: ["zalo:zla"]}}
anniversaries: {{include: []}}
tasks:
  - id: ban-tin
    title: Cập nhật Bản tin tháng
    owners: [van-phong]
    repeat: monthly
    due: {{day: 10}}
  - id: kinh-phi
    title: Dự trù kinh phí phát sinh (nếu có)
    owners: [phong-a]
    due: {year}-03-12
{tasks}"""


def make_state(text: str, **changes: object) -> PlanState:
    plan = parse_plan(text)
    links = {unit.id: tuple(unit.channels) for unit in plan.units if unit.channels}
    state = PlanState(plan, expand_items(plan), links=links, admins=plan.admins)
    return replace(state, **changes)


def local(day: date, hour: int = 0, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=parse_plan(plan_text()).tz)


def digest_days(messages: list[DueMessage], chat: str) -> list[date]:
    return [
        date.fromisoformat(m.payload["date"])
        for m in messages
        if m.kind == "digest" and m.chat_address == chat
    ]


def listed(messages: list[DueMessage], key: str) -> dict[date, str]:
    return {
        date.fromisoformat(m.payload["date"]): e["section"]
        for m in messages
        if m.kind == "digest"
        for e in m.payload["entries"]
        if e["key"] == key
    }


# --- working days -------------------------------------------------------------------------


def test_no_message_goes_to_a_unit_chat_on_a_day_off() -> None:
    daily = """\
  - id: nhat-ky
    title: Nhật ký tuyên truyền
    owners: [van-phong, phong-a]
    repeat: daily
"""
    messages = messages_between(
        make_state(plan_text(tasks=daily)), date(2026, 1, 1), date(2026, 12, 31)
    )
    days = {date.fromisoformat(m.payload["date"]) for m in messages}
    assert days and all(NATIONAL.is_working(day) for day in days)
    assert date(2026, 9, 2) not in days and date(2026, 2, 18) not in days


@pytest.mark.parametrize("year", [2025, 2026, 2027, 2028, 2030])
def test_the_tet_break_brings_nothing_and_its_deadlines_come_before_it(year: int) -> None:
    tet = to_solar(1, 1, year)
    task = f"""\
  - id: chuc-tet
    title: Đăng tin chúc Tết
    owners: [van-phong]
    due: {tet.isoformat()}
"""
    state = make_state(plan_text(year, tasks=task))
    before = NATIONAL.on_or_before(tet)
    back = NATIONAL.on_or_after(tet)
    messages = messages_between(state, before - timedelta(days=10), back + timedelta(days=3))
    key = f"kh-{year}/chuc-tet/{tet.isoformat()}/van-phong"
    days = listed(messages, key)
    assert days[before] == "upcoming"  # the last working day before the break
    assert not [d for d in digest_days(messages, "telegram:-1001") if before < d < back]
    assert days[back] == "overdue"  # the first working day after it
    text = next(m.text for m in messages if m.payload["date"] == before.isoformat())
    assert f"còn {(tet - before).days} ngày" in text


def test_a_deadline_on_a_weekend_is_reminded_on_the_friday_and_never_slips() -> None:
    task = """\
  - id: bao-cao
    title: Báo cáo nhanh
    owners: [van-phong]
    due: 2026-03-15
"""
    messages = messages_between(
        make_state(plan_text(tasks=task)), date(2026, 3, 1), date(2026, 3, 20)
    )
    days = listed(messages, "kh-2026/bao-cao/2026-03-15/van-phong")
    assert days == {
        date(2026, 3, 9): "upcoming",  # the weekly digest
        date(2026, 3, 13): "upcoming",  # Friday: due on Sunday
        date(2026, 3, 16): "overdue",  # Monday: the next working day after the deadline
        # 4 working days after Sunday: Thursday 19/03
        date(2026, 3, 19): "overdue",
    }
    friday = next(m for m in messages if m.payload["date"] == "2026-03-13")
    assert "còn 2 ngày — hạn Chủ Nhật, 15/03" in friday.text


def test_a_plan_adds_its_own_days_off_and_working_saturdays() -> None:
    settings = "settings: {days_off: [2026-03-09], working_days: [2026-03-14]}"
    task = """\
  - id: bao-cao
    title: Báo cáo nhanh
    owners: [van-phong]
    due: 2026-03-14
"""
    state = make_state(plan_text(settings=settings, tasks=task))
    messages = messages_between(state, date(2026, 3, 1), date(2026, 3, 20))
    days = listed(messages, "kh-2026/bao-cao/2026-03-14/van-phong")
    # Monday 09/03 is off: the week's digest comes on Tuesday; Saturday is worked.
    assert days == {
        date(2026, 3, 10): "upcoming",
        date(2026, 3, 14): "today",
        date(2026, 3, 16): "overdue",
        date(2026, 3, 19): "overdue",
    }
    assert date(2026, 3, 9) not in digest_days(messages, "telegram:-1001")


# --- the weekly digest, the backoff, nothing twice ---------------------------------------


def test_the_weekly_digest_comes_on_the_first_working_day_of_the_week() -> None:
    messages = messages_between(make_state(plan_text()), date(2026, 4, 20), date(2026, 5, 15))
    # 27/04 (Giỗ Tổ observed) is off: that week's digest is on Tuesday 28/04. The week
    # of 30/04-01/05 starts on Monday 04/05.
    bulletin = "kh-2026/ban-tin/2026-05-10/van-phong"
    assert listed(messages, bulletin) == {
        date(2026, 5, 4): "upcoming",
        date(2026, 5, 8): "upcoming",  # Sunday 10/05: reminded on Friday
        date(2026, 5, 11): "overdue",
        date(2026, 5, 14): "overdue",
    }
    assert date(2026, 4, 28) in digest_days(messages, "telegram:-1001")  # April's overdue
    assert date(2026, 4, 27) not in digest_days(messages, "telegram:-1001")


def test_long_overdue_items_only_come_back_in_the_weekly_roll_up() -> None:
    messages = messages_between(make_state(plan_text()), date(2026, 3, 1), date(2026, 5, 31))
    days = listed(messages, "kh-2026/ban-tin/2026-03-10/van-phong")
    overdue = sorted(day for day, section in days.items() if section == "overdue")
    assert overdue[:2] == [date(2026, 3, 11), date(2026, 3, 16)]  # next day, 4 days after
    assert all(NATIONAL.week_start(day) == day for day in overdue[1:])  # then weekly only
    # Then every week up to the end of May (Tuesday 28/04: Monday was Giỗ Tổ), once.
    assert len(overdue) == 2 + 10


def test_no_digest_says_only_what_the_previous_one_said() -> None:
    # Friday 13/03 lists the optional item (overdue since Thursday) and a report due on
    # Tuesday (reminded 4 days ahead). Monday's weekly digest would list just these two
    # again: Phòng A gets nothing that day, then the report on its day.
    task = """\
  - id: bao-cao
    title: Báo cáo nhanh
    owners: [phong-a]
    due: 2026-03-17
"""
    state = make_state(plan_text(settings="settings: {lead_days: {regular: [4]}}", tasks=task))
    messages = messages_between(state, date(2026, 3, 12), date(2026, 3, 18))
    assert digest_days(messages, "zalo:zla") == [
        date(2026, 3, 12),
        date(2026, 3, 13),
        date(2026, 3, 17),
        date(2026, 3, 18),
    ]
    monday = messages_for_day(state, date(2026, 3, 16))
    assert [m.chat_address for m in monday if m.kind == "digest"] == ["telegram:-1001"]


def test_a_unit_that_confirms_on_the_due_day_hears_little() -> None:
    state = make_state(plan_text())
    confirmed = {
        item.key: local(NATIONAL.on_or_before(item.due), 10)
        for item in state.items
        if item.is_owner
    }
    quiet = replace(state, confirmed=confirmed)
    messages = messages_between(quiet, date(2026, 1, 1), date(2026, 12, 31))
    per_month = Counter(
        m.payload["date"][:7] for m in messages if m.chat_address == "telegram:-1001"
    )
    assert max(per_month.values()) <= 2  # the week's digest, the due day at most
    assert not [m for m in messages if m.kind in ("escalation",)]


# --- a plan starts when it is loaded ------------------------------------------------------


def test_items_due_before_the_first_load_are_never_chased_and_the_admins_get_one_summary():
    loaded = local(date(2026, 3, 18), 7, 0)  # a Wednesday, before the digest
    state = make_state(plan_text(), started_at=loaded)
    messages = messages_between(state, date(2026, 3, 1), date(2026, 4, 30))
    keys = {e["key"] for m in messages if m.kind == "digest" for e in m.payload["entries"]}
    assert "kh-2026/ban-tin/2026-03-10/van-phong" not in keys  # due before the load
    assert "kh-2026/kinh-phi/2026-03-12/phong-a" not in keys
    assert "kh-2026/ban-tin/2026-04-10/van-phong" in keys
    assert min(digest_days(messages, "telegram:-1001")) >= date(2026, 3, 18)
    [summary] = [m for m in messages if m.key.startswith("backlog/")]
    assert summary.key == "backlog/kh-2026/telegram:111"
    assert summary.payload["date"] == "2026-03-18"
    assert summary.payload["open_items"] == 4  # 10/01, 10/02, 10/03 and the one-off 12/03
    assert "Loa nhắc việc trong nhóm các đơn vị từ Thứ Tư, ngày 18/03/2026" in summary.text
    reported = {e["key"] for m in messages if m.kind == "weekly" for e in m.payload["entries"]}
    assert not {key for key in reported if key < "kh-2026/ban-tin/2026-03-18"}


def test_the_opening_digest_shows_what_is_coming_not_a_backlog() -> None:
    task = """\
  - id: hoi-thao
    title: Chuẩn bị hội thảo
    owners: [van-phong]
    due: 2026-04-20
"""
    settings = "settings: {lead_days: {regular: [30]}}"
    state = make_state(plan_text(settings=settings, tasks=task), started_at=local(date(2026, 4, 1)))
    [opening] = [m for m in messages_for_day(state, date(2026, 4, 1)) if m.kind == "digest"]
    assert [(e["key"].split("/")[1], e["section"]) for e in opening.payload["entries"]] == [
        ("ban-tin", "upcoming"),  # due 10/04 (a Friday)
        ("hoi-thao", "upcoming"),  # its 30-day reminder window has begun
    ]
    assert "Quá hạn" not in opening.text


def test_a_plan_loaded_after_the_digest_opens_the_next_working_day() -> None:
    state = make_state(plan_text(), started_at=local(date(2026, 4, 3), 10, 0))  # Friday
    assert not [m for m in messages_for_day(state, date(2026, 4, 3)) if m.kind == "digest"]
    monday = messages_for_day(state, date(2026, 4, 6))
    assert [m.chat_address for m in monday if m.kind == "digest"] == ["telegram:-1001"]
    assert [m.key for m in monday if m.key.startswith("backlog/")] == [
        "backlog/kh-2026/telegram:111"
    ]


def test_remind_from_sets_the_first_day_whatever_the_load() -> None:
    text = plan_text(settings="settings: {remind_from: 2026-03-01}")
    state = make_state(text, started_at=local(date(2026, 4, 15), 10))
    messages = messages_between(state, date(2026, 3, 1), date(2026, 3, 31))
    assert "kh-2026/ban-tin/2026-03-10/van-phong" in listed_keys(messages)
    assert "kh-2026/ban-tin/2026-02-10/van-phong" not in listed_keys(messages)


def listed_keys(messages: list[DueMessage]) -> set[str]:
    return {e["key"] for m in messages if m.kind == "digest" for e in m.payload["entries"]}


# --- pauses -------------------------------------------------------------------------------


def test_a_paused_chat_gets_nothing_and_then_a_roll_up_of_what_is_open() -> None:
    pause = {"telegram:-1001": (date(2026, 3, 9), date(2026, 3, 13))}
    state = make_state(plan_text(), pauses=pause, started_at=local(date(2026, 3, 1)))
    messages = messages_between(state, date(2026, 3, 2), date(2026, 3, 27))
    days = digest_days(messages, "telegram:-1001")
    assert not [d for d in days if date(2026, 3, 9) <= d <= date(2026, 3, 13)]
    assert date(2026, 3, 16) in days
    (resumed,) = [m for m in messages if m.key == "digest/telegram:-1001/2026-03-16"]
    assert [(e["due"], e["section"]) for e in resumed.payload["entries"]] == [
        ("2026-03-10", "overdue")
    ]
    # The other chat goes on as usual.
    assert date(2026, 3, 12) in digest_days(messages, "zalo:zla")


def test_a_pause_ending_midweek_brings_the_roll_up_that_day() -> None:
    pause = {"telegram:-1001": (date(2026, 3, 6), date(2026, 3, 11))}
    messages = messages_between(
        make_state(plan_text(), pauses=pause), date(2026, 3, 2), date(2026, 3, 20)
    )
    assert listed(messages, "kh-2026/ban-tin/2026-03-10/van-phong") == {
        date(2026, 3, 12): "overdue",  # the day after the pause: what is open
        date(2026, 3, 16): "overdue",  # then the backoff and the weekly digest
    }


# --- one digest per chat, across plans ----------------------------------------------------


def test_a_chat_of_two_plans_gets_one_digest_with_a_part_for_each() -> None:
    first = make_state(plan_text(2026))
    second = make_state(plan_text(2026, plan_id="bc"))
    day = date(2026, 3, 10)
    messages = messages_for_day([first, second], day)
    [digest] = [m for m in messages if m.kind == "digest" and m.chat_address == "telegram:-1001"]
    assert digest.key == "digest/telegram:-1001/2026-03-10"
    assert [part["plan_id"] for part in digest.payload["parts"]] == ["bc-2026", "kh-2026"]
    numbers = [e["n"] for e in digest.payload["entries"] if e["n"] is not None]
    assert numbers == [1, 2]
    assert [e["plan_id"] for e in digest.payload["entries"]] == ["bc-2026", "kh-2026"]
    assert digest.text.startswith("🔔 NHẮC VIỆC — Văn phòng Sở\nThứ Ba, ngày 10/03/2026\n")
    assert "▌ Kế hoạch bc năm 2026" in digest.text and "▌ Kế hoạch kh năm 2026" in digest.text
    # Planned alone, the same plan gives the same key: the outbox keeps one.
    alone = [m for m in messages_for_day(first, day) if m.kind == "digest"]
    assert digest.key in {m.key for m in alone}


def test_a_chat_serving_two_units_names_each_part() -> None:
    text = plan_text().replace('channels: ["zalo:zla"]', 'channels: ["telegram:-1001"]')
    text = text.replace("due: 2026-03-12", "due: 2026-03-10")
    [digest] = [
        m for m in messages_for_day(make_state(text), date(2026, 3, 10)) if m.kind == "digest"
    ]
    assert digest.text.startswith("🔔 NHẮC VIỆC\nThứ Ba, ngày 10/03/2026\n")
    assert [(e["n"], e["unit_id"]) for e in digest.payload["entries"]] == [
        (1, "van-phong"),
        (2, "phong-a"),
    ]
    assert "▌ Phòng A" in digest.text
    assert {part["unit_id"] for part in digest.payload["parts"]} == {"phong-a", "van-phong"}


# --- optional items, dates, a plan across a year end -----------------------------------


def test_an_optional_item_can_be_answered_not_applicable() -> None:
    [digest] = [
        m
        for m in messages_for_day(make_state(plan_text()), date(2026, 3, 12))
        if m.chat_address == "zalo:zla"
    ]
    [entry] = digest.payload["entries"]
    assert entry["optional"] is True
    assert "không phát sinh 1" in digest.text
    telegram = plan_text().replace('channels: ["zalo:zla"]', 'channels: ["telegram:-1002"]')
    [with_buttons] = [
        m
        for m in messages_for_day(make_state(telegram), date(2026, 3, 12))
        if m.chat_address == "telegram:-1002"
    ]
    assert with_buttons.payload["buttons"] == [
        [["✅ 1", "ok:1"]],
        [["🚫 1: không phát sinh", "na:1"]],
    ]


def test_a_plan_across_a_year_end_names_the_year_of_deadlines_in_another_year() -> None:
    text = plan_text(2026).replace(
        "year: 2026}", "year: 2026, period: {from: 2026-09-01, to: 2027-06-30}}"
    )
    state = make_state(text, started_at=local(date(2026, 12, 1)))
    messages = messages_between(state, date(2026, 12, 28), date(2027, 1, 15))
    # 01/01/2027 (Tết Dương lịch) is off; the January deadline shows its year in 2026.
    assert date(2027, 1, 1) not in digest_days(messages, "telegram:-1001")
    december = next(m for m in messages if m.key == "digest/telegram:-1001/2026-12-28")
    assert "1. Cập nhật Bản tin tháng — quá hạn 18 ngày (hạn 10/12)" in december.text
    january = next(m for m in messages if m.key == "digest/telegram:-1001/2027-01-04")
    assert "quá hạn 25 ngày (hạn 10/12/2026)" in january.text
    assert "còn 6 ngày — hạn Chủ Nhật, 10/01" in january.text
    assert listed(messages, "kh-2026/ban-tin/2027-01-10/van-phong") == {
        date(2027, 1, 4): "upcoming",
        date(2027, 1, 8): "upcoming",  # Sunday 10/01: reminded on Friday
        date(2027, 1, 11): "overdue",
        date(2027, 1, 14): "overdue",
    }


def test_a_deadline_of_next_year_shows_its_year() -> None:
    text = plan_text(2027).replace("due: 2027-03-12", "due: 2027-01-04")
    state = make_state(text, started_at=local(date(2026, 12, 1)))
    [monday] = [
        m for m in messages_for_day(state, date(2026, 12, 28)) if m.chat_address == "zalo:zla"
    ]
    assert "còn 7 ngày — hạn Thứ Hai, 04/01/2027" in monday.text
