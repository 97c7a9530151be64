"""Read a plan file (YAML) into a validated `Plan`, or report every problem in it.

Problems carry the 1-based line they are about and a Vietnamese message that names
the faulty value; all of them are collected before `PlanError` is raised, so one run
of `loa check` shows everything to fix. Nothing partial is ever returned.

The generic value checks live in `content/plan_reader.py`, the `tasks:` section in
`content/plan_tasks.py`; this module reads the other sections and puts the plan together.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from content.anniversaries import KIND_LABELS, KINDS, SUMMARY_LIMIT, Anniversary, Tier
from content.catalogues import (
    CatalogueError,
    available_provinces,
    catalogue,
    closest_province,
    match_province,
)
from content.i18n import _
from content.plan import (
    TIERS,
    Address,
    Contact,
    Plan,
    PlanNotice,
    PostOverride,
    Settings,
    Unit,
    campaign_occurrences,
    plan_period,
)
from content.plan_privacy import read_privacy
from content.plan_reader import (
    ANNIVERSARY_PLACEHOLDERS,
    MAX_YEAR,
    MIN_YEAR,
    Node,
    PlanProblem,
    Reader,
    show,
    suggest_id,
    suggestion,
    unknown_anniversary,
)
from content.plan_settings import SettingsReader
from content.plan_tasks import PlanContext, TaskReader
from content.plan_yaml import MAX_PLAN_BYTES, YamlProblems, decode_plan, too_large_message

__all__ = ["PlanError", "PlanProblem", "load_plan", "parse_plan", "read_plan_file"]

_INCLUDES = ("national", "province")


def kind_help() -> str:
    """ "major (ngày lễ lớn), founding (...)" in the run's language."""
    return ", ".join(f"{kind} ({_(label)})" for kind, label in KIND_LABELS.items())


POST_PLACEHOLDERS = (*ANNIVERSARY_PLACEHOLDERS, "unit")
_MAX_PERIOD_YEARS = 10
_ANNIVERSARY_KEY = re.compile(r"[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?")


