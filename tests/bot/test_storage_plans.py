"""Loading and reloading plans: what is kept, what the report says, which links change."""

from __future__ import annotations

from datetime import timedelta

from bot.storage.confirmations import active_confirmations, confirm
from bot.storage.db import Database
from bot.storage.links import deactivate_chat, link_chat, links_for_plan
from bot.storage.models import Confirmation, PlanRecord
from bot.storage.plans import REASON_CHAT_UNDECLARED, REASON_UNIT_REMOVED, stored_plan, stored_plans
from content.items import expand_items


def _item(plans, text, key_suffix):  # type: ignore[no-untyped-def]
    plan = plans.parse(text)
    return next(item for item in expand_items(plan) if item.key.endswith(key_suffix))


async def _confirm(database: Database, item, now) -> None:  # type: ignore[no-untyped-def]
    async with database.session() as session:
        await confirm(
            session,
            item,
            by="telegram:500",
            by_name="Nguyễn Văn An",
            channel="telegram",
            chat_id="-1001",
            evidence=["https://so.example.vn/tin-bai/1"],
            now=now,
        )


async def test_first_load_stores_the_plan_and_its_declared_chats(database, store, plans):
    report = await store(plans.v1)

    assert report.created
    assert "đơn vị “Phòng A” (phong-a)" in report.added
    assert "nhiệm vụ “Báo cáo kết quả năm 2026” (bao-cao)" in report.added
    assert "quản trị viên telegram:111" in report.added
    assert report.items_total == 16  # bao-cao 2 owners + 1 cooperating, 12 bulletins, 1 once
    assert report.links_added == ["van-phong → telegram:-1001", "phong-b → zalo:abc123"]
    assert report.lines()[0].startswith("Đã nạp mới kế hoạch ke-hoach-thu")
    async with database.session() as session:
        stored = await stored_plans(session)
        links = await links_for_plan(session, "ke-hoach-thu")
    assert [plan.id for plan in stored] == ["ke-hoach-thu"]
    assert [unit.name for unit in stored[0].units] == ["Văn phòng Sở", "Phòng A", "Phòng B"]
    assert {(link.unit_id, link.channel, link.chat_id, link.origin) for link in links} == {
        ("van-phong", "telegram", "-1001", "plan"),
        ("phong-b", "zalo", "abc123", "plan"),
    }


async def test_reload_reports_added_changed_removed_in_words(store, plans):
    await store(plans.v1)
    report = await store(plans.v2)

    assert not report.created
    assert set(report.added) == {
        "đơn vị “Phòng C” (phong-c)",
        "nhiệm vụ “Sơ kết 6 tháng” (so-ket)",
        "quản trị viên zalo:admin222",
    }
    assert set(report.removed) == {
        "đơn vị “Phòng B” (phong-b)",
        "nhiệm vụ “Xây dựng kế hoạch tuyên truyền” (ke-hoach)",
    }
    assert set(report.changed) == {
        "đơn vị phong-a: đổi tên “Phòng A” → “Phòng Tuyên truyền A”",
        "đơn vị phong-a: nhãn [phong] → [phong, tuyen-truyen]",
        "nhiệm vụ bao-cao: đổi hạn: hạn 15/11/2026 → hạn 10/11/2026",
        "nhiệm vụ bao-cao: đơn vị chủ trì thêm Phòng C; bỏ Phòng B",
        "nhiệm vụ ban-tin: đổi tên “Cập nhật Bản tin” → “Cập nhật Bản tin của Sở”",
    }
    # bao-cao's 3 items move to 10/11 and so-ket adds 2; ke-hoach's 1 goes.
    assert (report.items_added, report.items_removed, report.items_total) == (5, 4, 17)
    assert "  Số việc trong năm (chủ trì và phối hợp): 17 (+5 việc, −4 việc)" in report.lines()


async def test_reload_keeps_confirmations_of_items_that_still_exist(database, store, plans, now):
    await store(plans.v1)
    bulletin = _item(plans, plans.v1, "/ban-tin/2026-03-25/van-phong")
    report_a = _item(plans, plans.v1, "/bao-cao/2026-11-15/phong-a")
    report_b = _item(plans, plans.v1, "/bao-cao/2026-11-15/phong-b")
    for item in (bulletin, report_a, report_b):
        await _confirm(database, item, now)

    report = await store(plans.v2, now + timedelta(hours=1))

    # The bulletin only changed its title: same item, confirmation kept. The report
    # moved to 10/11 and Phòng B left: their items are gone, the rows are not.
    assert report.confirmations_kept == 1
    assert report.confirmations_orphaned == 2
    async with database.session() as session:
        assert set(await active_confirmations(session, "ke-hoach-thu")) == {
            bulletin.key,
            report_a.key,
            report_b.key,
        }
        kept = await session.get(Confirmation, bulletin.key)
    assert kept is not None and kept.confirmed_by_name == "Nguyễn Văn An"
    assert any("vẫn được lưu" in line and line.endswith(": 2") for line in report.lines())


