"""/daumoi: staff name themselves their unit's contact (cán bộ đầu mối); an admin
removes one. The digest then names them, and a private chat makes them reachable."""

from __future__ import annotations

from bot.storage.contacts import unit_contacts
from scheduler.state import plan_state
from tests.handlers.support import (
    ADMIN_TG,
    DICH_VU_ZALO,
    PLAN_ID,
    STAFF,
    STAFF_NAME,
    VAN_PHONG,
    Loa,
    texts,
)


async def contacts_of(loa: Loa, unit_id: str) -> list[tuple[str, str]]:
    async with loa.database.session() as session:
        state = await plan_state(session, PLAN_ID)
        assert state is not None
        found = await unit_contacts(session, state.plan)
    return [(str(contact.address), contact.name) for contact in found.get(unit_id, ())]


async def test_a_staff_member_sending_daumoi_in_the_units_chat_becomes_its_contact(
    loa: Loa,
) -> None:
    text = texts(await loa.send("/daumoi"))

    assert text.startswith(f"✅ Đã ghi {STAFF_NAME} là cán bộ đầu mối.")
    assert f"👤 Đầu mối của Văn phòng Sở: {STAFF_NAME}" in text
    assert "nhắn riêng cho Loa" in text
    assert await contacts_of(loa, "van-phong") == [(f"telegram:{STAFF}", STAFF_NAME)]


async def test_the_next_digest_names_the_contact(loa: Loa) -> None:
    await loa.send("/contact")

    await loa.deliver_digests([VAN_PHONG])

    [digest] = await loa.outbox_rows("digest")
    assert digest.text.splitlines()[2] == f"👤 Đầu mối: {STAFF_NAME}"
    assert digest.payload["contacts"] == [{"address": f"telegram:{STAFF}", "name": STAFF_NAME}]


async def test_registering_twice_keeps_one_contact_with_the_newer_name(loa: Loa) -> None:
    await loa.send("/daumoi")
    await loa.send("/daumoi", user_name="Chị Hoa")

    assert await contacts_of(loa, "van-phong") == [(f"telegram:{STAFF}", "Chị Hoa")]


async def test_only_a_private_message_makes_a_contact_reachable(loa: Loa) -> None:
    await loa.send("/daumoi")
    async with loa.database.session() as session:
        state = await plan_state(session, PLAN_ID)
    assert state is not None and state.reachable == frozenset()

    await loa.send("chào Loa", chat_id=STAFF, chat_type="private")

    async with loa.database.session() as session:
        state = await plan_state(session, PLAN_ID)
    assert state is not None and state.reachable == {f"telegram:{STAFF}"}


async def test_a_contact_removes_themselves(loa: Loa) -> None:
    await loa.send("/daumoi")

    text = texts(await loa.send("/daumoi bo"))

    assert text.startswith(f"Đã bỏ telegram:{STAFF} khỏi danh sách đầu mối.")
    assert "Đầu mối của Văn phòng Sở: chưa có" in text
    assert await contacts_of(loa, "van-phong") == []


async def test_only_an_admin_removes_someone_else(loa: Loa) -> None:
    await loa.send("/daumoi")

    refused = texts(await loa.send(f"/daumoi bo telegram:{STAFF}", user_id="502"))
    assert refused == "Chỉ quản trị viên của kế hoạch mới bỏ được đầu mối khác."
    assert await contacts_of(loa, "van-phong") != []

    removed = texts(await loa.send(f"/daumoi bo telegram:{STAFF}", user_id=ADMIN_TG))
    assert removed.startswith(f"Đã bỏ telegram:{STAFF} khỏi danh sách đầu mối.")
    assert await contacts_of(loa, "van-phong") == []


async def test_a_malformed_address_or_a_stranger_is_answered_and_changes_nothing(
    loa: Loa,
) -> None:
    await loa.send("/daumoi")

    bad = texts(await loa.send("/daumoi bo viber:1", user_id=ADMIN_TG))
    assert bad == "Địa chỉ «viber:1» không đúng. Viết như: /daumoi bo telegram:123456789"
    nobody = texts(await loa.send("/daumoi bo telegram:999", user_id=ADMIN_TG))
    assert nobody == "telegram:999 không phải đầu mối của đơn vị ở đây."
    assert await contacts_of(loa, "van-phong") == [(f"telegram:{STAFF}", STAFF_NAME)]


async def test_daumoi_in_an_unlinked_chat_says_where_to_send_it(loa: Loa) -> None:
    text = texts(await loa.send("/daumoi", chat_id="42", chat_type="private", user_id="42"))
    assert text == "Gửi /daumoi trong nhóm của đơn vị: nơi này chưa liên kết với đơn vị nào."


async def test_on_zalo_the_hints_mention_the_bot(loa: Loa) -> None:
    text = texts(await loa.send("/daumoi gi", channel="zalo", chat_id=DICH_VU_ZALO))
    assert text == (
        "Gửi @Loa /daumoi để ghi mình là cán bộ đầu mối của đơn vị, @Loa /daumoi bo để thôi."
    )


async def test_progress_names_the_units_contacts(loa: Loa) -> None:
    await loa.send("/daumoi")

    text = texts(await loa.send("/tiendo"))

    assert text.splitlines()[2] == f"👤 Đầu mối: {STAFF_NAME}"
