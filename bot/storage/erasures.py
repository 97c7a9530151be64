"""Erasing a person (docs/privacy.md), and remembering it without them.

Erasing keeps every unit's progress as it was: a confirmation stays, its confirmer
becomes "một cán bộ của <đơn vị>", and the texts Loa sent lose the person's name. The
erasure log keeps no address: a keyed hash of it (HMAC-SHA256, its key in the settings
table) and when, so that an erasure can be applied again to an older backup restored
later, and only to what predates it; an admin confirms an erasure with a code.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.evidence import forget_item_files
from bot.storage.models import (
    ErasureRecord,
    OutboxMessage,
    SentMessage,
)
from bot.storage.privacy import Holdings, Person, known_people, private_digests
from bot.storage.settings import get_or_create_secret

ERASED = ""  # what an erased address becomes
# Evidence that is a link stays (it points at the unit's publication, which reports
# cite); anything else is a file the person sent.
_LINK = re.compile(r"https?://", re.IGNORECASE)


def anonymous_name(unit_name: str) -> str:
    return f"một cán bộ của {unit_name}"


def without_files(evidence: Iterable[str], files: Iterable[str] = ()) -> list[str]:
    # A Zalo photo is a URL, but a photo: the evidence-files rows say which are files.
    sent = set(files)
    return [piece for piece in evidence if _LINK.match(piece) and piece not in sent]


def _scrub(text: str, names: Iterable[str], replacement: str) -> str:
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, replacement)
    return text


async def erase(
    session: AsyncSession,
    found: Holdings,
    unit_names: dict[tuple[str, str], str],
) -> dict[str, int]:
    """Remove or anonymise everything in `found`; what was done, by kind.

    `unit_names` maps (plan id, unit id) to the unit's name, for the anonymous phrase."""
    person = found.person
    for row in found.confirmations:
        row.confirmed_by = ERASED
        row.confirmed_by_name = anonymous_name(
            unit_names.get((row.plan_id, row.unit_id), row.unit_id)
        )
        row.evidence = without_files(row.evidence, await forget_item_files(session, row.item_key))
        row.chat_id = ERASED if row.chat_id == person.user_id else row.chat_id
    for undone in found.undone:
        undone.undone_by = ERASED
    for update in found.updates:
        # The row stays, emptied: its key still tells a redelivered update apart.
        update.payload = {}
    links_removed = 0
    for link in found.links:
        if link.channel == person.channel and link.chat_id == person.user_id:
            await session.delete(link)
            links_removed += 1
        else:
            link.linked_by = None
    for invite in found.invites:
        if invite.created_by == person.address:
            invite.created_by = None
        if invite.used_by == person.address:
            invite.used_by = ERASED
    for broadcast in found.broadcasts:
        if broadcast.created_by == person.address:
            broadcast.created_by = ERASED
        if broadcast.origin == person.address:
            broadcast.origin = ERASED
    held = (
        *found.conversations,
        *found.contacts,
        *found.private_chats,
        *found.chat_settings,
        *found.web_logins,
        *found.web_sessions,
    )
    for held_row in held:
        await session.delete(held_row)
    for note in found.notes:
        note.written_by = ERASED  # the note is about the unit's work: it stays
    for pause in found.pauses:
        # The pause stays: it is the chat's; who set or ended it goes.
        if pause.paused_by == person.address:
            pause.paused_by = ERASED
        if pause.resumed_by == person.address:
            pause.resumed_by = ERASED
    private = [*found.private_messages, *await private_digests(session, person)]
    private_ids = [row.id for row in private if row.id is not None]
    if private_ids:
        await session.exec(delete(SentMessage).where(col(SentMessage.outbox_id).in_(private_ids)))
        await session.exec(delete(OutboxMessage).where(col(OutboxMessage.id).in_(private_ids)))
    await session.exec(
        delete(SentMessage).where(
            col(SentMessage.channel) == person.channel, col(SentMessage.chat_id) == person.user_id
        )
    )
    for message in found.naming_messages:
        message.text = _scrub(message.text, found.names, "một cán bộ")
        message.payload = _without_contact(message.payload, person.address)
    await session.flush()
    return {
        **found.counts(),
        "links_removed": links_removed,
        "private_messages": len(private_ids),
    }


# The key of the erasure log's hashes (a setting): bot/storage/erasure_log.py carries it
# across a restore with the log.
HASH_KEY_SETTING = "privacy_hash_key"


def _without_contact(payload: Any, address: str) -> Any:
    """The payload without the person among the contacts it names (a new dict, so the
    JSON column sees the change)."""
    if not isinstance(payload, dict) or not payload.get("contacts"):
        return payload
    kept = [entry for entry in payload["contacts"] if entry.get("address") != address]
    return {**payload, "contacts": kept}


async def _hash_key(session: AsyncSession) -> bytes:
    key = await get_or_create_secret(session, HASH_KEY_SETTING, lambda: secrets.token_hex(32))
    return key.encode()


def _subject(key: bytes, person: Person) -> str:
    return hmac.new(key, person.address.encode(), hashlib.sha256).hexdigest()


async def log_erasure(
    session: AsyncSession, person: Person, at: datetime, by: str, counts: dict[str, int]
) -> ErasureRecord:
    """Remember that `person` was erased at `at`: a keyed hash, never the address."""
    record = ErasureRecord(
        subject=_subject(await _hash_key(session), person),
        erased_at=at,
        requested_by=by,
        counts=counts,
    )
    session.add(record)
    await session.flush()
    return record


async def erased_before(session: AsyncSession, person: Person) -> datetime | None:
    """When `person` was last erased, if ever."""
    subject = _subject(await _hash_key(session), person)
    found = await session.exec(
        select(col(ErasureRecord.erased_at))
        .where(col(ErasureRecord.subject) == subject)
        .order_by(col(ErasureRecord.erased_at).desc())
        .limit(1)
    )
    return found.first()


async def erasures_to_reapply(session: AsyncSession) -> list[tuple[Person, datetime]]:
    """People in the database whom the erasure log says were erased, with when: what a
    restored older backup brought back."""
    key = await _hash_key(session)
    logged: dict[str, datetime] = {}
    for subject, at in await session.exec(
        select(col(ErasureRecord.subject), col(ErasureRecord.erased_at))
    ):
        logged[subject] = max(at, logged.get(subject, at))
    return sorted(
        (
            (person, logged[subject])
            for person in await known_people(session)
            if (subject := _subject(key, person)) in logged
        ),
        key=lambda pair: pair[0].address,
    )


async def confirmation_code(session: AsyncSession, person: Person, day: str) -> str:
    """Six digits an admin repeats to confirm erasing `person` (valid on `day`)."""
    digest = hmac.new(
        await _hash_key(session), f"erase/{person.address}/{day}".encode(), hashlib.sha256
    ).digest()
    return f"{int.from_bytes(digest[:4], 'big') % 1_000_000:06d}"
