"""The planner decides what each chat receives on each day, and when: one digest per
chat and day, posts after it, the admins' messages; deterministic keys; send windows.
The cadence's rules (working days, the weekly digest, the backoff, the plan's start,
pauses, several plans in one chat) are in test_cadence.py."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import date, datetime, time, timedelta

import pytest

from content.due import DueMessage
from content.items import expand_items
from content.plan import Plan, Settings
from content.plan_loader import parse_plan
from scheduler.planner import (
    MAX_OVERDUE_LISTED,
    messages_between,
    messages_for_day,
    next_wakeup,
    send_window,
)
from scheduler.state import PlanState

PLAN_TEXT = """
plan:
  id: test-plan
  title: Kế hoạch thử nghiệm năm 2026
  issuer: Sở Thử nghiệm tỉnh Lào Cai
  year: 2026
settings:
  escalate_after_days: 2
admins: [telegram:111, zalo:adminzl]
units:
  - id: van-phong
    name: Văn phòng Sở
    channels: [telegram:-1001]
  - id: phong-a
    name: Phòng A
    tags: [phong]
    channels: [zalo:zla, telegram:-1002]
  - id: phong-b
    name: Phòng B
    tags: [phong]
  - id: phong-c
    name: Phòng C
    channels: [telegram:-1003]
anniversaries:
  include: [national]
  extra:
    - key: ngay-thu          # 30th anniversary in 2026: a round year
      name: Ngày truyền thống Ngành Thử
      date: 1996-03-20
      kind: founding
    - key: ngay-hoi          # 25th: a regular year for a founding day
      name: Ngày Hội Thử
      date: 2001-04-15
      kind: founding
tasks:
  - id: bao-cao
    title: Báo cáo kết quả quý I năm {year}
    owners: [van-phong, phong-b]
    cooperating: [phong-a]
    due: 2026-03-10
  - id: dang-tin
    title: Đăng tin {anniversary}
    owners: [van-phong, phong-a]
    cooperating: [phong-c]
    per_anniversary: {keys: [ngay-thu, ngay-hoi]}
    due: {offset_days: -1}
  - id: nhat-ky
    title: Ghi nhật ký tuyên truyền
    owners: [phong-c]
    repeat: daily
    from: 2026-06-01
    until: 2026-06-30
