"""Benchmark: plan a year of a large plan (1,000 units, 100 tasks) and print the figures.

    .venv/bin/python bench/bench_planner.py [--units 1000] [--tasks 100] [--year 2026]
                                            [--no-confirmations] [--no-memory]

Steps timed: parsing the generated YAML (content/plan_loader.parse_plan), expanding the
year's items (scheduler/items.expand_items), planning single days as the engine does
(scheduler/planner.messages_for_day) and every day of the year
(scheduler/planner.messages_between), with the process's peak RSS and, in a second
pass, the planner's peak Python memory (tracemalloc).

The plan mixes one-off, recurring (weekly, monthly, quarterly) and per-anniversary
tasks, each owned by a tag of 100 units with another tag cooperating on a third of them.
Confirmations follow a fixed pseudo-random pattern (from a hash of each item key, so
every run is the same): 80 % on the due day, 15 % one to ten days late, 5 % never.
With --no-confirmations nothing is ever confirmed: the worst case, where every unit
lists its overdue items every day of the year.
Half of the units have a Telegram chat, a quarter a Zalo chat, the rest none.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
import zlib
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from content.items import Item, expand_items
from content.plan_loader import parse_plan
from scheduler.planner import iter_messages_between, messages_between, messages_for_day
from scheduler.state import PlanState

T = TypeVar("T")
GROUP = 100  # units per tag
# The days the sample plan campaigns for (content/plans/sample-sldtbxh-laocai-2026.yaml).
ANNIVERSARY_KEYS = (
    "tet", "thanh_lap_dang", "lc_dang_bo", "gio_to", "giai_phong_mien_nam", "dien_bien_phu",
    "sinh_nhat_bac", "lc_thanh_lap_tinh", "thuong_binh_liet_si", "cach_mang_thang_tam",
    "quoc_khanh", "lc_bac_ho_tham", "lc_tai_lap", "quoc_te_lao_dong",
)  # fmt: skip


def plan_yaml(units: int, tasks: int, year: int) -> str:
    groups = max(1, units // GROUP)
    lines = [
        "plan:",
        f"  id: bench-{year}",
        f"  title: Kế hoạch tuyên truyền năm {year} (benchmark)",
        "  issuer: Sở Văn hóa, Thể thao và Du lịch tỉnh Lào Cai",
        f"  year: {year}",
        "  province: lao-cai",
        "admins: [telegram:100001, zalo:adminzalo01]",
        "units:",
    ]
    for n in range(units):
        if n % 4 in (0, 1):
            channel = f"  channels: [telegram:-100{n:07d}]"
        elif n % 4 == 2:
            channel = f"  channels: [zalo:zl{n:07d}]"
        else:
            channel = ""
        lines += [
            f"  - id: u{n:04d}",
            f"    name: Đơn vị số {n + 1}",
            f"    tags: [g{n % groups}]",
        ]
        if channel:
            lines.append("  " + channel)
    lines += ["anniversaries:", "  include: [national, province]", "tasks:"]
    for n in range(tasks):
        owners = f"[tag:g{n % groups}]"
        cooperating = f"    cooperating: [tag:g{(n + 1) % groups}]" if n % 3 == 0 else ""
        kind = n % 10
        lines += [f"  - id: t{n:03d}", f"    owners: {owners}"]
        if cooperating:
            lines.append(cooperating)
        if kind < 3:  # one-off, spread over the year
            due = date(year, 1, 1) + timedelta(days=(n * 37) % 365)
            lines += [f"    title: Báo cáo chuyên đề số {n}", f"    due: {due.isoformat()}"]
        elif kind < 5:
            lines += [
                f"    title: Cập nhật bản tin tháng số {n}",
                "    repeat: monthly",
                f"    due: {{day: {(n % 28) + 1}}}",
            ]
        elif kind == 5:
            lines += [
                f"    title: Tổng hợp tin bài quý số {n}",
                "    repeat: quarterly",
                f"    due: {{month: {(n % 3) + 1}, day: 15}}",
            ]
        elif kind == 6:
            repeat = "weekly" if n % 20 == 6 else "yearly"
            lines += [
                f"    title: Rà soát công tác tuyên truyền định kỳ số {n}",
                f"    repeat: {repeat}",
                f"    due: {{day: {(n % 5) + 1}}}"
                if repeat == "weekly"
                else "    due: {month: 6, day: 30}",
            ]
        elif kind < 9:
            lines += [
                f"    title: Đăng tin, bài {{anniversary}} (nhiệm vụ {n})",
                f"    per_anniversary: {{keys: [{', '.join(ANNIVERSARY_KEYS)}]}}",
                "    due: {offset_days: -1}",
            ]
        else:
            lines += [
                f"    title: Xây dựng kế hoạch hưởng ứng {{anniversary}} (nhiệm vụ {n})",
                "    per_anniversary: {tiers: [round10, round5]}",
                "    due: {offset_days: -14}",
            ]
    return "\n".join(lines) + "\n"


def confirmations(items: list[Item], tz_offset: timedelta) -> dict[str, datetime]:
    from datetime import timezone

    tz = timezone(tz_offset)
    confirmed: dict[str, datetime] = {}
    for item in items:
        if item.role != "owner":
            continue
        draw = zlib.crc32(item.key.encode()) % 100
        if draw < 80:
            late = 0
        elif draw < 95:
            late = 1 + draw % 10
        else:
            continue
        day = item.due + timedelta(days=late)
        confirmed[item.key] = datetime(day.year, day.month, day.day, 10, 0, tzinfo=tz)
    return confirmed


def timed(label: str, action: Callable[[], T]) -> T:
    """Run `action`, print its wall-clock and CPU time (CPU time is the steadier figure
    on a shared machine)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{label:<40} {wall:8.2f} s wall {cpu:8.2f} s CPU")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--tasks", type=int, default=100)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--no-confirmations", action="store_true", help="the worst case")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc pass")
    args = parser.parse_args()

    text = plan_yaml(args.units, args.tasks, args.year)
    print(f"plan: {args.units} units, {args.tasks} tasks, {len(text) / 1024:.0f} KiB of YAML")
    plan = timed("parse_plan", lambda: parse_plan(text, "bench.yaml"))
    items = timed("expand_items (whole year)", lambda: expand_items(plan))
    owners = sum(1 for item in items if item.role == "owner")
    print(f"  {len(items)} items ({owners} owner, {len(items) - owners} cooperating)")
    confirmed = {} if args.no_confirmations else confirmations(items, timedelta(hours=7))
    print(f"  {len(confirmed)} confirmed")
    links = {unit.id: unit.channels for unit in plan.units if unit.channels}
    state = PlanState(plan=plan, items=items, confirmed=confirmed, links=links, admins=plan.admins)
    for month in (3, 9, 12):
        day = date(args.year, month, 15)
        found = timed(
            f"messages_for_day ({day.isoformat()})",
            lambda day=day: messages_for_day(state, day),  # type: ignore[misc]
        )
        print(f"  {len(found)} messages")
    first, last = date(args.year, 1, 1), date(args.year, 12, 31)
    wall, cpu = time.perf_counter(), time.process_time()
    messages = timed("messages_between (365 days)", lambda: messages_between(state, first, last))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    kinds = Counter(message.kind for message in messages)
    print("  " + ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items())))
    entries = sum(len(m.payload.get("entries", ())) for m in messages if m.kind == "digest")
    text_mib = sum(len(m.text) for m in messages) / 2**20
    print(f"  {entries} digest entries, {text_mib:.0f} MiB of text")
    print(f"  {cpu / len(messages) * 1e6:.0f} µs CPU per message")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{'peak RSS':<40} {rss / 1024:8.0f} MiB")
    del messages
    if not args.no_memory:
        # Further passes under tracemalloc (which slows Python down) for the planner's peak:
        # holding the whole year (loa simulate over a year) and streaming it day by day
        # (the engine plans one day at a time; a consumer that writes as it goes).
        tracemalloc.start()
        messages_between(state, first, last)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        streamed = sum(1 for _ in iter_messages_between(state, first, last))
        _, streaming_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"{'peak memory, year held in memory':<40} {peak / 2**20:8.0f} MiB (tracemalloc)")
        print(
            f"{'peak memory, year streamed':<40} {streaming_peak / 2**20:8.0f} MiB "
            f"(tracemalloc, {streamed} messages)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
