"""`loa simulate … --stats`: how many messages each unit's chat would get, month by
month, with nothing confirmed (or the stored confirmations) and for a unit that
confirms everything on time, against the aims (scheduler/message_stats.py). A table
for people, JSON with `--format json`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TextIO

from bot.commands._common import output_closed
from content.dates import format_date_long
from content.i18n import _, current_language
from scheduler.message_stats import (
    Aim,
    UnitStats,
    aims,
    confirming_on_due_day,
    months_between,
    unit_stats,
)
from scheduler.planner import iter_messages_between
from scheduler.state import PlanState

NAME_WIDTH = 30
MONTH_WIDTH = 4


def scenarios(
    states: Sequence[PlanState], start: date, end: date
) -> tuple[list[UnitStats], list[UnitStats]]:
    """(as the plans stand, every unit confirming on the due day)."""
    on_time = [confirming_on_due_day(state) for state in states]
    as_is = unit_stats(states, iter_messages_between(states, start, end, include_unlinked=True))
    quiet = unit_stats(on_time, iter_messages_between(on_time, start, end, include_unlinked=True))
    return as_is, quiet


@dataclass(frozen=True)
class Figures:
    start: date
    end: date
    months: list[str]
    as_is: list[UnitStats]  # the plans as they stand
    on_time: list[UnitStats]  # every unit confirming on the due day
    aims: list[Aim]
    stored: bool  # the plans' stored confirmations count (not a plan file alone)


def figures(states: Sequence[PlanState], start: date, end: date) -> Figures:
    months = months_between(start, end)
    as_is, on_time = scenarios(states, start, end)
    stored = any(state.confirmed for state in states)
    return Figures(start, end, months, as_is, on_time, aims(as_is, on_time, months), stored)


def print_stats(states: Sequence[PlanState], start: date, end: date, output_format: str) -> int:
    found = figures(states, start, end)
    try:
        if output_format == "json":
            json.dump(as_json(found), sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
        else:
            write_stats(sys.stdout, found)
        sys.stdout.flush()
    except BrokenPipeError:
        return output_closed()
    return 0


def as_json(found: Figures) -> dict[str, Any]:
    months = found.months
    return {
        "from": found.start.isoformat(),
        "to": found.end.isoformat(),
        "scenarios": [
            {
                "name": "as_stored" if found.stored else "nothing_confirmed",
                "units": [row.as_json(months) for row in found.as_is],
            },
            {"name": "confirm_on_due_day", "units": [row.as_json(months) for row in found.on_time]},
        ],
        "aims": [aim.as_json() for aim in found.aims],
    }


def _name(row: UnitStats, several_plans: bool) -> str:
    name = f"[{row.plan_id}] {row.unit_name}" if several_plans else row.unit_name
    if len(name) > NAME_WIDTH:
        name = name[: NAME_WIDTH - 1] + "…"
    return name


def _table(out: TextIO, title: str, months: Sequence[str], rows: Sequence[UnitStats]) -> None:
    several_plans = len({row.plan_id for row in rows}) > 1
    out.write(f"\n{title}\n")
    head = "".join(f"{'T' + month[5:]:>{MONTH_WIDTH}}" for month in months)
    columns = (
        (_("TB/tháng"), 10),
        (_("Cao nhất"), 10),
        (_("Ngày có tin"), 13),
        (_("Ngày nghỉ"), 11),
        (_("1 việc tối đa"), 15),
        (_("1 bài tối đa"), 14),
    )
    titles = "".join(f"{title:>{width}}" for title, width in columns)
    out.write(f"{_('Đơn vị'):<{NAME_WIDTH}}{head}{titles}\n")
    for row in rows:
        figures = row.as_json(months)
        totals = "".join(f"{row.total(month):>{MONTH_WIDTH}}" for month in months)
        out.write(
            f"{_name(row, several_plans):<{NAME_WIDTH}}{totals}"
            f"{figures['average_per_month']:>10.1f}{figures['busiest_month']:>10}"
            f"{figures['days_with_message']:>13}{figures['days_off_with_message']:>11}"
            f"{figures['most_sends_of_one_item']:>15}{figures['most_sends_of_one_post']:>14}\n"
        )


def write_stats(out: TextIO, found: Figures) -> None:
    language = current_language()
    window = {
        "start": format_date_long(found.start, language),
        "end": format_date_long(found.end, language),
    }
    out.write(
        _(
            "Số tin gửi tới nhóm của mỗi đơn vị, từ %(start)s đến %(end)s (mỗi tháng: tin "
            "nhắc việc + bài gợi ý; theo loại: --format json)."
        )
        % window
        + "\n"
    )
    first = (
        _("1. Với các xác nhận đã lưu:")
        if found.stored
        else _("1. Không đơn vị nào xác nhận việc nào (nhiều tin nhất):")
    )
    _table(out, first, found.months, found.as_is)
    _table(out, _("2. Đơn vị xác nhận mọi việc đúng ngày đến hạn:"), found.months, found.on_time)
    out.write("\n" + _("Mục tiêu:") + "\n")
    for aim in found.aims:
        label = _(aim.label)
        if aim.limit is None:
            out.write(f"  · {label}: {aim.value:g}\n")
            continue
        mark = "✓" if aim.met else "✗"
        limit = _("tối đa %(limit)s") % {"limit": f"{aim.limit:g}"}
        out.write(f"  {mark} {label}: {aim.value:g} ({limit})\n")
