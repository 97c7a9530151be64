"""What the admins read about a plan's progress: the alert when units have just
crossed `escalate_after_days`, the weekly report, and the one summary of the backlog a
plan had when it started (items due before its first day, not chased in unit chats).

The alert and the report share a Jinja2 template (`templates/escalation.txt.j2`): the
units, each with a few of its late items, the rest counted.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from content.dates import format_date_long
from content.i18n import normalize_locale, translator
from content.messages import item_body, long_date
from content.payloads import BacklogPayload, EscalationEntry, EscalationPayload
from content.templating import environment, tidy

EscalationKind = Literal["alert", "weekly"]


def render_escalation(
    payload: EscalationPayload, locale: str = "vi", kind: EscalationKind = "alert"
) -> str:
    """The admins' list of units with items overdue ≥ `threshold` days: an alert for
    the units that have just crossed it, or the weekly report (kind "weekly").

    Entries are grouped under their unit, in the order of payload["units"]; units and
    items left out for length are counted."""
    locale = normalize_locale(locale)
    by_unit: dict[str, list[EscalationEntry]] = {}
    for entry in payload["entries"]:
        by_unit.setdefault(entry["unit_id"], []).append(entry)
    units = [
        (unit, by_unit[unit["unit_id"]]) for unit in payload["units"] if unit["unit_id"] in by_unit
    ]
    template = environment(locale).get_template("escalation.txt.j2")
    return tidy(
        template.render(
            kind=kind,
            plan_title=payload.get("plan_title", ""),
            date_long=long_date(payload["date"], locale),
            threshold=payload["threshold"],
            done=payload.get("done", 0),
            due_so_far=payload.get("due_so_far", 0),
            units=units,
            more_units=payload.get("more_units", 0),
            more_items=payload.get("more_items", 0),
            phrase=lambda entry: item_body(entry["title"], entry["due"], entry["days"], locale),
        )
    )


def render_backlog(payload: BacklogPayload, locale: str = "vi") -> str:
    """Once, when a plan starts: what was already due and is not chased in the chats."""
    locale = normalize_locale(locale)
    _ = translator(locale)
    day = format_date_long(date.fromisoformat(payload["date"]), locale)
    lines = [
        _("📋 KẾ HOẠCH BẮT ĐẦU NHẮC VIỆC — %(title)s") % {"title": payload["plan_title"]},
        _(
            "Loa nhắc việc trong nhóm các đơn vị từ %(day)s. %(items)d việc đến hạn trước "
            "ngày đó chưa được xác nhận; Loa không nhắc lại các việc này trong nhóm:"
        )
        % {"day": day, "items": payload["open_items"]},
    ]
    for unit in payload["units"]:
        lines.append(
            "• " + _("%(unit)s: %(n)d việc") % {"unit": unit["unit_name"], "n": unit["overdue"]}
        )
    if payload.get("more_units"):
        lines.append(_("… và %(n)d đơn vị khác") % {"n": payload["more_units"]})
    lines.append(
        _("Xem các việc này bằng /tiendo trong chat với bot, hoặc loa progress --plan %(plan)s.")
        % {"plan": payload["plan_id"]}
    )
    return "\n".join(lines)
