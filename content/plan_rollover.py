"""`loa plan rollover`: next year's plan file from this year's, comments kept.

A ruamel round-trip edits only what the year changes: the plan's year, id and titles,
one-off due dates (the same day of the next year, moved back to the working day before
when it falls on a weekend or public holiday, so a deadline never slips), `from`/`until`
and `period` dates, per-anniversary keys whose day is left out by the tiers in the new
year, and ordinals written out in titles and slogans. What a person should look at is
listed in the report: one-off tasks (do they recur?), dates that no longer exist
(29/2), ordinals that were written as numbers, comments that still name the old year.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.util import load_yaml_guess_indent

from content.anniversaries import TIER_LABELS, occurrence_of
from content.dates import format_date_long
from content.plan import Plan
from content.plan_loader import PlanError, parse_plan
from content.plan_reader import MAX_YEAR, MIN_YEAR
from content.plan_values import parse_date_text
from content.working_days import working_day_on_or_before

NoteKind = Literal["changed", "check", "problem"]
_VN_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@dataclass(frozen=True)
class Note:
    kind: NoteKind
    message: str

    def as_json(self) -> dict[str, str]:
        return {"kind": self.kind, "message": self.message}


@dataclass
class Rollover:
    text: str
    year: int
    notes: list[Note] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # `loa check` problems of the new text

    def add(self, kind: NoteKind, message: str) -> None:
        self.notes.append(Note(kind, message))


class RolloverError(ValueError):
    """The plan cannot be rolled over (it does not validate, or the year is wrong)."""


def _same_day(day: date, year: int) -> tuple[date, bool]:
    """The same day and month in `year`; 29/2 becomes 28/2 (False: it did not exist)."""
    try:
        return day.replace(year=year), True
    except ValueError:
        return day.replace(year=year, day=28), False


class _Roller:
    def __init__(self, old: Plan, year: int, result: Rollover) -> None:
        self.old = old
        self.year = year
        self.delta = year - old.year
        self.result = result

    # --- values -------------------------------------------------------------------------

    def shift(self, value: Any, where: str, *, working_day: bool) -> Any:
        """A date value (date object or "15/11/2026" text) moved by the years' difference."""
        if isinstance(value, date):
            old = value
        else:
            try:
                old = parse_date_text(str(value))
            except ValueError:
                return value
        new, exists = _same_day(old, old.year + self.delta)
        if not exists:
            self.result.add(
                "check",
                f"{where}: ngày {old:%d/%m/%Y} không có trong năm {new.year}; "
                f"đặt thành {new:%d/%m/%Y}",
            )
        if working_day:
            moved = working_day_on_or_before(new)
            if moved != new:
                self.result.add(
                    "changed",
                    f"{where}: {new:%d/%m/%Y} là ngày nghỉ, hạn dời về {format_date_long(moved)}",
                )
                new = moved
        if isinstance(value, date):
            return new
        match = _VN_DATE.match(str(value).strip())
        if match:
            day = f"{new.day:0{len(match[1])}d}"
            month = f"{new.month:0{len(match[2])}d}"
            return f"{day}/{month}/{new.year}"
        return new.isoformat()

    def text(self, value: str) -> str:
        return re.sub(rf"(?<!\d){self.old.year}(?!\d)", str(self.year), value)

    def ordinals(self, value: str, keys: list[str], where: str) -> str:
        """ "Kỷ niệm 96 năm" -> "Kỷ niệm 97 năm" when 96 is the old ordinal of one of
        `keys`; reported, since a person wrote the number."""
        for key in keys:
            try:
                anniversary = self.old.anniversary(key)
            except KeyError:
                continue
            before = occurrence_of(anniversary, self.old.year)
            after = occurrence_of(anniversary, self.year)
            if before is None or after is None or before.ordinal is None:
                continue
            pattern = rf"(?<!\d){before.ordinal}(?=\s+năm\b)"
            if re.search(pattern, value):
                value = re.sub(pattern, str(after.ordinal), value)
                self.result.add(
                    "check",
                    f"{where}: số năm viết tay {before.ordinal} đổi thành "
                    f"{after.ordinal}; nên viết {{ordinal}} để khỏi sửa mỗi năm",
                )
        return value

    # --- sections -----------------------------------------------------------------------

    def header(self, node: CommentedMap) -> None:
        node["year"] = self.year
        old_id = str(node["id"])
        new_id = self.text(old_id)
        if new_id == old_id:
            new_id = f"{old_id}-{self.year}"
        node["id"] = new_id
        self.result.add("changed", f"plan.id: {old_id} → {new_id} (mã mới: kế hoạch cũ vẫn giữ)")
        for key in ("title", "number"):
            if key in node and isinstance(node[key], str):
                node[key] = self.text(node[key])
        if "number" in node:
            self.result.add("check", f"plan.number: {node['number']}: văn bản năm mới có số mới")
        period = node.get("period")
        if isinstance(period, CommentedMap):
            for key in ("from", "to"):
                if key in period:
                    period[key] = self.shift(period[key], f"plan.period.{key}", working_day=False)

    def task(self, node: CommentedMap, new_plan_keys: set[str]) -> None:
        task_id = str(node.get("id"))
        where = f"nhiệm vụ '{task_id}'"
        new_id = self.text(task_id)
        if new_id != task_id:
            node["id"] = new_id
            where = f"nhiệm vụ '{new_id}'"
        keys = self._keys_of(node)
        for key in ("title", "description"):
            if isinstance(node.get(key), str):
                node[key] = self.ordinals(self.text(node[key]), keys, where)
        for key in ("from", "until"):
            if key in node:
                node[key] = self.shift(node[key], f"{where}, {key}", working_day=False)
        if "per_anniversary" in node:
            return
        if "repeat" in node:
            return
        if "due" in node:
            node["due"] = self.shift(node["due"], f"{where}, due", working_day=True)
            self.result.add(
                "check",
                f"{where}: nhiệm vụ một lần, hạn mới {node['due']}; xem năm "
                f"{self.year} còn cần không",
            )

    @staticmethod
    def _keys_of(node: CommentedMap) -> list[str]:
        selection = node.get("per_anniversary")
        if isinstance(selection, CommentedMap) and isinstance(selection.get("keys"), list):
            return [str(key) for key in selection["keys"]]
        return []

    def anniversary_keys(self, node: CommentedMap, new: Plan) -> None:
        """Drop keys the tiers leave out in the new year; report the year's occurrences."""
        selection = node.get("per_anniversary")
        task_id = str(node.get("id"))
        task = new.task(task_id) if any(t.id == task_id for t in new.tasks) else None
        tiers = task.anniversary_tiers if task else tuple(TIER_LABELS)
        occurrences = {occ.key: occ for occ in new.campaign_occurrences}
        if isinstance(selection, CommentedMap) and isinstance(selection.get("keys"), CommentedSeq):
            keys = selection["keys"]
            for index in range(len(keys) - 1, -1, -1):
                key = str(keys[index])
                occurrence = occurrences.get(key)
                if occurrence is None or occurrence.tier not in tiers:
                    del keys[index]
                    why = (
                        f"năm {self.year} là {TIER_LABELS[occurrence.tier]}"
                        if occurrence
                        else f"không rơi vào năm {self.year} hoặc mức đã chọn"
                    )
                    self.result.add("check", f"nhiệm vụ '{task_id}': bỏ '{key}' ({why})")
            if not keys:
                self.result.add("problem", f"nhiệm vụ '{task_id}': không còn ngày kỷ niệm nào")
        chosen = [
            occ
            for occ in new.campaign_occurrences
            if occ.tier in tiers and (not self._keys_of(node) or occ.key in self._keys_of(node))
        ]
        rounds = [occ for occ in chosen if occ.tier != "regular"]
        shown = ", ".join(
            f"{occ.key} ({occ.ordinal} năm, {TIER_LABELS[occ.tier]})" for occ in rounds
        )
        self.result.add(
            "changed",
            f"nhiệm vụ '{task_id}': {len(chosen)} ngày kỷ niệm trong năm {self.year}"
            + (f"; năm tròn, năm lẻ 5: {shown}" if shown else ""),
        )

    def slogans(self, node: CommentedMap) -> None:
        for key, texts in node.items():
            if not isinstance(texts, CommentedSeq):
                continue
            for index, value in enumerate(texts):
                if isinstance(value, str):
                    texts[index] = self.ordinals(self.text(value), [str(key)], f"slogans, {key}")