class PlanError(Exception):
    """A plan file that cannot be loaded; `problems` lists every reason, by line."""

    def __init__(self, problems: Iterable[PlanProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def load_plan(path: str | Path) -> Plan:
    """Read and validate a plan file. The file name in problems is `path` as given."""
    return parse_plan(read_plan_file(path), source_name=str(path))


def read_plan_file(path: str | Path) -> str:
    """The text of a plan file; PlanError when it cannot be read, is over the size limit
    or is not UTF-8. Reads at most one byte past the limit, whatever the file is."""
    name = str(path)
    try:
        with Path(path).open("rb") as file:
            data = file.read(MAX_PLAN_BYTES + 1)
    except FileNotFoundError:
        raise PlanError([PlanProblem(name, 1, _("không tìm thấy tệp kế hoạch"))]) from None
    except IsADirectoryError:
        raise PlanError([PlanProblem(name, 1, _("đây là thư mục, không phải tệp YAML"))]) from None
    except OSError as error:
        reason = error.strerror or str(error)
        message = _("không đọc được tệp: %(reason)s") % {"reason": reason}
        raise PlanError([PlanProblem(name, 1, message)]) from None
    if len(data) > MAX_PLAN_BYTES:
        raise PlanError([PlanProblem(name, 1, too_large_message())])
    try:
        return decode_plan(data)
    except YamlProblems as error:
        raise PlanError(
            PlanProblem(name, problem.line, problem.message) for problem in error.problems
        ) from None


def parse_plan(text: str, source_name: str = "<plan>") -> Plan:
    """Validate the text of a plan file; raises PlanError listing every problem."""
    return _PlanLoader(source_name).load(text)


class _PlanLoader(Reader):
    def __init__(self, source_name: str) -> None:
        super().__init__(source_name)
        self.province_ok = True  # False: the plan names a province Loa has no data for
        self.units: list[Unit] = []
        self.unit_lines: dict[str, int] = {}  # unit id -> line, to report duplicates
        self.anniversaries: list[Anniversary] | None = None  # None: could not be decided
        self.known_keys: frozenset[str] | None = None
        self.notices: list[PlanNotice] = []

    def load(self, text: str) -> Plan:
        root = self.read_yaml(text)
        plan = self._build(root) if root is not None else None
        if self.problems or plan is None:
            # Stable sort: problems on one line keep the order they were found in.
            raise PlanError(sorted(self.problems, key=lambda problem: problem.line))
        return plan

    def _build(self, root: Node) -> Plan | None:
        self.keys(
            root,
            (
                "plan",
                "settings",
                "admins",
                "units",
                "anniversaries",
                "tasks",
                "slogans",
                "posts",
                "privacy",
            ),
            ("plan", "units", "tasks"),
        )
        head = self.mapping(root, "plan", "plan")
        header = self._header(head) if head else None
        settings_node = self.mapping(root, "settings", "settings")
        settings = SettingsReader(self).read(settings_node) if settings_node else Settings()
        admins = self._admins(root)
        self._units(root)
        province = header["province"] if header else None
        anniversary_tiers = self._anniversaries(root, province)
        occurrences = None
        if self.year is not None and self.anniversaries is not None:
            period = self.period or plan_period(self.year, None, None)
            occurrences = campaign_occurrences(self.anniversaries, period, TIERS)
        context = PlanContext(tuple(self.units), self.known_keys, occurrences, anniversary_tiers)
        tasks = TaskReader(self, context).read(root)
        slogans = self._slogans(root)
        posts = self._posts(root)
        privacy = read_privacy(self, root)
        if header is None or settings is None or anniversary_tiers is None:
            return None
        return Plan(
            **header,
            settings=settings,
            admins=admins,
            units=tuple(self.units),
            anniversaries=tuple(self.anniversaries or ()),
            anniversary_tiers=anniversary_tiers,
            tasks=tuple(tasks),
            slogans=MappingProxyType(slogans),
            posts=MappingProxyType(posts),
            privacy=privacy,
            source_name=self.file,
            notices=tuple(self.notices),
        )

    def _header(self, node: Node) -> dict[str, Any] | None:
        self.keys(
            node,
            ("id", "title", "issuer", "number", "year", "period", "province", "timezone"),
            ("id", "title", "year"),
        )
        plan_id = node.get("id")
        if plan_id is not None:
            plan_id = self.identifier(plan_id, node.value_line("id"), _("plan.id: mã kế hoạch"))
        title = self.text(node, "title")
        self.year = self.integer(node, "year", MIN_YEAR, MAX_YEAR, _("năm của kế hoạch"))
        period = self._period(node)
        if self.year is not None:
            self.period = plan_period(self.year, *(period or (None, None)))
        province = self._province(node)
        timezone = self.text(node, "timezone") or "Asia/Ho_Chi_Minh"
        try:
            ZoneInfo(timezone)
        except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError
            self.report(
                node.value_line("timezone"),
                _("plan.timezone: không có múi giờ '%(zone)s'; ví dụ Asia/Ho_Chi_Minh")
                % {"zone": timezone},
            )
        if plan_id is None or title is None or self.year is None:
            return None
        return {
            "id": plan_id,
            "title": title,
            "issuer": self.text(node, "issuer") or "",
            "number": self.text(node, "number"),
            "year": self.year,
            "period_start": period[0] if period else None,
            "period_end": period[1] if period else None,
            "province": province,
            "timezone": timezone,
        }

    def _province(self, node: Node) -> str | None:
        """`province:` as a slug, a name or the name of a former province (then with a
        notice saying which province it now belongs to); None when absent or unknown."""
        text = self.text(node, "province")
        if text is None:
            return None
        line = node.value_line("province")
        try:
            match = match_province(text)
        except CatalogueError:
            close = closest_province(text)
            hint = _(" (có phải ý bạn là '%(word)s'?)") % {"word": close} if close else ""
            listed = ", ".join(f"{slug} ({name})" for slug, name in available_provinces().items())
            self.report(
                line,
                _("plan.province: chưa có dữ liệu ngày kỷ niệm của tỉnh '%(province)s'")
                % {"province": text}
                + hint
                + _("; các tỉnh có sẵn: %(provinces)s") % {"provinces": listed},
            )
            self.province_ok = False
            return None
        if match.former is not None:
            note = _("plan.province: %(note)s; nên ghi province: %(slug)s") % {
                "note": match.former_note(),
                "slug": match.slug,
            }
            self.notices.append(PlanNotice(line, note))
        return match.slug

    def _period(self, node: Node) -> tuple[date, date] | None:
        """`period: {from: 2026-09-01, to: 2027-06-30}`: the dates the plan covers."""
        period = self.mapping(node, "period", "plan.period")
        if period is None:
            return None
        self.keys(period, ("from", "to"), ("from", "to"))
        start, end = (
            self.date_value(period.get(key), period.value_line(key), f"plan.period, {key}", False)
            if key in period
            else None
            for key in ("from", "to")
        )
        if start is None or end is None:
            return None
        problem = None
        dates = {"start": f"{start:%d/%m/%Y}", "end": f"{end:%d/%m/%Y}"}
        if end < start:
            problem = _("'to' (%(end)s) trước 'from' (%(start)s)") % dates
        elif end.year - start.year > _MAX_PERIOD_YEARS:
            problem = _("dài quá %(n)d năm") % {"n": _MAX_PERIOD_YEARS}
        elif self.year is not None and not start.year <= self.year <= end.year:
            problem = _("năm của kế hoạch (%(year)d) phải nằm trong khoảng %(start)s-%(end)s") % {
                "year": self.year,
                **dates,
            }
        if problem is not None:
            self.report(period.line, f"plan.period: {problem}")
            return None
        return start, end

    def _admins(self, root: Node) -> tuple[Address, ...]:
        admins: list[Address] = []
        for value, line in self.items(root, "admins"):
            address = self.address(value, line, "admins")
            if address is not None and address not in admins:
                admins.append(address)
        return tuple(admins)

    def _units(self, root: Node) -> None:
        entries = self.items(root, "units")
        if "units" in root and not entries and isinstance(root.get("units"), CommentedSeq):
            self.report(root.value_line("units"), _("units: cần ít nhất một đơn vị"))
        for value, line in entries:
            if not isinstance(value, CommentedMap):
                self.report(
                    line,
                    _("units: mỗi đơn vị là một bảng có id và name, không phải '%(value)s'")
                    % {"value": show(value)},
                )
                continue
            raw_id = value.get("id")
            where = (
                _("đơn vị '%(id)s'") % {"id": show(raw_id)} if raw_id is not None else _("đơn vị")
            )
            node = Node(value, where, line)
            self.keys(node, ("id", "name", "tags", "channels", "note", "contacts"), ("id", "name"))
            unit_id = None
            if raw_id is not None:
                unit_id = self.identifier(raw_id, node.value_line("id"), _("mã đơn vị"))
            if unit_id == "all":
                self.report(
                    node.value_line("id"),
                    _("mã đơn vị 'all' không dùng được: 'all' trong owners nghĩa là mọi đơn vị"),
                )
                unit_id = None
            if unit_id is not None and unit_id in self.unit_lines:
                self.report(
                    node.value_line("id"),
                    _("mã đơn vị '%(id)s' bị trùng với đơn vị ở dòng %(line)d")
                    % {"id": unit_id, "line": self.unit_lines[unit_id]},
                )
                unit_id = None
            name = self.text(node, "name")
            tags: list[str] = []
            for tag, tag_line in self.items(node, "tags"):
                checked = self.identifier(
                    tag, tag_line, _("%(where)s, tags: thẻ") % {"where": where}
                )
                if checked is not None and checked not in tags:
                    tags.append(checked)
            channels: list[Address] = []
            for channel, channel_line in self.items(node, "channels"):
                address = self.address(channel, channel_line, f"{where}, channels")
                if address is not None and address not in channels:
                    channels.append(address)
            note = self.text(node, "note") or ""
            contacts = self._contacts(node, where)
            if unit_id is not None:
                # Kept even when other fields are wrong, so tasks naming it are not
                # reported a second time as naming an unknown unit.
                self.unit_lines[unit_id] = node.value_line("id")
                self.units.append(
                    Unit(unit_id, name or unit_id, tuple(tags), tuple(channels), note, contacts)
                )

    def _contacts(self, unit: Node, where: str) -> tuple[Contact, ...]:
        """`contacts:` of a unit: [{address: telegram:123456789, name: Nguyễn Thị Lan}]."""
        contacts: list[Contact] = []
        for value, line in self.items(unit, "contacts"):
            if not isinstance(value, CommentedMap):
                self.report(
                    line,
                    _(
                        "%(where)s, contacts: mỗi đầu mối là một bảng có address và name, ví "
                        "dụ {address: telegram:123456789, name: Nguyễn Thị Lan}, không phải "
                        "'%(value)s'"
                    )
                    % {"where": where, "value": show(value)},
                )
                continue
            node = Node(value, f"{where}, contacts", line)
            self.keys(node, ("address", "name"), ("address", "name"))
            name = self.text(node, "name")
            raw = node.get("address")
            address = (
                None
                if raw is None
                else self.address(raw, node.value_line("address"), f"{where}, contacts")
            )
            if address is None or name is None:
                continue
            if any(contact.address == address for contact in contacts):
                self.report(
                    line,
                    _("%(where)s, contacts: đầu mối %(address)s bị trùng")
                    % {"where": where, "address": address},
                )
                continue
            contacts.append(Contact(address, name.strip()))
        return tuple(contacts)

    def _anniversaries(self, root: Node, province: str | None) -> tuple[Tier, ...] | None:
        node = self.mapping(root, "anniversaries", "anniversaries")
        include: list[str] = ["national", "province"]
        tiers: tuple[Tier, ...] | None = TIERS
        extras: list[Anniversary] = []
        extra_keys: dict[str, int] = {}  # key -> line, also for extras with problems
        if node is not None:
            self.keys(node, ("include", "tiers", "extra"))
            if "include" in node.data:
                include = self._include(node, province)
            if "tiers" in node.data:
                tiers = self.tiers(node, "tiers")
            for value, line in self.items(node, "extra"):
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
                self.report(
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
        for value, line in self.items(node, "include"):
            if value not in _INCLUDES:
                self.report(
                    line,
                    _("anniversaries.include: '%(value)s' không hợp lệ") % {"value": show(value)}
                    + suggestion(str(value), _INCLUDES)
                    + _(
                        "; dùng national (toàn quốc) và/hoặc province (của tỉnh trong "
                        "plan.province)"
                    ),
                )
            elif value == "province" and province is None and self.province_ok:
                self.report(
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
            self.report(
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
        self.keys(
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
            ),
            ("key", "name"),
        )
        before = len(self.problems)
        key = None
        if raw_key is not None:
            key = str(raw_key)
            if not _ANNIVERSARY_KEY.fullmatch(key):
                self.report(
                    node.value_line("key"),
                    _(
                        "%(where)s: mã '%(key)s' không hợp lệ: chỉ dùng chữ thường không dấu "
                        "a-z, chữ số 0-9, '-' và '_' (gợi ý: '%(suggestion)s')"
                    )
                    % {"where": where, "key": show(key), "suggestion": suggest_id(key)},
                )
            elif key in seen:
                self.report(
                    node.value_line("key"),
                    _("%(where)s: mã '%(key)s' bị trùng với ngày kỷ niệm ở dòng %(line)d")
                    % {"where": where, "key": key, "line": seen[key]},
                )
            else:
                seen[key] = node.value_line("key")
        name = self.text(node, "name")
        has_date, has_lunar = "date" in node, "lunar" in node
        if has_date == has_lunar:
            self.report(
                line,
                _(
                    "%(where)s: cần đúng một trong hai khóa 'date' (dương lịch, ví dụ "
                    "1945-08-28) hoặc 'lunar' (âm lịch, ví dụ {day: 10, month: 3})"
                )
                % {"where": where},
            )
            return None
        origin_year = self.integer(node, "origin_year", 1, MAX_YEAR, _("năm gốc"))
        if has_date:
            day_month_year = self._extra_date(node, where)
        else:
            day_month = self._day_month(node, "lunar", 30)
            day_month_year = (*day_month, None) if day_month else None
        if day_month_year is not None and day_month_year[2] is not None:
            if origin_year is not None and origin_year != day_month_year[2]:
                self.report(
                    node.value_line("origin_year"),
                    _("%(where)s: origin_year %(origin)d khác năm trong date (%(year)d)")
                    % {"where": where, "origin": origin_year, "year": day_month_year[2]},
                )
            origin_year = day_month_year[2]
        if origin_year is not None and self.year is not None and origin_year >= self.year:
            self.report(
                line,
                _("%(where)s: năm gốc %(origin)d phải trước năm của kế hoạch (%(year)d)")
                % {"where": where, "origin": origin_year, "year": self.year},
            )
        kind = node.get("kind", "founding")
        if kind not in KINDS:
            self.report(
                node.value_line("kind"),
                _("%(where)s: kind '%(kind)s' không hợp lệ") % {"where": where, "kind": show(kind)}
                + suggestion(str(kind), KINDS)
                + _("; dùng %(kinds)s") % {"kinds": kind_help()},
            )
        round5 = bool(self.boolean(node, "round5", _("%(where)s, round5") % {"where": where}))
        if round5 and kind == "major":
            self.report(
                node.value_line("round5"),
                _(
                    "%(where)s: round5 chỉ dùng cho ngày không phải major (ngày lễ lớn đã tính "
                    "năm lẻ 5)"
                )
                % {"where": where},
            )
        summary = self.text(node, "summary") or ""
        if len(summary) > SUMMARY_LIMIT:
            self.report(
                node.value_line("summary"),
                _("%(where)s: summary dài %(n)d ký tự; tối đa %(limit)d")
                % {"where": where, "n": len(summary), "limit": SUMMARY_LIMIT},
            )
        if len(self.problems) > before or day_month_year is None or not key or not name:
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
            source=self.text(node, "source") or "",
            note=self.text(node, "note") or "",
            summary=summary,
            round5=round5,
        )

    def _extra_date(self, node: Node, where: str) -> tuple[int, int, int | None] | None:
        """A solar extra's `date`: the original event's date, or {day, month} alone."""
        value = node.get("date")
        if isinstance(value, CommentedMap):
            day_month = self._day_month(node, "date", 31)
            return (*day_month, None) if day_month else None
        origin = self.date_value(value, node.value_line("date"), f"{where}, date", bounded=False)
        return (origin.day, origin.month, origin.year) if origin else None

    def _day_month(self, parent: Node, key: str, max_day: int) -> tuple[int, int] | None:
        """`{day: D, month: M}`; solar days are checked against a leap year's months, so
        29/2 is accepted (observed on 28/2 in other years), lunar days against 30 (a day
        30 in a 29-day lunar month is observed on day 29)."""
        line = parent.value_line(key)
        node = Node(parent.get(key), f"{parent.where}, {key}", line)
        if not isinstance(node.data, CommentedMap):
            self.report(
                line,
                _("%(where)s: phải có dạng {day: 10, month: 3}, không phải '%(value)s'")
                % {"where": node.where, "value": show(node.data)},
            )
            return None
        self.keys(node, ("day", "month"), ("day", "month"))
        month = self.integer(node, "month", 1, 12, _("tháng"))
        day = self.integer(node, "day", 1, max_day, _("ngày"))
        if day is None or month is None:
            return None
        if key == "date" and day > calendar.monthrange(2000, month)[1]:
            self.report(
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

    def _slogans(self, root: Node) -> dict[str, tuple[str, ...]]:
        node = self.mapping(root, "slogans", "slogans")
        slogans: dict[str, tuple[str, ...]] = {}
        if node is None:
            return slogans
        by_key = {anniversary.key: anniversary for anniversary in self.anniversaries or ()}
        for key in node.data:
            line = node.key_line(key)
            if self.known_keys is not None and str(key) not in self.known_keys:
                self.report(line, unknown_anniversary("slogans", str(key), self.known_keys))
                continue
            texts: list[str] = []
            for value, value_line in self.items(node, key):
                if not isinstance(value, str) or not value.strip():
                    self.report(
                        value_line,
                        _(
                            "slogans, %(key)s: khẩu hiệu phải là một đoạn chữ, "
                            "không phải '%(value)s'"
                        )
                        % {"key": key, "value": show(value)},
                    )
                    continue
                self.check_placeholders(
                    value, ANNIVERSARY_PLACEHOLDERS, value_line, f"slogans, {key}"
                )
                anniversary = by_key.get(str(key))
                if "{ordinal}" in value and anniversary and anniversary.origin_year is None:
                    self.report(
                        value_line,
                        _(
                            "slogans, %(key)s: dùng {ordinal} nhưng ngày kỷ niệm này không có "
                            "năm gốc để tính số năm"
                        )
                        % {"key": key},
                    )
                texts.append(value.strip())
            slogans[str(key)] = tuple(texts)
        return slogans

    def _posts(self, root: Node) -> dict[str, PostOverride]:
        """`posts:` anniversary key -> {text, template}: the plan's own post for a day."""
        node = self.mapping(root, "posts", "posts")
        posts: dict[str, PostOverride] = {}
        if node is None:
            return posts
        by_key = {anniversary.key: anniversary for anniversary in self.anniversaries or ()}
        for key in node.data:
            where = f"posts, {key}"
            if self.known_keys is not None and str(key) not in self.known_keys:
                self.report(
                    node.key_line(key), unknown_anniversary("posts", str(key), self.known_keys)
                )
                continue
            entry = self.mapping(node, key, where)
            if entry is None:
                continue
            self.keys(entry, ("text", "template"))
            text = self.text(entry, "text")
            if text is not None:
                self.check_placeholders(text, POST_PLACEHOLDERS, entry.value_line("text"), where)
                anniversary = by_key.get(str(key))
                if "{ordinal}" in text and anniversary and anniversary.origin_year is None:
                    self.report(
                        entry.value_line("text"),
                        _("%(where)s: dùng {ordinal} nhưng ngày kỷ niệm này không có năm gốc")
                        % {"where": where},
                    )
            template = entry.get("template")
            if template is not None and template not in KINDS:
                self.report(
                    entry.value_line("template"),
                    _("%(where)s: template '%(template)s' không có")
                    % {"where": where, "template": show(template)}
                    + suggestion(str(template), KINDS)
                    + _("; dùng %(kinds)s") % {"kinds": kind_help()},
                )
                template = None
            if text is None and template is None and "template" not in entry.data:
                self.report(
                    node.key_line(key), _("%(where)s: cần text hoặc template") % {"where": where}
                )
                continue
            posts[str(key)] = PostOverride(text=text, template=template)
        return posts