"""

PLAN = parse_plan(PLAN_TEXT, "test-plan.yaml")
TZ = PLAN.tz
REPORT = "test-plan/bao-cao/2026-03-10/van-phong"  # due Tuesday 10/03, regular
REPORT_B = "test-plan/bao-cao/2026-03-10/phong-b"  # same task, unit without a chat
REPORT_COOP = "test-plan/bao-cao/2026-03-10/phong-a"
ROUND_POST = "test-plan/dang-tin/ngay-thu-2026/van-phong"  # due 19/03, round10
REGULAR_POST = "test-plan/dang-tin/ngay-hoi-2026/van-phong"  # due 14/04, regular


def state(
    plan: Plan = PLAN, confirmed: dict[str, datetime] | None = None, **settings: object
) -> PlanState:
    if settings:
        plan = dataclasses.replace(plan, settings=dataclasses.replace(plan.settings, **settings))
    return PlanState(
        plan=plan,
        items=expand_items(plan),
        confirmed=confirmed or {},
        links={unit.id: unit.channels for unit in plan.units if unit.channels},
        admins=plan.admins,
    )


def local(day: date, hour: int = 0, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


def digests(messages: list[DueMessage], unit: str, chat: str | None = None) -> list[DueMessage]:
    """The digests with a part for `unit` (at `chat`)."""
    return [
        m
        for m in messages
        if m.kind == "digest"
        and any(part["unit_id"] == unit for part in m.payload["parts"])
        and (chat is None or m.chat_address == chat)
    ]


def days_listing(messages: list[DueMessage], key: str) -> dict[date, str]:
    """Day -> section, for every digest entry of `key`."""
    return {
        date.fromisoformat(m.payload["date"]): entry["section"]
        for m in messages
        if m.kind == "digest"
        for entry in m.payload["entries"]
        if entry["key"] == key
    }


def of_kind(messages: list[DueMessage], kind: str) -> list[DueMessage]:
    return [m for m in messages if m.kind == kind]


# --- what a digest lists --------------------------------------------------------------------


def test_an_owner_item_is_announced_by_the_weekly_digest_then_on_its_day_then_on_a_backoff():
    messages = messages_between(state(), date(2026, 2, 23), date(2026, 4, 14))
    listed = days_listing(digests(messages, "van-phong"), REPORT)  # due Tuesday 10/03
    assert listed == {
        date(2026, 3, 9): "upcoming",  # the weekly digest: due before the next one
        date(2026, 3, 10): "today",
        date(2026, 3, 11): "overdue",  # the next working day
        date(2026, 3, 16): "overdue",  # four working days after: also a weekly digest
        date(2026, 3, 23): "overdue",  # then only the weekly roll-up
        date(2026, 3, 30): "overdue",
        date(2026, 4, 6): "overdue",
        date(2026, 4, 13): "overdue",
    }


def test_the_digest_says_how_far_the_deadline_is() -> None:
    messages = messages_between(state(), date(2026, 3, 9), date(2026, 3, 16))
    texts = {m.payload["date"]: m.text for m in digests(messages, "van-phong")}
    assert (
        "1. Báo cáo kết quả quý I năm 2026 — còn 1 ngày — hạn Thứ Ba, 10/03" in texts["2026-03-09"]
    )
    assert "Báo cáo kết quả quý I năm 2026 — hạn hôm nay" in texts["2026-03-10"]
    assert "1. Báo cáo kết quả quý I năm 2026 — quá hạn 6 ngày (hạn 10/03)" in texts["2026-03-16"]
    assert texts["2026-03-16"].startswith("🔔 NHẮC VIỆC — Văn phòng Sở\nThứ Hai, ngày 16/03/2026\n")


def test_a_round_year_is_reminded_earlier_than_a_regular_one() -> None:
    messages = messages_between(state(), date(2026, 2, 1), date(2026, 4, 14))
    round_days = set(days_listing(messages, ROUND_POST))  # due Thursday 19/03, round10
    regular_days = {d for d, s in days_listing(messages, REGULAR_POST).items() if s != "overdue"}
    # 30 days ahead falls in the Tết break: the working day before it; then 14 days.
    assert {date(2026, 2, 13), date(2026, 3, 5), date(2026, 3, 16), date(2026, 3, 19)} == {
        d for d in round_days if d <= date(2026, 3, 19)
    }
    assert regular_days == {date(2026, 4, 13), date(2026, 4, 14)}  # its week, its day


def test_each_chat_gets_at_most_one_digest_a_day() -> None:
    messages = messages_between(state(), date(2026, 2, 15), date(2026, 6, 30))
    per_chat_day = Counter((m.chat_address, m.payload["date"]) for m in of_kind(messages, "digest"))
    assert per_chat_day and max(per_chat_day.values()) == 1
    assert len({m.key for m in messages}) == len(messages)
    # Phòng A has a Zalo and a Telegram group: both get the same list.
    zalo = {m.payload["date"]: m for m in digests(messages, "phong-a", "zalo:zla")}
    telegram = {m.payload["date"]: m for m in digests(messages, "phong-a", "telegram:-1002")}
    assert zalo.keys() == telegram.keys()
    for day, message in zalo.items():
        assert message.payload["entries"] == telegram[day].payload["entries"]


def test_the_digest_payload_has_the_documented_shape() -> None:
    (digest,) = digests(messages_for_day(state(), date(2026, 3, 16)), "van-phong")
    payload = digest.payload
    assert digest.key == "digest/telegram:-1001/2026-03-16"
    assert (payload["plan_id"], payload["unit_id"]) == ("test-plan", "van-phong")
    assert payload["unit_name"] == "Văn phòng Sở"
    assert payload["date"] == "2026-03-16"
    assert payload["channel"] == "telegram"
    assert payload["parts"] == [
        {
            "plan_id": "test-plan",
            "plan_title": "Kế hoạch thử nghiệm năm 2026",
            "unit_id": "van-phong",
            "unit_name": "Văn phòng Sở",
            "overdue_more": 0,
        }
    ]
    assert payload["buttons"] == [[["✅ 1", "ok:1"], ["✅ 2", "ok:2"]]]
    assert payload["entries"][0] == {
        "n": 1,
        "key": REPORT,
        "task_id": "bao-cao",
        "title": "Báo cáo kết quả quý I năm 2026",
        "due": "2026-03-10",
        "section": "overdue",
        "days": -6,
        "plan_id": "test-plan",
        "unit_id": "van-phong",
    }
    assert [(e["n"], e["key"], e["section"]) for e in payload["entries"]] == [
        (1, REPORT, "overdue"),
        (2, ROUND_POST, "upcoming"),
    ]
    assert digest.plan_id == "test-plan"
    assert (digest.channel, digest.chat_id) == ("telegram", "-1001")


def test_zalo_digests_have_no_buttons_and_say_to_quote_the_message() -> None:
    (digest,) = digests(messages_for_day(state(), date(2026, 3, 20)), "phong-a", "zalo:zla")
    assert "buttons" not in digest.payload
    assert "Trả lời (trích dẫn) tin này: xong 1" in digest.text


def test_a_long_overdue_list_shows_the_latest_and_counts_the_rest() -> None:
    (digest,) = digests(messages_for_day(state(), date(2026, 6, 29)), "phong-c")  # a Monday
    entries = digest.payload["entries"]
    overdue = [e for e in entries if e["section"] == "overdue" and not e.get("hidden")]
    assert len(overdue) == MAX_OVERDUE_LISTED
    assert overdue[-1]["due"] == "2026-06-28"  # the most recent ones are listed
    assert [e["n"] for e in overdue] == list(range(1, MAX_OVERDUE_LISTED + 1))
    hidden = 28 - MAX_OVERDUE_LISTED  # due 01/06 to 28/06
    assert digest.payload["overdue_more"] == hidden
    # The counted ones are numbered after every written item, oldest first: "xong 9"
    # confirms one of them.
    written = max(e["n"] for e in entries if e["n"] is not None and not e.get("hidden"))
    counted = [e for e in entries if e.get("hidden")]
    assert [e["n"] for e in counted] == list(range(written + 1, written + 1 + hidden))
    assert counted[0]["due"] == "2026-06-01"
    first, last = written + 1, written + hidden
    assert (
        f"… và {hidden} việc quá hạn khác (số {first} đến {last}): xem bằng lệnh /nhiemvu"
        in digest.text
    )
    assert len(digest.payload["buttons"][0]) == 4  # no button for a counted item
    assert all(int(b[1][3:]) <= written for row in digest.payload["buttons"] for b in row)


# --- confirmations --------------------------------------------------------------------------


def test_confirmed_items_are_not_listed_from_the_day_they_were_confirmed() -> None:
    confirmed = {REPORT: local(date(2026, 3, 11), 9, 15)}
    messages = messages_between(state(confirmed=confirmed), date(2026, 3, 9), date(2026, 4, 6))
    listed = days_listing(digests(messages, "van-phong"), REPORT)
    assert listed == {date(2026, 3, 9): "upcoming", date(2026, 3, 10): "today"}
    reported = {e["key"] for m in of_kind(messages, "weekly") for e in m.payload["entries"]}
    assert REPORT not in reported
    assert REPORT_B in reported  # Phòng B has not confirmed


def test_a_day_planned_after_a_confirmation_never_shows_the_item() -> None:
    confirmed = {REPORT: local(date(2026, 3, 10), 8, 0)}
    for message in messages_for_day(state(confirmed=confirmed), date(2026, 3, 10)):
        assert REPORT not in {e["key"] for e in message.payload.get("entries", [])}


# --- cooperating units -------------------------------------------------------------------


def test_cooperating_units_are_informed_once_in_the_week_of_the_deadline() -> None:
    messages = messages_between(state(), date(2026, 3, 1), date(2026, 3, 31))
    coop = digests(messages, "phong-a", "telegram:-1002")
    assert days_listing(coop, REPORT_COOP) == {date(2026, 3, 9): "cooperating"}
    (monday,) = [m for m in coop if m.payload["date"] == "2026-03-09"]
    (entry,) = [e for e in monday.payload["entries"] if e["key"] == REPORT_COOP]
    assert entry["n"] is None
    assert entry["owners"] == ["Văn phòng Sở", "Phòng B"]
    assert "👥 Phối hợp (để biết)" in monday.text
    assert "(chủ trì: Văn phòng Sở, Phòng B)" in monday.text
    assert "ok:" not in str(monday.payload.get("buttons", []))
    assert monday.text.endswith("Tin này để biết, không cần xác nhận.")
    reported = {
        e["key"]
        for m in messages
        if m.kind in ("escalation", "weekly")
        for e in m.payload["entries"]
    }
    assert REPORT in reported and REPORT_COOP not in reported


# --- units without a chat -----------------------------------------------------------------


def test_units_without_a_chat_get_nothing_unless_simulated() -> None:
    messages = messages_between(state(), date(2026, 3, 1), date(2026, 3, 14))
    assert not digests(messages, "phong-b")
    simulated = messages_between(
        state(), date(2026, 3, 1), date(2026, 3, 14), include_unlinked=True
    )
    shown = digests(simulated, "phong-b")
    assert shown and all(m.channel == "" and m.chat_id == "" for m in shown)
    assert shown[0].key == "digest/unlinked:test-plan/phong-b/2026-03-09"
    assert "buttons" not in shown[0].payload
    # Linked units get exactly what they get without the simulation.
    linked = [m for m in simulated if m.channel]
    assert [m.key for m in linked] == [m.key for m in messages]


# --- suggested posts ----------------------------------------------------------------------


def test_an_owner_gets_the_post_when_the_work_first_shows_and_on_the_day_only() -> None:
    messages = messages_between(state(), date(2026, 2, 1), date(2026, 4, 30))
    posts = [
        m
        for m in of_kind(messages, "post")
        if m.payload["unit_id"] == "van-phong" and m.payload["anniversary"] == "ngay-thu"
    ]
    # First shown 30 days ahead (moved before Tết), then the day it must publish.
    assert [p.payload["date"] for p in posts] == ["2026-02-13", "2026-03-19"]
    post = posts[0]
    assert post.key == "post/test-plan/van-phong/telegram:-1001/ngay-thu-2026/2026-02-13"
    assert post.payload["items"] == [ROUND_POST]
    assert "KỶ NIỆM 30 NĂM NGÀY TRUYỀN THỐNG NGÀNH THỬ" in post.text  # round year: banner
    # Sent at the digest's moment, right after the digest of the same chat.
    index = messages.index(post)
    assert messages[index - 1].kind == "digest"
    assert messages[index - 1].chat_address == post.chat_address
    assert post.not_before == messages[index - 1].not_before


def test_a_first_showing_close_to_the_day_brings_one_post() -> None:
    messages = messages_between(state(), date(2026, 4, 1), date(2026, 4, 30))
    days = [
        m.payload["date"]
        for m in of_kind(messages, "post")
        if m.payload["unit_id"] == "van-phong" and m.payload["anniversary"] == "ngay-hoi"
    ]
    assert days == ["2026-04-14"]  # the weekly digest of 13/04 showed it a day before


@pytest.mark.parametrize("confirmed_on", [date(2026, 3, 16), date(2026, 2, 20)])
def test_no_more_posts_once_the_unit_confirmed(confirmed_on: date) -> None:
    confirmed = {ROUND_POST: local(confirmed_on, 10, 0)}
    messages = messages_between(state(confirmed=confirmed), date(2026, 3, 16), date(2026, 3, 25))
    assert not [m for m in of_kind(messages, "post") if m.payload["unit_id"] == "van-phong"]


def test_a_cooperating_unit_gets_the_post_once_on_the_due_day() -> None:
    messages = messages_between(state(), date(2026, 2, 10), date(2026, 4, 20))
    days = [
        (m.payload["anniversary"], m.payload["date"])
        for m in of_kind(messages, "post")
        if m.payload["unit_id"] == "phong-c"
    ]
    assert days == [("ngay-thu", "2026-03-19"), ("ngay-hoi", "2026-04-14")]


def test_each_unit_gets_the_post_in_its_own_name_with_a_banner_to_attach() -> None:
    posts = {
        m.payload["unit_id"]: m
        for m in of_kind(messages_for_day(state(), date(2026, 3, 19)), "post")
    }
    assert {"van-phong", "phong-a", "phong-c"} <= set(posts)
    assert "người lao động Văn phòng Sở" in posts["van-phong"].text
    assert "người lao động Phòng C" in posts["phong-c"].text
    assert "Sở Thử nghiệm" not in posts["phong-c"].text  # not signed by the plan's issuer
    banner = posts["phong-c"].payload["banner"]
    assert banner["title"] == "Kỷ niệm 30 năm Ngày truyền thống Ngành Thử"
    assert (banner["unit"], banner["style"]) == ("Phòng C", "festive")


def test_a_plan_can_turn_the_banners_off() -> None:
    messages = messages_between(state(post_banners=False), date(2026, 3, 19), date(2026, 3, 19))
    posts = of_kind(messages, "post")
    assert posts and all("banner" not in m.payload for m in posts)


# --- timing -------------------------------------------------------------------------------


def test_messages_go_out_at_digest_time_and_expire_at_the_quiet_hours() -> None:
    day = date(2026, 3, 19)
    messages = messages_for_day(state(), day)
    assert {m.kind for m in messages} >= {"digest", "post"}
    for message in messages:
        assert message.not_before == local(day, 7, 30)
        assert message.expires_at == local(day, 21, 0)


@pytest.mark.parametrize(
    ("digest_time", "quiet", "sent", "expires"),
    [
        # Inside the morning quiet hours: moved to their end.
        (time(6, 0), (time(21, 0), time(7, 0)), (0, 7, 0), (0, 21, 0)),
        # Inside the evening part of a window spanning midnight: this morning's end,
        # so the day's digest never slides into the next day.
        (time(22, 30), (time(21, 0), time(7, 0)), (0, 7, 0), (0, 21, 0)),
        # No quiet hours: valid until midnight.
        (time(7, 30), None, (0, 7, 30), (1, 0, 0)),
        # A quiet window inside the day: moved to its end; the next window is tomorrow.
        (time(12, 30), (time(12, 0), time(13, 0)), (0, 13, 0), (1, 0, 0)),
        (time(9, 0), (time(12, 0), time(13, 0)), (0, 9, 0), (0, 12, 0)),
    ],
)
def test_quiet_hours_move_and_bound_the_send_window(
    digest_time: time,
    quiet: tuple[time, time] | None,
    sent: tuple[int, int, int],
    expires: tuple[int, int, int],
) -> None:
    day = date(2026, 3, 11)
    settings = Settings(digest_time=digest_time, quiet_hours=quiet, report_time=time(13, 30))
    plan = dataclasses.replace(PLAN, settings=settings)
    not_before, expires_at = send_window(plan, day)
    assert not_before == local(day + timedelta(days=sent[0]), sent[1], sent[2])
    assert expires_at == local(day + timedelta(days=expires[0]), expires[1], expires[2])
    assert not settings.in_quiet_hours(not_before.time())
    messages = [m for m in messages_for_day(state(plan), day) if m.kind == "digest"]
    assert messages
    for message in messages:
        assert (message.not_before, message.expires_at) == (not_before, expires_at)


def test_a_stale_digest_expires_before_the_next_one_which_lists_what_is_still_open() -> None:
    first = digests(messages_for_day(state(), date(2026, 3, 11)), "van-phong")[0]
    second = digests(messages_for_day(state(), date(2026, 3, 16)), "van-phong")[0]
    assert first.expires_at is not None and first.expires_at <= second.not_before
    assert REPORT in {e["key"] for e in second.payload["entries"]}


@pytest.mark.parametrize(
    ("now", "wake"),
    [
        ((3, 12, 6, 0), (3, 12, 7, 30)),
        ((3, 12, 7, 30), (3, 12, 8, 0)),  # the weekly report's moment
        ((3, 12, 8, 0), (3, 13, 7, 30)),
        ((3, 12, 23, 0), (3, 13, 7, 30)),
        ((12, 31, 8, 0), None),  # the next day is in the next year
    ],
)
def test_next_wakeup_is_the_next_send_moment(
    now: tuple[int, int, int, int], wake: tuple[int, int, int, int] | None
) -> None:
    month, day, hour, minute = now
    moment = local(date(2026, month, day), hour, minute)
    expected = (
        local(date(2026, wake[0], wake[1]), wake[2], wake[3])
        if wake
        else local(date(2027, 1, 1), 7, 30)
    )
    assert next_wakeup(state(), moment) == expected
    # The same instant written in UTC gives the same answer.
    assert next_wakeup(state(), moment.astimezone(datetime.now().astimezone().tzinfo)) == expected


# --- determinism --------------------------------------------------------------------------


def test_the_same_inputs_give_the_same_messages() -> None:
    first = messages_between(state(), date(2026, 3, 1), date(2026, 3, 31))
    second = messages_between(state(), date(2026, 3, 1), date(2026, 3, 31))
    assert first == second
    assert {m.key.split("/")[0] for m in first} == {"digest", "post", "alert", "weekly"}
    assert "digest/telegram:-1001/2026-03-16" in {m.key for m in first}


def test_a_day_alone_gives_the_same_messages_as_within_a_window() -> None:
    window = messages_between(state(), date(2026, 2, 1), date(2026, 6, 30))
    for day in (
        date(2026, 2, 13),
        date(2026, 3, 11),
        date(2026, 3, 12),
        date(2026, 3, 16),
        date(2026, 3, 25),
        date(2026, 6, 5),
        date(2026, 6, 29),
    ):
        alone = messages_for_day(state(), day)
        assert alone == [m for m in window if m.payload["date"] == day.isoformat()], day


def test_a_days_keys_do_not_change_when_the_cadence_moves_a_reminder() -> None:
    day = date(2026, 3, 5)  # the round-year item's 14-day reminder
    usual = messages_for_day(state(), day)
    later = messages_for_day(state(lead_days={"round10": (30, 15), "round5": (14,)}), day)
    earlier = messages_for_day(state(lead_days={"round10": (30, 14, 13)}), day)
    assert [m.key for m in usual] == [
        "digest/telegram:-1001/2026-03-05",
        *[m.key for m in usual[1:]],
    ]
    # Whatever a chat's digest holds that day, it is the one message with that key.
    keys = {m.key for m in usual} | {m.key for m in later} | {m.key for m in earlier}
    assert {key for key in keys if key.startswith("digest/telegram:-1001/")} == {
        "digest/telegram:-1001/2026-03-05"
    }


def test_an_empty_window_is_refused() -> None:
    with pytest.raises(ValueError):
        messages_between(state(), date(2026, 3, 2), date(2026, 3, 1))
