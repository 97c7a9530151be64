"""Expanding a plan into items: one per task occurrence and unit, with stable keys."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from content.items import Item, expand_items
from content.plan import Plan
from content.plan_loader import load_plan, parse_plan

SAMPLE = (
    Path(__file__).resolve().parents[2] / "content" / "plans" / "sample-sldtbxh-laocai-2026.yaml"
)

UNITS = """\
plan:
  id: thu
  title: Kế hoạch thử
  year: 2026
units:
  - id: van-phong
    name: Văn phòng Sở
    tags: [so]
  - id: phong-a
    name: Phòng A
    tags: [phong]
  - id: phong-b
    name: Phòng B
    tags: [phong]
  - id: trung-tam
    name: Trung tâm
    tags: [don-vi]
"""


def plan_with(tasks: str) -> Plan:
    return parse_plan(UNITS + "tasks:\n" + tasks)


def dues(items: list[Item], unit_id: str) -> list[str]:
    return [item.due.isoformat() for item in items if item.unit_id == unit_id]


def test_one_off_gives_an_item_per_owner_and_per_cooperating_unit() -> None:
    plan = plan_with("""\
  - id: bao-cao
    title: Báo cáo kết quả năm {year}
    owners: [tag:phong, tag:don-vi]
    cooperating: [van-phong]
    due: 2026-11-15
""")
    items = expand_items(plan)
    assert [(item.unit_id, item.role) for item in items] == [
        ("van-phong", "cooperating"),  # units in plan order, whatever their role
        ("phong-a", "owner"),
        ("phong-b", "owner"),
        ("trung-tam", "owner"),
    ]
    first = items[1]
    assert first == Item(
        key="thu/bao-cao/2026-11-15/phong-a",
        plan_id="thu",
        task_id="bao-cao",
        unit_id="phong-a",
        role="owner",
        due=date(2026, 11, 15),
        title="Báo cáo kết quả năm 2026",
        occurrence=None,
        tier="regular",
    )
    assert first.is_owner and not items[0].is_owner


def test_owners_all() -> None:
    plan = plan_with("""\
  - id: bao-cao
    title: Báo cáo
    owners: [all]
    due: 2026-11-15
""")
    assert [item.unit_id for item in expand_items(plan)] == [
        "van-phong",
        "phong-a",
        "phong-b",
        "trung-tam",
    ]


def test_monthly_day_31_falls_on_the_last_day_of_shorter_months() -> None:
    plan = plan_with("""\
  - id: ban-tin
    title: Bản tin
    owners: [van-phong]
    repeat: monthly
    due: {day: 31}
""")
    assert dues(expand_items(plan), "van-phong") == [
        "2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30",
        "2026-07-31", "2026-08-31", "2026-09-30", "2026-10-31", "2026-11-30", "2026-12-31",
    ]  # fmt: skip


def test_weekly_quarterly_yearly_and_daily() -> None:
    plan = plan_with("""\
  - id: tuan
    title: Tin tuần
    owners: [van-phong]
    repeat: weekly
    due: {day: 5}
  - id: quy
    title: Báo cáo quý
    owners: [phong-a]
    repeat: quarterly
    due: {month: 3, day: 10}
  - id: nam
    title: Sơ kết
    owners: [phong-b]
    repeat: yearly
    due: {month: 2, day: 29}
  - id: ngay
    title: Điểm báo
    owners: [trung-tam]
    repeat: daily
    from: 2026-04-28
    until: 2026-05-02
""")
    items = expand_items(plan)
    fridays = dues(items, "van-phong")
    assert len(fridays) == 52
    assert fridays[:2] == ["2026-01-02", "2026-01-09"]
    assert fridays[-1] == "2026-12-25"
    assert all(date.fromisoformat(day).isoweekday() == 5 for day in fridays)
    assert dues(items, "phong-a") == ["2026-03-10", "2026-06-10", "2026-09-10", "2026-12-10"]
    assert dues(items, "phong-b") == ["2026-02-28"]  # 2026 is not a leap year
    assert dues(items, "trung-tam") == [
        "2026-04-28",
        "2026-04-29",
        "2026-04-30",
        "2026-05-01",
        "2026-05-02",
    ]


def test_from_and_until_limit_a_recurring_task() -> None:
    plan = plan_with("""\
  - id: ban-tin
    title: Bản tin
    owners: [van-phong]
    repeat: monthly
    due: {day: 25}
    from: 2026-03-26
    until: 2027-01-31
