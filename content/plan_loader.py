"""Read a plan file (YAML) into a validated `Plan`, or report every problem in it.

Problems carry the 1-based line they are about and a Vietnamese message that names
the faulty value; all of them are collected before `PlanError` is raised, so one run
of `loa check` shows everything to fix. Nothing partial is ever returned.

The generic value checks live in `content/plan_reader.py`; the sections are read by
`plan_settings.py`, `plan_units.py` (`units:`, `admins:`), `plan_anniversaries.py` and
`plan_tasks.py`. This module reads the header, `slogans:` and `posts:`, and puts the
plan together.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from content.anniversaries import KINDS
from content.catalogues import (
    CatalogueError,
    available_provinces,
    closest_province,
    match_province,
)
from content.i18n import _
from content.plan import TIERS, Plan, PlanNotice, PostOverride, Settings
from content.plan_anniversaries import AnniversaryReader, kind_help
from content.plan_privacy import read_privacy
from content.plan_reader import (
    ANNIVERSARY_PLACEHOLDERS,
    MAX_YEAR,
    MIN_YEAR,
    Node,
    PlanProblem,
    Reader,
)
from content.plan_schedule import campaign_occurrences, plan_period
from content.plan_settings import SettingsReader
from content.plan_tasks import PlanContext, TaskReader
from content.plan_units import UnitReader
from content.plan_values import show, suggestion, unknown_anniversary
from content.plan_yaml import MAX_PLAN_BYTES, YamlProblems, decode_plan, too_large_message

__all__ = ["PlanError", "PlanProblem", "load_plan", "parse_plan", "read_plan_file"]

POST_PLACEHOLDERS = (*ANNIVERSARY_PLACEHOLDERS, "unit")
_MAX_PERIOD_YEARS = 10


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
        unit_reader = UnitReader(self)
        admins = unit_reader.admins(root)
        units = unit_reader.read(root)
        province = header["province"] if header else None
        days = AnniversaryReader(self, self.province_ok)
        anniversary_tiers = days.read(root, province)
        occurrences = None
        if self.year is not None and days.anniversaries is not None:
            period = self.period or plan_period(self.year, None, None)
            occurrences = campaign_occurrences(days.anniversaries, period, TIERS)
        context = PlanContext(tuple(units), days.known_keys, occurrences, anniversary_tiers)
        tasks = TaskReader(self, context).read(root)
        slogans = self._slogans(root, days)
        posts = self._posts(root, days)
        privacy = read_privacy(self, root)
        if header is None or settings is None or anniversary_tiers is None:
            return None
        return Plan(
            **header,
            settings=settings,
            admins=admins,
            units=tuple(units),
            anniversaries=tuple(days.anniversaries or ()),
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

    def _slogans(self, root: Node, days: AnniversaryReader) -> dict[str, tuple[str, ...]]:
        node = self.mapping(root, "slogans", "slogans")
        slogans: dict[str, tuple[str, ...]] = {}
        if node is None:
            return slogans
        by_key = {anniversary.key: anniversary for anniversary in days.anniversaries or ()}
        for key in node.data:
            line = node.key_line(key)
            if days.known_keys is not None and str(key) not in days.known_keys:
                self.report(line, unknown_anniversary("slogans", str(key), days.known_keys))
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

    def _posts(self, root: Node, days: AnniversaryReader) -> dict[str, PostOverride]:
        """`posts:` anniversary key -> {text, template}: the plan's own post for a day."""
        node = self.mapping(root, "posts", "posts")
        posts: dict[str, PostOverride] = {}
        if node is None:
            return posts
        by_key = {anniversary.key: anniversary for anniversary in days.anniversaries or ()}
        for key in node.data:
            where = f"posts, {key}"
            if days.known_keys is not None and str(key) not in days.known_keys:
                self.report(
                    node.key_line(key), unknown_anniversary("posts", str(key), days.known_keys)
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
