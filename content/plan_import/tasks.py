"""Tasks: who is to do what, and by when.

Three shapes are read:

- a unit heading in "Tổ chức thực hiện" ("2. Sở Thông tin và Truyền thông") with one
  task per bullet under it; a bullet that opens with another unit is that unit's;
- a labelled item ("- Nội dung: ...", "- Thời gian thực hiện: ...", "- Đơn vị thực hiện:
  ...", "- Đơn vị phối hợp: ...");
- any other sentence that sets a deadline or a repeat ("Các phòng ... báo cáo ... trước
  ngày 15/11/2023"), its owners being the units it opens with.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from content.plan_import.deadlines import DateHit, find_deadline, is_time_label
from content.plan_import.model import Deadline, FoundTask, Repeat
from content.plan_import.repeats import RepeatHit, find_repeat
from content.plan_import.text import Row, clauses, fold, upper_first
from content.plan_import.units import cooperating_in, leading_unit, split_units

_ORGANISATION = re.compile(r"to chuc thuc hien|nhiem vu|phan cong|trach nhiem")
_SKIPPED_SECTIONS = re.compile(r"muc dich|yeu cau|kinh phi|can cu")
_OWNER_LABEL = re.compile(
    r"^(?:Đơn vị|Cơ quan)\s+(?:thực hiện|chủ trì|thực hiện chính)\s*:\s*(.*)$|^Chủ trì\s*:\s*(.*)$",
    re.IGNORECASE,
)
_COOPERATING_LABEL = re.compile(
    r"^(?:(?:Đơn vị|Cơ quan)\s+phối hợp|Phối hợp)\s*:\s*(.*)$", re.IGNORECASE
)
_CONTENT_LABEL = re.compile(r"^Nội dung\s*:\s*(.*)$", re.IGNORECASE)
_ENDS = re.compile(r"^(?:Trên đây là|Nơi nhận|Nơi gửi|TM\.|KT\.|Lưu:)", re.IGNORECASE)
_ABOUT_ANNIVERSARIES = re.compile(r"ky niem|ngay le")
_TITLE_MAX = 110


@dataclass
class _Group:
    heading: Row | None
    rows: list[Row] = field(default_factory=list)


def title_of(text: str) -> str:
    """A task title from a sentence: its first clause, at most about 110 characters."""
    first = next(iter(clauses(text)))[1].strip(" .;:-")
    first = first.replace("{", "(").replace("}", ")")
    if len(first) > _TITLE_MAX:
        cut = first.rfind(",", 60, _TITLE_MAX)
        if cut < 0:
            cut = first.rfind(" ", 0, _TITLE_MAX)
        first = first[:cut].rstrip(" ,;") + "…"
    return upper_first(first)


def _groups(rows: Sequence[Row]) -> list[_Group]:
    groups: list[_Group] = []
    current: _Group | None = None
    for row in rows:
        if _ENDS.match(row.text):
            break
        if row.kind in ("roman", "blank"):
            continue
        if row.kind in ("numbered", "lettered") or current is None:
            current = _Group(row if row.kind in ("numbered", "lettered") else None)
            groups.append(current)
            if row.kind in ("numbered", "lettered"):
                continue
        current.rows.append(row)
    return groups


class TaskReader:
    def __init__(self, year: int | None) -> None:
        self.year = year
        self.tasks: list[FoundTask] = []
        self.deadlines: list[Deadline] = []
        self.repeats: list[Repeat] = []

    def read(self, rows: Sequence[Row]) -> None:
        for group in _groups(rows):
            section = (
                group.heading.section
                if group.heading
                else (group.rows[0].section if group.rows else "")
            )
            if _SKIPPED_SECTIONS.search(section):
                continue
            if self._labelled(group):
                continue
            self._statements(group, bool(_ORGANISATION.search(section)))

    # --- labelled items ---------------------------------------------------------------

    def _labelled(self, group: _Group) -> bool:
        labels = {}
        for row in group.rows:
            body = row.body
            if match := _OWNER_LABEL.match(body):
                labels["owners"] = (match.group(1) or match.group(2) or "", row)
            elif match := _COOPERATING_LABEL.match(body):
                labels["cooperating"] = (match.group(1), row)
            elif match := _CONTENT_LABEL.match(body):
                labels.setdefault("content", (match.group(1), row))
            elif re.match(r"^Thời gian", body, re.IGNORECASE):
                labels["time"] = (body, row)
        if "owners" not in labels:
            return False
        owners_text, owners_row = labels["owners"]
        owners = tuple(split_units(owners_text))
        cooperating = (
            tuple(split_units(labels["cooperating"][0])) if "cooperating" in labels else ()
        )
        content, content_row = labels.get("content", (None, None))
        if content_row is None and group.heading is not None:
            content, content_row = group.heading.body, group.heading
        if content_row is None:
            content, content_row = owners_text, owners_row
        hit = None
        hit_row = content_row
        if "time" in labels:
            hit = find_deadline(labels["time"][0], self.year)
            hit_row = labels["time"][1]
        if hit is None:
            hit = find_deadline(content or "", self.year)
            hit_row = content_row
        title = title_of(content or "")
        deadline = self._deadline(hit, title, owners, hit_row) if hit else None
        repeat_hit = find_repeat(content or "")
        repeat = self._repeat(repeat_hit, title, owners, content_row) if repeat_hit else None
        self.tasks.append(
            FoundTask(
                title=title,
                owners=owners,
                cooperating=cooperating,
                line=content_row.number,
                text=content_row.text,
                deadline=deadline,
                repeat=repeat,
                about_anniversaries=bool(_ABOUT_ANNIVERSARIES.search(fold(content or ""))),
                owner_line=owners_row.number,
            )
        )
        return True

    # --- sentences ----------------------------------------------------------------------

    def _statements(self, group: _Group, organisation: bool) -> None:
        heading_units: tuple[str, ...] = ()
        heading = group.heading
        rows = list(group.rows)
        if heading is not None:
            lead = leading_unit(heading.body)
            if lead is not None:
                heading_units = tuple(split_units(lead[0]))
                if lead[1].strip():
                    rows.insert(0, heading)  # "4. Các cơ quan báo chí: Làm tốt ..."
            elif (
                organisation or find_deadline(heading.body, self.year) or find_repeat(heading.body)
            ):
                rows.insert(0, heading)
        time_label: str | None = None
        for row in rows:
            if is_time_label(row.body):
                # "Thời gian treo cờ, khẩu hiệu:": what follows is when to hang the flags.
                time_label = re.sub(r"^\W*Thời gian\s*", "", row.body).rstrip(" :")
                continue
            self._statement(row, heading_units, organisation, time_label)

    def _statement(
        self, row: Row, heading_units: tuple[str, ...], organisation: bool, time_label: str | None
    ) -> None:
        body = row.body if row is not None else ""
        lead = leading_unit(body)
        owners = tuple(split_units(lead[0])) if lead else heading_units
        action = lead[1] if lead and lead[1] else body
        if lead and not lead[1] and heading_units:
            return  # a bare unit name under a unit heading: a list, not a task
        hit = find_deadline(body, self.year, in_time_context=time_label is not None)
        repeat_hit = find_repeat(body)
        if not (hit or repeat_hit or (organisation and owners)):
            return
        if hit is not None:
            action = self._action_around(body, hit.span, lead)
            action = re.sub(r"^Theo (?:Kế hoạch|kế hoạch)[^,]*,\s*", "", action)
            if time_label and (len(action.split()) < 3 or action.startswith("Bắt đầu")):
                action = time_label
        title = title_of(self._without_repeat(action, repeat_hit, body))
        if not title:
            return
        deadline = self._deadline(hit, title, owners, row) if hit else None
        repeat = self._repeat(repeat_hit, title, owners, row) if repeat_hit else None
        self.tasks.append(
            FoundTask(
                title=title,
                owners=owners,
                cooperating=tuple(name for name in cooperating_in(body) if name not in owners),
                line=row.number,
                text=row.text,
                deadline=deadline,
                repeat=repeat,
                about_anniversaries=bool(_ABOUT_ANNIVERSARIES.search(fold(body))),
                owner_line=None
                if lead
                else (None if not heading_units else row.heading.number if row.heading else None),
            )
        )

    @staticmethod
    def _action_around(body: str, span: tuple[int, int], lead: tuple[str, str] | None) -> str:
        """The clause that holds the deadline, without its units and its date phrase."""
        for start, clause in clauses(body):
            if start <= span[0] <= start + len(clause):
                text = body[start : span[0]].strip(" ,")
                if not text:
                    text = clause
                inner = leading_unit(text)
                if inner is not None and inner[1]:
                    return inner[1]
                if lead is not None and text.startswith(lead[0]):
                    return text[len(lead[0]) :].strip()
                return text
        return body

    @staticmethod
    def _without_repeat(action: str, hit: RepeatHit | None, body: str) -> str:
        text = re.sub(
            r"^(?:định kỳ\s+)?(?:hằng|hàng|mỗi)\s+(?:ngày|tuần|tháng|quý|năm)\s*,?\s*",
            "",
            action.strip(),
            flags=re.IGNORECASE,
        )
        return text or body

    def _deadline(self, hit: DateHit, title: str, owners: tuple[str, ...], row: Row) -> Deadline:
        doubts = []
        if not hit.year_given:
            doubts.append(f"văn bản không ghi năm: lấy năm của kế hoạch ({hit.date.year})")
        if hit.doubt:
            doubts.append(hit.doubt)
        deadline = Deadline(
            date=hit.date,
            action=title,
            owners=owners,
            line=row.number,
            text=row.text,
            start=hit.start,
            year_given=hit.year_given,
            doubts=tuple(doubts),
        )
        self.deadlines.append(deadline)
        return deadline

    def _repeat(self, hit: RepeatHit, title: str, owners: tuple[str, ...], row: Row) -> Repeat:
        repeat = Repeat(
            repeat=hit.repeat,
            action=title,
            owners=owners,
            line=row.number,
            text=row.text,
            day=hit.day,
            month=hit.month,
        )
        self.repeats.append(repeat)
        return repeat