""")
    assert dues(expand_items(plan), "van-phong") == [
        "2026-04-25", "2026-05-25", "2026-06-25", "2026-07-25", "2026-08-25", "2026-09-25",
        "2026-10-25", "2026-11-25", "2026-12-25", "2027-01-25",
    ]  # fmt: skip


def test_per_anniversary_items() -> None:
    plan = plan_with("""\
  - id: tin-bai
    title: Đăng tin, bài tuyên truyền {anniversary}
    owners: [van-phong]
    cooperating: [phong-a]
    per_anniversary: {keys: [quoc_khanh, tet, tong_tuyen_cu]}
    due: {offset_days: -1}
""")
    items = [item for item in expand_items(plan) if item.role == "owner"]
    assert [(item.key, item.due.isoformat(), item.tier) for item in items] == [
        ("thu/tin-bai/tong_tuyen_cu-2026/van-phong", "2026-01-05", "round10"),
        ("thu/tin-bai/tet-2026/van-phong", "2026-02-16", "regular"),  # Tết Bính Ngọ: 17/02
        ("thu/tin-bai/quoc_khanh-2026/van-phong", "2026-09-01", "regular"),
    ]
    assert items[0].title == (
        "Đăng tin, bài tuyên truyền kỷ niệm 80 năm Ngày Tổng tuyển cử đầu tiên bầu Quốc hội "
        "Việt Nam (06/01/1946 - 06/01/2026)"
    )
    assert items[1].title == "Đăng tin, bài tuyên truyền Tết Nguyên đán Bính Ngọ 2026"
    assert items[2].occurrence is not None
    assert items[2].occurrence.ordinal == 81
    assert items[2].occurrence.date == date(2026, 9, 2)


def test_per_anniversary_tiers_combine_plan_and_task_filters() -> None:
    plan = parse_plan(
        UNITS
        + """\
anniversaries:
  include: [national]
  tiers: [round10, regular]
tasks:
  - id: tron
    title: Kế hoạch {ordinal} năm {name}
    owners: [van-phong]
    per_anniversary: {tiers: [round5, round10]}
  - id: moi
    title: Tin {anniversary}
    owners: [van-phong]
    per_anniversary: true
"""
    )
    items = expand_items(plan)
    chosen = {item.occurrence.key for item in items if item.task_id == "tron" and item.occurrence}
    every = [item for item in items if item.task_id == "moi"]
    assert {item.tier for item in every} == {"round10", "regular"}
    assert chosen == {item.occurrence.key for item in every if item.tier == "round10"}
    assert "Kế hoạch 80 năm Ngày Tổng tuyển cử đầu tiên bầu Quốc hội Việt Nam" in {
        item.title for item in items if item.task_id == "tron"
    }


def test_an_early_january_anniversary_can_be_due_the_december_before() -> None:
    plan = plan_with("""\
  - id: ke-hoach
    title: Kế hoạch tuyên truyền {anniversary}
    owners: [van-phong]
    per_anniversary: {keys: [tong_tuyen_cu]}
    due: {offset_days: -14}
""")
    (item,) = expand_items(plan)
    assert item.due == date(2025, 12, 23)
    assert item.key == "thu/ke-hoach/tong_tuyen_cu-2026/van-phong"


def test_items_are_sorted_by_due_then_task_then_unit() -> None:
    plan = plan_with("""\
  - id: thu-hai
    title: B
    owners: [phong-b, phong-a]
    due: 2026-05-04
  - id: thu-nhat
    title: A
    owners: [trung-tam, van-phong]
    due: 2026-05-04
  - id: som
    title: C
    owners: [trung-tam]
    due: 2026-05-01
