"""What a report says, gathered once from the store: every item of the period with its
result, its evidence (links, and the files Loa keeps), the anniversaries' campaigns
and the broadcasts. The báo cáo document, the evidence export and the XLSX all read
this; none of them runs SQL.

Results of an owner item, judged on `as_of` (the day the report is made):
- "on_time": confirmed on or before its due date (local day);
- "late": confirmed after it;
- "not_applicable": the unit said «không phát sinh» (its evidence holds NOT_APPLICABLE);
- "not_done": not confirmed and its due date has passed;
- "upcoming": not confirmed and not yet due.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Literal

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.broadcasts import broadcast_title, delivery_report, sent_broadcasts
from bot.storage.confirmations import active_confirmations
from bot.storage.evidence import STORED, files_of_plan
from bot.storage.files import FileStore
from bot.storage.models import Broadcast, Confirmation, EvidenceFile
from content.anniversaries import Occurrence
from content.catalogues import available_provinces
from content.dates import to_local
from content.items import Item
from content.plan import Plan, Unit
from scheduler.state import plan_state

Result = Literal["on_time", "late", "not_applicable", "not_done", "upcoming"]
RESULTS: tuple[Result, ...] = ("on_time", "late", "not_applicable", "not_done", "upcoming")
RESULT_LABELS: dict[Result, str] = {
    "on_time": "Đúng hạn",
    "late": "Trễ hạn",
    "not_applicable": "Không phát sinh",
    "not_done": "Chưa thực hiện",
    "upcoming": "Chưa đến hạn",
}
# A confirmation whose evidence holds this says the task did not arise for the unit.
NOT_APPLICABLE = "không phát sinh"
BROADCAST_TASK_PREFIX = "broadcast-"

EvidenceKind = Literal["link", "image", "document", "waiting", "not_kept", "reference"]


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence as a reader can use it.

    link: `ref` is the URL; image/document: Loa keeps the file at `path`; waiting: the
    file is still being downloaded; not_kept: Loa refused it (`note` says why);
    reference: a platform reference Loa never downloaded (sent before it kept files)."""

    kind: EvidenceKind
    ref: str
    path: Path | None = None
    extension: str = ""
    note: str = ""

    @property
    def is_file(self) -> bool:
        return self.path is not None


@dataclass(frozen=True)
class ItemResult:
    item: Item
    unit_name: str
    result: Result
    confirmed_at: datetime | None = None
    confirmed_by: str = ""  # the person's name (or address)
    evidence: tuple[Evidence, ...] = ()
    task_title: str = ""  # how the task reads in a report (a broadcast: its own title)

    @property
    def due(self) -> date:
        return self.item.due


