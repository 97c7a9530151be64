"""Loading a plan into the store, and reading the stored plans back.

The plan's text is what is stored; units, tasks and items are recomputed from it.
Reloading a changed plan never deletes a confirmation: one whose item no longer
exists is kept and reported as orphaned, and counts again if the item comes back.
The chats a unit declares (`channels:`) become chat links of origin "plan"; links made
by invite codes survive reloads; links of a removed unit are deactivated (and come
back if the unit does).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.broadcasts import broadcast_items
from bot.storage.links import deactivate_link, find_link, link_chat, links_for_plan
from bot.storage.models import ChatLink, Confirmation, PlanRecord
from bot.storage.plan_cache import (
    parse_stored,
    plan_items,
    remember,
    stored_plan,
    stored_plans,
    text_digest,
)
from bot.storage.plan_starts import record_start
from content.i18n import N_, _
from content.load_report import LoadReport
from content.plan import Plan
from content.plan_diff import diff_plans
from content.plan_loader import PlanError

__all__ = ["save_plan", "stored_plan", "stored_plans"]

# Stored as written (chat_links.deactivated_reason); N_: translated where shown.
REASON_UNIT_REMOVED = N_("đơn vị không còn trong kế hoạch")
REASON_CHAT_UNDECLARED = N_("kế hoạch không còn khai báo nhóm chat này cho đơn vị")
# Only links the plan itself switched off are switched on again by a reload; a chat
# that removed the bot stays off until it is linked again.
_PLAN_REASONS = (REASON_UNIT_REMOVED, REASON_CHAT_UNDECLARED)


async def _sync_links(
    session: AsyncSession, new: Plan, now: datetime
) -> tuple[list[str], list[str]]:
    added: list[str] = []
    deactivated: list[str] = []
    units = {unit.id for unit in new.units}
    declared = {(unit.id, str(address)) for unit in new.units for address in unit.channels}
    existing: list[ChatLink] = await links_for_plan(session, new.id, active_only=False)
    for link in existing:
        address = f"{link.channel}:{link.chat_id}"
        if link.active and link.unit_id not in units:
            await deactivate_link(session, link, REASON_UNIT_REMOVED, now)
            deactivated.append(f"{link.unit_id} → {address} ({_(REASON_UNIT_REMOVED)})")
        elif link.active and link.origin == "plan" and (link.unit_id, address) not in declared:
            await deactivate_link(session, link, REASON_CHAT_UNDECLARED, now)
            deactivated.append(f"{link.unit_id} → {address} ({_(REASON_CHAT_UNDECLARED)})")
        elif (
            not link.active
            and link.unit_id in units
            and link.deactivated_reason == REASON_UNIT_REMOVED
        ):
            await link_chat(
                session,
                plan_id=new.id,
                unit_id=link.unit_id,
                channel=link.channel,
                chat_id=link.chat_id,
                chat_type=link.chat_type,
                title=link.title,
                linked_by=link.linked_by,
                now=now,
                origin=link.origin,
            )
            relinked = _("nối lại")  # not inside the f-string: pybabel before 3.12 misses it
            added.append(f"{link.unit_id} → {address} ({relinked})")
    for unit in new.units:
        for chat in unit.channels:
            found = await find_link(session, new.id, unit.id, chat.channel, chat.id)
            if found is not None and (
                found.active or found.deactivated_reason not in _PLAN_REASONS
            ):
                continue
            await link_chat(
                session,
                plan_id=new.id,
                unit_id=unit.id,
                channel=chat.channel,
                chat_id=chat.id,
                chat_type="unknown",
                title=None,
                linked_by="plan",
                now=now,
                origin="plan",
            )
            added.append(f"{unit.id} → {chat}")
    return added, deactivated


async def _confirmation_keys(session: AsyncSession, plan_id: str) -> list[str]:
    result = await session.exec(
        select(col(Confirmation.item_key)).where(
            col(Confirmation.plan_id) == plan_id, col(Confirmation.undone_at).is_(None)
        )
    )
    return list(result.all())


async def save_plan(
    session: AsyncSession, plan: Plan, source_text: str, now: datetime
) -> LoadReport:
    """Store `plan` (validated from `source_text`) and say what the load changed."""
    digest = text_digest(source_text)
    record = await session.get(PlanRecord, plan.id)
    old: Plan | None = None
    unreadable = False
    if record is not None:
        try:
            old = parse_stored(record.source_text, record.source_name, record.digest)
        except PlanError:
            unreadable = True
    diff = diff_plans(old, plan)
    if unreadable:
        diff.changed.insert(0, _("bản đã lưu trước đây không còn hợp lệ nên không so sánh được"))

    # The first load starts the plan; a plan stored before starts were recorded counts
    # from its previous load.
    started_at = await record_start(session, plan.id, now if record is None else record.loaded_at)
    if record is None:
        record = PlanRecord(
            id=plan.id,
            title=plan.title,
            year=plan.year,
            source_name=plan.source_name,
            source_text=source_text,
            digest=digest,
            loaded_at=now,
        )
        session.add(record)
    else:
        record.title = plan.title
        record.year = plan.year
        record.source_name = plan.source_name
        record.source_text = source_text
        record.digest = digest
        record.loaded_at = now
    await session.flush()
    remember(plan, digest)

    links_added, links_deactivated = await _sync_links(session, plan, now)

    new_keys = {item.key for item in plan_items(plan)}
    old_keys = {item.key for item in plan_items(old)} if old is not None else set()
    extra_keys = {item.key for item in await broadcast_items(session, plan.id)}
    confirmed = await _confirmation_keys(session, plan.id)
    kept = [key for key in confirmed if key in new_keys or key in extra_keys]
    restored = [key for key in kept if old is not None and key in new_keys - old_keys]
    reminds_from = plan.reminds_from(started_at)
    done = set(confirmed)
    backlog = [
        item
        for item in plan_items(plan)
        if item.is_owner and item.due < reminds_from and item.key not in done
    ]
    return LoadReport(
        plan_id=plan.id,
        created=old is None and not unreadable,
        added=diff.added,
        changed=diff.changed,
        removed=diff.removed,
        confirmations_kept=len(kept),
        confirmations_orphaned=len(confirmed) - len(kept),
        links_added=links_added,
        links_deactivated=links_deactivated,
        items_added=len(new_keys - old_keys),
        items_removed=len(old_keys - new_keys),
        items_total=len(new_keys),
        confirmations_restored=len(restored),
        title=plan.title,
        reminds_from=reminds_from,
        backlog_items=len(backlog),
        backlog_units=len({item.unit_id for item in backlog}),
    )
