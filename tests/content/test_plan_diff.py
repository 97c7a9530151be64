"""What `loa load` says changed: settings, anniversaries, schedules, cooperating units."""

from __future__ import annotations

from content.plan_diff import diff_plans, schedule_text
from content.plan_loader import parse_plan

BASE = """\
plan:
  id: so-sanh
  title: Kế hoạch so sánh
  year: 2026
settings:
  digest_time: "07:30"
units:
  - id: van-phong
    name: Văn phòng Sở
  - id: phong-a
    name: Phòng A
anniversaries:
  include: [national]
tasks:
  - id: dang-tin
    title: Đăng tin {anniversary}
    owners: [van-phong]
    per_anniversary: {keys: [quoc_khanh]}
    due: {offset_days: -1}
  - id: ban-tin
    title: Bản tin
    owners: [van-phong]
    repeat: weekly
    due: {day: 1}
"""


def _plan(text: str):  # type: ignore[no-untyped-def]
    return parse_plan(text, "so-sanh.yaml")


def test_settings_schedules_and_cooperating_units_are_described():
    edited = (
        BASE.replace('digest_time: "07:30"', 'digest_time: "08:00"\n  escalate_after_days: 3')
        .replace("offset_days: -1", "offset_days: 0")
        .replace("due: {day: 1}", "due: {day: 5}\n    cooperating: [phong-a]")
    )

    diff = diff_plans(_plan(BASE), _plan(edited))

    assert diff.added == [] and diff.removed == []
    assert set(diff.changed) == {
        "giờ gửi nhắc việc: 07:30 → 08:00",
        "báo quản trị viên khi quá hạn: sau 2 → 3 ngày",
        "nhiệm vụ dang-tin: đổi hạn: 1 ngày trước ngày kỷ niệm (năm tròn, năm lẻ 5, thường), "
        "chỉ các ngày: quoc_khanh → đúng ngày kỷ niệm (năm tròn, năm lẻ 5, thường), "
        "chỉ các ngày: quoc_khanh",
        "nhiệm vụ ban-tin: đổi hạn: hằng tuần, thứ Hai → hằng tuần, thứ Sáu",
        "nhiệm vụ ban-tin: đơn vị phối hợp thêm Phòng A",
    }


def test_the_cadences_settings_are_described():
    edited = BASE.replace(
        'digest_time: "07:30"',
        'digest_time: "07:30"\n  overdue_reminders: [2]\n  report_weekday: 5\n'
        '  report_time: "15:30"\n  days_off: [2026-09-04]\n  remind_from: 2026-03-01',
    )

    diff = diff_plans(_plan(BASE), _plan(edited))

    assert set(diff.changed) == {
        "nhắc lại việc quá hạn sau (ngày làm việc): 1, 4 → 2",
        "báo cáo tuần: Thứ Hai 08:00 → Thứ Sáu 15:30",
        "ngày nghỉ thêm: (không có) → 04/09/2026",
        "nhắc việc từ: ngày nạp đầu tiên → 01/03/2026",
    }


def test_a_provinces_catalogue_is_counted_not_listed():
    with_province = BASE.replace("year: 2026\n", "year: 2026\n  province: lao-cai\n").replace(
        "include: [national]", "include: [national, province]"
    )
    old, new = _plan(BASE), _plan(with_province)
    gained = len(new.anniversaries) - len(old.anniversaries)

    diff = diff_plans(old, new)

    assert gained > 5
    assert f"{gained} ngày kỷ niệm" in diff.added
    assert "tỉnh: “” → “lao-cai”" in diff.changed


def test_schedule_text_of_a_windowed_monthly_task():
    plan = _plan(
        BASE.replace(
            "repeat: weekly\n    due: {day: 1}",
            "repeat: monthly\n    due: {day: 25}\n    from: 2026-03-01\n    until: 2026-10-31",
        )
    )
    assert (
        schedule_text(plan.task("ban-tin")) == "hằng tháng, ngày 25, từ 01/03/2026, đến 31/10/2026"
    )


def test_post_overrides_and_banners_are_reported_as_changed() -> None:
    base = BASE + "posts:\n  quoc_khanh:\n    template: event\n"
    changed = base.replace("template: event", "text: Bài riêng của {unit}.").replace(
        "settings:\n", "settings:\n  post_banners: false\n", 1
    )
    diff = diff_plans(_plan(base), _plan(changed))
    assert "bài gợi ý riêng của: quoc_khanh" in diff.changed
    assert "gửi kèm pa nô với bài gợi ý: tắt" in diff.changed
