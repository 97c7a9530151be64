"""A person's data: their export holds what Loa keeps about them; after erasure no
table holds their name or id while the units' progress stays as it was; the daily
housekeeping removes expired raw updates without breaking exactly-once handling."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlmodel import SQLModel

from bot.storage import erasures, outbox, privacy, updates
from bot.storage.chat_settings import set_chat_language
from bot.storage.confirmations import active_confirmations
from bot.storage.db import open_database
from bot.storage.links import link_chat
from bot.storage.models import Confirmation, InboundEvent, OutboxMessage
from bot.storage.plan_cache import stored_plan
from bot.storage.plans import save_plan
from content.due import DueMessage
from content.plan_loader import PlanError, parse_plan
from scheduler.housekeeping import Retention, clean
from scheduler.progress import progress_rows
from scheduler.state import plan_state
from tests.handlers.support import (
    ADMIN_TG,
    BULLETIN_VP,
    PLAN_ID,
    SAMPLE_PLAN,
    STAFF,
    STAFF_NAME,
    VAN_PHONG,
    Loa,
    texts,
)

ADDRESS = f"telegram:{STAFF}"
PRIVATE = {"chat_id": STAFF, "chat_type": "private"}
ADMIN_PRIVATE = {"chat_id": ADMIN_TG, "chat_type": "private", "user_id": ADMIN_TG}
# What Telegram sent when the staff member replied: their id and name are in it.
UPDATE = {
    "update_id": 7001,
    "message": {
        "message_id": 55,
        "from": {"id": int(STAFF), "is_bot": False, "first_name": "Nguyễn Văn", "last_name": "A"},
        "chat": {"id": int(VAN_PHONG), "type": "supergroup", "title": "Văn phòng Sở"},
        "text": "xong 1",
    },
}


async def _a_person_with_history(loa: Loa) -> None:
    """The staff member named themselves their unit's contact (so digests mention
    them), confirmed item 1 with a link and a photo, their update was stored, they
    linked their private chat (and chose its language), and Loa answered them by name."""
    await loa.send("/daumoi")
    sent = await loa.deliver_digests()
    await loa.send(
        "xong 1 https://so.example.vn/bai-1",
        reply_to_message_id=sent[VAN_PHONG],
        quotes_bot=True,
        evidence=("https://so.example.vn/bai-1", "telegram-photo:AgADphoto"),
    )
    now = loa.clock.now()
    await updates.record(loa.database, "telegram", "7001", UPDATE, now)
    async with loa.database.session() as session:
        await link_chat(
            session,
            plan_id=PLAN_ID,
            unit_id="van-phong",
            channel="telegram",
            chat_id=STAFF,
            chat_type="private",
            title=STAFF_NAME,
            linked_by=ADDRESS,
            now=now,
        )
        await set_chat_language(session, "telegram", STAFF, "vi", now)
        await outbox.enqueue(
            session,
            [
                DueMessage(
                    key="reply/7001",
                    channel="telegram",
                    chat_id=VAN_PHONG,
                    kind="notice",
                    text=f"✅ Đã ghi nhận việc 1 — {STAFF_NAME}, 08:12",
                    not_before=now,
                )
            ],
            now,
        )


async def _everything_stored(loa: Loa) -> str:
    """Every row of every table, as text."""
    dump = []
    async with loa.database.session() as session:
        for table in SQLModel.metadata.sorted_tables:
            for row in await session.exec(select(table)):
                dump.append(repr(tuple(row)))
    return "\n".join(dump)


async def _digest_payloads(loa: Loa) -> list[object]:
    async with loa.database.session() as session:
        rows = await session.exec(
            select(OutboxMessage.payload).where(OutboxMessage.kind == "digest")
        )
        return list(rows)


async def _progress(loa: Loa) -> list[tuple[str, str]]:
    async with loa.database.session() as session:
        state = await plan_state(session, PLAN_ID)
        confirmations = await active_confirmations(session, PLAN_ID)
    assert state is not None
    rows = progress_rows(state, confirmations, loa.clock.now().date())
    return [(row.item_key, row.status) for row in rows]


async def test_a_person_gets_their_own_data_privately_as_a_file(loa: Loa) -> None:
    await _a_person_with_history(loa)

    [reply] = await loa.send("/dulieucuatoi", **PRIVATE)

    assert reply.file is not None and reply.file.name == "du-lieu-cua-toi.json"
    exported = json.loads(reply.file.data)
    assert exported["address"] == ADDRESS
    assert STAFF_NAME in exported["names"]
    [confirmation] = exported["confirmations"]
    assert confirmation["item_key"] == BULLETIN_VP
    assert confirmation["evidence"] == ["https://so.example.vn/bai-1", "telegram-photo:AgADphoto"]
    assert [row["event_key"] for row in exported["messages_received"]] == ["7001"]
    assert [row["chat_type"] for row in exported["chat_links"]] == ["private"]
    assert "Việc đã báo xong: 1" in reply.text


async def test_in_a_group_my_data_is_never_shown(loa: Loa) -> None:
    await _a_person_with_history(loa)

    replies = await loa.send("/dulieucuatoi")

    assert [reply.file for reply in replies] == [None]
    assert "trò chuyện riêng" in texts(replies)
    assert STAFF_NAME not in texts(replies)


async def test_after_erasure_no_table_holds_their_name_or_id_and_progress_is_unchanged(
    loa: Loa,
) -> None:
    await _a_person_with_history(loa)
    before = await _progress(loa)

    [ask] = await loa.send(f"/xoadulieu {ADDRESS}", **ADMIN_PRIVATE)
    code = re.search(r"/xoadulieu \S+ (\d{6})", ask.text)
    assert code is not None, ask.text
    [wrong] = await loa.send(f"/xoadulieu {ADDRESS} 000000", **ADMIN_PRIVATE)
    assert "không đúng" in wrong.text
    assert STAFF_NAME in await _everything_stored(loa)
    assert ADDRESS in str(await _digest_payloads(loa))  # the digest mentions its contact
    [done] = await loa.send(f"/xoadulieu {ADDRESS} {code.group(1)}", **ADMIN_PRIVATE)

    assert done.text.startswith("🗑 Đã xoá hoặc ẩn danh dữ liệu của telegram:501")
    stored = await _everything_stored(loa)
    assert ADDRESS not in stored
    assert STAFF_NAME not in stored and "Nguyễn Văn" not in stored
    assert "AgADphoto" not in stored
    assert not re.search(rf"(?<![0-9]){STAFF}(?![0-9])", stored)
    assert await _progress(loa) == before
    [confirmation] = await loa.confirmations()
    assert confirmation.confirmed_by_name == "một cán bộ của Văn phòng Sở"
    assert confirmation.evidence == ["https://so.example.vn/bai-1"]


async def test_only_an_admin_in_a_private_chat_can_erase(loa: Loa) -> None:
    await _a_person_with_history(loa)

    in_group = await loa.send(f"/xoadulieu {ADDRESS}", user_id=ADMIN_TG)
    by_staff = await loa.send(f"/xoadulieu {ADDRESS}", **PRIVATE)

    assert all("Chỉ quản trị viên" in texts(replies) for replies in (in_group, by_staff))
    assert STAFF_NAME in await _everything_stored(loa)


async def test_an_erased_person_who_writes_again_is_a_new_person(loa: Loa) -> None:
    await _a_person_with_history(loa)
    async with loa.database.session() as session:
        found = await privacy.find(session, privacy.Person("telegram", STAFF))
        await erasures.erase(session, found, {(PLAN_ID, "van-phong"): "Văn phòng Sở"})
        await erasures.log_erasure(
            session, privacy.Person("telegram", STAFF), loa.clock.now(), "cli", {}
        )
    loa.clock.advance(timedelta(minutes=5))
    sent = await loa.deliver_digests([VAN_PHONG])

    replies = await loa.send("xong 2", reply_to_message_id=sent[VAN_PHONG], quotes_bot=True)

    assert "việc 2" in texts(replies)
    by_them = [row for row in await loa.confirmations() if row.confirmed_by == ADDRESS]
    assert [row.confirmed_by_name for row in by_them] == [STAFF_NAME]
    # A restored older backup is erased again, but what they did since is kept.
    async with loa.database.session() as session:
        session.add(
            Confirmation(
                item_key=f"{PLAN_ID}/restored/van-phong",
                plan_id=PLAN_ID,
                unit_id="van-phong",
                task_id="restored",
                confirmed_at=loa.clock.now() - timedelta(days=1),
                confirmed_by=ADDRESS,
                confirmed_by_name=STAFF_NAME,
                channel="telegram",
                chat_id=VAN_PHONG,
            )
        )
    async with loa.database.session() as session:
        [(person, _when)] = await erasures.erasures_to_reapply(session)
        found = await privacy.find(session, person, before=_when)
        assert [row.task_id for row in found.confirmations] == ["restored"]
        await erasures.erase(session, found, {(PLAN_ID, "van-phong"): "Văn phòng Sở"})
    names = {row.task_id: row.confirmed_by_name for row in await loa.confirmations()}
    assert names["restored"] == "một cán bộ của Văn phòng Sở"
    assert STAFF_NAME in names.values()


async def test_housekeeping_removes_expired_raw_updates_and_keeps_exactly_once(loa: Loa) -> None:
    old = loa.clock.now() - timedelta(days=31)
    await updates.record(loa.database, "telegram", "1", UPDATE, old)
    await updates.record(loa.database, "telegram", "2", UPDATE, loa.clock.now())
    async with loa.database.session() as session:
        for row in (await session.exec(select(InboundEvent))).scalars():
            row.processed_at = row.received_at

    removed = await clean(loa.database, loa.clock.now(), Retention())
    again = await clean(loa.database, loa.clock.now(), Retention())

    assert removed["updates"] == 1 and again["updates"] == 0
    async with loa.database.session() as session:
        kept = list((await session.exec(select(InboundEvent.event_key))).scalars())
    assert kept == ["2"]
    # The update still within retention is still recognised when delivered again.
    assert await updates.record(loa.database, "telegram", "2", UPDATE, loa.clock.now()) is None


async def test_an_agency_that_keeps_raw_updates_a_week_has_them_removed_after_a_week(
    loa: Loa,
) -> None:
    ten_days_ago = loa.clock.now() - timedelta(days=10)
    await updates.record(loa.database, "telegram", "1", UPDATE, ten_days_ago)
    async with loa.database.session() as session:
        for row in (await session.exec(select(InboundEvent))).scalars():
            row.processed_at = row.received_at

    by_default = await clean(loa.database, loa.clock.now(), Retention())
    a_week = await clean(loa.database, loa.clock.now(), Retention(updates_days=7))

    assert (by_default["updates"], a_week["updates"]) == (0, 1)


async def test_housekeeping_anonymises_confirmations_a_year_after_the_plan_ends(
    loa: Loa,
) -> None:
    await _a_person_with_history(loa)
    async with loa.database.session() as session:
        plan = await stored_plan(session, PLAN_ID)
    assert plan is not None
    within = loa.clock.now().replace(year=2027, month=12, day=30)
    after = loa.clock.now().replace(year=2028, month=1, day=2)

    kept = await clean(loa.database, within, Retention())
    anonymised = await clean(loa.database, after, Retention())

    assert kept["confirmations_anonymised"] == 0
    assert anonymised["confirmations_anonymised"] == 1
    [confirmation] = await loa.confirmations()
    assert confirmation.confirmed_by == "" and confirmation.confirmed_by_name.startswith(
        "một cán bộ"
    )
    async with loa.database.session() as session:
        left = list((await session.exec(select(OutboxMessage.status))).scalars())
    # Delivered messages go after 90 days; one never sent is the dispatcher's to settle.
    assert left == ["pending"]


async def test_sqlite_overwrites_what_is_deleted(tmp_path: Path) -> None:
    database = await open_database(f"sqlite:///{tmp_path / 'loa.db'}")
    try:
        async with database.session() as session:
            setting = await session.exec(text("PRAGMA secure_delete"))
            assert setting.scalar_one() == 1
    finally:
        await database.close()


AGENCY = """
privacy:
  controller: Sở Lao động - Thương binh và Xã hội tỉnh Lào Cai
  contact: Văn phòng Sở, phòng 204
  note: Dữ liệu chỉ dùng để tổng hợp kết quả kế hoạch tuyên truyền.
