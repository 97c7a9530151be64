"""A digest's contacts become Telegram text mentions: offsets in UTF-16 code units
(emoji count two), relative to the part of a split message that holds them."""

from __future__ import annotations

from bot.channels.telegram_content import contact_mentions, plan_parts
from content.contacts import with_contacts

CONTACTS = [
    {"address": "telegram:701", "name": "Nguyễn Thị Lan 🌸"},
    {"address": "zalo:abc", "name": "Lê Bình"},
    {"address": "telegram:702", "name": "Trần Minh"},
]


def utf16_slice(text: str, offset: int, length: int) -> str:
    data = text.encode("utf-16-le")
    return data[offset * 2 : (offset + length) * 2].decode("utf-16-le")


def test_telegram_contacts_are_mentioned_by_user_id_at_their_utf16_place() -> None:
    text = with_contacts("🔔 NHẮC VIỆC — Phòng A\nThứ Hai\n\n📌 Hôm nay\n1. Báo cáo", CONTACTS)
    found = contact_mentions(text, {"contacts": CONTACTS})
    [part] = plan_parts(text, (), found=found)

    assert [(e.type, e.user.id) for e in part.entities] == [  # type: ignore[union-attr]
        ("text_mention", 701),
        ("text_mention", 702),
    ]
    names = [utf16_slice(part.text, e.offset, e.length) for e in part.entities]
    assert names == ["Nguyễn Thị Lan 🌸", "Trần Minh"]


def test_in_a_split_message_the_mentions_go_with_the_part_that_holds_the_names() -> None:
    head = with_contacts("🔔 Phòng A\nThứ Hai", CONTACTS)
    text = head + "\n\n" + "\n".join(f"{n}. Việc số {n} " + "x" * 60 for n in range(1, 200))
    parts = plan_parts(text, (), found=contact_mentions(text, {"contacts": CONTACTS}))

    assert len(parts) > 1
    assert [len(part.entities) for part in parts] == [2] + [0] * (len(parts) - 1)


def test_a_message_without_the_contacts_line_mentions_no_one() -> None:
    assert contact_mentions("Nguyễn Thị Lan 🌸, Lê Bình, Trần Minh", {"contacts": CONTACTS}) == []
    assert contact_mentions("👤 Đầu mối: Lan", {}) == []
