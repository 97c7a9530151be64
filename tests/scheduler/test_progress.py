"""Progress rows and the per-unit summary (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from content.items import expand_items
from content.plan_loader import parse_plan
from scheduler.progress import ProgressRow, UnitSummary, progress_rows, summary_by_unit
from scheduler.state import PlanState

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = date(2026, 3, 2)

PLAN = """\
plan:
  id: tien-do
  title: Kế hoạch thử tiến độ
  year: 2026
settings:
  lead_days:
    regular: [10, 3, 0]
units:
  - id: van-phong
    name: Văn phòng Sở
  - id: phong-a
    name: Phòng A
tasks:
  - id: ke-hoach
    title: Xây dựng kế hoạch năm {year}
    owners: [van-phong]
    cooperating: [phong-a]
    due: 2026-02-27
  - id: so-ket
    title: Sơ kết quý I
    owners: [van-phong, phong-a]
    due: 2026-03-12
  - id: hop-giao-ban
    title: Họp giao ban
    owners: [phong-a]
    due: 2026-03-02
  - id: bao-cao
    title: Báo cáo năm
    owners: [phong-a, van-phong]
    due: 2026-11-15
"""


@dataclass(frozen=True)
class Confirmed:
    confirmed_at: datetime
    confirmed_by: str
    evidence: tuple[str, ...] = ()
    confirmed_by_name: str = ""


def _state() -> PlanState:
    plan = parse_plan(PLAN, "tien-do.yaml")
    return PlanState(plan=plan, items=expand_items(plan))


def _by_key(rows: list[ProgressRow]) -> dict[str, ProgressRow]:
    return {f"{row.task}/{row.unit}": row for row in rows}


def test_statuses_follow_due_dates_the_lead_window_and_confirmations():
    at = datetime(2026, 3, 1, 8, 15, tzinfo=LOCAL)
    confirmations = {
        "tien-do/bao-cao/2026-11-15/phong-a": Confirmed(
            at, "telegram:5", ("https://so.example.vn/bc",), "Nguyễn Văn An"
        )
    }

    rows = _by_key(progress_rows(_state(), confirmations, TODAY))

    assert {key: row.status for key, row in rows.items()} == {
        "ke-hoach/van-phong": "overdue",  # due 27/02, not confirmed
        "so-ket/van-phong": "open",  # due in 10 days: the first reminder is 10 days before
        "so-ket/phong-a": "open",
        "hop-giao-ban/phong-a": "open",  # due today
        "bao-cao/phong-a": "done",  # confirmed early
        "bao-cao/van-phong": "upcoming",
    }
    done = rows["bao-cao/phong-a"]
    assert (done.confirmed_at, done.confirmed_by, done.confirmed_by_name) == (
        at,
        "telegram:5",
        "Nguyễn Văn An",
    )
    assert done.evidence == ("https://so.example.vn/bc",)
    assert rows["ke-hoach/van-phong"].task_title == "Xây dựng kế hoạch năm 2026"
    assert rows["so-ket/phong-a"].unit_name == "Phòng A"


def test_cooperating_units_are_not_chased():
    rows = progress_rows(_state(), {}, TODAY)
    assert all(row.role == "owner" for row in rows)
    assert "ke-hoach/phong-a" not in _by_key(rows)


def test_one_day_past_the_window_is_upcoming():
    rows = _by_key(progress_rows(_state(), {}, date(2026, 3, 1)))
    assert rows["so-ket/van-phong"].status == "upcoming"  # 11 days ahead, window 10


def test_rows_are_grouped_by_unit_in_plan_order_then_by_due_date():
    rows = progress_rows(_state(), {}, TODAY)
    assert [(row.unit, row.due.isoformat()) for row in rows] == [
        ("van-phong", "2026-02-27"),
        ("van-phong", "2026-03-12"),
        ("van-phong", "2026-11-15"),
        ("phong-a", "2026-03-02"),
        ("phong-a", "2026-03-12"),
        ("phong-a", "2026-11-15"),
    ]


def test_one_unit_only():
    rows = progress_rows(_state(), {}, TODAY, unit_id="phong-a")
    assert {row.unit for row in rows} == {"phong-a"}
    assert len(rows) == 3


def test_summary_counts_each_status_per_unit():
    confirmations = {
        "tien-do/ke-hoach/2026-02-27/van-phong": Confirmed(
            datetime(2026, 2, 26, 9, 0, tzinfo=LOCAL), "zalo:u1"
        )
    }
    summary = summary_by_unit(progress_rows(_state(), confirmations, TODAY))
    assert summary == [
        UnitSummary("van-phong", "Văn phòng Sở", done=1, open=1, overdue=0, upcoming=1),
        UnitSummary("phong-a", "Phòng A", done=0, open=2, overdue=0, upcoming=1),
    ]
    assert summary[0].total == 3
    assert summary[0].share_done == 0.5  # 1 done of the 2 already asked for
    nothing_asked = UnitSummary("x", "X", done=0, open=0, overdue=0, upcoming=4)
    assert nothing_asked.share_done is None