"""


async def test_the_notice_gives_the_kept_periods_and_the_agencys_own_words(loa: Loa) -> None:
    text_with_agency = SAMPLE_PLAN.read_text(encoding="utf-8") + AGENCY
    async with loa.database.session() as session:
        await save_plan(session, parse_plan(text_with_agency), text_with_agency, loa.clock.now())
    loa.ctx.retention = Retention(updates_days=14, outbox_days=60)

    in_the_group = texts(await loa.send("/baomat"))
    in_private = texts(await loa.send("/baomat", **PRIVATE))

    assert in_the_group == in_private  # a private chat hears the agency running Loa too
    assert in_the_group.startswith("🔒 Loa lưu những gì về bạn")
    assert "giữ 14 ngày để không xử lý trùng" in in_the_group
    assert "Tin Loa đã gửi: giữ 60 ngày" in in_the_group
    assert "tới 365 ngày sau khi kế hoạch kết thúc" in in_the_group
    assert "Cơ quan chịu trách nhiệm: Sở Lao động - Thương binh và Xã hội tỉnh Lào Cai" in (
        in_the_group
    )
    assert "Hỏi về dữ liệu của bạn: Văn phòng Sở, phòng 204" in in_the_group
    assert in_the_group.endswith("Dữ liệu chỉ dùng để tổng hợp kết quả kế hoạch tuyên truyền.")


async def test_without_a_privacy_section_the_notice_is_loas_alone(loa: Loa) -> None:
    notice = texts(await loa.send("/baomat"))

    assert "giữ 30 ngày để không xử lý trùng" in notice
    assert "Cơ quan chịu trách nhiệm" not in notice


def test_an_over_long_or_unknown_privacy_entry_is_refused_with_its_line() -> None:
    plan_text = SAMPLE_PLAN.read_text(encoding="utf-8")
    lines = plan_text.count("\n")
    bad = f"\nprivacy:\n  controller: {'Sở ' * 120}\n  hotline: 0214\n"

    with pytest.raises(PlanError) as error:
        parse_plan(plan_text + bad, source_name="ke-hoach.yaml")

    shown = [str(problem) for problem in error.value.problems]
    assert any(
        f"ke-hoach.yaml:{lines + 3}:" in line
        and "privacy, controller: dài 359 ký tự, tối đa 300" in line
        for line in shown
    ), shown
    assert any(f"ke-hoach.yaml:{lines + 4}:" in line and "hotline" in line for line in shown), shown