def _dump(yaml: YAML, data: Any) -> str:
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()


def roll_over(text: str, year: int, *, source_name: str = "<plan>") -> Rollover:
    """The plan of `year` from the text of an earlier (or later) year's plan."""
    try:
        old = parse_plan(text, source_name=source_name)
    except PlanError as error:
        raise RolloverError(f"kế hoạch cũ chưa hợp lệ, hãy sửa trước:\n{error}") from None
    if not MIN_YEAR <= year <= MAX_YEAR or year == old.year:
        raise RolloverError(
            f"năm mới phải khác năm {old.year} và trong khoảng {MIN_YEAR}-{MAX_YEAR}"
        )
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long title
    # Write lists indented the way this file indents them.
    _, indent, offset = load_yaml_guess_indent(text)
    indent, offset = indent or 2, offset or 0
    yaml.indent(mapping=max(indent - offset, 2), sequence=indent, offset=offset)
    data = yaml.load(text)
    result = Rollover(text="", year=year)
    roller = _Roller(old, year, result)
    roller.header(data["plan"])
    for node in data.get("tasks") or ():
        if isinstance(node, CommentedMap):
            roller.task(node, set())
    if isinstance(data.get("slogans"), CommentedMap):
        roller.slogans(data["slogans"])
    draft = _dump(yaml, data)
    # Keys whose day the tiers leave out are judged on the new year's plan.
    try:
        new = parse_plan(_without_key_checks(draft, yaml), source_name=source_name)
    except PlanError:
        new = None
    if new is not None:
        for node in data.get("tasks") or ():
            if isinstance(node, CommentedMap) and "per_anniversary" in node:
                roller.anniversary_keys(node, new)
    result.text = _dump(yaml, data)
    old_year_comments = [
        number
        for number, line in enumerate(result.text.splitlines(), start=1)
        if "#" in line and re.search(rf"#.*(?<!\d){old.year}(?!\d)", line)
    ]
    if old_year_comments:
        shown = ", ".join(map(str, old_year_comments[:10]))
        result.add("check", f"ghi chú còn nhắc năm {old.year} ở dòng {shown}")
    try:
        parse_plan(result.text, source_name=source_name)
    except PlanError as error:
        result.problems = [str(problem) for problem in error.problems]
    return result


def _without_key_checks(text: str, yaml: YAML) -> str:
    """The new plan with per-anniversary `keys` lifted, so it parses even when a key's
    day falls in a tier the task leaves out (that is what the caller is checking)."""
    data = yaml.load(text)
    for node in data.get("tasks") or ():
        selection = node.get("per_anniversary") if isinstance(node, CommentedMap) else None
        if isinstance(selection, CommentedMap) and "keys" in selection:
            del selection["keys"]
            if not selection:
                node["per_anniversary"] = True
    return _dump(yaml, data)
