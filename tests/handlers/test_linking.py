"""Linking chats to units with one-time codes; the bot joining and leaving chats."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from bot.storage.links import links_for_chat
from bot.storage.models import Invite
from tests.handlers.support import (
    ADMIN_TG,
    ADMIN_ZALO,
    PLAN_ID,
    VAN_PHONG,
    Loa,
    texts,
)

NEW_GROUP = "-1005550001"
OTHER_GROUP = "-1005550002"


async def _invite(loa: Loa, unit: str = "thanh-tra") -> tuple[str, str]:
    replies = await loa.send(
        f"/lienket {unit}", chat_id=ADMIN_TG, chat_type="private", user_id=ADMIN_TG
    )
    text = texts(replies)
    code = re.search(r": ([a-z0-9]{12})\n", text)
    assert code is not None, text
    return code.group(1), text


async def _units(loa: Loa, chat_id: str, channel: str = "telegram") -> list[str]:
    async with loa.database.session() as session:
        return [link.unit_id for link in await links_for_chat(session, channel, chat_id)]


async def test_admin_gets_a_code_and_deep_link(loa: Loa) -> None:
    code, text = await _invite(loa)

    assert text.startswith("Mã liên kết cho đơn vị Thanh tra Sở")
    assert f"https://t.me/LoaNhacViecBot?startgroup={code}" in text
    assert f"/lienket {code}" in text
    async with loa.database.session() as session:
        invite = await session.get(Invite, code)
    assert invite is not None
    assert (invite.unit_id, invite.created_by) == ("thanh-tra", f"telegram:{ADMIN_TG}")


async def test_zalo_admin_gets_instructions_without_a_link(loa: Loa) -> None:
    replies = await loa.send(
        "/lienket thanh-tra",
        channel="zalo",
        chat_id=ADMIN_ZALO,
        chat_type="private",
        user_id=ADMIN_ZALO,
    )

    text = texts(replies)
    assert "t.me" not in text
    assert "nhắc tới Loa (@Loa) với nội dung: /lienket " in text


async def test_deep_link_start_links_the_group_once(loa: Loa) -> None:
    code, _ = await _invite(loa)

    replies = await loa.send(
        f"/start {code}", chat_id=NEW_GROUP, chat_title="Thanh tra Sở LĐTBXH", user_id="900"
    )

    assert await _units(loa, NEW_GROUP) == ["thanh-tra"]
    text = texts(replies)
    assert text.startswith(
        "✅ Đã liên kết nhóm «Thanh tra Sở LĐTBXH» với đơn vị Thanh tra Sở (Kế hoạch triển "
        "khai thực hiện công tác tuyên truyền năm 2026)."
    )
    assert "07:30" in text and "bấm nút ✅" in text
    # The admins hear about it in their private chats.
    notices = await loa.outbox_rows("notice")
    assert {row.chat_id for row in notices} == {ADMIN_TG, ADMIN_ZALO}
    assert notices[0].text == (
        f"🔗 Nhóm «Thanh tra Sở LĐTBXH» (telegram:{NEW_GROUP}) đã được liên kết với đơn vị "
        "Thanh tra Sở bởi Nguyễn Văn A."
    )
    assert loa.wakes

    # The same code in another group: refused, nothing linked.
    again = await loa.send(f"/lienket {code}", chat_id=OTHER_GROUP)
    assert "đã được dùng" in texts(again)
    assert await _units(loa, OTHER_GROUP) == []


async def test_private_chat_can_be_linked_for_personal_reminders(loa: Loa) -> None:
    code, _ = await _invite(loa, "phong-bao-tro-xa-hoi")

    replies = await loa.send(
        f"/lienket {code.upper()}",
        chat_id="42",
        chat_type="private",
        user_id="42",
        user_name="Lò Thị C",
    )

    assert await _units(loa, "42") == ["phong-bao-tro-xa-hoi"]
    assert "cuộc trò chuyện riêng với Lò Thị C" in texts(replies)


async def test_bad_codes_change_nothing(loa: Loa) -> None:
    unknown = await loa.send("/lienket khongcoma1234", chat_id=NEW_GROUP)
    assert texts(unknown).startswith("Mã liên kết không đúng")

    code, _ = await _invite(loa)
    loa.clock.advance(timedelta(days=8))
    expired = await loa.send(f"/lienket {code}", chat_id=NEW_GROUP)
    assert "đã hết hạn" in texts(expired)

    assert await _units(loa, NEW_GROUP) == []


async def test_non_admin_cannot_make_codes(loa: Loa) -> None:
    replies = await loa.send("/lienket thanh-tra", chat_id="42", chat_type="private", user_id="42")

    assert texts(replies).startswith("Mã liên kết không đúng")
    async with loa.database.session() as session:
        assert list((await session.exec(select(Invite))).scalars()) == []


async def test_lienket_without_argument_shows_the_links(loa: Loa) -> None:
    replies = await loa.send("/lienket")

    assert "Văn phòng Sở" in texts(replies)
    assert "/lienket MÃ" in texts(replies)


async def test_bot_added_without_code_greets(loa: Loa) -> None:
    replies = await loa.send(kind="member", member_status="member", chat_id=NEW_GROUP)

    assert "/lienket MÃ" in texts(replies)
    assert await _units(loa, NEW_GROUP) == []


async def test_bot_kicked_deactivates_and_tells_admins(loa: Loa) -> None:
    await loa.deliver_digests([VAN_PHONG])

    replies = await loa.send(
        kind="member", member_status="kicked", chat_id=VAN_PHONG, chat_title="VP Sở"
    )

    assert replies == []
    assert await _units(loa, VAN_PHONG) == []
    notices = await loa.outbox_rows("notice")
    assert sorted((row.channel, row.chat_id) for row in notices) == [
        ("telegram", ADMIN_TG),
        ("zalo", ADMIN_ZALO),
    ]
    assert all(
        row.text.startswith("⚠️ Bot đã bị xoá khỏi nhóm «VP Sở» của đơn vị Văn phòng Sở.")
        for row in notices
    )
    assert all(row.plan_id == PLAN_ID for row in notices)
    assert loa.wakes
    # The chat is gone: a confirmation from it is no longer accepted.
    assert "chưa liên kết" in texts(await loa.send("/xong 1"))


async def test_admin_links_a_group_directly_by_unit_id(loa: Loa) -> None:
    replies = await loa.send("/lienket thanh-tra", chat_id=NEW_GROUP, user_id=ADMIN_TG)

    assert await _units(loa, NEW_GROUP) == ["thanh-tra"]
    assert texts(replies).startswith("✅ Đã liên kết nhóm này với đơn vị Thanh tra Sở")
    # The same words from someone who is not an admin link nothing.
    refused = await loa.send("/lienket thanh-tra", chat_id=OTHER_GROUP)
    assert texts(refused).startswith("Mã liên kết không đúng")
    assert await _units(loa, OTHER_GROUP) == []


async def test_admins_read_of_a_chat_linked_elsewhere_in_words_that_fit_there(loa: Loa) -> None:
    code, _ = await _invite(loa, "phong-bao-tro-xa-hoi")
    # A Zalo group has no title in its events; a private chat is someone's own.
    await loa.send(f"/lienket {code}", channel="zalo", chat_id="a1b2c3d4e5f6a7b8c9d0")
    other, _ = await _invite(loa, "thanh-tra")
    await loa.send(
        f"/lienket {other}", chat_id="42", chat_type="private", user_id="42", user_name="Lò Thị C"
    )

    texts_sent = {row.text for row in await loa.outbox_rows("notice")}
    assert texts_sent == {
        "🔗 Một nhóm Zalo (zalo:a1b2c3d4e5f6a7b8c9d0) đã được liên kết với đơn vị Phòng Bảo "
        "trợ xã hội - Trẻ em - Bình đẳng giới bởi Nguyễn Văn A.",
        "🔗 Cuộc trò chuyện riêng của Lò Thị C (telegram:42) đã được liên kết với đơn vị "
        "Thanh tra Sở bởi Lò Thị C.",
    }
