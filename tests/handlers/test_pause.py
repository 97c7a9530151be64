"""/tamdung N and /tieptuc: a unit pauses its own chat's reminders (the admins are told),
an admin pauses units' chats from a private chat; the planner sends nothing meanwhile."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.storage import erasures, privacy
from bot.storage.pauses import chat_pause
from tests.handlers.support import ADMIN_TG, DICH_VU_ZALO, KE_HOACH, VAN_PHONG, Loa, texts


async def _pause(loa: Loa, chat_id: str, channel: str = "telegram") -> tuple[date, date] | None:
    async with loa.database.session() as session:
        return await chat_pause(session, channel, chat_id)


async def test_a_unit_pauses_its_chat_and_the_admins_are_told(loa: Loa) -> None:
    replies = await loa.send("/tamdung 5")

    assert await _pause(loa, VAN_PHONG) == (date(2026, 2, 2), date(2026, 2, 6))
    text = texts(replies)
    assert "⏸ Tạm dừng nhắc việc ở nhóm này đến hết Thứ Sáu, ngày 06/02/2026." in text
    assert "gõ /tieptuc" in text
    notices = await loa.outbox_rows("notice")
    assert {row.chat_id for row in notices} == {ADMIN_TG, "6ede9afa66b88fe6d6a9"}
    assert "Văn phòng Sở tạm dừng nhắc việc" in notices[0].text
    assert await loa.deliver_digests([VAN_PHONG]) == {}  # nothing while paused
    assert await loa.deliver_digests([KE_HOACH])  # the other units go on


async def test_resuming_ends_the_pause_and_the_next_digest_lists_what_is_open(loa: Loa) -> None:
    await loa.send("/tamdung 5")
    loa.clock.advance(timedelta(days=2))

    replies = await loa.send("/tieptuc")

    assert "▶️ Loa nhắc việc lại ở nhóm này từ hôm nay" in texts(replies)
    assert await _pause(loa, VAN_PHONG) == (date(2026, 2, 2), date(2026, 2, 3))
    sent = await loa.deliver_digests([VAN_PHONG])
    assert sent  # Wednesday 04/02: the roll-up after the pause
    again = await loa.send("/tieptuc")
    assert "không bị tạm dừng" in texts(again)


@pytest.mark.parametrize("command", ["/tamdung", "/tamdung 0", "/tamdung 31", "/tamdung ba"])
async def test_a_pause_needs_a_number_of_days_from_1_to_30(loa: Loa, command: str) -> None:
    replies = await loa.send(command)

    assert "Cách dùng: /tamdung N" in texts(replies)
    assert await _pause(loa, VAN_PHONG) is None


async def test_an_admin_pauses_units_by_tag_from_a_private_chat(loa: Loa) -> None:
    private = {"chat_id": ADMIN_TG, "chat_type": "private", "user_id": ADMIN_TG}

    replies = await loa.send("/tamdung 3 tag:don-vi-su-nghiep", **private)

    assert "nhóm của Trung tâm Dịch vụ việc làm tỉnh Lào Cai" in texts(replies)
    assert await _pause(loa, DICH_VU_ZALO, "zalo") == (date(2026, 2, 2), date(2026, 2, 4))
    assert await _pause(loa, VAN_PHONG) is None
    assert await loa.outbox_rows("notice") == []  # the admin did it: nobody to tell
    unknown = await loa.send("/tamdung 3 phong-khong-co", **private)
    assert "Không có đơn vị phong-khong-co" in texts(unknown)


async def test_a_stranger_cannot_pause_anything(loa: Loa) -> None:
    elsewhere = await loa.send("/tamdung 3", chat_id="-1009999999999")
    assert "chưa liên kết với đơn vị nào" in texts(elsewhere)
    naming = await loa.send("/tamdung 3 van-phong")
    assert "Chỉ quản trị viên" in texts(naming)
    assert await _pause(loa, VAN_PHONG) is None


async def test_who_paused_a_chat_is_in_their_data_and_erased_with_it(loa: Loa) -> None:
    await loa.send("/tamdung 5")
    async with loa.database.session() as session:
        found = await privacy.find(session, privacy.Person("telegram", "501"))
        assert [row.paused_by for row in found.pauses] == ["telegram:501"]
        assert privacy.export(found, loa.clock.now())["chat_pauses"][0]["chat_id"] == VAN_PHONG
        await erasures.erase(session, found, {})
    async with loa.database.session() as session:
        again = await privacy.find(session, privacy.Person("telegram", "501"))
    assert again.pauses == []
    assert await _pause(loa, VAN_PHONG) == (date(2026, 2, 2), date(2026, 2, 6))  # still paused
