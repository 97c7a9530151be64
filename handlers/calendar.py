"""/lich: the anniversaries of the next 60 days, round years marked.

A unit chat sees its plans' anniversaries (national, provincial and the plan's own);
an admin's private chat those of the plans they administer; any other chat the
national ones.
"""

from __future__ import annotations

from datetime import timedelta

from content.anniversaries import Anniversary, Occurrence, occurrences_between
from content.catalogues import catalogue
from content.dates import format_date_short, weekday_name
from content.messages import days_phrase
from handlers.commands import N_, Command, HelpLine
from handlers.context import Turn
from handlers.events import Reply

WINDOW_DAYS = 60


def _mark(turn: Turn, occurrence: Occurrence) -> str:
    _ = turn._
    if occurrence.tier == "round10":
        return " " + _("⭐ năm tròn")
    if occurrence.tier == "round5":
        return " " + _("✨ năm lẻ 5")
    return ""


async def on_calendar(turn: Turn) -> list[Reply]:
    _ = turn._
    locale = turn.locale
    plans = list({cu.plan.id: cu.plan for cu in await turn.chat_units()}.values())
    if not plans and turn.private:
        plans = await turn.admin_plans()
    anniversaries: dict[str, Anniversary] = {}
    for plan in plans:
        for anniversary in plan.anniversaries:
            anniversaries.setdefault(anniversary.key, anniversary)
    if plans:
        source = ", ".join(plan.title for plan in plans)
    else:
        anniversaries = {a.key: a for a in catalogue(("national",))}
        source = _("các ngày lễ, kỷ niệm toàn quốc")
    today = turn.now.date()
    end = today + timedelta(days=WINDOW_DAYS)
    occurrences = occurrences_between(anniversaries.values(), today, end)
    lines = [
        _("🗓 Ngày lễ, kỷ niệm trong %(days)d ngày tới") % {"days": WINDOW_DAYS},
        _("Theo: %(source)s") % {"source": source},
    ]
    if not occurrences:
        lines.append(_("Không có ngày lễ, kỷ niệm nào trong thời gian này."))
    for occurrence in occurrences:
        day = occurrence.date
        when = f"{weekday_name(day, locale)}, {format_date_short(day, locale)}"
        phrase = days_phrase((day - today).days, locale)
        lines.append(f"• {when} ({phrase}): {occurrence.title}{_mark(turn, occurrence)}")
    return [Reply(text="\n".join(lines))]


COMMANDS = (
    Command(
        "lich",
        "calendar",
        on_calendar,
        menu=N_("Ngày lễ, kỷ niệm 60 ngày tới"),
        staff_help=HelpLine("", N_("ngày lễ, kỷ niệm trong 60 ngày tới")),
    ),
)
