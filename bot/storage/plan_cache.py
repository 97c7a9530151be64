"""Stored plans, parsed once.

The database keeps each plan's text; the running bot asks for the plans on every
tick, so parsed plans (and their expanded items) are cached by the text's SHA-256:
a plan is parsed again only after `loa load` stored a different text.
"""

from __future__ import annotations

import gc
import hashlib
import logging
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import bindparam
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.models import PlanRecord
from content.items import Item, expand_items
from content.plan import Plan
from content.plan_loader import PlanError, parse_plan

log = logging.getLogger(__name__)

_CACHE_SIZE = 32


@dataclass
class _Parsed:
    plan: Plan
    items: tuple[Item, ...] | None = None
    index: dict[str, Item] | None = None


_cache: OrderedDict[tuple[str, str], _Parsed] = OrderedDict()


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def remember(plan: Plan, digest: str) -> None:
    """Cache a plan that was just validated, so the next read need not parse it."""
    _store((digest, plan.source_name), _Parsed(plan))


def _store(key: tuple[str, str], entry: _Parsed) -> None:
    _cache[key] = entry
    _cache.move_to_end(key)
    while len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)


def parse_stored(text: str, source_name: str, digest: str | None = None) -> Plan:
    """The plan of a stored text; raises PlanError if the text no longer validates."""
    key = (digest or text_digest(text), source_name)
    entry = _cache.get(key)
    if entry is None:
        entry = _Parsed(parse_plan(text, source_name))
        _store(key, entry)
    else:
        _cache.move_to_end(key)
    return entry.plan


def _entry(plan: Plan) -> _Parsed:
    for entry in _cache.values():
        if entry.plan is plan:
            return entry
    return _Parsed(plan)  # not cached: computed for this call only


def plan_items(plan: Plan) -> tuple[Item, ...]:
    """expand_items(plan) for the plan year, computed once per cached plan."""
    entry = _entry(plan)
    if entry.items is None:
        entry.items = tuple(expand_items(plan))
        _settle()
    return entry.items


def plan_item_index(plan: Plan) -> Mapping[str, Item]:
    """The plan's items by key, built once per cached plan (a button press looks up
    one or two items of a plan that may have a hundred thousand)."""
    entry = _entry(plan)
    if entry.index is None:
        entry.index = {item.key: item for item in plan_items(plan)}
        _settle()
    return entry.index


def _settle() -> None:
    """Take what is alive now (the cached plans and their items: a large plan has a
    hundred thousand) out of the garbage collector's scans. They live as long as the
    process; scanning them in every full collection made a web page's slowest
    requests twice as slow (docs/benchmarks.md). Freezing is a pointer move, done once
    per plan text; reference counting still frees a plan evicted from the cache (only
    cycles among frozen objects would outlive it, and a plan's data has none)."""
    gc.freeze()


async def _load(session: AsyncSession, plan_id: str, source_name: str, digest: str) -> Plan:
    entry = _cache.get((digest, source_name))
    if entry is not None:
        _cache.move_to_end((digest, source_name))
        return entry.plan
    result = await session.exec(
        select(col(PlanRecord.source_text)).where(col(PlanRecord.id) == plan_id)
    )
    return parse_stored(result.one(), source_name, digest)


async def stored_plans(session: AsyncSession) -> list[Plan]:
    """Every stored plan, by id. A stored text that no longer validates (after an
    upgrade made the rules stricter) is logged and left out, so the others still run."""
    result = await session.exec(
        select(col(PlanRecord.id), col(PlanRecord.source_name), col(PlanRecord.digest)).order_by(
            col(PlanRecord.id)
        )
    )
    plans = []
    for plan_id, source_name, digest in result.all():
        try:
            plans.append(await _load(session, plan_id, source_name, digest))
        except PlanError as error:
            log.error("stored plan %s no longer validates; load it again:\n%s", plan_id, error)
    return plans


_PLAN_DIGEST = select(col(PlanRecord.source_name), col(PlanRecord.digest)).where(
    col(PlanRecord.id) == bindparam("plan_id")
)  # built once: asked for every incoming message


async def stored_plan(session: AsyncSession, plan_id: str) -> Plan | None:
    result = await session.exec(_PLAN_DIGEST, params={"plan_id": plan_id})
    row = result.first()
    if row is None:
        return None
    source_name, digest = row
    return await plan_of_record(session, plan_id, source_name, digest)


async def plan_of_record(
    session: AsyncSession, plan_id: str, source_name: str, digest: str
) -> Plan | None:
    """The plan a stored record (id, source name, digest) describes: from the cache, or
    read and parsed once; None if its text no longer validates."""
    try:
        return await _load(session, plan_id, source_name, digest)
    except PlanError as error:
        log.error("stored plan %s no longer validates; load it again:\n%s", plan_id, error)
        return None
