"""Reading YAML plan files with their line numbers, and turning values into problems.

The `Reader` knows nothing about plans: it checks the shape of one value at a time
(a mapping's keys, a list, a date, a time, an id, a chat address) and records a
`PlanProblem` with the value's 1-based line when it is wrong, so callers carry on and
report everything in one pass.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from content.anniversaries import TIER_LABELS, Tier
from content.i18n import _
from content.placeholders import PLACEHOLDER
from content.plan import TIERS, Address
from content.plan_values import (
    closest,
    date_example,
    is_int,
    parse_date_text,
    parse_time_text,
    show,
    suggest_id,
    suggestion,
)
from content.plan_yaml import YamlProblems, load_yaml

# Years the bundled lunar table covers, with a year's margin for tasks due just before
# or after the plan year.
MIN_YEAR, MAX_YEAR = 1901, 2099
_ID = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")


def tier_help() -> str:
    """ "round10 (năm tròn), round5 (năm lẻ 5), regular (thường)" in the run's language."""
    return ", ".join(f"{tier} ({_(TIER_LABELS[tier])})" for tier in TIERS)


ANNIVERSARY_PLACEHOLDERS = ("anniversary", "name", "ordinal", "year")


@dataclass(frozen=True)
class PlanProblem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass
class Node:
    """A YAML mapping with where it is (for messages) and how to find its lines."""

    data: CommentedMap
    where: str  # e.g. "plan", "nhiệm vụ 'bao-cao'"
    line: int

    def key_line(self, key: str) -> int:
        return self.data.lc.key(key)[0] + 1

    def value_line(self, key: str) -> int:
        return self.data.lc.value(key)[0] + 1

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def __contains__(self, key: str) -> bool:
        return key in self.data and self.data[key] is not None


