"""The language of a chat: /ngonngu (/language), the plan's settings.language, and every
message to that chat (replies, digests, notices) written in it."""

from __future__ import annotations

from bot.storage.chat_settings import chat_language
from bot.storage.plans import save_plan
from content.plan_loader import parse_plan
from tests.handlers.support import (
    ADMIN_TG,
    ADMIN_ZALO,
    KE_HOACH,
    NOW,
    SAMPLE_PLAN,
    VAN_PHONG,
    Loa,
    texts,
)

NEW_GROUP = "-100555"


async def stored_language(loa: Loa, chat_id: str, channel: str = "telegram") -> str | None:
    async with loa.database.session() as session:
        return await chat_language(session, channel, chat_id)


async def digest_texts(loa: Loa) -> dict[str, str]:
    await loa.deliver_digests()
    return {row.chat_id: row.text for row in await loa.outbox_rows("digest")}


async def test_without_a_choice_the_chat_is_told_its_language_and_how_to_change_it(
    loa: Loa,
) -> None:
    text = texts(await loa.send("/ngonngu", chat_id=VAN_PHONG))
    assert text == (
        "Loa đang viết cho cuộc trò chuyện này bằng Tiếng Việt. Đổi ngôn ngữ: "
        "/ngonngu vi (Tiếng Việt), /ngonngu en (English)."
    )


async def test_choosing_english_answers_in_english_from_that_message_on(loa: Loa) -> None:
    chosen = texts(await loa.send("/ngonngu en", chat_id=VAN_PHONG))
    assert chosen.startswith("From now on Loa writes to this chat in English")
    assert await stored_language(loa, VAN_PHONG) == "en"

    help_text = texts(await loa.send("/huongdan", chat_id=VAN_PHONG))
    assert "/tasks — your unit's open items" in help_text
    # Another chat of the same plan keeps Vietnamese.
    other = texts(await loa.send("/huongdan", chat_id=KE_HOACH))
    assert "/nhiemvu — việc đang mở của đơn vị" in other


async def test_a_chats_digest_is_written_in_its_language_and_the_others_are_not(
    loa: Loa,
) -> None:
    await loa.send("/language english", chat_id=VAN_PHONG)
    digests = await digest_texts(loa)
    assert "Monday, 02/02/2026" in digests[VAN_PHONG]
    assert "Thứ Hai, ngày 02/02/2026" in digests[KE_HOACH]


async def test_names_of_languages_work_in_either_language(loa: Loa) -> None:
    for asked, code in (("Tiếng Anh", "en"), ("tieng viet", "vi"), ("ENGLISH", "en")):
        await loa.send(f"/ngonngu {asked}", chat_id=VAN_PHONG)
        assert await stored_language(loa, VAN_PHONG) == code, asked


async def test_an_unknown_language_changes_nothing_and_lists_the_choices(loa: Loa) -> None:
    text = texts(await loa.send("/ngonngu klingon", chat_id=VAN_PHONG))
    assert text == (
        "Loa chưa có ngôn ngữ «klingon». Chọn một trong: "
        "/ngonngu vi (Tiếng Việt), /ngonngu en (English)."
    )
    assert await stored_language(loa, VAN_PHONG) is None


async def test_a_plan_in_english_writes_to_its_chats_in_english_unless_one_chose(
    loa: Loa,
) -> None:
    text = SAMPLE_PLAN.read_text(encoding="utf-8") + "\nsettings:\n  language: en\n"
    async with loa.database.session() as session:
        await save_plan(session, parse_plan(text, str(SAMPLE_PLAN)), text, NOW)
    await loa.send("/ngonngu vi", chat_id=KE_HOACH)

    digests = await digest_texts(loa)
    assert "Monday, 02/02/2026" in digests[VAN_PHONG]
    assert "Thứ Hai, ngày 02/02/2026" in digests[KE_HOACH]
    assert "/tasks" in texts(await loa.send("/huongdan", chat_id=VAN_PHONG))
    assert "/nhiemvu" in texts(await loa.send("/huongdan", chat_id=KE_HOACH))
    # An admin's private chat takes the language of the plan they run.
    admin = texts(
        await loa.send("/ngonngu", chat_id=ADMIN_TG, chat_type="private", user_id=ADMIN_TG)
    )
    assert admin.startswith("Loa writes to this chat in English.")


async def test_each_admin_is_told_in_the_language_of_their_own_chat(loa: Loa) -> None:
    await loa.send("/ngonngu en", chat_id=ADMIN_TG, chat_type="private", user_id=ADMIN_TG)
    await loa.send(kind="member", member_status="kicked", chat_id=VAN_PHONG, chat_title="VP Sở")
    notices = {row.chat_id: row.text for row in await loa.outbox_rows("notice")}
    assert notices[ADMIN_TG].startswith("⚠️ The bot was removed from the group “VP Sở”")
    assert notices[ADMIN_ZALO].startswith("⚠️ Bot đã bị xoá khỏi nhóm «VP Sở»")


async def test_a_choice_is_the_chats_not_the_persons(loa: Loa) -> None:
    await loa.send("/ngonngu en", chat_id=NEW_GROUP, user_id="42")
    assert await stored_language(loa, NEW_GROUP) == "en"
    assert await stored_language(loa, "42") is None
