"""A chat's own choices (today: its language, /ngonngu), one row per chat."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.models import ChatLink, ChatSetting, PlanRecord, table_of
from bot.storage.plan_cache import plan_of_record
from content.plan import Plan

_TABLE = table_of(ChatSetting)
_LANGUAGE = select(_TABLE.c.language).where(
    _TABLE.c.channel == bindparam("channel"), _TABLE.c.chat_id == bindparam("chat_id")
)
# Built once, asked for every incoming message: the chat's active links with their
# plans (whose settings.language is the default) and its own choice, in one query.
_LINKS_AND_CHOICE = (
    select(
        ChatLink,
        _LANGUAGE.scalar_subquery(),
        col(PlanRecord.source_name),
        col(PlanRecord.digest),
    )
    .join(PlanRecord, col(PlanRecord.id) == col(ChatLink.plan_id))
    .where(
        col(ChatLink.channel) == bindparam("channel"),
        col(ChatLink.chat_id) == bindparam("chat_id"),
        col(ChatLink.active).is_(True),
    )
    .order_by(col(ChatLink.plan_id), col(ChatLink.unit_id))
)


class ChatView(NamedTuple):
    """What a turn needs to know about its chat before anything else."""

    chosen: str | None  # the language the chat chose (/ngonngu), or None
    links: list[tuple[ChatLink, Plan]]  # its active links with their stored plans

    @property
    def plans(self) -> list[Plan]:
        """The plans the chat is linked to, by id, each once."""
        return list({plan.id: plan for _link, plan in self.links}.values())


async def chat_language(session: AsyncSession, channel: str, chat_id: str) -> str | None:
    """The language this chat chose, or None."""
    result = await session.exec(_LANGUAGE, params={"channel": channel, "chat_id": chat_id})
    return result.one_or_none()


async def chat_view(session: AsyncSession, channel: str, chat_id: str) -> ChatView:
    """The chat's language choice and active links (by plan, then unit), in one query
    for a linked chat. Links to a plan that no longer validates are left out."""
    params = {"channel": channel, "chat_id": chat_id}
    rows = (await session.exec(_LINKS_AND_CHOICE, params=params)).all()
    if not rows:  # not linked: only the choice can say
        return ChatView(await chat_language(session, channel, chat_id), [])
    links = []
    for link, _chosen, source_name, digest in rows:
        plan = await plan_of_record(session, link.plan_id, source_name, digest)
        if plan is not None:
            links.append((link, plan))
    return ChatView(rows[0][1], links)


async def chat_languages(
    session: AsyncSession, addresses: Iterable[str] | None = None
) -> dict[str, str]:
    """Chosen languages by chat address ("telegram:-100…"): of these chats, or of all
    (a few rows: only chats that chose)."""
    statement = select(_TABLE.c.channel, _TABLE.c.chat_id, _TABLE.c.language)
    wanted = None if addresses is None else set(addresses)
    if wanted is not None:
        if not wanted:
            return {}
        statement = statement.where(_TABLE.c.chat_id.in_({a.partition(":")[2] for a in wanted}))
    result = await session.exec(statement)
    found = {f"{channel}:{chat_id}": language for channel, chat_id, language in result.all()}
    return found if wanted is None else {a: found[a] for a in wanted if a in found}


async def set_chat_language(
    session: AsyncSession, channel: str, chat_id: str, language: str, now: datetime
) -> None:
    """Record the chat's choice (who chose is not kept: it would be personal data)."""
    row = await session.get(ChatSetting, (channel, chat_id))
    if row is None:
        session.add(
            ChatSetting(channel=channel, chat_id=chat_id, language=language, updated_at=now)
        )
    else:
        row.language, row.updated_at = language, now
    await session.flush()
