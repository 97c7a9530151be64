"""The erasure log carried across a restore.

A restored backup is older than the database it replaces, so people erased in between
are back in it. The replaced database's erasure log (keyed hashes and times, no
personal data) and the key of those hashes go into the restored one, where the log is
applied again (`loa restore` does it; `loa privacy reapply` is the same step).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import inspect
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.erasures import HASH_KEY_SETTING
from bot.storage.models import ErasureRecord
from bot.storage.settings import get_or_create_secret, get_setting

_FIELDS = ("subject", "erased_at", "requested_by", "counts")


@dataclass(frozen=True)
class ErasureLog:
    key: str | None  # the hash key; None if the database never erased anyone
    records: tuple[dict[str, Any], ...]


class KeysDiffer(Exception):
    """The two databases hash addresses with different keys: the log cannot apply."""


async def read_log(session: AsyncSession) -> ErasureLog:
    """The database's erasure log; empty for one made before there was a log."""
    has_log = await session.run_sync(
        lambda sync: inspect(sync.connection()).has_table(ErasureRecord.__tablename__)
    )
    if not has_log:
        return ErasureLog(None, ())
    rows = await session.exec(select(*(getattr(ErasureRecord, name) for name in _FIELDS)))
    return ErasureLog(
        await get_setting(session, HASH_KEY_SETTING), tuple(row._asdict() for row in rows)
    )


async def add_log(session: AsyncSession, log: ErasureLog) -> int:
    """Add the records of `log` this database lacks (and the key, if it has none);
    how many were added."""
    key = log.key
    if not log.records or key is None:
        return 0
    if await get_or_create_secret(session, HASH_KEY_SETTING, lambda: key) != key:
        raise KeysDiffer
    existing = await session.exec(select(ErasureRecord.subject, ErasureRecord.erased_at))
    known = {(subject, erased_at) for subject, erased_at in existing}
    missing = [r for r in log.records if (r["subject"], r["erased_at"]) not in known]
    session.add_all(ErasureRecord(**record) for record in missing)
    return len(missing)
