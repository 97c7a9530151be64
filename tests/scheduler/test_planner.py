"""The planner decides what each chat receives on each day, and when."""

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
    return [
        m
        for m in messages
        if m.kind == "digest"
        and m.payload["unit_id"] == unit
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


# --- when an item is listed ---------------------------------------------------------------


def test_an_owner_item_is_listed_on_its_lead_days_its_due_day_and_while_overdue() -> None:
    messages = messages_between(state(), date(2026, 2, 25), date(2026, 3, 14))
    listed = days_listing(digests(messages, "van-phong"), REPORT)
    assert listed == {
        date(2026, 3, 3): "upcoming",
        date(2026, 3, 7): "upcoming",
        date(2026, 3, 9): "upcoming",
        date(2026, 3, 10): "today",
        date(2026, 3, 11): "overdue",
        date(2026, 3, 12): "overdue",
        date(2026, 3, 13): "overdue",
        date(2026, 3, 14): "overdue",
    }


def test_the_digest_says_how_far_the_deadline_is() -> None:
    messages = messages_between(state(), date(2026, 3, 3), date(2026, 3, 12))
    texts = {m.payload["date"]: m.text for m in digests(messages, "van-phong")}
    assert "Báo cáo kết quả quý I năm 2026 — còn 7 ngày — hạn Thứ Ba, 10/03" in texts["2026-03-03"]
    assert "Báo cáo kết quả quý I năm 2026 — hạn hôm nay" in texts["2026-03-10"]
    assert "1. Báo cáo kết quả quý I năm 2026 — quá hạn 2 ngày (hạn 10/03)" in texts["2026-03-12"]
    assert texts["2026-03-12"].startswith("🔔 NHẮC VIỆC — Văn phòng Sở\nThứ Năm, ngày 12/03/2026\n")


def test_a_round_year_is_reminded_earlier_than_a_regular_one() -> None:
    messages = messages_between(state(), date(2026, 2, 1), date(2026, 4, 14))
    round_days = set(days_listing(messages, ROUND_POST))
    regular_days = set(days_listing(messages, REGULAR_POST))
    due_round, due_regular = date(2026, 3, 19), date(2026, 4, 14)
    assert {due_round - timedelta(days=n) for n in (30, 14, 7, 3, 1, 0)} <= round_days
    assert min(round_days) == date(2026, 2, 17)  # 30 days ahead
    assert regular_days == {due_regular - timedelta(days=n) for n in (7, 3, 1, 0)}


# --- one digest per unit and chat -----------------------------------------------------------


def test_each_chat_of_a_unit_gets_one_digest_a_day_listing_everything() -> None:
    messages = messages_between(state(), date(2026, 2, 15), date(2026, 4, 20))
    per_chat_day = Counter(
        (m.payload["unit_id"], m.chat_address, m.payload["date"])
        for m in messages
        if m.kind == "digest"
    )
    assert per_chat_day and max(per_chat_day.values()) == 1
    assert len({m.key for m in messages}) == len(messages)
    # Phòng A has a Zalo and a Telegram group: both get the same list.
    zalo = {m.payload["date"]: m for m in digests(messages, "phong-a", "zalo:zla")}
    telegram = {m.payload["date"]: m for m in digests(messages, "phong-a", "telegram:-1002")}
    assert zalo.keys() == telegram.keys()
    for day, message in zalo.items():
        assert message.payload["entries"] == telegram[day].payload["entries"]
    # 12/03: the overdue report and the upcoming anniversary post in one digest.
    (digest,) = [m for m in digests(messages, "van-phong") if m.payload["date"] == "2026-03-12"]
    assert [(e["n"], e["key"], e["section"]) for e in digest.payload["entries"]] == [
        (1, REPORT, "overdue"),
        (2, ROUND_POST, "upcoming"),
    ]


def test_the_digest_payload_has_the_documented_shape() -> None:
    (digest,) = digests(messages_for_day(state(), date(2026, 3, 12)), "van-phong")
    payload = digest.payload
    assert payload["plan_id"] == "test-plan"
    assert payload["unit_name"] == "Văn phòng Sở"
    assert payload["date"] == "2026-03-12"
    assert payload["channel"] == "telegram"
    assert payload["buttons"] == [[["✅ 1", "ok:1"], ["✅ 2", "ok:2"]]]
    assert payload["entries"][0] == {
        "n": 1,
        "key": REPORT,
        "task_id": "bao-cao",
        "title": "Báo cáo kết quả quý I năm 2026",
        "due": "2026-03-10",
        "section": "overdue",
        "days": -2,
    }
    assert digest.plan_id == "test-plan"
    assert (digest.channel, digest.chat_id) == ("telegram", "-1001")


def test_zalo_digests_have_no_buttons_and_say_to_quote_the_message() -> None:
    (digest,) = digests(messages_for_day(state(), date(2026, 3, 12)), "phong-a", "zalo:zla")
    assert "buttons" not in digest.payload
    assert "Trả lời (trích dẫn) tin này: xong 1" in digest.text


def test_a_long_overdue_list_shows_the_latest_and_counts_the_rest() -> None:
    (digest,) = digests(messages_for_day(state(), date(2026, 6, 25)), "phong-c")
    overdue = [e for e in digest.payload["entries"] if e["section"] == "overdue"]
    assert len(overdue) == MAX_OVERDUE_LISTED
    assert overdue[-1]["due"] == "2026-06-24"  # the most recent ones are listed
    assert [e["n"] for e in overdue] == list(range(1, MAX_OVERDUE_LISTED + 1))
    hidden = 24 - MAX_OVERDUE_LISTED  # due 01/06 to 24/06
    assert digest.payload["overdue_more"] == hidden
    # The counted ones are numbered after the 8 listed, oldest first, for "xong 9".
    assert len(digest.payload["more_keys"]) == hidden
    assert digest.payload["more_keys"][0].endswith("/2026-06-01/phong-c")
    assert f"… và {hidden} việc quá hạn khác (số 9 đến 27): xem bằng lệnh /nhiemvu" in (digest.text)
    assert "ok:9" not in str(digest.payload["buttons"])  # no button for what is not shown


# --- confirmations --------------------------------------------------------------------------


def test_confirmed_items_are_not_listed_from_the_day_they_were_confirmed() -> None:
    confirmed = {REPORT: local(date(2026, 3, 11), 9, 15)}
    messages = messages_between(state(confirmed=confirmed), date(2026, 3, 9), date(2026, 3, 20))
    listed = days_listing(digests(messages, "van-phong"), REPORT)
    assert listed == {date(2026, 3, 9): "upcoming", date(2026, 3, 10): "today"}
    escalated = {e["key"] for m in messages if m.kind == "escalation" for e in m.payload["entries"]}
    assert REPORT not in escalated
    assert REPORT_B in escalated  # Phòng B has not confirmed


def test_a_day_planned_after_a_confirmation_never_shows_the_item() -> None:
    confirmed = {REPORT: local(date(2026, 3, 3), 8, 0)}
    for message in messages_for_day(state(confirmed=confirmed), date(2026, 3, 3)):
        assert REPORT not in {e["key"] for e in message.payload.get("entries", [])}


# --- cooperating units -------------------------------------------------------------------


def test_cooperating_units_are_informed_not_chased() -> None:
    messages = messages_between(state(), date(2026, 3, 1), date(2026, 3, 16))
    coop = digests(messages, "phong-a", "telegram:-1002")
    listed = days_listing(coop, REPORT_COOP)
    assert listed == {
        date(2026, 3, 3): "cooperating",
        date(2026, 3, 7): "cooperating",
        date(2026, 3, 9): "cooperating",
        date(2026, 3, 10): "cooperating",
    }
    (on_due_day,) = [m for m in coop if m.payload["date"] == "2026-03-10"]
    (entry,) = [e for e in on_due_day.payload["entries"] if e["key"] == REPORT_COOP]
    assert entry["n"] is None
    assert entry["owners"] == ["Văn phòng Sở", "Phòng B"]
    assert "👥 Phối hợp (để biết)" in on_due_day.text
    assert "(chủ trì: Văn phòng Sở, Phòng B)" in on_due_day.text
    assert "ok:" not in str(on_due_day.payload.get("buttons", []))
    assert on_due_day.text.endswith("Tin này để biết, không cần xác nhận.")
    escalated = {e["key"] for m in messages if m.kind == "escalation" for e in m.payload["entries"]}
    assert REPORT_COOP not in escalated


# --- units without a chat -----------------------------------------------------------------


def test_units_without_a_chat_get_nothing_unless_simulated() -> None:
    messages = messages_between(state(), date(2026, 3, 1), date(2026, 3, 14))
    assert not digests(messages, "phong-b")
    simulated = messages_between(
        state(), date(2026, 3, 1), date(2026, 3, 14), include_unlinked=True
    )
    shown = digests(simulated, "phong-b")
    assert shown and all(m.channel == "" and m.chat_id == "" for m in shown)
    assert shown[0].key == "digest/test-plan/phong-b/unlinked/2026-03-03"
    assert "buttons" not in shown[0].payload
    # Linked units get exactly what they get without the simulation.
    linked = [m for m in simulated if m.channel]
    assert [m.key for m in linked] == [m.key for m in messages]


# --- suggested posts ----------------------------------------------------------------------


def test_owners_get_the_suggested_post_on_each_lead_day_and_the_anniversary() -> None:
    messages = messages_between(state(), date(2026, 2, 10), date(2026, 3, 25))
    posts = [
        m
        for m in messages
        if m.kind == "post"
        and m.payload["unit_id"] == "van-phong"
        and m.payload["anniversary"] == "ngay-thu"
    ]
    assert [p.payload["date"] for p in posts] == [
        "2026-02-17",
        "2026-03-05",
        "2026-03-12",
        "2026-03-16",
        "2026-03-18",
        "2026-03-19",
        "2026-03-20",  # the anniversary itself, the item still not confirmed
    ]
    post = posts[0]
    assert post.key == "post/test-plan/van-phong/telegram:-1001/ngay-thu-2026/2026-02-17"
    assert post.payload["items"] == [ROUND_POST]
    assert "KỶ NIỆM 30 NĂM NGÀY TRUYỀN THỐNG NGÀNH THỬ" in post.text  # round year: banner
    # Sent at the digest's moment, right after the digest of the same chat.
    index = messages.index(post)
    assert messages[index - 1].kind == "digest"
    assert messages[index - 1].chat_address == post.chat_address
    assert post.not_before == messages[index - 1].not_before


def test_no_more_posts_once_the_unit_confirmed() -> None:
    confirmed = {ROUND_POST: local(date(2026, 3, 16), 10, 0)}
    messages = messages_between(state(confirmed=confirmed), date(2026, 3, 16), date(2026, 3, 25))
    days = [
        m.payload["date"]
        for m in messages
        if m.kind == "post" and m.payload["unit_id"] == "van-phong"
    ]
    assert days == []


def test_a_cooperating_unit_gets_the_post_once_on_the_due_day() -> None:
    messages = messages_between(state(), date(2026, 2, 10), date(2026, 4, 20))
    days = [
        (m.payload["anniversary"], m.payload["date"])
        for m in messages
        if m.kind == "post" and m.payload["unit_id"] == "phong-c"
    ]
    assert days == [("ngay-thu", "2026-03-19"), ("ngay-hoi", "2026-04-14")]


def test_each_unit_gets_the_post_in_its_own_name_with_a_banner_to_attach() -> None:
    messages = messages_between(state(), date(2026, 3, 19), date(2026, 3, 19))
    posts = {m.payload["unit_id"]: m for m in messages if m.kind == "post"}
    assert {"van-phong", "phong-a", "phong-c"} <= set(posts)
    assert "người lao động Văn phòng Sở" in posts["van-phong"].text
    assert "người lao động Phòng C" in posts["phong-c"].text
    assert "Sở Thử nghiệm" not in posts["phong-c"].text  # not signed by the plan's issuer
    banner = posts["phong-c"].payload["banner"]
    assert banner["title"] == "Kỷ niệm 30 năm Ngày truyền thống Ngành Thử"
    assert (banner["unit"], banner["style"]) == ("Phòng C", "festive")


def test_a_plan_can_turn_the_banners_off() -> None:
    messages = messages_between(state(post_banners=False), date(2026, 3, 19), date(2026, 3, 19))
    posts = [m for m in messages if m.kind == "post"]
    assert posts and all("banner" not in m.payload for m in posts)


# --- escalation ---------------------------------------------------------------------------


def test_admins_are_told_of_items_overdue_for_escalate_after_days() -> None:
    assert not [m for m in messages_for_day(state(), date(2026, 3, 11)) if m.kind == "escalation"]
    escalations = [
        m for m in messages_for_day(state(), date(2026, 3, 12)) if m.kind == "escalation"
    ]
    assert [m.chat_address for m in escalations] == ["telegram:111", "zalo:adminzl"]
    assert escalations[0].key == "escalation/test-plan/telegram:111/2026-03-12"
    payload = escalations[0].payload
    assert [(e["unit_id"], e["key"], e["days"]) for e in payload["entries"]] == [
        ("van-phong", REPORT, -2),
        ("phong-b", REPORT_B, -2),
    ]
    text = escalations[0].text
    assert "Văn phòng Sở (1 việc)" in text
    assert "Phòng B (1 việc; chưa liên kết nhóm chat nên chưa nhận được nhắc việc)" in text
    assert "Báo cáo kết quả quý I năm 2026 — quá hạn 2 ngày (hạn 10/03)" in text


def test_a_later_escalate_after_days_waits_longer() -> None:
    later = state(escalate_after_days=5)
    assert not [m for m in messages_for_day(later, date(2026, 3, 14)) if m.kind == "escalation"]
    assert [m for m in messages_for_day(later, date(2026, 3, 15)) if m.kind == "escalation"]


# --- timing -------------------------------------------------------------------------------


def test_messages_go_out_at_digest_time_and_expire_at_the_quiet_hours() -> None:
    day = date(2026, 3, 12)
    for message in messages_for_day(state(), day):
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
    day = date(2026, 3, 12)
    settings = Settings(digest_time=digest_time, quiet_hours=quiet)
    plan = dataclasses.replace(PLAN, settings=settings)
    not_before, expires_at = send_window(plan, day)
    assert not_before == local(day + timedelta(days=sent[0]), sent[1], sent[2])
    assert expires_at == local(day + timedelta(days=expires[0]), expires[1], expires[2])
    assert not settings.in_quiet_hours(not_before.time())
    for message in messages_for_day(state(plan), day):
        assert (message.not_before, message.expires_at) == (not_before, expires_at)


def test_a_stale_digest_expires_before_the_next_one_which_lists_what_is_still_open() -> None:
    first = digests(messages_for_day(state(), date(2026, 3, 11)), "van-phong")[0]
    second = digests(messages_for_day(state(), date(2026, 3, 12)), "van-phong")[0]
    assert first.expires_at is not None and first.expires_at <= second.not_before
    assert REPORT in {e["key"] for e in second.payload["entries"]}


@pytest.mark.parametrize(
    ("now", "wake"),
    [
        ((3, 12, 6, 0), (3, 12, 7, 30)),
        ((3, 12, 7, 30), (3, 13, 7, 30)),
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
    assert {m.key.split("/")[0] for m in first} == {"digest", "post", "escalation"}
    assert "digest/test-plan/van-phong/telegram:-1001/2026-03-12" in {m.key for m in first}


def test_a_day_alone_gives_the_same_messages_as_within_a_window() -> None:
    window = messages_between(state(), date(2026, 3, 1), date(2026, 3, 31))
    for day in (date(2026, 3, 3), date(2026, 3, 12), date(2026, 3, 20)):
        alone = messages_for_day(state(), day)
        assert alone == [m for m in window if m.payload["date"] == day.isoformat()]


def test_an_empty_window_is_refused() -> None:
    with pytest.raises(ValueError):
        messages_between(state(), date(2026, 3, 2), date(2026, 3, 1))
