"""One plan's section of the progress exports (`loa progress`, the web page's XLSX):
its rows today, and what the XLSX shows beyond them (cooperating units, broadcast
titles, the kept evidence files)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.reports.progress_export import PlanProgress
from bot.storage.broadcasts import broadcast_title, sent_broadcasts
from bot.storage.confirmations import active_confirmations
from bot.storage.evidence import STORED, files_of_plan
from bot.storage.files import FileStore
from content.dates import format_date_short
from content.i18n import _
from scheduler.progress import progress_rows
from scheduler.state import PlanState, plan_state


def cooperating_names(state: PlanState) -> dict[str, str]:
    """Owner item key -> the names of the units cooperating on the same task occurrence."""
    names = {unit.id: unit.name for unit in state.plan.units}
    by_occurrence: dict[str, list[str]] = {}
    for item in state.items:
        if item.role == "cooperating":
            occurrence = item.key.rsplit("/", 1)[0]
            by_occurrence.setdefault(occurrence, []).append(names.get(item.unit_id, item.unit_id))
    return {
        item.key: ", ".join(by_occurrence[occurrence])
        for item in state.items
        if item.role == "owner" and (occurrence := item.key.rsplit("/", 1)[0]) in by_occurrence
    }


async def _extras(
    session: AsyncSession, state: PlanState, store: FileStore | None
) -> dict[str, Any]:
    """What the XLSX shows beyond the rows: cooperating units, broadcast titles, files."""
    labels = {
        f"broadcast-{b.id}": (
            _("Gửi tin ngày %(date)s")
            % {"date": format_date_short(b.confirmed_at or b.created_at)},
            broadcast_title(b).split(": ", 1)[-1],
        )
        for b in await sent_broadcasts(session, state.plan.id)
    }
    files = {}
    if store is not None:
        for rows in (await files_of_plan(session, state.plan.id)).values():
            for row in rows:
                if row.status == STORED and row.sha256 and row.extension:
                    files[row.ref] = store.path(row.sha256, row.extension)
    return {"cooperating": cooperating_names(state), "task_labels": labels, "files": files}


async def plan_section(
    session: AsyncSession,
    plan_id: str,
    today: date,
    unit_id: str | None = None,
    store: FileStore | None = None,
) -> PlanProgress | None:
    """The plan's progress (one unit's, with `unit_id`) on `today`; None if not stored."""
    state = await plan_state(session, plan_id)
    if state is None:
        return None
    confirmations = await active_confirmations(session, plan_id)
    rows = progress_rows(state, confirmations, today, unit_id=unit_id)
    extras = await _extras(session, state, store)
    return PlanProgress(plan=state.plan, today=today, rows=rows, **extras)
