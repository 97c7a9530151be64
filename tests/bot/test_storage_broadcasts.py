"""Broadcasts: drafts, the items they create when units must confirm, delivery reports."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from bot.storage import outbox
from bot.storage.broadcasts import (
    broadcast_items,
    create_broadcast,
    delivery_report,
    get_broadcast,
    mark_broadcast_sent,
)
from bot.storage.models import OutboxMessage
from content.due import DueMessage

PLAN = "ke-hoach-thu"
LONG_TEXT = (
    "Đề nghị các đơn vị chia sẻ bài viết kỷ niệm 96 năm Ngày thành lập Đảng Cộng sản Việt Nam "
    "trên trang của đơn vị\nNội dung chi tiết ở tệp đính kèm."
)


async def _broadcast(session, now, **changes):  # type: ignore[no-untyped-def]
    values = {
        "plan_id": PLAN,
        "created_by": "telegram:111",
        "content_kind": "text",
        "text": "Đề nghị chia sẻ bài viết\nchi tiết",
        "media": None,
        "media_channel": None,
        "unit_ids": ["phong-a", "phong-b"],
        "targets": ["tag:phong"],
        "require_confirmation": True,
        "due": date(2026, 3, 5),
        "origin": "telegram:111",
        "now": now,
    }
    values.update(changes)
    return await create_broadcast(session, **values)


async def test_a_broadcast_needing_confirmation_becomes_items_once_sent(
    database, store, plans, now
):
    await store(plans.v1)
    async with database.session() as session:
        draft = await _broadcast(session, now, text=LONG_TEXT)
        assert await broadcast_items(session, PLAN) == []  # a draft asks nothing of anyone
        await mark_broadcast_sent(session, draft.id, now + timedelta(minutes=1))
        items = await broadcast_items(session, PLAN)
        stored = await get_broadcast(session, draft.id)
    assert stored is not None and stored.status == "sent"
    assert [item.key for item in items] == [
        f"{PLAN}/broadcast-{draft.id}/2026-03-05/phong-a",
        f"{PLAN}/broadcast-{draft.id}/2026-03-05/phong-b",
    ]
    item = items[0]
    assert (item.task_id, item.role, item.due, item.tier) == (
        f"broadcast-{draft.id}",
        "owner",
        date(2026, 3, 5),
        "regular",
    )
    prefix = "Xác nhận đã thực hiện: "
    assert item.title.startswith(prefix + "Đề nghị các đơn vị chia sẻ bài viết kỷ niệm 96 năm")
    assert len(item.title) - len(prefix) == 80
    assert item.title.endswith("…")
    assert "Nội dung chi tiết" not in item.title


async def test_broadcasts_without_confirmation_make_no_items(database, store, plans, now):
    await store(plans.v1)
    async with database.session() as session:
        plain = await _broadcast(session, now, require_confirmation=False, due=None)
        await mark_broadcast_sent(session, plain.id, now)
        assert await broadcast_items(session, PLAN) == []
        with pytest.raises(ValueError, match="due date"):
            await _broadcast(session, now, due=None)


async def test_delivery_report_reads_the_outbox(database, store, plans, now):
    await store(plans.v1)
    async with database.session() as session:
        sent = await _broadcast(session, now, unit_ids=["van-phong", "phong-a", "phong-b"])
        await mark_broadcast_sent(session, sent.id, now)
        other = await _broadcast(session, now)
        messages = [
            DueMessage(
                key=f"broadcast:{sent.id}:telegram:-1001",
                channel="telegram",
                chat_id="-1001",
                kind="broadcast",
                text="Đề nghị chia sẻ bài viết",
                not_before=now,
                plan_id=PLAN,
                payload={"broadcast_id": sent.id, "unit_ids": ["van-phong"]},
            ),
            DueMessage(
                key=f"broadcast:{sent.id}:zalo:abc123",
                channel="zalo",
                chat_id="abc123",
                kind="broadcast",
                text="Đề nghị chia sẻ bài viết",
                not_before=now,
                plan_id=PLAN,
                payload={"broadcast_id": sent.id, "unit_ids": ["phong-b"]},
            ),
            DueMessage(
                key=f"broadcast:{other.id}:telegram:-1001",
                channel="telegram",
                chat_id="-1001",
                kind="broadcast",
                text="khác",
                not_before=now,
                plan_id=PLAN,
                payload={"broadcast_id": other.id, "unit_ids": ["van-phong"]},
            ),
        ]
        await outbox.enqueue(session, messages, now)
        found = await session.exec(
            select(OutboxMessage).where(OutboxMessage.key.like(f"broadcast:{sent.id}:%"))
        )
        rows = {row.chat_id: row for row in found.all()}
        await outbox.mark_sent(session, rows["-1001"], ["77"], now)
        await outbox.mark_failed(session, rows["abc123"].id, "w", "403 bot bị chặn")

    async with database.session() as session:
        report = await delivery_report(session, sent.id)
        assert await delivery_report(session, 9999) == []

    assert [tuple(row) for row in report] == [
        ("van-phong", "telegram:-1001", "sent", None),
        ("phong-a", None, "no_chat", "đơn vị chưa liên kết nhóm chat nào"),
        ("phong-b", "zalo:abc123", "failed", "403 bot bị chặn"),
    ]
