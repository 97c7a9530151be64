"""The validated plan: what `content/plan_loader.py` builds from a plan file.

Everything here is immutable and already checked, so the rest of Loa can trust it
(unit ids in tasks exist, dates are real, addresses are well formed).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cached_property
from types import MappingProxyType
from typing import Literal, get_args
from zoneinfo import ZoneInfo

from content.anniversaries import Anniversary, Kind, Occurrence, Tier
from content.channels import PLAN_CHANNELS, traits
from content.i18n import _
from content.placeholders import fill_placeholders, occurrence_values
from content.plan_schedule import campaign_occurrences, plan_period, task_schedule
from content.working_days import WorkingDays

ChannelName = str  # a key of content.channels.CHANNELS
TIERS: tuple[Tier, ...] = ("round10", "round5", "regular")
TaskKind = Literal["once", "recurring", "per_anniversary"]
Repeat = Literal["daily", "weekly", "monthly", "quarterly", "yearly"]
REPEATS: tuple[str, ...] = get_args(Repeat)
Role = Literal["owner", "cooperating"]


@dataclass(frozen=True)
class Address:
    """A chat on one platform: `telegram:-1001234567890` or `zalo:6ede9afa66b88fe6d6a9`."""

    channel: ChannelName
    id: str

    def __str__(self) -> str:
        return f"{self.channel}:{self.id}"

    @classmethod
    def parse(cls, text: str) -> Address:
        channel, sep, chat_id = text.strip().partition(":")
        channel = channel.strip().lower()
        chat_id = chat_id.strip()
        if not sep or channel not in PLAN_CHANNELS:
            forms = _(" hoặc ").join(
                _("%(channel)s:<mã chat>") % {"channel": name} for name in PLAN_CHANNELS
            )
            raise ValueError(
                _("địa chỉ '%(text)s' không hợp lệ: phải có dạng %(forms)s")
                % {"text": text, "forms": forms}
            )
        row = traits(channel)
        if not row.chat_id_pattern.fullmatch(chat_id):
            raise ValueError(
                _("mã chat '%(id)s' trong '%(text)s' không hợp lệ: mã chat %(channel)s là %(hint)s")
                % {
                    "id": chat_id,
                    "text": text,
                    "channel": channel,
                    "hint": _(row.chat_id_hint) if row.chat_id_hint else "",
                }
            )
        return cls(channel, chat_id)


def _default_lead_days() -> Mapping[Tier, tuple[int, ...]]:
    # Besides the week-ahead digest and the due day: round years start earlier.
    return MappingProxyType({"round10": (30, 14), "round5": (14,), "regular": ()})


@dataclass(frozen=True)
class Settings:
    """How and when a plan reminds (docs/plan-format.md, `settings:`; docs/reminders.md
    explains the cadence)."""

    digest_time: time = time(7, 30)
    # Days before the due date on which an item is also reminded, by tier.
    lead_days: Mapping[Tier, tuple[int, ...]] = field(default_factory=_default_lead_days)
    # Working days after the due date on which an open item is reminded again; after
    # the last, only the weekly digest lists it.
    overdue_reminders: tuple[int, ...] = (1, 4)
    escalate_after_days: int = 2
    quiet_hours: tuple[time, time] | None = (time(21, 0), time(7, 0))
    # Suggested posts come with a banner image where the channel can upload one.
    post_banners: bool = True
    # The first working day an item is overdue, the unit's contacts get a private message.
    contact_reminders: bool = True
    # When reports are due (`report_deadlines:`): "units" report to the office, the
    # "office" reports up; each is reminded a few working days before, draft attached.
    report_deadlines: Mapping[str, tuple[date, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    language: str = "vi"  # of the messages to this plan's chats (a chat may choose its own)
    report_weekday: int = 1  # the admins' weekly report: 1 = Monday ... 7 = Sunday
    report_time: time = time(8, 0)
    days_off: tuple[date, ...] = ()  # beyond the national ones: nghỉ bù, local holidays
    working_days: tuple[date, ...] = ()  # working Saturdays the national calendar lacks
    remind_from: date | None = None  # None: from the plan's first `loa load`

    def in_quiet_hours(self, t: time) -> bool:
        """True inside [start, end); a window whose start is after its end wraps midnight."""
        if self.quiet_hours is None:
            return False
        start, end = self.quiet_hours
        t = t.replace(tzinfo=None)
        if start <= end:
            return start <= t < end
        return t >= start or t < end


@dataclass(frozen=True)
class PostOverride:
    """What a plan changes in one anniversary's suggested post (`posts:` in the file).

    `text` replaces the post's body (the paragraphs between the date and the slogans),
    placeholders filled; `template` picks the built-in post of another kind (e.g.
    memorial for a day the catalogue or the plan lists as major)."""

    text: str | None = None
    template: Kind | None = None


@dataclass(frozen=True)
class Contact:
    """A unit's contact person (cán bộ đầu mối): a user address (a person, not a group:
    `telegram:123456789`) and the name digests mention."""

    address: Address
    name: str


@dataclass(frozen=True)
class Unit:
    id: str
    name: str
    tags: tuple[str, ...] = ()
    channels: tuple[Address, ...] = ()
    note: str = ""
    contacts: tuple[Contact, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Task:
    id: str
    title: str
    owners: tuple[str, ...]  # resolved unit ids, in plan order
    cooperating: tuple[str, ...] = ()  # resolved, in plan order, never an owner too
    kind: TaskKind
    due_date: date | None = None  # once
    offset_days: int = 0  # per_anniversary: due = anniversary date + offset_days
    repeat: Repeat | None = None  # recurring
    due_day: int | None = None  # recurring: day of the period (weekly: 1 = Monday)
    due_month: int | None = None  # quarterly: month of the quarter 1-3; yearly: 1-12
    start: date | None = None  # recurring and per_anniversary: due dates from this day
    until: date | None = None  # ... up to this day
    anniversary_tiers: tuple[Tier, ...] = TIERS  # per_anniversary
    anniversary_keys: tuple[str, ...] | None = None  # per_anniversary: None = all
    description: str = ""
    optional: bool = False  # "… (nếu có)": may be answered "không phát sinh"
    line: int


@dataclass(frozen=True)
class PrivacyNotice:
    controller: str = ""  # the agency responsible for the data (bên kiểm soát dữ liệu)
    contact: str = ""  # where a person asks about their data
    note: str = ""  # a paragraph the agency adds in its own words

    def __bool__(self) -> bool:
        return bool(self.controller or self.contact or self.note)


@dataclass(frozen=True)
class PlanNotice:
    """Something the admin should know about a valid plan (not an error): shown by
    `loa check` and `loa load` as `FILE:LINE: lưu ý: message`."""

    line: int
    message: str


@dataclass(frozen=True, kw_only=True)
class Plan:
    id: str
    title: str
    issuer: str = ""
    number: str | None = None
    year: int
    # The dates the plan covers: its year unless `period:` says otherwise. Recurring
    # tasks and anniversaries are expanded over it.
    period_start: date | None = None
    period_end: date | None = None
    province: str | None = None
    timezone: str = "Asia/Ho_Chi_Minh"
    settings: Settings = field(default_factory=Settings)
    admins: tuple[Address, ...] = ()
    units: tuple[Unit, ...]
    # The included catalogues plus the plan's extras (scope "plan"); which of them a
    # year campaigns for also depends on `anniversary_tiers`, known once the year's
    # ordinals are.
    anniversaries: tuple[Anniversary, ...] = ()
    anniversary_tiers: tuple[Tier, ...] = TIERS
    tasks: tuple[Task, ...]
    slogans: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    posts: Mapping[str, PostOverride] = field(default_factory=lambda: MappingProxyType({}))
    privacy: PrivacyNotice = field(default_factory=PrivacyNotice)  # the agency's notice
    source_name: str = "<plan>"
    notices: tuple[PlanNotice, ...] = ()

    @cached_property
    def _units_by_id(self) -> Mapping[str, Unit]:
        return {unit.id: unit for unit in self.units}

    def unit(self, unit_id: str) -> Unit:
        """The unit with this id; KeyError if the plan has none."""
        return self._units_by_id[unit_id]

    def units_with_tag(self, tag: str) -> tuple[Unit, ...]:
        return tuple(unit for unit in self.units if tag in unit.tags)

    def task(self, task_id: str) -> Task:
        for task in self.tasks:
            if task.id == task_id:
                return task
        raise KeyError(task_id)

    def anniversary(self, key: str) -> Anniversary:
        for anniversary in self.anniversaries:
            if anniversary.key == key:
                return anniversary
        raise KeyError(key)

    def slogans_for(self, occurrence: Occurrence) -> tuple[str, ...]:
        """The plan's slogans for this anniversary, placeholders filled."""
        values = occurrence_values(occurrence)
        return tuple(
            fill_placeholders(text, values) for text in self.slogans.get(occurrence.key, ())
        )

    def post_override(self, key: str) -> PostOverride | None:
        return self.posts.get(key)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @cached_property
    def calendar(self) -> WorkingDays:
        """The plan's working days: the national ones with its `days_off` and
        `working_days`."""
        return WorkingDays(self.settings.days_off, self.settings.working_days)

    @property
    def period(self) -> tuple[date, date]:
        """(first day, last day) the plan covers: `period:`, or its year."""
        return plan_period(self.year, self.period_start, self.period_end)

    @cached_property
    def last_due(self) -> date | None:
        """The latest due date of any task (a final report may be due after the period)."""
        dues = [due for task in self.tasks for due, _ in self.schedule(task)]
        return max(dues, default=None)

    @property
    def active_until(self) -> date:
        """The last day the plan's items are reminded: the end of its period, or its last
        due date when that is later."""
        end = self.period[1]
        return max(end, self.last_due) if self.last_due is not None else end

    def reminds_from(self, started_at: datetime | None) -> date:
        """The first day the plan reminds: `settings.remind_from`, else the day it was
        first loaded (`started_at`), else the start of its period."""
        if self.settings.remind_from is not None:
            return self.settings.remind_from
        if started_at is not None:
            return started_at.astimezone(self.tz).date()
        return self.period[0]

    @cached_property
    def campaign_occurrences(self) -> tuple[Occurrence, ...]:
        """The period's occurrences of its anniversaries, in the tiers it campaigns for."""
        return campaign_occurrences(self.anniversaries, self.period, self.anniversary_tiers)

    @cached_property
    def _schedules(self) -> Mapping[str, tuple[tuple[date, Occurrence | None], ...]]:
        return {
            task.id: task_schedule(task, self.period, self.campaign_occurrences)
            for task in self.tasks
        }

    def schedule(self, task: Task) -> tuple[tuple[date, Occurrence | None], ...]:
        """Every (due date, anniversary occurrence or None) of a task, by due date."""
        return self._schedules[task.id]


def merge_admins(plan: Plan, extra_admins: Sequence[Address]) -> tuple[Address, ...]:
    """The plan's admins then the extra ones (LOA_ADMINS), each once, in that order."""
    return tuple(dict.fromkeys((*plan.admins, *extra_admins)))
