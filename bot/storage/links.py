"""Which chats serve which units, and the one-time invite codes that link them.

A chat is linked to a unit either by the plan file (`channels:` of a unit, origin
"plan") or by redeeming an invite code in the chat (origin "invite"). Links are never
deleted: a chat the bot was removed from is deactivated with a reason, and linking it
again reactivates the same row.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import bindparam, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.models import ChatLink, Invite
from bot.storage.plan_cache import stored_plan
from content.dates import format_datetime
from content.plan import Address

# Lower-case letters and digits without the look-alikes (0/o, 1/l/i): staff type the
# code by hand on Zalo, so it is matched case-insensitively. 31 symbols x 12 = 59 bits,
# and every symbol is valid in a Telegram deep-link payload ([A-Za-z0-9_-]).
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
CODE_LENGTH = 12
DEFAULT_INVITE_TTL = timedelta(days=7)

InviteProblem = Literal["unknown", "expired", "used", "unit_gone"]


class InviteError(ValueError):
    """An invite code that cannot be used; str() is the Vietnamese reason for the user."""

    def __init__(self, problem: InviteProblem, message: str) -> None:
        super().__init__(message)
        self.problem = problem


def new_invite_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str) -> str:
    return text.strip().lower()


async def links_for_plan(
    session: AsyncSession, plan_id: str, active_only: bool = True
) -> list[ChatLink]:
    query = select(ChatLink).where(col(ChatLink.plan_id) == plan_id)
    if active_only:
        query = query.where(col(ChatLink.active).is_(True))
    result = await session.exec(query.order_by(col(ChatLink.unit_id), col(ChatLink.id)))
    return list(result.all())


# Built once: every incoming message asks this, and a prepared statement skips
# SQLAlchemy's per-call construction and cache-key work.
_THIS_CHAT = (
    col(ChatLink.channel) == bindparam("channel"),
    col(ChatLink.chat_id) == bindparam("chat_id"),
)
_BY_UNIT = (col(ChatLink.plan_id), col(ChatLink.unit_id))
_ALL_CHAT_LINKS = select(ChatLink).where(*_THIS_CHAT).order_by(*_BY_UNIT)
_ACTIVE_CHAT_LINKS = _ALL_CHAT_LINKS.where(col(ChatLink.active).is_(True))


async def links_for_chat(
    session: AsyncSession, channel: str, chat_id: str, active_only: bool = True
) -> list[ChatLink]:
    query = _ACTIVE_CHAT_LINKS if active_only else _ALL_CHAT_LINKS
    result = await session.exec(query, params={"channel": channel, "chat_id": chat_id})
    return list(result.all())


async def find_link(
    session: AsyncSession, plan_id: str, unit_id: str, channel: str, chat_id: str
) -> ChatLink | None:
    result = await session.exec(
        select(ChatLink).where(
            col(ChatLink.plan_id) == plan_id,
            col(ChatLink.unit_id) == unit_id,
            col(ChatLink.channel) == channel,
            col(ChatLink.chat_id) == chat_id,
        )
    )
    return result.first()


async def link_chat(
    session: AsyncSession,
    *,
    plan_id: str,
    unit_id: str,
    channel: str,
    chat_id: str,
    chat_type: str,
    title: str | None,
    linked_by: str | None,
    now: datetime,
    origin: str = "invite",
) -> ChatLink:
    """Link a chat to a unit; linking an already linked chat changes nothing but its
    title, and linking a deactivated one reactivates it."""
    link = await find_link(session, plan_id, unit_id, channel, chat_id)
    if link is None:
        link = ChatLink(
            plan_id=plan_id,
            unit_id=unit_id,
            channel=channel,
            chat_id=chat_id,
            chat_type=chat_type,
            title=title,
            origin=origin,
            active=True,
            linked_at=now,
            linked_by=linked_by,
        )
        session.add(link)
    else:
        if not link.active:
            link.active = True
            link.linked_at = now
            link.linked_by = linked_by
            link.deactivated_at = None
            link.deactivated_reason = None
        if title:
            link.title = title
        if chat_type != "unknown":
            link.chat_type = chat_type
    await session.flush()
    return link


async def deactivate_link(
    session: AsyncSession, link: ChatLink, reason: str, now: datetime
) -> None:
    link.active = False
    link.deactivated_at = now
    link.deactivated_reason = reason
    await session.flush()


async def deactivate_chat(
    session: AsyncSession, channel: str, chat_id: str, reason: str, now: datetime
) -> list[ChatLink]:
    """Stop sending to a chat for every unit it served (bot removed, chat deleted)."""
    links = await links_for_chat(session, channel, chat_id, active_only=True)
    for link in links:
        await deactivate_link(session, link, reason, now)
    return links


async def active_chat_addresses(session: AsyncSession, plan_id: str) -> dict[str, list[Address]]:
    """unit id -> the chats that currently receive its messages."""
    addresses: dict[str, list[Address]] = {}
    for link in await links_for_plan(session, plan_id, active_only=True):
        # Stored ids were validated when linked; no re-parsing on every tick.
        address = Address(link.channel, link.chat_id)
        addresses.setdefault(link.unit_id, []).append(address)
    return addresses


async def create_invite(
    session: AsyncSession,
    plan_id: str,
    unit_id: str,
    now: datetime,
    ttl: timedelta = DEFAULT_INVITE_TTL,
    created_by: str | None = None,
) -> Invite:
    plan = await stored_plan(session, plan_id)
    if plan is None:
        raise InviteError("unknown", f"Chưa nạp kế hoạch '{plan_id}'.")
    if unit_id not in {unit.id for unit in plan.units}:
        raise InviteError("unit_gone", f"Kế hoạch '{plan_id}' không có đơn vị '{unit_id}'.")
    code = new_invite_code()
    while await session.get(Invite, code) is not None:
        code = new_invite_code()
    invite = Invite(
        code=code,
        plan_id=plan_id,
        unit_id=unit_id,
        created_at=now,
        expires_at=now + ttl,
        created_by=created_by,
    )
    session.add(invite)
    await session.flush()
    return invite


async def redeem_invite(
    session: AsyncSession,
    code: str,
    *,
    channel: str,
    chat_id: str,
    chat_type: str,
    title: str | None,
    linked_by: str | None,
    now: datetime,
) -> ChatLink:
    """Link the chat to the invite's unit and use the code up.

    A code works once. The chat that used it may send it again (Telegram repeats
    `/start CODE` when the deep link is opened twice) and gets its link back; any
    other chat gets an InviteError, and nothing is changed.
    """
    invite = await session.get(Invite, normalize_code(code))
    if invite is None:
        raise InviteError(
            "unknown",
            "Mã liên kết không đúng. Hãy kiểm tra lại mã, hoặc xin quản trị viên một mã mới.",
        )
    chat_address = f"{channel}:{chat_id}"
    if invite.used_at is None:
        await _use_up(session, invite, chat_address, now)
    elif invite.used_by != chat_address:
        raise InviteError(
            "used",
            f"Mã liên kết này đã được dùng lúc {format_datetime(invite.used_at)}; "
            "mỗi mã chỉ dùng được một lần. Hãy xin quản trị viên một mã mới.",
        )
    return await link_chat(
        session,
        plan_id=invite.plan_id,
        unit_id=invite.unit_id,
        channel=channel,
        chat_id=chat_id,
        chat_type=chat_type,
        title=title,
        linked_by=linked_by,
        now=now,
    )


async def _use_up(session: AsyncSession, invite: Invite, chat_address: str, now: datetime) -> None:
    """Check a fresh code and mark it used by this chat."""
    if now >= invite.expires_at:
        raise InviteError(
            "expired",
            f"Mã liên kết này đã hết hạn lúc {format_datetime(invite.expires_at)}. "
            "Hãy xin quản trị viên một mã mới.",
        )
    plan = await stored_plan(session, invite.plan_id)
    if plan is None or invite.unit_id not in {unit.id for unit in plan.units}:
        raise InviteError(
            "unit_gone",
            f"Đơn vị '{invite.unit_id}' của mã này không còn trong kế hoạch. "
            "Hãy xin quản trị viên một mã mới.",
        )
    # Conditional update: of two chats redeeming at the same instant only one wins.
    claimed = await session.exec(
        update(Invite)
        .where(col(Invite.code) == invite.code, col(Invite.used_at).is_(None))
        .values(used_at=now, used_by=chat_address)
    )
    if claimed.rowcount != 1:
        raise InviteError(
            "used",
            "Mã liên kết này vừa được dùng ở nơi khác; mỗi mã chỉ dùng được một lần. "
            "Hãy xin quản trị viên một mã mới.",
        )
    await session.refresh(invite)