@dataclass(frozen=True)
class UnitTally:
    unit: Unit
    counts: Mapping[Result, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def done(self) -> int:
        return self.counts["on_time"] + self.counts["late"] + self.counts["not_applicable"]

    @property
    def share_done(self) -> float | None:
        """Done out of what has fallen due; None while nothing has."""
        due = self.total - self.counts["upcoming"]
        return self.done / due if due else None


@dataclass(frozen=True)
class BroadcastResult:
    broadcast: Broadcast
    title: str
    sent_at: datetime
    units: tuple[str, ...]  # names of the units it went to
    delivered: int  # units whose chats got it
    confirmations: tuple[ItemResult, ...]  # when it asked units to confirm


@dataclass
class ReportData:
    plan: Plan
    as_of: date
    start: date | None
    end: date
    unit: Unit | None = None  # a unit's own report
    items: list[ItemResult] = field(default_factory=list)
    broadcasts: list[BroadcastResult] = field(default_factory=list)

    @property
    def place(self) -> str:
        return available_provinces().get(self.plan.province or "", "")

    @property
    def units(self) -> list[Unit]:
        return [self.unit] if self.unit else list(self.plan.units)

    def plan_items(self) -> list[ItemResult]:
        return [r for r in self.items if not r.item.task_id.startswith(BROADCAST_TASK_PREFIX)]

    def tallies(self) -> list[UnitTally]:
        """Per unit that has items in the period, in plan order."""
        counts: dict[str, dict[Result, int]] = {}
        for result in self.items:
            tally = counts.setdefault(result.item.unit_id, dict.fromkeys(RESULTS, 0))
            tally[result.result] += 1
        return [UnitTally(u, counts[u.id]) for u in self.units if u.id in counts]

    def campaigns(self) -> list[tuple[Occurrence, list[ItemResult]]]:
        """Each anniversary with items in the period, by date, with its items."""
        found: dict[tuple[str, int], tuple[Occurrence, list[ItemResult]]] = {}
        for result in self.items:
            occurrence = result.item.occurrence
            if occurrence is not None:
                key = (occurrence.key, occurrence.year)
                found.setdefault(key, (occurrence, []))[1].append(result)
        return sorted(found.values(), key=lambda pair: (pair[0].date, pair[0].key))

    def open_items(self) -> list[ItemResult]:
        """What is not done, the longest overdue first, then what is still to come."""
        late = [r for r in self.items if r.result == "not_done"]
        coming = [r for r in self.items if r.result == "upcoming"]
        return sorted(late, key=lambda r: r.due) + sorted(coming, key=lambda r: r.due)


def result_of(item: Item, confirmation: Confirmation | None, as_of: date) -> Result:
    if confirmation is not None:
        if NOT_APPLICABLE in (piece.strip().lower() for piece in confirmation.evidence):
            return "not_applicable"
        done_on = to_local(confirmation.confirmed_at).date()
        return "on_time" if done_on <= item.due else "late"
    return "not_done" if item.due < as_of else "upcoming"


_REFUSALS = {
    "too_large": "tệp quá lớn",
    "plan_full": "kho minh chứng đã đầy",
    "type": "không phải ảnh hay tài liệu",
    "unavailable": "không tải được",
}


def evidence_of(
    pieces: Sequence[str], files: Sequence[EvidenceFile], store: FileStore | None
) -> tuple[Evidence, ...]:
    """The confirmation's evidence, in its order, each matched with Loa's copy if any."""
    by_ref = {row.ref: row for row in files}
    found = []
    for piece in pieces:
        if piece.strip().lower() == NOT_APPLICABLE:
            continue
        row = by_ref.get(piece)
        if row is None:
            kind: EvidenceKind = (
                "link" if piece.startswith(("http://", "https://")) else "reference"
            )
            found.append(Evidence(kind, piece))
        elif row.status == STORED and row.sha256 and row.extension and store is not None:
            image = (row.media_type or "").startswith("image/")
            found.append(
                Evidence(
                    "image" if image else "document",
                    piece,
                    path=store.path(row.sha256, row.extension),
                    extension=row.extension,
                )
            )
        elif row.status == "refused":
            found.append(Evidence("not_kept", piece, note=_REFUSALS.get(row.refusal or "", "")))
        else:
            found.append(Evidence("waiting", piece, note="đang tải về"))
    return tuple(found)


def _broadcast_title(broadcast: Broadcast) -> str:
    return broadcast_title(broadcast).split(": ", 1)[-1]


async def gather(
    session: AsyncSession,
    plan_id: str,
    *,
    as_of: date,
    start: date | None = None,
    end: date | None = None,
    unit_id: str | None = None,
    store: FileStore | None = None,
) -> ReportData | None:
    """Everything a report of the plan (or of one unit) over start..end says; None if the
    plan is not stored. `end` defaults to `as_of`; `start` to the plan's first item. An
    item is in the period if it fell due or was confirmed in it."""
    state = await plan_state(session, plan_id)
    if state is None:
        return None
    plan = state.plan
    end = end or as_of
    unit = plan.unit(unit_id) if unit_id else None
    confirmations = await active_confirmations(session, plan_id)
    files = await files_of_plan(session, plan_id)
    broadcasts = {
        f"{BROADCAST_TASK_PREFIX}{b.id}": b for b in await sent_broadcasts(session, plan_id)
    }
    names = {u.id: u.name for u in plan.units}
    data = ReportData(plan=plan, as_of=as_of, start=start, end=end, unit=unit)

    def in_period(day: date) -> bool:
        return day <= end and (start is None or start <= day)

    for item in state.items:
        if item.role != "owner" or (unit is not None and item.unit_id != unit.id):
            continue
        confirmation = confirmations.get(item.key)
        # An item belongs to the period it fell due in, or was done in (done early).
        done_on = to_local(confirmation.confirmed_at).date() if confirmation else None
        if not in_period(item.due) and not (done_on and in_period(done_on)):
            continue
        broadcast = broadcasts.get(item.task_id)
        data.items.append(
            ItemResult(
                item=item,
                unit_name=names.get(item.unit_id, item.unit_id),
                result=result_of(item, confirmation, as_of),
                confirmed_at=confirmation.confirmed_at if confirmation else None,
                confirmed_by=(confirmation.confirmed_by_name or confirmation.confirmed_by)
                if confirmation
                else "",
                evidence=evidence_of(
                    confirmation.evidence if confirmation else (), files.get(item.key, ()), store
                ),
                task_title=_broadcast_title(broadcast) if broadcast else item.title,
            )
        )
    for task_id, broadcast in broadcasts.items():
        sent_at = broadcast.confirmed_at or broadcast.created_at
        if not in_period(to_local(sent_at).date()):
            continue
        if unit is not None and unit.id not in broadcast.unit_ids:
            continue
        assert broadcast.id is not None
        delivered = {
            row.unit_id
            for row in await delivery_report(session, broadcast.id)
            if row.status == "sent"
        }
        data.broadcasts.append(
            BroadcastResult(
                broadcast=broadcast,
                title=_broadcast_title(broadcast),
                sent_at=sent_at,
                units=tuple(names.get(u, u) for u in broadcast.unit_ids),
                delivered=len(delivered),
                confirmations=tuple(r for r in data.items if r.item.task_id == task_id),
            )
        )
    return data
