"""The admins' closing summary of a plan whose period is over, or that was closed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from content.dates import format_date_long
from content.i18n import normalize_locale, translator

UNITS_SHOWN = 20


def render_closing(payload: Mapping[str, Any], locale: str = "vi") -> str:
    """Payload: {"plan_id", "plan_title", "reason": "ended" | "closed", "last_day",
    "done", "total", "units": [{"unit_name", "open"}] (units with open items, most
    first), "more_units"}."""
    locale = normalize_locale(locale)
    _ = translator(locale)
    lines = [_("🏁 KẾT THÚC KẾ HOẠCH — %(title)s") % {"title": payload["plan_title"]}]
    day = format_date_long(date.fromisoformat(payload["last_day"]), locale)
    if payload["reason"] == "closed":
        lines.append(_("Kế hoạch đã được đóng; ngày nhắc cuối cùng: %(day)s.") % {"day": day})
    else:
        lines.append(_("Thời gian của kế hoạch đã hết ngày %(day)s.") % {"day": day})
    lines.append(
        _("Đã xong %(done)d/%(total)d việc chủ trì.")
        % {"done": payload["done"], "total": payload["total"]}
    )
    if payload["units"]:
        lines.append(_("Còn mở (không nhắc nữa):"))
        for unit in payload["units"]:
            lines.append(
                "• " + _("%(unit)s: %(n)d việc") % {"unit": unit["unit_name"], "n": unit["open"]}
            )
        if payload.get("more_units"):
            lines.append(_("… và %(n)d đơn vị khác") % {"n": payload["more_units"]})
    else:
        lines.append(_("Mọi việc đều đã xong. Cảm ơn các đơn vị!"))
    lines.append(_("Chi tiết: loa progress --plan %(plan)s") % {"plan": payload["plan_id"]})
    return "\n".join(lines)
