"""Contacts in what the planner sends: named in the unit's digests, and told in private
the first day an item of their unit is overdue."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

from content.clock import LOCAL_TZ
from content.due import DueMessage
from content.items import expand_items
from content.plan import Address, Contact
from content.plan_loader import parse_plan
from scheduler.planner import messages_between, messages_for_day
from scheduler.state import PlanState

PLAN = """
plan:
  id: p
  title: Kế hoạch thử nghiệm năm 2026
  year: 2026
units:
  - id: phong-a
    name: Phòng A
    channels: [zalo:nhoma]
    contacts:
      - {address: "telegram:701", name: Nguyễn Thị Lan}
      - {address: "zalo:lanzalo", name: Lê Văn Bình}
  - id: phong-b
    name: Phòng B
tasks:
  - id: bao-cao
    title: Báo cáo tháng 2
    owners: [phong-a, phong-b]
    due: 2026-03-02
"""


def state(**changes: object) -> PlanState:
    plan = parse_plan(PLAN)
    contacts = {unit.id: unit.contacts for unit in plan.units if unit.contacts}
    base = PlanState(
        plan=plan,
        items=list(expand_items(plan)),
        links={"phong-a": [Address("zalo", "nhoma")]},
        contacts=contacts,
        reachable=frozenset({"telegram:701"}),
    )
    return dataclasses.replace(base, **changes)


def private(messages: list[DueMessage]) -> list[DueMessage]:
    return [message for message in messages if message.kind == "contact"]


def test_a_contact_with_a_private_chat_hears_once_the_first_day_an_item_is_overdue() -> None:
    messages = messages_between(state(), date(2026, 3, 1), date(2026, 3, 6))
    [reminder] = private(messages)
    assert reminder.key == "contact-overdue/p/p/bao-cao/2026-03-02/phong-a/telegram:701"
    assert (reminder.channel, reminder.chat_id) == ("telegram", "701")
    assert reminder.not_before.date() == date(2026, 3, 3)
    assert reminder.text.startswith("⏰ Việc của Phòng A đã quá hạn (hạn 02/03):\nBáo cáo tháng 2")
    # The unit's chat is on Zalo: the hint says to quote the reminder there.
    assert "trả lời (trích dẫn) tin nhắc việc trong nhóm của đơn vị" in reminder.text
    on_telegram = state(links={"phong-a": [Address("telegram", "-9")]})
    [reminder] = private(messages_for_day(on_telegram, date(2026, 3, 3)))
    assert "bấm ✅ dưới tin nhắc việc" in reminder.text


def test_the_engine_of_the_first_overdue_day_alone_finds_the_reminder() -> None:
    assert len(private(messages_for_day(state(), date(2026, 3, 3)))) == 1
    assert private(messages_for_day(state(), date(2026, 3, 4))) == []


def test_no_private_message_when_the_plan_turns_them_off_or_the_item_is_done() -> None:
    quiet = state()
    settings = dataclasses.replace(quiet.plan.settings, contact_reminders=False)
    quiet = dataclasses.replace(quiet, plan=dataclasses.replace(quiet.plan, settings=settings))
    assert private(messages_for_day(quiet, date(2026, 3, 3))) == []
    key = next(item.key for item in state().items if item.unit_id == "phong-a")
    done = state(confirmed={key: datetime(2026, 3, 2, 9, tzinfo=LOCAL_TZ)})
    assert private(messages_for_day(done, date(2026, 3, 3))) == []


def test_a_contact_who_never_wrote_privately_is_not_written_to() -> None:
    assert private(messages_for_day(state(reachable=frozenset()), date(2026, 3, 3))) == []


def test_the_digest_names_the_contacts_under_its_date_and_lists_them_in_its_payload() -> None:
    [digest] = [m for m in messages_for_day(state(), date(2026, 3, 3)) if m.kind == "digest"]
    assert digest.text.splitlines()[2] == "👤 Đầu mối: Nguyễn Thị Lan, Lê Văn Bình"
    assert digest.payload["contacts"] == [
        {"address": "telegram:701", "name": "Nguyễn Thị Lan"},
        {"address": "zalo:lanzalo", "name": "Lê Văn Bình"},
    ]


def test_a_group_and_a_contact_that_chose_english_read_the_digest_and_reminder_in_english() -> None:
    chosen = state(chat_locales={"zalo:nhoma": "en", "telegram:701": "en"})
    messages = messages_for_day(chosen, date(2026, 3, 3))
    [digest] = [m for m in messages if m.kind == "digest"]
    assert digest.text.splitlines()[2] == "👤 Contacts: Nguyễn Thị Lan, Lê Văn Bình"
    assert "Đầu mối" not in digest.text
    [reminder] = private(messages)
    assert reminder.text.startswith("⏰ A task of Phòng A is overdue (due ")


def test_a_unit_without_contacts_gets_the_digest_as_before() -> None:
    plain = state(contacts={}, links={"phong-b": [Address("telegram", "-5")]})
    [digest] = [m for m in messages_for_day(plain, date(2026, 3, 3)) if m.kind == "digest"]
    assert "👤" not in digest.text
    assert "contacts" not in digest.payload


def test_contacts_are_read_from_the_plan() -> None:
    unit = parse_plan(PLAN).unit("phong-a")
    assert unit.contacts == (
        Contact(Address("telegram", "701"), "Nguyễn Thị Lan"),
        Contact(Address("zalo", "lanzalo"), "Lê Văn Bình"),
    )


def test_an_item_falling_overdue_on_a_day_off_is_told_the_next_working_day() -> None:
    friday = PLAN.replace("due: 2026-03-02", "due: 2026-03-06")
    plan = parse_plan(friday)
    weekend = state(plan=plan, items=list(expand_items(plan)))
    messages = messages_between(weekend, date(2026, 3, 6), date(2026, 3, 12))
    assert [m.not_before.date() for m in private(messages)] == [date(2026, 3, 9)]
    # Nor while the unit's chats are all paused: the chat's digest after the pause lists it.
    paused = dataclasses.replace(
        weekend, pauses={"zalo:nhoma": (date(2026, 3, 9), date(2026, 3, 10))}
    )
    later = messages_between(paused, date(2026, 3, 6), date(2026, 3, 12))
    assert private(later) == []
    resumed = [m for m in later if m.key == "digest/zalo:nhoma/2026-03-11"]
    assert resumed and "Báo cáo tháng 2" in resumed[0].text
