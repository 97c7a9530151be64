"""Channel-aware guidance: where a group hears only messages that mention the bot
(Zalo, traits.group_commands == "mention"), Loa never tells people to type a bare
command there; it says "@Loa /nhiemvu" or to quote its message."""

from __future__ import annotations

import re

from content.digest import render_digest
from tests.handlers.support import ADMIN_TG, DICH_VU_ZALO, VAN_PHONG, Loa, texts

# A command as typed, "/nhiemvu", not preceded by the mention that makes Zalo deliver it.
BARE_COMMAND = re.compile(r"(?<!@Loa )(?<![\w/])/[a-z]+")
ZALO_GROUP = {"channel": "zalo", "chat_id": DICH_VU_ZALO}


def bare_commands(text: str) -> list[str]:
    return BARE_COMMAND.findall(text)


async def test_help_in_a_zalo_group_shows_every_command_with_the_mention(loa: Loa) -> None:
    text = texts(await loa.send("/huongdan", **ZALO_GROUP))

    assert "@Loa /nhiemvu — việc đang mở của đơn vị" in text
    assert "@Loa /daumoi — ghi mình là cán bộ đầu mối" in text
    assert "gõ @Loa /hoantac 2" in text
    assert bare_commands(text) == []


async def test_help_on_telegram_keeps_the_bare_commands(loa: Loa) -> None:
    text = texts(await loa.send("/huongdan", chat_id=VAN_PHONG))

    assert "\n/nhiemvu — việc đang mở của đơn vị" in text
    assert "@Loa" not in text


async def test_answers_to_zalo_group_commands_suggest_nothing_zalo_drops(loa: Loa) -> None:
    # As the Zalo adapter hands them on: "@Loa /xong abc" arrives as the command /xong.
    for command in ("/xong abc", "/hoantac abc", "/lenhkhongco", "/daumoi gi", "/start"):
        text = texts(await loa.send(command, quotes_bot=True, **ZALO_GROUP))
        assert text, command
        assert bare_commands(text) == [], (command, text)


async def test_a_zalo_group_linked_by_code_is_told_how_to_ask_for_its_list(loa: Loa) -> None:
    code = texts(
        await loa.send(
            "/lienket trung-tam-dich-vu-viec-lam",
            chat_id=ADMIN_TG,
            chat_type="private",
            user_id=ADMIN_TG,
        )
    )
    found = re.search(r"/lienket ([a-z0-9]{12})", code)
    assert found, code

    text = texts(await loa.send(f"/lienket {found[1]}", channel="zalo", chat_id="zalonhom2"))

    assert "Gõ @Loa /nhiemvu để xem việc đang mở, @Loa /huongdan để xem hướng dẫn." in text
    assert bare_commands(text) == []


def test_a_zalo_digest_that_counts_overdue_items_points_at_the_list_with_the_mention() -> None:
    payload = {
        "plan_id": "p",
        "unit_id": "u",
        "unit_name": "Phòng A",
        "date": "2026-02-02",
        "channel": "zalo",
        "overdue_more": 2,
        "more_keys": ["a", "b"],
        "entries": [
            {
                "n": 1,
                "key": "k",
                "task_id": "t",
                "title": "Báo cáo",
                "due": "2026-01-30",
                "section": "overdue",
                "days": -3,
            }
        ],
    }
    text = render_digest(payload, "zalo")  # type: ignore[arg-type]

    assert "… và 2 việc quá hạn khác (số 2 và 3): xem bằng lệnh @Loa /nhiemvu" in text
    assert bare_commands(text) == []
