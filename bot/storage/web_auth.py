"""Signing in to the office's web page without passwords: one-time links and sessions.

A link (`/dangnhap` in a private chat, `loa login-link ADMIN`) holds a random token
bound to one person's address; it is good for `LINK_LIFETIME` and once. Opening it
starts a session, whose random token is the browser's cookie. Only SHA-256 digests
of both tokens are stored: someone who reads the database (a backup) can sign in as
nobody. Using a link is one conditional UPDATE, so two browsers racing with the same
link cannot both win.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import delete, func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.contacts import unit_contacts
from bot.storage.dialect import rows_affected
from bot.storage.models import WebLogin, WebLoginFailure, WebSession, table_of
from bot.storage.plan_cache import stored_plans
from content.plan import Address, Plan, merge_admins

LINK_LIFETIME = timedelta(minutes=10)
SESSION_LIFETIME = timedelta(hours=12)  # a working day; then a new link
TOKEN_BYTES = 32

LinkProblem = Literal["unknown", "used", "expired"]
LINK_PROBLEMS: tuple[LinkProblem, ...] = ("unknown", "used", "expired")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


async def create_login_link(
    session: AsyncSession, address: str, now: datetime, lifetime: timedelta = LINK_LIFETIME
) -> str:
    """A new one-time token for `address`; the caller puts it in a link."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(
        WebLogin(
            token_hash=_digest(token), address=address, created_at=now, expires_at=now + lifetime
        )
    )
    await session.flush()
    return token


async def login_address(session: AsyncSession, token: str, now: datetime) -> str | LinkProblem:
    """Whom the link signs in (the address), or why it cannot; reads only."""
    row = await session.get(WebLogin, _digest(token))
    if row is None:
        return "unknown"
    if row.used_at is not None:
        return "used"
    if row.expires_at <= now:
        return "expired"
    return row.address


async def use_login_link(session: AsyncSession, token: str, now: datetime) -> str | LinkProblem:
    """Spend the link: the address it signs in, or why not (nothing changes then)."""
    table = table_of(WebLogin)
    spent = await session.exec(
        update(table)
        .where(
            table.c.token_hash == _digest(token),
            table.c.used_at.is_(None),
            table.c.expires_at > now,
        )
        .values(used_at=now)
        .returning(table.c.address)
    )
    address = spent.scalar_one_or_none()
    if address is not None:
        return str(address)
    # Why not: read after the UPDATE, so a link another browser spent meanwhile is "used".
    found = await login_address(session, token, now)
    if found == "unknown":
        return "unknown"
    if found == "expired":
        return "expired"
    return "used"


@dataclass(frozen=True)
class SignedIn:
    token: str  # the cookie's value; never stored
    csrf_token: str
    address: str
    expires_at: datetime


async def start_session(
    session: AsyncSession, address: str, now: datetime, lifetime: timedelta = SESSION_LIFETIME
) -> SignedIn:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    csrf = secrets.token_urlsafe(TOKEN_BYTES)
    row = WebSession(
        token_hash=_digest(token),
        address=address,
        csrf_token=csrf,
        created_at=now,
        expires_at=now + lifetime,
    )
    session.add(row)
    await session.flush()
    return SignedIn(token, csrf, address, row.expires_at)


async def live_session(session: AsyncSession, token: str, now: datetime) -> WebSession | None:
    """The session this cookie belongs to, if it has neither ended nor expired."""
    row = await session.get(WebSession, _digest(token))
    if row is None or row.ended_at is not None or row.expires_at <= now:
        return None
    return row


async def end_session(session: AsyncSession, token: str, now: datetime) -> bool:
    table = table_of(WebSession)
    result = await session.exec(
        update(table)
        .where(table.c.token_hash == _digest(token), table.c.ended_at.is_(None))
        .values(ended_at=now)
    )
    return rows_affected(result) > 0


async def end_sessions_of(session: AsyncSession, address: str, now: datetime) -> int:
    """Sign `address` out of every browser (`/dangxuat` in chat); how many were open."""
    table = table_of(WebSession)
    result = await session.exec(
        update(table)
        .where(table.c.address == address, table.c.ended_at.is_(None), table.c.expires_at > now)
        .values(ended_at=now)
    )
    return rows_affected(result)


async def purge_web_auth(session: AsyncSession, older_than: datetime) -> int:
    """Forget links and sessions that expired before `older_than`."""
    removed = 0
    for model in (WebLogin, WebSession):
        result = await session.exec(delete(model).where(col(model.expires_at) < older_than))
        removed += rows_affected(result)
    return removed


async def purge_login_failures(session: AsyncSession, older_than: datetime) -> int:
    """Forget refused sign-in attempts from before `older_than` (the limit looks back
    minutes; the housekeeping keeps them a day)."""
    failures = delete(WebLoginFailure).where(col(WebLoginFailure.failed_at) < older_than)
    return rows_affected(await session.exec(failures))


async def record_login_failure(session: AsyncSession, client: str, now: datetime) -> None:
    """A refused sign-in attempt from `client` (its address; only a digest is kept)."""
    session.add(WebLoginFailure(client=_digest(client), failed_at=now))
    await session.flush()


async def login_failures_since(session: AsyncSession, client: str, since: datetime) -> int:
    """How many sign-in attempts from `client` were refused since `since`, by any
    instance sharing the database."""
    result = await session.exec(
        select(func.count())
        .select_from(WebLoginFailure)
        .where(
            col(WebLoginFailure.client) == _digest(client),
            col(WebLoginFailure.failed_at) > since,
        )
    )
    return int(result.one())


@dataclass(frozen=True)
class Access:
    """What one person may see on the web page: the plans they administer (every part
    of them), and the units whose contact (cán bộ đầu mối) they are (that unit's page)."""

    address: str
    admin_plans: tuple[Plan, ...] = ()
    contact_units: tuple[tuple[Plan, str], ...] = ()  # (plan, unit id)
    plans_by_id: dict[str, Plan] = field(default_factory=dict)

    @property
    def anything(self) -> bool:
        return bool(self.admin_plans or self.contact_units)

    def administers(self, plan_id: str) -> bool:
        return any(plan.id == plan_id for plan in self.admin_plans)

    def may_see_unit(self, plan_id: str, unit_id: str) -> bool:
        return self.administers(plan_id) or any(
            plan.id == plan_id and unit == unit_id for plan, unit in self.contact_units
        )


async def access_of(
    session: AsyncSession, address: str, extra_admins: Sequence[Address] = ()
) -> Access:
    """The plans `address` administers (LOA_ADMINS: all) and the units it is a contact
    of (registered with /daumoi or written in the plan)."""
    admin_plans: list[Plan] = []
    contact_units: list[tuple[Plan, str]] = []
    plans = await stored_plans(session)
    for plan in plans:
        if any(str(admin) == address for admin in merge_admins(plan, extra_admins)):
            admin_plans.append(plan)
            continue
        for unit_id, contacts in (await unit_contacts(session, plan)).items():
            if any(str(contact.address) == address for contact in contacts):
                contact_units.append((plan, unit_id))
    return Access(
        address,
        tuple(admin_plans),
        tuple(contact_units),
        {plan.id: plan for plan in plans},
    )