""")
    assert [(item.task_id, item.unit_id) for item in expand_items(plan)] == [
        ("som", "trung-tam"),
        ("thu-hai", "phong-a"),
        ("thu-hai", "phong-b"),
        ("thu-nhat", "van-phong"),
        ("thu-nhat", "trung-tam"),
    ]


def test_window_keeps_items_due_inside_it() -> None:
    plan = load_plan(SAMPLE)
    everything = expand_items(plan)
    march = expand_items(plan, date(2026, 3, 1), date(2026, 3, 31))
    assert march == [item for item in everything if item.due.month == 3 and item.due.year == 2026]
    assert march and all(date(2026, 3, 1) <= item.due <= date(2026, 3, 31) for item in march)
    from_december = expand_items(plan, start=date(2026, 12, 1))
    assert from_december == [item for item in everything if item.due >= date(2026, 12, 1)]
    assert expand_items(plan, end=date(2025, 12, 31)) == [
        item for item in everything if item.due.year == 2025
    ]


def test_keys_are_unique_and_stable_across_reloads() -> None:
    first = expand_items(load_plan(SAMPLE))
    text = SAMPLE.read_text(encoding="utf-8")
    again = expand_items(parse_plan(text, source_name="copy.yaml"))
    assert [item.key for item in first] == [item.key for item in again]
    assert len({item.key for item in first}) == len(first)
    assert "sldtbxh-laocai-2026/bao-cao-ket-qua/2026-11-15/phong-nguoi-co-cong" in {
        item.key for item in first
    }


def test_renaming_a_unit_or_moving_an_anniversary_offset_keeps_the_keys() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    before = {item.key for item in expand_items(parse_plan(text))}
    edited = text.replace("name: Phòng Người có công", "name: Phòng Chính sách người có công")
    edited = edited.replace("due: {offset_days: -3}", "due: {offset_days: -5}")
    after = expand_items(parse_plan(edited))
    assert {item.key for item in after} == before
    moved = [item for item in after if item.key.startswith("sldtbxh-laocai-2026/thuong-binh")]
    assert moved and all(item.due == date(2026, 7, 22) for item in moved)


def test_the_sample_plan_expands() -> None:
    plan = load_plan(SAMPLE)
    items = expand_items(plan)
    owners = [item for item in items if item.role == "owner"]
    reports = [item for item in owners if item.task_id == "bao-cao-ket-qua"]
    assert len(reports) == len(plan.units_with_tag("phong")) + len(
        plan.units_with_tag("don-vi-su-nghiep")
    )
    bulletin = [item.due.isoformat() for item in owners if item.task_id == "cap-nhat-ban-tin"]
    assert len(bulletin) == 12 and bulletin[0] == "2026-01-25"
    sector = [item for item in owners if item.key.endswith("/sld-thanh-lap-nganh-2026/van-phong")]
    assert len(sector) == 1
    assert sector[0].due == date(2026, 8, 27)
    assert sector[0].title.startswith(
        "Đăng tin, bài tuyên truyền kỷ niệm 81 năm Ngày truyền thống ngành Lao động - "
        "Thương binh và Xã hội (28/08/1945 - 28/08/2026)"
    )


def test_lead_days_follow_the_item_tier() -> None:
    plan = parse_plan(
        "settings:\n  lead_days:\n    regular: [2, 0]\n"
        + UNITS
        + """\
tasks:
  - id: tin-bai
    title: Tin {anniversary}
    owners: [van-phong]
    per_anniversary: {keys: [tong_tuyen_cu, quoc_khanh]}
  - id: bao-cao
    title: Báo cáo
    owners: [van-phong]
    due: 2026-11-15
"""
    )
    by_task = {(item.task_id, item.tier): item for item in expand_items(plan)}
    lead_days = plan.settings.lead_days
    assert lead_days[by_task[("tin-bai", "round10")].tier] == (30, 14)
    assert lead_days[by_task[("tin-bai", "regular")].tier] == (2, 0)
    assert lead_days[by_task[("bao-cao", "regular")].tier] == (2, 0)


def test_slogans_are_filled_for_an_occurrence() -> None:
    plan = load_plan(SAMPLE)
    occurrence = next(o for o in plan.campaign_occurrences if o.key == "thanh_lap_dang")
    assert plan.slogans_for(occurrence)[0] == (
        "Nhiệt liệt chào mừng 96 năm Ngày thành lập Đảng Cộng sản Việt Nam "
        "(03/02/1930 - 03/02/2026)!"
    )


def test_ky_niem_is_not_written_twice() -> None:
    plan = plan_with("""\
  - id: tin-bai
    title: Đăng tin, bài Kỷ niệm {anniversary} ({name})
    owners: [van-phong]
    per_anniversary: {keys: [quoc_khanh, tet]}
""")
    assert [item.title for item in expand_items(plan)] == [
        "Đăng tin, bài Kỷ niệm Tết Nguyên đán Bính Ngọ 2026 (Tết Nguyên đán)",
        "Đăng tin, bài Kỷ niệm 81 năm Ngày Quốc khánh nước Cộng hòa xã hội chủ nghĩa Việt Nam "
        "(02/09/1945 - 02/09/2026) (Ngày Quốc khánh nước Cộng hòa xã hội chủ nghĩa Việt Nam)",
    ]
