"""The plan's `anniversaries:` section: which catalogues it includes (national, its
province), its tiers, and its own extra days, checked against the catalogues' keys."""

from __future__ import annotations

import calendar
import re
from typing import Any

from ruamel.yaml.comments import CommentedMap

from content.anniversaries import KIND_LABELS, KINDS, SUMMARY_LIMIT, Anniversary, Tier
from content.catalogues import catalogue
from content.i18n import _
from content.plan import TIERS
from content.plan_reader import MAX_YEAR, Node, Reader
from content.plan_values import show, suggest_id, suggestion

_INCLUDES = ("national", "province")
_ANNIVERSARY_KEY = re.compile(r"[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?")


def kind_help() -> str:
    """ "major (ngày lễ lớn), founding (...)" in the run's language."""
    return ", ".join(f"{kind} ({_(label)})" for kind, label in KIND_LABELS.items())


class AnniversaryReader:
    def __init__(self, reader: Reader, province_ok: bool) -> None:
        """`province_ok`: False when the plan names a province Loa has no data for."""
        self.reader = reader
        self.province_ok = province_ok
        self.anniversaries: list[Anniversary] | None = None  # None: could not be decided
        self.known_keys: frozenset[str] | None = None

    def read(self, root: Node, province: str | None) -> tuple[Tier, ...] | None:
        node = self.reader.mapping(root, "anniversaries", "anniversaries")
        include: list[str] = ["national", "province"]
        tiers: tuple[Tier, ...] | None = TIERS
        extras: list[Anniversary] = []
        extra_keys: dict[str, int] = {}  # key -> line, also for extras with problems
        if node is not None:
            self.reader.keys(node, ("include", "tiers", "extra"))
            if "include" in node.data:
                include = self._include(node, province)
            if "tiers" in node.data:
                tiers = self.reader.tiers(node, "tiers")
            for value, line in self.reader.items(node, "extra"):
                extra = self._extra(value, line, extra_keys)
                if extra is not None:
                    extras.append(extra)
        if not self.province_ok:
            return tiers  # the province's keys are unknown: skip checks that need them
        wanted = tuple(part for part in include if part != "province" or province)
        built_in = catalogue(include=wanted, province=province)
        built_in_keys = {anniversary.key for anniversary in built_in}
        for extra in extras:
            if extra.key in built_in_keys:
                self.reader.report(
                    extra_keys[extra.key],
                    _(
                        "anniversaries.extra: mã '%(key)s' trùng với một ngày kỷ niệm có sẵn; "
                        "hãy đặt mã khác"
                    )
                    % {"key": extra.key},
                )
        self.known_keys = frozenset(built_in_keys | set(extra_keys))
        self.anniversaries = [*built_in, *extras]
        return tiers

    def _include(self, node: Node, province: str | None) -> list[str]:
        include: list[str] = []
        for value, line in self.reader.items(node, "include"):
            if value not in _INCLUDES:
                self.reader.report(
                    line,
                    _("anniversaries.include: '%(value)s' không hợp lệ") % {"value": show(value)}
                    + suggestion(str(value), _INCLUDES)
                    + _(
                        "; dùng national (toàn quốc) và/hoặc province (của tỉnh trong "
                        "plan.province)"
                    ),
                )
            elif value == "province" and province is None and self.province_ok:
                self.reader.report(
                    line,
                    _(
                        "anniversaries.include: có 'province' nhưng plan chưa khai báo province "
                        "(ví dụ province: lao-cai)"
                    ),
                )
            elif value not in include:
                include.append(value)
        return include

    def _extra(self, value: Any, line: int, seen: dict[str, int]) -> Anniversary | None:
        if not isinstance(value, CommentedMap):
            self.reader.report(
                line,
                _(
                    "anniversaries.extra: mỗi ngày kỷ niệm riêng là một bảng có key, name và "
                    "date hoặc lunar, không phải '%(value)s'"
                )
                % {"value": show(value)},
            )
            return None
        raw_key = value.get("key")
        where = f"anniversaries.extra '{show(raw_key)}'" if raw_key else "anniversaries.extra"
        node = Node(value, where, line)
        self.reader.keys(
            node,
            (
                "key",
                "name",
                "date",
                "lunar",
                "origin_year",
                "kind",
                "round5",
                "summary",
                "note",
                "source",
                "chosen_by",
            ),
            ("key", "name"),
        )
        before = len(self.reader.problems)
        key = None
        if raw_key is not None:
            key = str(raw_key)
            if not _ANNIVERSARY_KEY.fullmatch(key):
                self.reader.report(
                    node.value_line("key"),
                    _(
                        "%(where)s: mã '%(key)s' không hợp lệ: chỉ dùng chữ thường không dấu "
                        "a-z, chữ số 0-9, '-' và '_' (gợi ý: '%(suggestion)s')"
                    )
                    % {"where": where, "key": show(key), "suggestion": suggest_id(key)},
                )
            elif key in seen:
                self.reader.report(
                    node.value_line("key"),
                    _("%(where)s: mã '%(key)s' bị trùng với ngày kỷ niệm ở dòng %(line)d")
                    % {"where": where, "key": key, "line": seen[key]},
                )
            else:
                seen[key] = node.value_line("key")
        name = self.reader.text(node, "name")
        has_date, has_lunar = "date" in node, "lunar" in node
        if has_date == has_lunar:
            self.reader.report(
                line,
                _(
                    "%(where)s: cần đúng một trong hai khóa 'date' (dương lịch, ví dụ "
                    "1945-08-28) hoặc 'lunar' (âm lịch, ví dụ {day: 10, month: 3})"
                )
                % {"where": where},
            )
            return None
        origin_year = self.reader.integer(node, "origin_year", 1, MAX_YEAR, _("năm gốc"))
        if has_date:
            day_month_year = self._extra_date(node, where)
        else:
            day_month = self._day_month(node, "lunar", 30)
            day_month_year = (*day_month, None) if day_month else None
        if day_month_year is not None and day_month_year[2] is not None:
            if origin_year is not None and origin_year != day_month_year[2]:
                self.reader.report(
                    node.value_line("origin_year"),
                    _("%(where)s: origin_year %(origin)d khác năm trong date (%(year)d)")
                    % {"where": where, "origin": origin_year, "year": day_month_year[2]},
                )
            origin_year = day_month_year[2]
        if (
            origin_year is not None
            and self.reader.year is not None
            and origin_year >= self.reader.year
        ):
            self.reader.report(
                line,
                _("%(where)s: năm gốc %(origin)d phải trước năm của kế hoạch (%(year)d)")
                % {"where": where, "origin": origin_year, "year": self.reader.year},
            )
        kind = node.get("kind", "founding")
        if kind not in KINDS:
            self.reader.report(
                node.value_line("kind"),
                _("%(where)s: kind '%(kind)s' không hợp lệ") % {"where": where, "kind": show(kind)}
                + suggestion(str(kind), KINDS)
                + _("; dùng %(kinds)s") % {"kinds": kind_help()},
            )
        round5 = bool(
            self.reader.boolean(node, "round5", _("%(where)s, round5") % {"where": where})
        )
        if round5 and kind == "major":
            self.reader.report(
                node.value_line("round5"),
                _(
                    "%(where)s: round5 chỉ dùng cho ngày không phải major (ngày lễ lớn đã tính "
                    "năm lẻ 5)"
                )
                % {"where": where},
            )
        summary = self.reader.text(node, "summary") or ""
        if len(summary) > SUMMARY_LIMIT:
            self.reader.report(
                node.value_line("summary"),
                _("%(where)s: summary dài %(n)d ký tự; tối đa %(limit)d")
                % {"where": where, "n": len(summary), "limit": SUMMARY_LIMIT},
            )
        chosen_by = self.reader.text(node, "chosen_by") or ""
        if chosen_by and day_month_year is not None:
            self._check_chosen_day(node, where, day_month_year, origin_year)
        if len(self.reader.problems) > before or day_month_year is None or not key or not name:
            return None
        day, month, _year = day_month_year
        return Anniversary(
            key=key,
            name=name,
            calendar="solar" if has_date else "lunar",
            day=day,
            month=month,
            origin_year=origin_year,
            kind=kind,
            scope="plan",
            source=self.reader.text(node, "source") or "",
            note=self.reader.text(node, "note") or "",
            summary=summary,
            round5=round5,
            chosen_by=chosen_by,
        )

    def _check_chosen_day(
        self,
        node: Node,
        where: str,
        day_month_year: tuple[int, int, int | None],
        origin_year: int | None,
    ) -> None:
        """A day chosen for an event known only by its year: `{day, month}` and the
        year in `origin_year`, never a full date that would claim the day of that year."""
        if day_month_year[2] is not None:
            self.reader.report(
                node.value_line("date"),
                _(
                    "%(where)s: ngày được chọn (chosen_by) không phải ngày của sự kiện gốc; "
                    "viết date: {day: %(day)d, month: %(month)d} và origin_year: %(year)d"
                )
                % {
                    "where": where,
                    "day": day_month_year[0],
                    "month": day_month_year[1],
                    "year": day_month_year[2],
                },
            )
        elif origin_year is None:
            self.reader.report(
                node.value_line("chosen_by"),
                _("%(where)s: ngày được chọn (chosen_by) cần origin_year, năm của sự kiện gốc")
                % {"where": where},
            )

    def _extra_date(self, node: Node, where: str) -> tuple[int, int, int | None] | None:
        """A solar extra's `date`: the original event's date, or {day, month} alone."""
        value = node.get("date")
        if isinstance(value, CommentedMap):
            day_month = self._day_month(node, "date", 31)
            return (*day_month, None) if day_month else None
        origin = self.reader.date_value(
            value, node.value_line("date"), f"{where}, date", bounded=False
        )
        return (origin.day, origin.month, origin.year) if origin else None

    def _day_month(self, parent: Node, key: str, max_day: int) -> tuple[int, int] | None:
        """`{day: D, month: M}`; solar days are checked against a leap year's months, so
        29/2 is accepted (observed on 28/2 in other years), lunar days against 30 (a day
        30 in a 29-day lunar month is observed on day 29)."""
        line = parent.value_line(key)
        node = Node(parent.get(key), f"{parent.where}, {key}", line)
        if not isinstance(node.data, CommentedMap):
            self.reader.report(
                line,
                _("%(where)s: phải có dạng {day: 10, month: 3}, không phải '%(value)s'")
                % {"where": node.where, "value": show(node.data)},
            )
            return None
        self.reader.keys(node, ("day", "month"), ("day", "month"))
        month = self.reader.integer(node, "month", 1, 12, _("tháng"))
        day = self.reader.integer(node, "day", 1, max_day, _("ngày"))
        if day is None or month is None:
            return None
        if key == "date" and day > calendar.monthrange(2000, month)[1]:
            self.reader.report(
                line,
                _("%(where)s: tháng %(month)d chỉ có %(length)d ngày, không có ngày %(day)d")
                % {
                    "where": node.where,
                    "month": month,
                    "length": calendar.monthrange(2000, month)[1],
                    "day": day,
                },
            )
            return None
        return day, month
