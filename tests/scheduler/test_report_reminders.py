"""Report deadlines: units and the office are reminded three working days before, each
with the report they owe (the dispatcher attaches the draft as the message goes out)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from content.clock import FixedClock
from content.plan import Address
from content.plan_loader import parse_plan
from content.working_days import is_working_day, working_days_before
from scheduler.delivery import FileUpload, Outgoing, PartHook
from scheduler.dispatcher import Dispatcher
from scheduler.planner import messages_between
from scheduler.state import PlanState

PLAN = parse_plan(
    """
plan:
  id: kh-bao-cao
  title: Kế hoạch tuyên truyền năm 2026
  year: 2026
settings:
  report_deadlines: {units: "10/11", office: ["25/11"]}
admins: [telegram:111, zalo:admin222]
units:
  - id: phong-a
    name: Phòng A
    channels: [telegram:-1001, zalo:zla]
  - id: phong-b
    name: Phòng B
tasks:
  - id: bao-cao
    title: Báo cáo năm
    owners: [phong-a, phong-b]
    due: 2026-11-10
""",
    "kh.yaml",
)
STATE = PlanState(
    plan=PLAN,
    items=(),
    links={"phong-a": [Address("telegram", "-1001"), Address("zalo", "zla")]},
    admins=PLAN.admins,
)


def reports(start: date, end: date) -> list[Any]:
    return [m for m in messages_between(STATE, start, end) if m.kind == "report"]


def test_working_days_skip_weekends_and_the_tet_break() -> None:
    assert working_days_before(date(2026, 11, 10), 3) == date(2026, 11, 5)  # Tue -> Thu
    assert not is_working_day(date(2026, 2, 17))  # Tết
    assert working_days_before(date(2026, 2, 23), 1) == date(2026, 2, 13)


def test_units_and_the_office_are_reminded_three_working_days_before_their_deadlines() -> None:
    sent = reports(date(2026, 10, 1), date(2026, 12, 31))

    by_day = {(m.not_before.date(), m.channel, m.chat_id) for m in sent}
    assert by_day == {
        (date(2026, 11, 5), "telegram", "-1001"),
        (date(2026, 11, 5), "zalo", "zla"),
        # 24/11 is Ngày Văn hóa Việt Nam, a day off: Mon 23, Fri 20, Thu 19.
        (date(2026, 11, 19), "telegram", "111"),
        (date(2026, 11, 19), "zalo", "admin222"),
    }
    unit = next(m for m in sent if m.chat_id == "-1001")
    assert unit.payload["report"] == {"plan_id": "kh-bao-cao", "unit_id": "phong-a"}
    assert "Phòng A gửi báo cáo" in unit.text and "Thứ Ba, ngày 10/11/2026" in unit.text
    assert "Kèm theo là dự thảo" in unit.text
    zalo = next(m for m in sent if m.chat_id == "zla")
    assert "/baocao qua Telegram" in zalo.text  # Zalo takes no file from Loa
    office = next(m for m in sent if m.chat_id == "111")
    assert office.payload["report"] == {"plan_id": "kh-bao-cao", "unit_id": None}
    assert len({m.key for m in sent}) == len(sent)


def test_a_chat_that_chose_english_is_reminded_in_english() -> None:
    state = replace(STATE, chat_locales={"zalo:zla": "en", "telegram:111": "en"})
    sent = [
        m
        for m in messages_between(state, date(2026, 10, 1), date(2026, 12, 31))
        if m.kind == "report"
    ]
    texts = {m.chat_id: m.text for m in sent}
    assert texts["zla"].startswith("📄 Report reminder:")
    assert "Tuesday, 10/11/2026" in texts["zla"]
    assert texts["111"].startswith("📄 Report reminder:")
    assert texts["-1001"].startswith("📄 Nhắc báo cáo:")  # the plan's language
    assert texts["admin222"].startswith("📄 Nhắc báo cáo:")


class Recording:
    name = "telegram"
    username = None

    def __init__(self) -> None:
        self.sent: list[Outgoing] = []

    async def deliver(self, message: Outgoing, on_part: PartHook | None = None) -> list[str]:
        self.sent.append(message)
        return [str(len(self.sent))]


async def test_the_dispatcher_attaches_the_draft_as_the_reminder_goes_out(database) -> None:
    from bot.storage import outbox

    [message] = [m for m in reports(date(2026, 11, 5), date(2026, 11, 5)) if m.chat_id == "-1001"]
    now = message.not_before + timedelta(minutes=1)
    async with database.session() as session:
        await outbox.enqueue(session, [message], now)
    asked: list[dict[str, Any]] = []

    async def attach(key: str, described: dict[str, Any], channel: str) -> FileUpload:
        assert (key, channel) == ("report", "telegram")
        asked.append(described)
        return FileUpload("bao-cao-phong-a.docx", b"draft")

    channel = Recording()
    dispatcher = Dispatcher(
        database,
        {"telegram": channel},
        FixedClock(now),
        "w",
        attach=attach,  # type: ignore[dict-item]
    )
    assert (await dispatcher.dispatch()).sent == 1
    assert asked == [{"plan_id": "kh-bao-cao", "unit_id": "phong-a"}]
    assert channel.sent[0].upload == FileUpload("bao-cao-phong-a.docx", b"draft")
