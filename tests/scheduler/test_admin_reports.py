"""The admins: an alert when a unit first crosses `escalate_after_days`, one report a
week on the chosen day, and once the backlog a plan had when it started."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time

from content.clock import LOCAL_TZ
from scheduler.admin_reports import report_day
from scheduler.planner import messages_between
from tests.scheduler.test_cadence import make_state, plan_text

BULLETIN_MARCH = "kh-2026/ban-tin/2026-03-10/van-phong"


def admin_messages(messages, kind):  # type: ignore[no-untyped-def]
    return [m for m in messages if m.kind == kind and m.chat_address == "telegram:111"]


def test_a_unit_crossing_the_threshold_brings_one_alert_not_one_a_day() -> None:
    state = make_state(plan_text(), started_at=datetime(2026, 3, 2, 7, tzinfo=LOCAL_TZ))
    messages = messages_between(state, date(2026, 3, 2), date(2026, 3, 31))
    alerts = admin_messages(messages, "escalation")
    # 10/03 + 2 days: Thursday 12/03 for Văn phòng Sở; 12/03 + 2: Saturday, so Monday
    # for Phòng A, but Monday brings the weekly report instead.
    assert [(m.payload["date"], [u["unit_id"] for u in m.payload["units"]]) for m in alerts] == [
        ("2026-03-12", ["van-phong"])
    ]
    [alert] = alerts
    assert alert.key == "alert/kh-2026/telegram:111/2026-03-12"
    assert alert.text.startswith("⚠️ VIỆC QUÁ HẠN CHƯA XÁC NHẬN\nThứ Năm, ngày 12/03/2026\n")
    assert "Đơn vị vừa có việc quá hạn từ 2 ngày trở lên" in alert.text
    assert "Cập nhật Bản tin tháng — quá hạn 2 ngày (hạn 10/03)" in alert.text


def test_a_unit_that_caught_up_and_falls_behind_again_is_alerted_again() -> None:
    state = make_state(plan_text(), started_at=datetime(2026, 3, 2, 7, tzinfo=LOCAL_TZ))
    caught_up = {
        BULLETIN_MARCH: datetime(2026, 3, 20, 9, tzinfo=LOCAL_TZ),
        "kh-2026/ban-tin/2026-04-10/van-phong": datetime(2026, 4, 15, 9, tzinfo=LOCAL_TZ),
    }
    messages = messages_between(
        replace(state, confirmed=caught_up),
        date(2026, 3, 2),
        date(2026, 5, 31),
    )
    days = [m.payload["date"] for m in admin_messages(messages, "escalation")]
    # April's bulletin crosses on Sunday 12/04: Monday's report says it. Both done by
    # 15/04; May's (Sunday 10/05) crosses on Tuesday 12/05: an alert again.
    assert days == ["2026-03-12", "2026-05-12"]


def test_the_weekly_report_comes_on_the_chosen_day_with_progress_and_late_units() -> None:
    text = plan_text(settings='settings: {report_weekday: 5, report_time: "15:30"}')
    state = make_state(text, started_at=datetime(2026, 3, 2, 7, tzinfo=LOCAL_TZ))
    messages = messages_between(state, date(2026, 3, 2), date(2026, 3, 31))
    reports = admin_messages(messages, "weekly")
    assert [m.payload["date"] for m in reports] == ["2026-03-13", "2026-03-20", "2026-03-27"]
    first = reports[0]
    assert first.key == "weekly/kh-2026/telegram:111/2026-W11"
    assert first.not_before == datetime(2026, 3, 13, 15, 30, tzinfo=LOCAL_TZ)
    assert first.text.startswith("📊 BÁO CÁO TUẦN: TIẾN ĐỘ NHẮC VIỆC\nThứ Sáu, ngày 13/03/2026")
    assert "Đã xong 0/2 việc đã đến hạn (0%)." in first.text
    assert "▪ Văn phòng Sở (1 việc)" in first.text
    assert "▪ Phòng A" not in first.text  # 12/03 is one day late: not yet
    assert "▪ Phòng A (1 việc)" in reports[1].text


def test_a_report_day_off_moves_to_the_working_day_before_in_that_week() -> None:
    calendar = make_state(plan_text()).plan.calendar
    friday_holiday = date(2026, 5, 1).toordinal()
    assert report_day(calendar, 5, friday_holiday) == date(2026, 4, 29).toordinal()  # 30/4 off
    assert report_day(calendar, 1, date(2026, 4, 29).toordinal()) == date(2026, 4, 28).toordinal()
    assert report_day(calendar, 3, date(2026, 2, 18).toordinal()) is None  # the Tết week


def test_no_report_before_anything_falls_due_and_none_on_days_off() -> None:
    state = make_state(plan_text(), started_at=datetime(2026, 3, 13, 7, tzinfo=LOCAL_TZ))
    assert not admin_messages(
        messages_between(state, date(2026, 3, 13), date(2026, 4, 12)), "weekly"
    )
    later = messages_between(state, date(2026, 4, 1), date(2026, 5, 10))
    days = [date.fromisoformat(m.payload["date"]) for m in admin_messages(later, "weekly")]
    assert date(2026, 4, 28) in days  # Monday 27/04 is off (Giỗ Tổ)
    assert all(day.isoweekday() <= 5 for day in days)


def test_the_backlog_summary_is_sent_once_on_the_opening_day() -> None:
    state = make_state(plan_text(), started_at=datetime(2026, 3, 18, 10, tzinfo=LOCAL_TZ))
    messages = messages_between(state, date(2026, 3, 1), date(2026, 4, 30))
    backlog = [m for m in messages if m.key.startswith("backlog/")]
    assert [m.payload["date"] for m in backlog] == ["2026-03-19"]  # loaded after 07:30
    assert backlog[0].not_before == datetime.combine(date(2026, 3, 19), time(7, 30), LOCAL_TZ)
    assert [(u["unit_name"], u["overdue"]) for u in backlog[0].payload["units"]] == [
        ("Văn phòng Sở", 3),
        ("Phòng A", 1),
    ]
