"""The `tasks:` section of a plan file: who does what, and when.

A task is one of three kinds, told apart by its keys: `per_anniversary` (one
occurrence per chosen anniversary), `repeat` (recurring), or neither (once, with a
`due` date). Owners and cooperating units are resolved to unit ids here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from content.anniversaries import TIER_LABELS, Occurrence, Tier
from content.i18n import _
from content.plan import Task, Unit
from content.plan_reader import ANNIVERSARY_PLACEHOLDERS, Node, Reader
from content.plan_schedule import task_schedule
from content.plan_task_due import TaskDueReader
from content.plan_values import show, suggestion

_TITLE_PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    "once": ("year",),
    "recurring": ("year",),
    "per_anniversary": ANNIVERSARY_PLACEHOLDERS,
}
_IF_ANY = re.compile(r"\(\s*nếu\s+có\s*\)", re.IGNORECASE)


def is_optional(title: str) -> bool:
    """A task whose title says "(nếu có)" ("if any") may turn out to have nothing to do."""
    return bool(_IF_ANY.search(unicodedata.normalize("NFC", title)))


@dataclass(frozen=True)
class PlanContext:
    """What the rest of the plan decided, as the tasks need it. None: could not be
    decided because of another problem, so the checks that need it are skipped."""

    units: tuple[Unit, ...]
    known_keys: frozenset[str] | None  # anniversary keys the plan may name
    occurrences: tuple[Occurrence, ...] | None  # the plan year's, every tier
    plan_tiers: tuple[Tier, ...] | None


class TaskReader:
    def __init__(self, reader: Reader, context: PlanContext) -> None:
        self.reader = reader
        self.context = context
        self.unit_ids = {unit.id for unit in context.units}
        self.due = TaskDueReader(reader, context.known_keys)

    def read(self, root: Node) -> list[Task]:
        entries = self.reader.items(root, "tasks")
        if "tasks" in root and not entries and isinstance(root.get("tasks"), CommentedSeq):
            self.reader.report(root.value_line("tasks"), _("tasks: cần ít nhất một nhiệm vụ"))
        seen: dict[str, int] = {}
        tasks: list[Task] = []
        for value, line in entries:
            if not isinstance(value, CommentedMap):
                self.reader.report(
                    line,
                    _(
                        "tasks: mỗi nhiệm vụ là một bảng có id, title, owners và due, "
                        "không phải '%(value)s'"
                    )
                    % {"value": show(value)},
                )
                continue
            task = self._task(value, line, seen)
            if task is not None:
                self._check_schedule(task)
                tasks.append(task)
        return tasks

    def _task(self, value: CommentedMap, line: int, seen: dict[str, int]) -> Task | None:
        raw_id = value.get("id")
        where = (
            _("nhiệm vụ '%(id)s'") % {"id": show(raw_id)} if raw_id is not None else _("nhiệm vụ")
        )
        node = Node(value, where, line)
        allowed = (
            "id",
            "title",
            "owners",
            "cooperating",
            "due",
            "repeat",
            "from",
            "until",
            "per_anniversary",
            "description",
            "optional",
        )
        self.reader.keys(node, allowed, ("id", "title", "owners"))
        before = len(self.reader.problems)
        task_id = None
        if raw_id is not None:
            task_id = self.reader.identifier(raw_id, node.value_line("id"), _("mã nhiệm vụ"))
            if task_id is not None and task_id in seen:
                self.reader.report(
                    node.value_line("id"),
                    _("mã nhiệm vụ '%(id)s' bị trùng với nhiệm vụ ở dòng %(line)d")
                    % {"id": task_id, "line": seen[task_id]},
                )
            elif task_id is not None:
                seen[task_id] = node.value_line("id")
        title = self.reader.text(node, "title")
        owners = self._refs(node, "owners")
        if "owners" in node.data and not owners and self.unit_ids:
            self.reader.report(
                node.value_line("owners"),
                _("%(where)s: không có đơn vị chủ trì (owners) nào") % {"where": where},
            )
        cooperating = tuple(unit for unit in self._refs(node, "cooperating") if unit not in owners)
        if "per_anniversary" in node.data and "repeat" in node.data:
            self.reader.report(
                node.key_line("repeat"),
                _(
                    "%(where)s: một nhiệm vụ không thể vừa lặp lại (repeat) vừa theo ngày kỷ "
                    "niệm (per_anniversary); hãy tách thành hai nhiệm vụ"
                )
                % {"where": where},
            )
            return None
        if "per_anniversary" in node.data:
            fields = self.due.per_anniversary(node)
        elif "repeat" in node.data:
            fields = self.due.recurring(node)
        else:
            fields = self.due.once(node)
        if fields["kind"] != "once":
            fields.update(self.due.window(node))
        elif "from" in node.data or "until" in node.data:
            key = "from" if "from" in node.data else "until"
            self.reader.report(
                node.key_line(key),
                _(
                    "%(where)s: '%(key)s' chỉ dùng cho nhiệm vụ lặp lại (repeat) hoặc theo ngày "
                    "kỷ niệm (per_anniversary); nhiệm vụ một lần chỉ cần due"
                )
                % {"where": where, "key": key},
            )
        if title is not None:
            self.reader.check_placeholders(
                title, _TITLE_PLACEHOLDERS[fields["kind"]], node.value_line("title"), where
            )
        optional = self.reader.boolean(node, "optional", f"{where}, optional")
        if len(self.reader.problems) > before or task_id is None or title is None:
            return None
        return Task(
            id=task_id,
            title=title,
            owners=owners,
            cooperating=cooperating,
            description=self.reader.text(node, "description") or "",
            optional=is_optional(title) if optional is None else optional,
            line=line,
            **fields,
        )

    def _refs(self, node: Node, key: str) -> tuple[str, ...]:
        """Unit ids named by `key` (ids, tag:TAG, all), in plan order."""
        if not self.unit_ids:
            return ()  # no unit could be read: that problem is reported already
        chosen: set[str] = set()
        all_tags = sorted({tag for unit in self.context.units for tag in unit.tags})
        for value, line in self.reader.items(node, key):
            text = str(value).strip() if isinstance(value, (str, int)) else None
            if text == "all":
                chosen.update(self.unit_ids)
            elif text is not None and text.startswith("tag:"):
                tag = text.removeprefix("tag:").strip()
                matched = {unit.id for unit in self.context.units if tag in unit.tags}
                if not matched:
                    hint = suggestion(tag, all_tags) or (
                        _("; các thẻ đang dùng: %(tags)s") % {"tags": ", ".join(all_tags)}
                        if all_tags
                        else ""
                    )
                    self.reader.report(
                        line,
                        _("%(where)s, %(key)s: không có đơn vị nào mang thẻ '%(tag)s'")
                        % {"where": node.where, "key": key, "tag": tag}
                        + hint,
                    )
                chosen.update(matched)
            elif text is not None and text in self.unit_ids:
                chosen.add(text)
            else:
                shown = show(value)
                if shown in all_tags:
                    hint = _("; '%(tag)s' là một thẻ, hãy viết 'tag:%(tag)s'") % {"tag": shown}
                else:
                    hint = suggestion(shown, self.unit_ids)
                self.reader.report(
                    line,
                    _("%(where)s, %(key)s: không có đơn vị '%(unit)s'")
                    % {"where": node.where, "key": key, "unit": shown}
                    + hint,
                )
        return tuple(unit.id for unit in self.context.units if unit.id in chosen)

    def _check_schedule(self, task: Task) -> None:
        """Problems only visible once dates are known: a task that is never due, a chosen
        anniversary that the tiers leave out, an {ordinal} with no origin year."""
        period = self.reader.period
        if period is None:
            return
        where = _("nhiệm vụ '%(id)s'") % {"id": task.id}
        if task.kind != "per_anniversary":
            if not task_schedule(task, period, ()):
                self.reader.report(
                    task.line,
                    _("%(where)s: không có lần nào đến hạn trong khoảng from/until đã cho")
                    % {"where": where},
                )
            return
        occurrences, plan_tiers = self.context.occurrences, self.context.plan_tiers
        if occurrences is None or plan_tiers is None:
            return
        campaign = [occurrence for occurrence in occurrences if occurrence.tier in plan_tiers]
        chosen = task_schedule(task, period, campaign)
        chosen_keys = {occurrence.key for _day, occurrence in chosen if occurrence}
        for key in task.anniversary_keys or ():
            if key not in chosen_keys:
                self.reader.report(task.line, f"{where}: {self._left_out(key, task)}")
        if not chosen and not task.anniversary_keys:
            self.reader.report(
                task.line,
                _("%(where)s: không chọn được ngày kỷ niệm nào trong %(when)s (mức: %(tiers)s)")
                % {
                    "where": where,
                    "when": self.reader.period_label(),
                    "tiers": ", ".join(task.anniversary_tiers),
                },
            )
        if "{ordinal}" in task.title:
            no_ordinal = sorted({occ.key for _day, occ in chosen if occ and occ.ordinal is None})
            if no_ordinal:
                self.reader.report(
                    task.line,
                    _(
                        "%(where)s: tiêu đề dùng {ordinal} nhưng ngày kỷ niệm %(keys)s không có "
                        "năm gốc để tính số năm"
                    )
                    % {"where": where, "keys": ", ".join(no_ordinal)},
                )

    def _left_out(self, key: str, task: Task) -> str:
        """Why an anniversary a task names explicitly produced no item."""
        when = self.reader.period_label()
        plan_tiers = self.context.plan_tiers or ()
        found = [occ for occ in self.context.occurrences or () if occ.key == key]
        if not found:
            return _("ngày kỷ niệm '%(key)s' không rơi vào %(when)s") % {"key": key, "when": when}
        occurrence = found[0]
        if occurrence.tier not in plan_tiers or occurrence.tier not in task.anniversary_tiers:
            which = "anniversaries.tiers" if occurrence.tier not in plan_tiers else "tiers"
            label = _(TIER_LABELS[occurrence.tier])
            if occurrence.ordinal:
                label += _(", %(n)d năm") % {"n": occurrence.ordinal}
            return _(
                "ngày kỷ niệm '%(key)s' năm %(year)s thuộc mức %(tier)s (%(label)s), không nằm "
                "trong các mức đã chọn ở %(which)s"
            ) % {
                "key": key,
                "year": occurrence.year,
                "tier": occurrence.tier,
                "label": label,
                "which": which,
            }
        return _(
            "hạn của ngày kỷ niệm '%(key)s' (%(day)s, lệch %(offset)d ngày) nằm ngoài khoảng "
            "from/until"
        ) % {"key": key, "day": f"{occurrence.date:%d/%m/%Y}", "offset": task.offset_days}