class Reader:
    """Checks values and collects the problems of one file."""

    def __init__(self, source_name: str) -> None:
        self.file = source_name
        self.problems: list[PlanProblem] = []
        self.year: int | None = None  # the plan year, once known: bounds task dates
        self.period: tuple[date, date] | None = None  # the plan's period, once known

    def period_label(self) -> str:
        """ "năm 2026", or "thời gian 01/09/2026-30/06/2027" for a `period:` of its own."""
        if self.period is None or (
            self.year is not None
            and self.period == (date(self.year, 1, 1), date(self.year, 12, 31))
        ):
            return _("năm %(year)s") % {"year": self.year}
        return _("thời gian %(start)s-%(end)s") % {
            "start": f"{self.period[0]:%d/%m/%Y}",
            "end": f"{self.period[1]:%d/%m/%Y}",
        }

    def report(self, line: int, message: str) -> None:
        self.problems.append(PlanProblem(self.file, line, message))

    def read_yaml(self, text: str) -> Node | None:
        try:
            data = load_yaml(text)
        except YamlProblems as error:
            for problem in error.problems:
                self.report(problem.line, problem.message)
            return None
        if data is None:
            self.report(1, _("tệp kế hoạch trống"))
            return None
        if not isinstance(data, CommentedMap):
            self.report(
                1, _("tệp kế hoạch phải là một bảng khóa: giá trị (plan:, units:, tasks:...)")
            )
            return None
        return Node(data, _("tệp kế hoạch"), 1)

    def keys(self, node: Node, allowed: Sequence[str], required: Sequence[str] = ()) -> None:
        """Unknown keys (with the likely intended one) and missing required keys. A typo
        of a required key is reported once, as the typo."""
        meant: set[str] = set()
        for key in node.data:
            if not isinstance(key, str):
                self.report(
                    node.key_line(key),
                    _("%(where)s: khóa '%(key)s' phải là chữ")
                    % {"where": node.where, "key": show(key)},
                )
            elif key not in allowed:
                close = closest(key, allowed)
                hint = suggestion(key, allowed)
                listed = (
                    "" if close else _("; các khóa hợp lệ: %(keys)s") % {"keys": ", ".join(allowed)}
                )
                self.report(
                    node.key_line(key),
                    _("%(where)s: khóa '%(key)s' không hợp lệ")
                    % {"where": node.where, "key": show(key)}
                    + hint
                    + listed,
                )
                meant.add(close or "")
        for key in required:
            if key in node:
                continue
            values = {"where": node.where, "key": key}
            if key in node.data:
                self.report(
                    node.key_line(key), _("%(where)s: khóa '%(key)s' chưa có giá trị") % values
                )
            elif key not in meant:
                self.report(node.line, _("%(where)s: thiếu khóa bắt buộc '%(key)s'") % values)

    def mapping(self, node: Node, key: str, where: str) -> Node | None:
        value = node.get(key)
        if value is None:
            return None
        if not isinstance(value, CommentedMap):
            self.report(
                node.value_line(key),
                _("%(where)s: phải là một bảng khóa: giá trị, không phải '%(value)s'")
                % {"where": where, "value": show(value)},
            )
            return None
        return Node(value, where, value.lc.line + 1)

    def items(self, node: Node, key: str) -> list[tuple[Any, int]]:
        """A list value with each item's line; a single scalar counts as a list of one."""
        value = node.get(key)
        if value is None:
            return []
        if isinstance(value, CommentedSeq):
            return [(item, value.lc.item(index)[0] + 1) for index, item in enumerate(value)]
        if isinstance(value, CommentedMap):
            self.report(
                node.value_line(key),
                _("%(where)s, %(key)s: phải là một danh sách, không phải '%(value)s'")
                % {"where": node.where, "key": key, "value": show(value)},
            )
            return []
        return [(value, node.value_line(key))]

    def text(self, node: Node, key: str) -> str | None:
        value = node.get(key)
        if value is None:
            return None  # a missing required key is reported by keys()
        if isinstance(value, (CommentedMap, CommentedSeq, bool)) or not str(value).strip():
            self.report(
                node.value_line(key),
                _("%(where)s, %(key)s: phải là một đoạn chữ, không phải '%(value)s'")
                % {"where": node.where, "key": key, "value": show(value)},
            )
            return None
        return str(value).strip()

    def boolean(self, node: Node, key: str, where: str) -> bool | None:
        value = node.get(key)
        if value is None:
            return None
        if not isinstance(value, bool):
            self.report(
                node.value_line(key),
                _("%(where)s: phải là true hoặc false, không phải '%(value)s'")
                % {"where": where, "value": show(value)},
            )
            return None
        return value

    def integer(self, node: Node, key: str, low: int, high: int, what: str) -> int | None:
        value = node.get(key)
        if value is None:
            return None
        if not is_int(value) or not low <= value <= high:
            self.report(
                node.value_line(key),
                _(
                    "%(where)s, %(key)s: %(what)s phải là số nguyên từ %(low)d đến %(high)d, "
                    "không phải '%(value)s'"
                )
                % {
                    "where": node.where,
                    "key": key,
                    "what": what,
                    "low": low,
                    "high": high,
                    "value": show(value),
                },
            )
            return None
        return int(value)

    def identifier(self, value: Any, line: int, what: str) -> str | None:
        if is_int(value):
            value = str(value)
        if not isinstance(value, str) or not _ID.fullmatch(value):
            suggestion = suggest_id(str(value)) if isinstance(value, str) else ""
            hint = _(" (gợi ý: '%(id)s')") % {"id": suggestion} if suggestion else ""
            self.report(
                line,
                _(
                    "%(what)s '%(value)s' không hợp lệ: chỉ dùng chữ thường không dấu a-z, "
                    "chữ số 0-9 và dấu gạch ngang '-'"
                )
                % {"what": what, "value": show(value)}
                + hint,
            )
            return None
        return value

    def date_value(self, value: Any, line: int, where: str, bounded: bool = True) -> date | None:
        """A date; `bounded`: within a year of the plan year (catches a mistyped year)."""
        if not isinstance(value, str):
            self.report(
                line,
                _("%(where)s: '%(value)s' không phải là ngày; viết %(example)s")
                % {"where": where, "value": show(value), "example": date_example(self.year)},
            )
            return None
        try:
            parsed = parse_date_text(value, self.year)
        except ValueError as error:
            self.report(line, f"{where}: {error}")
            return None
        if bounded and self.year is not None:
            first, last = (
                (self.period[0].year, self.period[1].year) if self.period else (self.year,) * 2
            )
            if not first - 1 <= parsed.year <= last + 1:
                what = (
                    _("năm của kế hoạch (%(year)d)") % {"year": self.year}
                    if first == last
                    else _("thời gian của kế hoạch (%(first)d-%(last)d)")
                    % {"first": first, "last": last}
                )
                self.report(
                    line,
                    _(
                        "%(where)s: ngày %(day)s cách quá xa %(what)s; "
                        "chỉ nhận ngày trong các năm %(first)d-%(last)d"
                    )
                    % {
                        "where": where,
                        "day": f"{parsed:%d/%m/%Y}",
                        "what": what,
                        "first": first - 1,
                        "last": last + 1,
                    },
                )
                return None
        return parsed

    def time_value(self, value: Any, line: int, where: str) -> time | None:
        try:
            if not isinstance(value, str):
                raise ValueError(
                    _(
                        "giờ '%(value)s' không hợp lệ; viết giờ:phút trong ngoặc kép, "
                        'ví dụ "07:30"'
                    )
                    % {"value": show(value)}
                )
            return parse_time_text(value)
        except ValueError as error:
            self.report(line, f"{where}: {error}")
            return None

    def tiers(self, node: Node, key: str) -> tuple[Tier, ...] | None:
        chosen: list[Tier] = []
        ok = True
        for value, line in self.items(node, key):
            if value not in TIERS:
                self.report(
                    line,
                    _("%(where)s, %(key)s: mức '%(value)s' không hợp lệ")
                    % {"where": node.where, "key": key, "value": show(value)}
                    + suggestion(str(value), TIERS)
                    + _("; dùng %(tiers)s") % {"tiers": tier_help()},
                )
                ok = False
            elif value not in chosen:
                chosen.append(value)
        if not ok:
            return None
        if not chosen:
            self.report(
                node.value_line(key),
                _("%(where)s, %(key)s: cần ít nhất một mức") % {"where": node.where, "key": key},
            )
            return None
        return tuple(tier for tier in TIERS if tier in chosen)

    def address(self, value: Any, line: int, where: str) -> Address | None:
        if isinstance(value, CommentedMap) and len(value) == 1:
            # YAML reads "telegram: 123" (and "zalo:" alone) as a mapping.
            channel, chat_id = next(iter(value.items()))
            if chat_id is None:
                message = _(
                    "địa chỉ '%(channel)s:' thiếu mã chat, ví dụ %(channel)s:-1001234567890"
                ) % {"channel": channel}
            else:
                message = _("viết liền '%(channel)s:%(id)s', không có dấu cách sau dấu ':'") % {
                    "channel": channel,
                    "id": show(chat_id),
                }
            self.report(line, f"{where}: {message}")
            return None
        if not isinstance(value, str):
            value = show(value)
        try:
            return Address.parse(value)
        except ValueError as error:
            self.report(line, f"{where}: {error}")
            return None

    def check_placeholders(self, text: str, allowed: Sequence[str], line: int, where: str) -> None:
        for name in dict.fromkeys(PLACEHOLDER.findall(text)):
            if name in allowed:
                continue
            if name in ANNIVERSARY_PLACEHOLDERS:
                self.report(
                    line,
                    _(
                        "%(where)s: tiêu đề dùng {%(name)s} nhưng nhiệm vụ không theo ngày kỷ "
                        "niệm; thêm per_anniversary hoặc bỏ {%(name)s}"
                    )
                    % {"where": where, "name": name},
                )
            else:
                listed = ", ".join("{" + item + "}" for item in allowed)
                self.report(
                    line,
                    _("%(where)s: không có chỗ điền {%(name)s}") % {"where": where, "name": name}
                    + suggestion(name, allowed)
                    + _("; dùng được: %(names)s") % {"names": listed},
                )