async def test_orphaned_confirmations_count_again_when_their_items_come_back(
    database, store, plans, now
):
    await store(plans.v1)
    report_b = _item(plans, plans.v1, "/bao-cao/2026-11-15/phong-b")
    await _confirm(database, report_b, now)
    await store(plans.v2)

    back = await store(plans.v1)

    assert (back.confirmations_kept, back.confirmations_orphaned) == (1, 0)
    assert back.confirmations_restored == 1
    assert "đơn vị “Phòng B” (phong-b)" in back.added
    # Phòng B's chat, switched off when the unit left, is switched on again.
    assert "phong-b → zalo:abc123 (nối lại)" in back.links_added


async def test_links_of_a_removed_unit_are_deactivated_and_invite_links_survive(
    database, store, plans, now
):
    await store(plans.v1)
    async with database.session() as session:
        for unit_id, chat_id in (("phong-a", "-2001"), ("phong-b", "-2002")):
            await link_chat(
                session,
                plan_id="ke-hoach-thu",
                unit_id=unit_id,
                channel="telegram",
                chat_id=chat_id,
                chat_type="group",
                title=f"Nhóm {unit_id}",
                linked_by="telegram:500",
                now=now,
            )

    report = await store(plans.v2)

    assert set(report.links_deactivated) == {
        f"phong-b → zalo:abc123 ({REASON_UNIT_REMOVED})",
        f"phong-b → telegram:-2002 ({REASON_UNIT_REMOVED})",
    }
    async with database.session() as session:
        everything = await links_for_plan(session, "ke-hoach-thu", active_only=False)
    state = {(link.unit_id, link.chat_id): link for link in everything}
    assert state[("phong-a", "-2001")].active  # linked by invite: the plan does not own it
    assert state[("van-phong", "-1001")].active
    assert not state[("phong-b", "-2002")].active
    assert state[("phong-b", "-2002")].deactivated_reason == REASON_UNIT_REMOVED


async def test_a_chat_dropped_from_a_units_channels_stops_receiving(database, store, plans):
    await store(plans.v1)
    without_chat = plans.v1.replace("    channels: [telegram:-1001]\n", "")

    report = await store(without_chat)

    assert "đơn vị van-phong: nhóm chat bỏ telegram:-1001" in report.changed
    assert report.links_deactivated == [f"van-phong → telegram:-1001 ({REASON_CHAT_UNDECLARED})"]
    again = await store(plans.v1)
    assert again.links_added == ["van-phong → telegram:-1001"]


async def test_a_chat_that_removed_the_bot_is_not_switched_on_by_a_reload(
    database, store, plans, now
):
    await store(plans.v1)
    async with database.session() as session:
        await deactivate_chat(session, "telegram", "-1001", "bot bị xóa khỏi nhóm", now)

    report = await store(plans.v1)

    assert report.links_added == []
    assert report.unchanged
    async with database.session() as session:
        links = await links_for_plan(session, "ke-hoach-thu", active_only=False)
    van_phong = next(link for link in links if link.unit_id == "van-phong")
    assert not van_phong.active and van_phong.deactivated_reason == "bot bị xóa khỏi nhóm"


async def test_reloading_the_same_text_changes_nothing(database, store, plans):
    await store(plans.v1)
    report = await store(plans.v1)

    assert report.unchanged
    assert "  Không có thay đổi so với lần nạp trước." in report.lines()
    async with database.session() as session:
        assert len(await links_for_plan(session, "ke-hoach-thu", active_only=False)) == 2


async def test_stored_plans_are_parsed_once_per_text(database, store, plans):
    await store(plans.v1)
    await store(plans.second)
    async with database.session() as session:
        first = await stored_plans(session)
        second = await stored_plans(session)
        one = await stored_plan(session, "ke-hoach-khac")
        missing = await stored_plan(session, "khong-co")
    assert [plan.id for plan in first] == ["ke-hoach-khac", "ke-hoach-thu"]
    assert all(a is b for a, b in zip(first, second, strict=True))
    assert one is first[0]
    assert missing is None


async def test_a_stored_text_that_no_longer_validates_is_skipped(database, store, plans):
    await store(plans.v1)
    await store(plans.second)
    async with database.session() as session:
        record = await session.get(PlanRecord, "ke-hoach-khac")
        assert record is not None
        record.source_text = record.source_text.replace("year: 2026", "year: hai-nghin")
        record.digest = "edited-behind-loas-back"

    async with database.session() as session:
        assert [plan.id for plan in await stored_plans(session)] == ["ke-hoach-thu"]
        assert await stored_plan(session, "ke-hoach-khac") is None
