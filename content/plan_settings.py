"""The `settings:` section of a plan file: when and how the plan reminds.

Every key is optional; an absent one keeps its default (content/plan.py, `Settings`;
docs/plan-format.md lists them, docs/reminders.md explains the cadence they tune).
"""

from __future__ import annotations

import re
from datetime import date, time
from types import MappingProxyType
from typing import Any

from ruamel.yaml.comments import CommentedSeq

from content.i18n import _, available_locales
from content.plan import TIERS, Settings
from content.plan_reader import Node, Reader, tier_help
from content.plan_values import is_int, show, suggestion

REPORT_AUDIENCES = ("units", "office")
_DAY_MONTH = re.compile(r"\d{1,2}/\d{1,2}")
KEYS = (
    "digest_time",
    "lead_days",
    "overdue_reminders",
    "escalate_after_days",
    "quiet_hours",
    "post_banners",
    "contact_reminders",
    "report_weekday",
    "report_time",
    "days_off",
    "working_days",
    "remind_from",
    "report_deadlines",
    "language",
)
MAX_OVERDUE_STEP = 60  # working days after the due date: about three months


class SettingsReader:
    def __init__(self, reader: Reader) -> None:
        self.reader = reader

    def read(self, node: Node) -> Settings | None:
        reader = self.reader
        reader.keys(node, KEYS)
        before = len(reader.problems)
        defaults = Settings()
        digest = self._time(node, "digest_time", defaults.digest_time)
        report_time = self._time(node, "report_time", defaults.report_time)
        lead_days = dict(defaults.lead_days)
        lead_node = reader.mapping(node, "lead_days", "settings.lead_days")
        if lead_node is not None:
            for tier in lead_node.data:
                if tier not in TIERS:
                    reader.report(
                        lead_node.key_line(tier),
                        _("settings.lead_days: mức '%(tier)s' không hợp lệ") % {"tier": show(tier)}
                        + suggestion(str(tier), TIERS)
                        + _("; dùng %(tiers)s") % {"tiers": tier_help()},
                    )
                    continue
                lead_days[tier] = self._days(lead_node, tier, 0, 366, _("số ngày nhắc trước"))
        overdue = defaults.overdue_reminders
        if "overdue_reminders" in node:
            steps = self._days(
                node, "overdue_reminders", 1, MAX_OVERDUE_STEP, _("số ngày làm việc sau hạn")
            )
            overdue = tuple(sorted(steps))
        escalate = reader.integer(
            node, "escalate_after_days", 0, 365, _("số ngày quá hạn trước khi báo quản trị viên")
        )
        weekday = reader.integer(
            node, "report_weekday", 1, 7, _("thứ gửi báo cáo tuần (1 = Thứ Hai ... 7 = Chủ Nhật)")
        )
        quiet = defaults.quiet_hours
        if "quiet_hours" in node.data:
            quiet = self._quiet_hours(node)
        post_banners = reader.boolean(node, "post_banners", "settings.post_banners")
        contact_reminders = reader.boolean(node, "contact_reminders", "settings.contact_reminders")
        days_off = self._dates(node, "days_off")
        working_days = self._dates(node, "working_days")
        for day in sorted(set(days_off) & set(working_days)):
            reader.report(
                node.value_line("working_days"),
                _(
                    "settings: ngày %(day)s vừa là ngày nghỉ (days_off) vừa là ngày làm "
                    "việc (working_days)"
                )
                % {"day": f"{day:%d/%m/%Y}"},
            )
        deadlines = self._report_deadlines(node)
        remind_from = None
        if "remind_from" in node:
            remind_from = reader.date_value(
                node.get("remind_from"), node.value_line("remind_from"), "settings.remind_from"
            )
        language = self._language(node) if "language" in node.data else defaults.language
        if len(reader.problems) > before:
            return None
        settings = Settings(
            digest_time=digest,
            lead_days=MappingProxyType(lead_days),
            overdue_reminders=overdue,
            escalate_after_days=defaults.escalate_after_days if escalate is None else escalate,
            quiet_hours=quiet,
            post_banners=defaults.post_banners if post_banners is None else post_banners,
            contact_reminders=(
                defaults.contact_reminders if contact_reminders is None else contact_reminders
            ),
            report_weekday=defaults.report_weekday if weekday is None else weekday,
            report_time=report_time,
            days_off=tuple(sorted(days_off)),
            working_days=tuple(sorted(working_days)),
            remind_from=remind_from,
            report_deadlines=MappingProxyType(deadlines),
            language=language or defaults.language,
        )
        for key, moment, what in (
            ("digest_time", digest, _("giờ gửi tin nhắc")),
            ("report_time", report_time, _("giờ gửi báo cáo tuần")),
        ):
            if settings.in_quiet_hours(moment):
                reader.report(
                    node.value_line(key) if key in node else node.line,
                    _(
                        "settings.%(key)s: %(what)s %(time)s nằm trong giờ yên lặng "
                        "(quiet_hours) nên sẽ không bao giờ được gửi"
                    )
                    % {"key": key, "what": what, "time": f"{moment:%H:%M}"},
                )
                return None
        return settings

    def _time(self, node: Node, key: str, default: time) -> time:
        if key not in node:
            return default
        line = node.value_line(key)
        return self.reader.time_value(node.get(key), line, f"settings.{key}") or default

    def _days(self, node: Node, key: str, low: int, high: int, what: str) -> tuple[int, ...]:
        """A list of whole numbers of days (an empty list is allowed: none)."""
        days: set[int] = set()
        for value, line in self.reader.items(node, key):
            if is_int(value) and low <= value <= high:
                days.add(int(value))
            else:
                self.reader.report(
                    line,
                    _(
                        "%(where)s, %(key)s: %(what)s phải là số nguyên từ %(low)d đến "
                        "%(high)d, không phải '%(value)s'"
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
        return tuple(sorted(days, reverse=True))

    def _dates(self, node: Node, key: str) -> list[date]:
        found: list[date] = []
        for value, line in self.reader.items(node, key):
            day = self.reader.date_value(value, line, f"settings.{key}")
            if day is not None and day not in found:
                found.append(day)
        return found

    def _report_deadlines(self, node: Node) -> dict[str, tuple[date, ...]]:
        """{units: "10/11", office: ["25/6", "25/11"]}: a day and month of the plan year
        (or a full date), one or a list, per audience."""
        reader = self.reader
        found: dict[str, tuple[date, ...]] = {}
        deadlines = reader.mapping(node, "report_deadlines", "settings.report_deadlines")
        if deadlines is None:
            return found
        reader.keys(deadlines, REPORT_AUDIENCES)
        for audience in REPORT_AUDIENCES:
            days = []
            for value, line in reader.items(deadlines, audience):
                where = f"settings.report_deadlines, {audience}"
                text = str(value).strip()
                if reader.year is not None and _DAY_MONTH.fullmatch(text):
                    text = f"{text}/{reader.year}"
                day = reader.date_value(text if isinstance(value, str) else value, line, where)
                if day is not None:
                    days.append(day)
            if days:
                found[audience] = tuple(sorted(set(days)))
        return found

    def _language(self, node: Node) -> str | None:
        value = node.get("language")
        languages = available_locales()
        if isinstance(value, str) and value in languages:
            return value
        self.reader.report(
            node.value_line("language"),
            _("settings.language: ngôn ngữ '%(language)s' không có") % {"language": show(value)}
            + suggestion(str(value), languages)
            + _("; dùng %(languages)s") % {"languages": ", ".join(languages)},
        )
        return None

    def _quiet_hours(self, node: Node) -> tuple[time, time] | None:
        reader = self.reader
        value: Any = node.get("quiet_hours")
        line = node.value_line("quiet_hours")
        if value is None or value is False:
            return None  # explicitly switched off
        if not isinstance(value, CommentedSeq) or len(value) != 2:
            reader.report(
                line,
                _(
                    "settings.quiet_hours: phải là [giờ bắt đầu, giờ kết thúc], ví dụ "
                    '["21:00", "07:00"], hoặc null để tắt; không phải \'%(value)s\''
                )
                % {"value": show(value)},
            )
            return None
        start = reader.time_value(value[0], value.lc.item(0)[0] + 1, "settings.quiet_hours")
        end = reader.time_value(value[1], value.lc.item(1)[0] + 1, "settings.quiet_hours")
        if start is None or end is None:
            return None
        if start == end:
            reader.report(
                line,
                _(
                    "settings.quiet_hours: giờ bắt đầu và kết thúc trùng nhau (%(time)s); "
                    "muốn tắt giờ yên lặng thì viết quiet_hours: null"
                )
                % {"time": f"{start:%H:%M}"},
            )
            return None
        return (start, end)
