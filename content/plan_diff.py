"""What changed between two versions of a plan, in words an admin reads after
`loa load`: units, tasks, admins, anniversaries and settings. Pure."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, time

from content.anniversaries import TIER_LABELS
from content.dates import format_date_short, weekday_name
from content.plan import Plan, Settings, Task, Unit

_WEEKDAYS = {
    1: "thứ Hai",
    2: "thứ Ba",
    3: "thứ Tư",
    4: "thứ Năm",
    5: "thứ Sáu",
    6: "thứ Bảy",
    7: "Chủ nhật",
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
    return f"đơn vị “{unit.name}” ({unit.id})"


def task_label(task: Task) -> str:
    return f"nhiệm vụ “{task.title}” ({task.id})"


def _day(value: date | None) -> str:
    return format_date_short(value) if value else ""


def _listed(values: Iterable[str]) -> str:
    return ", ".join(values) or "(không có)"


def _plus_minus(old: Sequence[str], new: Sequence[str], name: Callable[[str], str]) -> str:
    parts = []
    if gained := [value for value in new if value not in old]:
        parts.append("thêm " + ", ".join(name(value) for value in gained))
    if lost := [value for value in old if value not in new]:
        parts.append("bỏ " + ", ".join(name(value) for value in lost))
    return "; ".join(parts) if parts else "đổi thứ tự"


def _offset(days: int) -> str:
    if days == 0:
        return "đúng ngày kỷ niệm"
    return f"{abs(days)} ngày {'trước' if days < 0 else 'sau'} ngày kỷ niệm"


def schedule_text(task: Task) -> str:
    """When a task falls due, e.g. "hằng tháng, ngày 25, từ 01/01/2026 đến 31/12/2026"."""
    if task.kind == "once":
        return f"hạn {_day(task.due_date)}"
    if task.kind == "per_anniversary":
        tiers = ", ".join(TIER_LABELS[tier] for tier in task.anniversary_tiers)
        text = f"{_offset(task.offset_days)} ({tiers})"
        if task.anniversary_keys is not None:
            text += f", chỉ các ngày: {_listed(task.anniversary_keys)}"
    else:
        day, month = task.due_day, task.due_month
        text = {
            "daily": "hằng ngày",
            "weekly": f"hằng tuần, {_WEEKDAYS.get(day or 1, '')}",
            "monthly": f"hằng tháng, ngày {day}",
            "quarterly": f"hằng quý, ngày {day} tháng thứ {month} của quý",
            "yearly": f"hằng năm, ngày {day}/{month}",
        }.get(task.repeat or "", str(task.repeat))
    if task.start:
        text += f", từ {_day(task.start)}"
    if task.until:
        text += f", đến {_day(task.until)}"
    return text


def _quiet(window: tuple[time, time] | None) -> str:
    if window is None:
        return "không có"
    start, end = window
    return f"{start:%H:%M}–{end:%H:%M}"


def _settings_changes(old: Settings, new: Settings) -> list[str]:
    changes = []
    if old.digest_time != new.digest_time:
        changes.append(f"giờ gửi nhắc việc: {old.digest_time:%H:%M} → {new.digest_time:%H:%M}")
    for tier, label in TIER_LABELS.items():
        before, after = old.lead_days.get(tier, ()), new.lead_days.get(tier, ())
        if tuple(before) != tuple(after):
            changes.append(
                f"số ngày nhắc trước ({label}): {_listed(map(str, before))} → "
                f"{_listed(map(str, after))}"
            )
    if old.escalate_after_days != new.escalate_after_days:
        changes.append(
            f"báo quản trị viên khi quá hạn: sau {old.escalate_after_days} → "
            f"{new.escalate_after_days} ngày"
        )
    if old.quiet_hours != new.quiet_hours:
        changes.append(f"giờ yên lặng: {_quiet(old.quiet_hours)} → {_quiet(new.quiet_hours)}")
    if old.post_banners != new.post_banners:
        changes.append(f"gửi kèm pa nô với bài gợi ý: {'bật' if new.post_banners else 'tắt'}")
    if old.contact_reminders != new.contact_reminders:
        state = "bật" if new.contact_reminders else "tắt"
        changes.append(f"nhắn riêng đầu mối khi việc quá hạn: {state}")
    if old.overdue_reminders != new.overdue_reminders:
        changes.append(
            f"nhắc lại việc quá hạn sau (ngày làm việc): {_listed(map(str, old.overdue_reminders))}"
            f" → {_listed(map(str, new.overdue_reminders))}"
        )
    if (old.report_weekday, old.report_time) != (new.report_weekday, new.report_time):
        changes.append(
            f"báo cáo tuần: {_weekday(old.report_weekday)} {old.report_time:%H:%M} → "
            f"{_weekday(new.report_weekday)} {new.report_time:%H:%M}"
        )
    for label, before, after in (
        ("ngày nghỉ thêm", old.days_off, new.days_off),
        ("ngày làm việc thêm", old.working_days, new.working_days),
    ):
        if before != after:
            changes.append(
                f"{label}: {_listed(map(format_date_short, before))} → "
                f"{_listed(map(format_date_short, after))}"
            )
    if old.remind_from != new.remind_from:
        changes.append(f"nhắc việc từ: {_day(old.remind_from)} → {_day(new.remind_from)}")
    return changes


def _day(day: date | None) -> str:
    return "ngày nạp đầu tiên" if day is None else format_date_short(day)


def _weekday(number: int) -> str:
    """1 = Monday ... 7 = Sunday, in words: 01/01/2024 was a Monday."""
    return weekday_name(date(2024, 1, number))


def _header_changes(old: Plan, new: Plan) -> list[str]:
    fields = (
        ("title", "tên kế hoạch"),
        ("issuer", "cơ quan ban hành"),
        ("number", "số hiệu"),
        ("year", "năm"),
        ("province", "tỉnh"),
        ("timezone", "múi giờ"),
    )
    changes = []
    for name, label in fields:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            changes.append(f"{label}: “{before or ''}” → “{after or ''}”")
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
            diff.changed.append(f"đơn vị {unit.id}: đổi tên “{previous.name}” → “{unit.name}”")
        if previous.tags != unit.tags:
            diff.changed.append(
                f"đơn vị {unit.id}: nhãn [{', '.join(previous.tags)}] → [{', '.join(unit.tags)}]"
            )
        old_chats = [str(address) for address in previous.channels]
        new_chats = [str(address) for address in unit.channels]
        if set(old_chats) != set(new_chats):
            diff.changed.append(
                f"đơn vị {unit.id}: nhóm chat {_plus_minus(old_chats, new_chats, str)}"
            )
        old_people = [f"{c.name} ({c.address})" for c in previous.contacts]
        new_people = [f"{c.name} ({c.address})" for c in unit.contacts]
        if set(old_people) != set(new_people):
            diff.changed.append(
                f"đơn vị {unit.id}: đầu mối {_plus_minus(old_people, new_people, str)}"
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
        prefix = f"nhiệm vụ {task.id}"
        if previous.title != task.title:
            diff.changed.append(f"{prefix}: đổi tên “{previous.title}” → “{task.title}”")
        if schedule_text(previous) != schedule_text(task):
            diff.changed.append(
                f"{prefix}: đổi hạn: {schedule_text(previous)} → {schedule_text(task)}"
            )
        if set(previous.owners) != set(task.owners):
            change = _plus_minus(previous.owners, task.owners, unit_name)
            diff.changed.append(f"{prefix}: đơn vị chủ trì {change}")
        if set(previous.cooperating) != set(task.cooperating):
            change = _plus_minus(previous.cooperating, task.cooperating, unit_name)
            diff.changed.append(f"{prefix}: đơn vị phối hợp {change}")
        if previous.description != task.description:
            diff.changed.append(f"{prefix}: đổi mô tả")


def _anniversary_changes(old: Plan, new: Plan, diff: PlanDiff) -> None:
    before = {a.key: a for a in old.anniversaries}
    after = {a.key: a for a in new.anniversaries}
    gained = [a for a in new.anniversaries if a.key not in before]
    lost = [a for a in old.anniversaries if a.key not in after]
    for items, target in ((gained, diff.added), (lost, diff.removed)):
        if len(items) > _LIST_AT_MOST:
            target.append(f"{len(items)} ngày kỷ niệm")
        else:
            target += [f"ngày kỷ niệm “{a.name}” ({a.key})" for a in items]
    for key, anniversary in after.items():
        if key in before and before[key] != anniversary:
            diff.changed.append(f"ngày kỷ niệm {key}: đổi thông tin (ngày, tên hoặc loại)")
    if old.anniversary_tiers != new.anniversary_tiers:
        diff.changed.append(
            "loại ngày kỷ niệm áp dụng: "
            f"{_listed(TIER_LABELS[t] for t in old.anniversary_tiers)} → "
            f"{_listed(TIER_LABELS[t] for t in new.anniversary_tiers)}"
        )
    changed_slogans = sorted(
        key
        for key in set(old.slogans) | set(new.slogans)
        if tuple(old.slogans.get(key, ())) != tuple(new.slogans.get(key, ()))
    )
    if changed_slogans:
        diff.changed.append(f"khẩu hiệu của: {', '.join(changed_slogans)}")
    changed_posts = sorted(
        key for key in set(old.posts) | set(new.posts) if old.posts.get(key) != new.posts.get(key)
    )
    if changed_posts:
        diff.changed.append(f"bài gợi ý riêng của: {', '.join(changed_posts)}")


def diff_plans(old: Plan | None, new: Plan) -> PlanDiff:
    """Differences from `old` to `new`; with no `old`, everything in `new` is added."""
    diff = PlanDiff()
    if old is None:
        diff.added += [unit_label(unit) for unit in new.units]
        diff.added += [task_label(task) for task in new.tasks]
        diff.added += [f"quản trị viên {admin}" for admin in new.admins]
        return diff
    diff.changed += _header_changes(old, new)
    diff.changed += _settings_changes(old.settings, new.settings)
    _unit_changes(old, new, diff)
    _task_changes(old, new, diff)
    diff.added += [f"quản trị viên {a}" for a in new.admins if a not in old.admins]
    diff.removed += [f"quản trị viên {a}" for a in old.admins if a not in new.admins]
    _anniversary_changes(old, new, diff)
    return diff
