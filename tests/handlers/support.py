"""Helpers for the handler tests: events as the channel adapters build them, and digests sent
the way the engine sends them (planned by scheduler/planner.py, stored in the outbox,
marked sent with a platform message id).

The sample plan, loaded on 01/12/2025, on Monday 02/02/2026 (the eve of the Party's
founding anniversary; a weekly digest): Văn phòng Sở (telegram:-1001234567890) gets a
digest with items 1 (overdue bulletin) and 2 (the anniversary post, due today);
Phòng Kế hoạch - Tài chính (telegram:-1001234567891) one numbered item; Phòng Người
có công has a Telegram group (-1001234567892) and a Zalo group (7b9d1f3a5c7e9b1d3f5a);
Trung tâm Dịch vụ việc làm (zalo:9a3c2b1d0e4f5a6b7c8d) two items.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.storage import outbox
from bot.storage.db import Database
from bot.storage.links import link_chat
from bot.storage.models import Confirmation, OutboxMessage
from content.clock import LOCAL_TZ, FixedClock
from handlers.context import HandlerContext, TurnHook
from handlers.events import Event, Reply
from handlers.router import handle
from scheduler.planner import messages_for_day
from scheduler.state import plan_state

SAMPLE_PLAN = (
    Path(__file__).resolve().parents[2] / "content" / "plans" / "sample-sldtbxh-laocai-2026.yaml"
)
PLAN_ID = "sldtbxh-laocai-2026"
NOW = datetime(2026, 2, 2, 8, 12, tzinfo=LOCAL_TZ)
LOADED = datetime(2025, 12, 1, 7, 0, tzinfo=LOCAL_TZ)  # a month before the plan year

VAN_PHONG = "-1001234567890"
KE_HOACH = "-1001234567891"
NGUOI_CO_CONG_TG = "-1001234567892"
NGUOI_CO_CONG_ZALO = "7b9d1f3a5c7e9b1d3f5a"
LAO_DONG_ZALO = "3f5a7c9e1b2d4f6a8c0e"
DICH_VU_ZALO = "9a3c2b1d0e4f5a6b7c8d"
ADMIN_TG = "123456789"
ADMIN_ZALO = "6ede9afa66b88fe6d6a9"
STAFF = "501"
STAFF_NAME = "Nguyễn Văn A"


def make_event(
    text: str = "",
    *,
    channel: str = "telegram",
    chat_id: str = VAN_PHONG,
    chat_type: str = "group",
    user_id: str = STAFF,
    user_name: str = STAFF_NAME,
    kind: str | None = None,
    **fields: Any,
) -> Event:
    """An event as an adapter builds it: "/xong 1 3" becomes a command with args."""
    command = None
    args: tuple[str, ...] = ()
    if kind is None:
        kind = "command" if text.startswith("/") else "message"
    if kind == "command":
        words = text.split()
        command = words[0].lstrip("/").split("@")[0].lower()
        args = tuple(words[1:])
    return Event(
        channel=channel,
        chat_id=chat_id,
        chat_type=chat_type,  # type: ignore[arg-type]
        user_id=user_id,
        user_name=user_name,
        kind=kind,  # type: ignore[arg-type]
        received_at=NOW,
        text=text,
        command=command,
        args=args,
        **fields,
    )


def texts(replies: Sequence[Reply]) -> str:
    """Everything the replies show, messages and pop-ups, one per line."""
    return "\n".join(reply.text or reply.notice or "" for reply in replies)


@dataclass
class Loa:
    database: Database
    clock: FixedClock
    ctx: HandlerContext
    wakes: list[int] = field(default_factory=list)

    async def send(self, text: str = "", **kwargs: Any) -> list[Reply]:
        return await handle(make_event(text, **kwargs), self.ctx)

    async def press(
        self, data: str, message_id: str, finish: TurnHook | None = None, **kwargs: Any
    ) -> list[Reply]:
        return await handle(
            make_event(kind="button", button_data=data, message_id=message_id, **kwargs),
            self.ctx,
            finish,
        )

    async def deliver_digests(self, chats: Sequence[str] | None = None) -> dict[str, str]:
        """Plan today's digests, store and mark them sent; chat id -> message id."""
        now = self.clock.now()
        async with self.database.session() as session:
            state = await plan_state(session, PLAN_ID)
            assert state is not None
            due = [
                message
                for message in messages_for_day(state, now.date())
                if message.kind == "digest" and (chats is None or message.chat_id in chats)
            ]
            await outbox.enqueue(session, due, now)
        sent = {}
        for message in due:
            sent[message.chat_id] = await self.mark_sent(message.key, f"m-{message.chat_id}")
        return sent

    async def deliver(self, kind: str) -> list[tuple[str, str]]:
        """Mark the waiting outbox rows of this kind sent, as the dispatcher would (a
        /nhiemvu list goes out that way); (text, message id) of each, in order."""
        sent = []
        for row in await self.outbox_rows(kind):
            if row.status == outbox.PENDING:
                sent.append((row.text, await self.mark_sent(row.key, f"m-{row.id}")))
        return sent

    async def mark_sent(self, key: str, message_id: str) -> str:
        async with self.database.session() as session:
            row = (
                await session.exec(select(OutboxMessage).where(OutboxMessage.key == key))
            ).scalar_one()
            await outbox.mark_sent(session, row, [message_id], self.clock.now())
        return message_id

    async def link(self, unit_id: str, chat_id: str, chat_type: str = "group") -> None:
        """Link a Telegram chat to a unit of the sample plan, as an admin would."""
        async with self.database.session() as session:
            await link_chat(
                session,
                plan_id=PLAN_ID,
                unit_id=unit_id,
                channel="telegram",
                chat_id=chat_id,
                chat_type=chat_type,
                title=None,
                linked_by=f"telegram:{ADMIN_TG}",
                now=self.clock.now(),
            )

    async def confirmations(self) -> list[Confirmation]:
        async with self.database.session() as session:
            result = await session.exec(select(Confirmation).order_by(Confirmation.item_key))
            return list(result.scalars())

    async def active(self) -> dict[str, Confirmation]:
        return {row.item_key: row for row in await self.confirmations() if row.undone_at is None}

    async def outbox_rows(self, kind: str | None = None) -> list[OutboxMessage]:
        async with self.database.session() as session:
            query = select(OutboxMessage).order_by(OutboxMessage.id)
            if kind is not None:
                query = query.where(OutboxMessage.kind == kind)
            return list((await session.exec(query)).scalars())


def item_key(task_part: str, unit: str) -> str:
    return f"{PLAN_ID}/{task_part}/{unit}"


BULLETIN_VP = item_key("cap-nhat-ban-tin/2026-01-25", "van-phong")
PARTY_POST_VP = item_key("tin-bai-ngay-le/thanh_lap_dang-2026", "van-phong")
MONTHLY_NCC = item_key("tin-bai-chuyen-mon/2026-01-20", "phong-nguoi-co-cong")
MONTHLY_KH = item_key("tin-bai-chuyen-mon/2026-01-20", "phong-ke-hoach-tai-chinh")
PLAN_DV = item_key("ke-hoach-huong-ung/tong_tuyen_cu-2026", "trung-tam-dich-vu-viec-lam")
MONTHLY_DV = item_key("tin-bai-chuyen-mon/2026-01-20", "trung-tam-dich-vu-viec-lam")
