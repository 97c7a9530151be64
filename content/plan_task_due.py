"""A task's `due:` in the plan file: once (a date), recurring (monthly, quarterly, yearly on
a day), or per anniversary (days before or after it), with its optional window."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from ruamel.yaml.comments import CommentedMap

from content.i18n import N_, _
from content.plan import REPEATS
from content.plan_reader import Node, Reader
from content.plan_values import is_int, show, suggestion, unknown_anniversary

# N_: translated where a message shows them.
_DUE_EXAMPLES = {
    "weekly": N_("{day: 5} (Thứ Sáu)"),
    "monthly": "{day: 25}",
    "quarterly": N_("{month: 3, day: 15} (ngày 15 tháng cuối quý)"),
    "yearly": "{month: 12, day: 15}",
}
_REPEAT_NAMES = {
    "daily": N_("hằng ngày"),
    "weekly": N_("hằng tuần"),
    "monthly": N_("hằng tháng"),
    "quarterly": N_("hằng quý"),
    "yearly": N_("hằng năm"),
}


class TaskDueReader:
    def __init__(self, reader: Reader, known_keys: frozenset[str] | None) -> None:
        """`known_keys`: the anniversary keys the plan may name (None: not known)."""
        self.reader = reader
        self.known_keys = known_keys

    def once(self, node: Node) -> dict[str, Any]:
        fields: dict[str, Any] = {"kind": "once"}
        if "due" not in node:
            self.reader.report(
                node.line,
                _(
                    "%(where)s: thiếu hạn hoàn thành 'due' (ví dụ due: %(example)s); nhiệm vụ "
                    "định kỳ thì thêm repeat, nhiệm vụ theo ngày kỷ niệm thì thêm per_anniversary"
                )
                % {"where": node.where, "example": self._example_date()},
            )
            return fields
        value = node.get("due")
        line = node.value_line("due")
        if isinstance(value, CommentedMap):
            needs = "per_anniversary" if "offset_days" in value else "repeat"
            self.reader.report(
                line,
                _(
                    "%(where)s: due '%(value)s' chỉ dùng khi có %(needs)s; nhiệm vụ một lần "
                    "cần một ngày, ví dụ due: %(example)s"
                )
                % {
                    "where": node.where,
                    "value": show(value),
                    "needs": needs,
                    "example": self._example_date(),
                },
            )
            return fields
        fields["due_date"] = self.reader.date_value(value, line, f"{node.where}, due")
        return fields

    def _example_date(self) -> str:
        """An example due date in the plan's own year."""
        return f"{self.reader.year or 2026}-11-15"

    def recurring(self, node: Node) -> dict[str, Any]:
        repeat = node.get("repeat")
        fields: dict[str, Any] = {"kind": "recurring", "repeat": repeat}
        if repeat not in REPEATS:
            self.reader.report(
                node.value_line("repeat"),
                _("%(where)s: kiểu lặp '%(repeat)s' không hợp lệ")
                % {"where": node.where, "repeat": show(repeat)}
                + suggestion(str(repeat), REPEATS)
                + _("; dùng %(repeats)s") % {"repeats": ", ".join(REPEATS)},
            )
            return fields
        if repeat == "daily":
            if "due" in node:
                self.reader.report(
                    node.key_line("due"),
                    _("%(where)s: nhiệm vụ lặp hằng ngày không cần due") % {"where": node.where},
                )
            return fields
        values = {
            "where": node.where,
            "repeat": _(_REPEAT_NAMES[repeat]),
            "example": _(_DUE_EXAMPLES[repeat]),
        }
        if "due" not in node:
            self.reader.report(
                node.line,
                _("%(where)s: thiếu 'due' cho lặp %(repeat)s, ví dụ due: %(example)s") % values,
            )
            return fields
        due = self._due_mapping(node, _("với lặp %(repeat)s, ví dụ due: %(example)s") % values)
        if due is None:
            return fields
        with_month = repeat in ("quarterly", "yearly")
        expected = ("month", "day") if with_month else ("day",)
        self.reader.keys(due, expected, expected)
        if with_month:
            top = 3 if repeat == "quarterly" else 12
            what = _("tháng thứ mấy trong quý") if repeat == "quarterly" else _("tháng")
            fields["due_month"] = self.reader.integer(due, "month", 1, top, what)
        fields["due_day"] = self._due_day(due, repeat, fields.get("due_month"))
        return fields

    def _due_day(self, due: Node, repeat: str, month: int | None) -> int | None:
        if repeat == "weekly":
            return self.reader.integer(
                due, "day", 1, 7, _("thứ trong tuần (1 = Thứ Hai ... 7 = Chủ Nhật)")
            )
        value = due.get("day")
        if value is None:
            return None
        if repeat == "yearly" and month is not None:
            last = calendar.monthrange(2000, month)[1]  # 29 for February: clamped in other years
            if is_int(value) and 1 <= value <= 31 and value > last:
                self.reader.report(
                    due.value_line("day"),
                    _("%(where)s: tháng %(month)d chỉ có %(length)d ngày, không có ngày %(day)d")
                    % {"where": due.where, "month": month, "length": last, "day": value},
                )
                return None
        what = (
            _("ngày trong tháng (tháng ngắn hơn thì lấy ngày cuối tháng)")
            if repeat != "yearly"
            else _("ngày trong năm (tháng ngắn hơn thì lấy ngày cuối tháng)")
        )
        return self.reader.integer(due, "day", 1, 31, what)

    def per_anniversary(self, node: Node) -> dict[str, Any]:
        fields: dict[str, Any] = {"kind": "per_anniversary"}
        value = node.get("per_anniversary")
        line = node.value_line("per_anniversary")
        if isinstance(value, CommentedMap):
            selection = Node(value, f"{node.where}, per_anniversary", line)
            self.reader.keys(selection, ("tiers", "keys"))
            if "tiers" in selection.data:
                fields["anniversary_tiers"] = self.reader.tiers(selection, "tiers")
            if "keys" in selection.data:
                fields["anniversary_keys"] = self._anniversary_keys(selection)
        elif value is not None and value is not True:
            self.reader.report(
                line,
                _(
                    "%(where)s: per_anniversary phải là true hoặc một bảng như "
                    "{tiers: [round10, round5]} hay {keys: [quoc_khanh]}, "
                    "không phải '%(value)s'"
                )
                % {"where": node.where, "value": show(value)},
            )
        if "due" not in node:
            return fields
        due = self._due_mapping(
            node,
            _(
                "với per_anniversary, due là số ngày tính từ ngày kỷ niệm, ví dụ "
                "due: {offset_days: -1} (một ngày trước)"
            ),
        )
        if due is None:
            return fields
        self.reader.keys(due, ("offset_days",))
        offset = self.reader.integer(
            due, "offset_days", -366, 366, _("số ngày so với ngày kỷ niệm")
        )
        fields["offset_days"] = offset or 0
        return fields

    def _due_mapping(self, node: Node, expected: str) -> Node | None:
        value = node.get("due")
        if not isinstance(value, CommentedMap):
            self.reader.report(
                node.value_line("due"),
                _("%(where)s, due: %(expected)s; không phải '%(value)s'")
                % {"where": node.where, "expected": expected, "value": show(value)},
            )
            return None
        return Node(value, f"{node.where}, due", value.lc.line + 1)

    def _anniversary_keys(self, node: Node) -> tuple[str, ...]:
        keys: list[str] = []
        entries = self.reader.items(node, "keys")
        if not entries:
            self.reader.report(
                node.value_line("keys"),
                _("%(where)s, keys: cần ít nhất một mã") % {"where": node.where},
            )
        for value, line in entries:
            key = show(value)
            if self.known_keys is not None and key not in self.known_keys:
                self.reader.report(
                    line, unknown_anniversary(f"{node.where}, keys", key, self.known_keys)
                )
            elif key not in keys:
                keys.append(key)
        return tuple(keys)

    def window(self, node: Node) -> dict[str, Any]:
        bounds: dict[str, date | None] = {}
        for key, field_name in (("from", "start"), ("until", "until")):
            if key in node:
                bounds[field_name] = self.reader.date_value(
                    node.get(key), node.value_line(key), f"{node.where}, {key}"
                )
        start, until = bounds.get("start"), bounds.get("until")
        if start is not None and until is not None and start > until:
            self.reader.report(
                node.value_line("until"),
                _("%(where)s: until (%(until)s) trước from (%(start)s)")
                % {"where": node.where, "until": f"{until:%d/%m/%Y}", "start": f"{start:%d/%m/%Y}"},
            )
        return bounds
