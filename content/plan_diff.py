"""What changed between two versions of a plan, in words an admin reads after
`loa load` (in the language of the run): units, tasks, admins, anniversaries and
settings. Pure."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, time

from content.anniversaries import TIER_LABELS
from content.dates import format_date_short, weekday_name
from content.i18n import N_, _, current_language
from content.plan import Plan, Settings, Task, Unit

_WEEKDAYS = {
    1: N_("thứ Hai"),
    2: N_("thứ Ba"),
    3: N_("thứ Tư"),
    4: N_("thứ Năm"),
    5: N_("thứ Sáu"),
    6: N_("thứ Bảy"),
    7: N_("Chủ nhật"),
}
# Catalogue anniversaries come by the dozen when a province is added; past this many
# they are counted rather than listed.
_LIST_AT_MOST = 5


@dataclass
class PlanDiff:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def unit_label(unit: Unit) -> str:
    return _("đơn vị “%(name)s” (%(id)s)") % {"name": unit.name, "id": unit.id}


def task_label(task: Task) -> str:
    return _("nhiệm vụ “%(title)s” (%(id)s)") % {"title": task.title, "id": task.id}


def _admin(address: object) -> str:
    return _("quản trị viên %(address)s") % {"address": address}


def _day(value: date | None) -> str:
    return format_date_short(value) if value else ""


def _listed(values: Iterable[str]) -> str:
    return ", ".join(values) or _("(không có)")


def _plus_minus(old: Sequence[str], new: Sequence[str], name: Callable[[str], str]) -> str:
    parts = []
    if gained := [value for value in new if value not in old]:
        parts.append(_("thêm %(names)s") % {"names": ", ".join(name(value) for value in gained)})
    if lost := [value for value in old if value not in new]:
        parts.append(_("bỏ %(names)s") % {"names": ", ".join(name(value) for value in lost)})
    return "; ".join(parts) if parts else _("đổi thứ tự")


def _offset(days: int) -> str:
    if days == 0:
        return _("đúng ngày kỷ niệm")
    if days < 0:
        return _("%(n)d ngày trước ngày kỷ niệm") % {"n": -days}
    return _("%(n)d ngày sau ngày kỷ niệm") % {"n": days}


def schedule_text(task: Task) -> str:
    """When a task falls due, e.g. "hằng tháng, ngày 25, từ 01/01/2026 đến 31/12/2026"."""
    if task.kind == "once":
        return _("hạn %(day)s") % {"day": _day(task.due_date)}
    if task.kind == "per_anniversary":
        tiers = ", ".join(_(TIER_LABELS[tier]) for tier in task.anniversary_tiers)
        text = f"{_offset(task.offset_days)} ({tiers})"
        if task.anniversary_keys is not None:
            text += _(", chỉ các ngày: %(keys)s") % {"keys": _listed(task.anniversary_keys)}
    else:
        values = {
            "day": task.due_day,
            "month": task.due_month,
            "weekday": _(_WEEKDAYS[task.due_day]) if task.due_day in _WEEKDAYS else "",
        }
        patterns = {
            "daily": _("hằng ngày"),
            "weekly": _("hằng tuần, %(weekday)s"),
            "monthly": _("hằng tháng, ngày %(day)s"),
            "quarterly": _("hằng quý, ngày %(day)s tháng thứ %(month)s của quý"),
            "yearly": _("hằng năm, ngày %(day)s/%(month)s"),
        }
        pattern = patterns.get(task.repeat or "")
        text = pattern % values if pattern is not None else str(task.repeat)
    if task.start:
        text += _(", từ %(day)s") % {"day": _day(task.start)}
    if task.until:
        text += _(", đến %(day)s") % {"day": _day(task.until)}
    return text


def _quiet(window: tuple[time, time] | None) -> str:
    if window is None:
        return _("không có")
    start, end = window
    return f"{start:%H:%M}–{end:%H:%M}"


def _settings_changes(old: Settings, new: Settings) -> list[str]:
    changes = []
    if old.digest_time != new.digest_time:
        changes.append(
            _("giờ gửi nhắc việc: %(old)s → %(new)s")
            % {"old": f"{old.digest_time:%H:%M}", "new": f"{new.digest_time:%H:%M}"}
        )
    for tier, label in TIER_LABELS.items():
        before, after = old.lead_days.get(tier, ()), new.lead_days.get(tier, ())
        if tuple(before) != tuple(after):
            changes.append(
                _("số ngày nhắc trước (%(tier)s): %(old)s → %(new)s")
                % {
                    "tier": _(label),
                    "old": _listed(map(str, before)),
                    "new": _listed(map(str, after)),
                }
            )
    if old.escalate_after_days != new.escalate_after_days:
        changes.append(
            _("báo quản trị viên khi quá hạn: sau %(old)d → %(new)d ngày")
            % {"old": old.escalate_after_days, "new": new.escalate_after_days}
        )
    if old.quiet_hours != new.quiet_hours:
        changes.append(
            _("giờ yên lặng: %(old)s → %(new)s")
            % {"old": _quiet(old.quiet_hours), "new": _quiet(new.quiet_hours)}
        )
    if old.post_banners != new.post_banners:
        changes.append(
            _("gửi kèm pa nô với bài gợi ý: bật")
            if new.post_banners
            else _("gửi kèm pa nô với bài gợi ý: tắt")
        )
    if old.contact_reminders != new.contact_reminders:
        changes.append(
            _("nhắn riêng đầu mối khi việc quá hạn: bật")
            if new.contact_reminders
            else _("nhắn riêng đầu mối khi việc quá hạn: tắt")
        )
    if old.language != new.language:
        changes.append(
            _("ngôn ngữ: %(old)s → %(new)s") % {"old": old.language, "new": new.language}
        )
    if old.overdue_reminders != new.overdue_reminders:
        changes.append(
            _("nhắc lại việc quá hạn sau (ngày làm việc): %(old)s → %(new)s")
            % {
                "old": _listed(map(str, old.overdue_reminders)),
                "new": _listed(map(str, new.overdue_reminders)),
            }
        )
    if (old.report_weekday, old.report_time) != (new.report_weekday, new.report_time):
        changes.append(
            _("báo cáo tuần: %(old)s → %(new)s")
            % {
                "old": f"{_weekday(old.report_weekday)} {old.report_time:%H:%M}",
                "new": f"{_weekday(new.report_weekday)} {new.report_time:%H:%M}",
            }
        )
    for label, old_days, new_days in (
        (N_("ngày nghỉ thêm"), old.days_off, new.days_off),
        (N_("ngày làm việc thêm"), old.working_days, new.working_days),
    ):
        if old_days != new_days:
            changes.append(
                f"{_(label)}: {_listed(map(format_date_short, old_days))} → "
                f"{_listed(map(format_date_short, new_days))}"
            )
    if old.remind_from != new.remind_from:
        changes.append(
            _("nhắc việc từ: %(old)s → %(new)s")
            % {"old": _start_day(old.remind_from), "new": _start_day(new.remind_from)}
        )
    return changes


def _start_day(day: date | None) -> str:
    return _("ngày nạp đầu tiên") if day is None else format_date_short(day)


def _weekday(number: int) -> str:
    """1 = Monday ... 7 = Sunday, in words: 01/01/2024 was a Monday."""
    return weekday_name(date(2024, 1, number), current_language())


def _header_changes(old: Plan, new: Plan) -> list[str]:
    fields = (
        ("title", _("tên kế hoạch")),
        ("issuer", _("cơ quan ban hành")),
        ("number", _("số hiệu")),
        ("year", _("năm")),
        ("province", _("tỉnh")),
        ("timezone", _("múi giờ")),
    )
    changes = []
    for name, label in fields:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            changes.append(f"{label}: “{before or ''}” → “{after or ''}”")
    if old.privacy != new.privacy:
        changes.append(_("thông báo về dữ liệu cá nhân (privacy): đã sửa"))
    return changes


def _unit_changes(old: Plan, new: Plan, diff: PlanDiff) -> None:
    before = {unit.id: unit for unit in old.units}
    after = {unit.id: unit for unit in new.units}
    diff.added += [unit_label(unit) for unit in new.units if unit.id not in before]
    diff.removed += [unit_label(unit) for unit in old.units if unit.id not in after]
    for unit in new.units:
        previous = before.get(unit.id)
        if previous is None:
            continue
        if previous.name != unit.name:
            diff.changed.append(
                _("đơn vị %(id)s: đổi tên “%(old)s” → “%(new)s”")
                % {"id": unit.id, "old": previous.name, "new": unit.name}
            )
        if previous.tags != unit.tags:
            diff.changed.append(
                _("đơn vị %(id)s: nhãn [%(old)s] → [%(new)s]")
                % {"id": unit.id, "old": ", ".join(previous.tags), "new": ", ".join(unit.tags)}
            )
        old_chats = [str(address) for address in previous.channels]
        new_chats = [str(address) for address in unit.channels]
        if set(old_chats) != set(new_chats):
            diff.changed.append(
                _("đơn vị %(id)s: nhóm chat %(change)s")
                % {"id": unit.id, "change": _plus_minus(old_chats, new_chats, str)}
            )
        old_people = [f"{c.name} ({c.address})" for c in previous.contacts]
        new_people = [f"{c.name} ({c.address})" for c in unit.contacts]
        if set(old_people) != set(new_people):
            diff.changed.append(
                _("đơn vị %(id)s: đầu mối %(change)s")
                % {"id": unit.id, "change": _plus_minus(old_people, new_people, str)}
            )


def _task_changes(old: Plan, new: Plan, diff: PlanDiff) -> None:
    before = {task.id: task for task in old.tasks}
    after = {task.id: task for task in new.tasks}
    diff.added += [task_label(task) for task in new.tasks if task.id not in before]
    diff.removed += [task_label(task) for task in old.tasks if task.id not in after]

    def unit_name(unit_id: str) -> str:
        for plan in (new, old):
            for unit in plan.units:
                if unit.id == unit_id:
                    return unit.name
        return unit_id

    for task in new.tasks:
        previous = before.get(task.id)
        if previous is None:
            continue
        values = {"id": task.id}
        if previous.title != task.title:
            diff.changed.append(
                _("nhiệm vụ %(id)s: đổi tên “%(old)s” → “%(new)s”")
                % {**values, "old": previous.title, "new": task.title}
            )
        if schedule_text(previous) != schedule_text(task):
            diff.changed.append(
                _("nhiệm vụ %(id)s: đổi hạn: %(old)s → %(new)s")
                % {**values, "old": schedule_text(previous), "new": schedule_text(task)}
            )
        if set(previous.owners) != set(task.owners):
            change = _plus_minus(previous.owners, task.owners, unit_name)
            diff.changed.append(
                _("nhiệm vụ %(id)s: đơn vị chủ trì %(change)s") % {**values, "change": change}
            )
        if set(previous.cooperating) != set(task.cooperating):
            change = _plus_minus(previous.cooperating, task.cooperating, unit_name)
            diff.changed.append(
                _("nhiệm vụ %(id)s: đơn vị phối hợp %(change)s") % {**values, "change": change}
            )
        if previous.description != task.description:
            diff.changed.append(_("nhiệm vụ %(id)s: đổi mô tả") % values)


def _anniversary_changes(old: Plan, new: Plan, diff: PlanDiff) -> None:
    before = {a.key: a for a in old.anniversaries}
    after = {a.key: a for a in new.anniversaries}
    gained = [a for a in new.anniversaries if a.key not in before]
    lost = [a for a in old.anniversaries if a.key not in after]
    for items, target in ((gained, diff.added), (lost, diff.removed)):
        if len(items) > _LIST_AT_MOST:
            target.append(_("%(n)d ngày kỷ niệm") % {"n": len(items)})
        else:
            target += [
                _("ngày kỷ niệm “%(name)s” (%(key)s)") % {"name": a.name, "key": a.key}
                for a in items
            ]
    for key, anniversary in after.items():
        if key in before and before[key] != anniversary:
            diff.changed.append(
                _("ngày kỷ niệm %(key)s: đổi thông tin (ngày, tên hoặc loại)") % {"key": key}
            )
    if old.anniversary_tiers != new.anniversary_tiers:
        diff.changed.append(
            _("loại ngày kỷ niệm áp dụng: %(old)s → %(new)s")
            % {
                "old": _listed(_(TIER_LABELS[t]) for t in old.anniversary_tiers),
                "new": _listed(_(TIER_LABELS[t]) for t in new.anniversary_tiers),
            }
        )
    changed_slogans = sorted(
        key
        for key in set(old.slogans) | set(new.slogans)
        if tuple(old.slogans.get(key, ())) != tuple(new.slogans.get(key, ()))
    )
    if changed_slogans:
        diff.changed.append(_("khẩu hiệu của: %(keys)s") % {"keys": ", ".join(changed_slogans)})
    changed_posts = sorted(
        key for key in set(old.posts) | set(new.posts) if old.posts.get(key) != new.posts.get(key)
    )
    if changed_posts:
        diff.changed.append(_("bài gợi ý riêng của: %(keys)s") % {"keys": ", ".join(changed_posts)})


def diff_plans(old: Plan | None, new: Plan) -> PlanDiff:
    """Differences from `old` to `new`; with no `old`, everything in `new` is added."""
    diff = PlanDiff()
    if old is None:
        diff.added += [unit_label(unit) for unit in new.units]
        diff.added += [task_label(task) for task in new.tasks]
        diff.added += [_admin(admin) for admin in new.admins]
        return diff
    diff.changed += _header_changes(old, new)
    diff.changed += _settings_changes(old.settings, new.settings)
    _unit_changes(old, new, diff)
    _task_changes(old, new, diff)
    diff.added += [_admin(a) for a in new.admins if a not in old.admins]
    diff.removed += [_admin(a) for a in old.admins if a not in new.admins]
    _anniversary_changes(old, new, diff)
    return diff
