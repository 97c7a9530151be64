"""The cadence: on which days a unit chat hears about an item. Pure; days are ordinal
numbers (`date.toordinal()`), which is what the planner compares fastest.

- Send days are the plan's working days (content/working_days.py) from its opening day
  on: the first working day on or after the plan's first day (its first `loa load`, or
  `settings.remind_from`) whose send moment is not before the plan started. A plan
  loaded at 10:00 thus opens the next working day, so a chat that already had its
  digest that morning still gets the new plan's opening part.
- Weekly days: the first working day of each ISO week, and the opening day. The
  weekly digest lists the owner items that fall due up to the next weekly day (that
  day included: a Monday deadline is announced a week ahead), the cooperating items
  due before it (a cooperating unit is informed once, in the week of the deadline),
  and every open overdue item (the weekly roll-up). The opening
  day, and a chat's first send day after a pause, also list what is already in its
  lead window: what is coming, not what was missed.
- An owner item's own reminder days: its lead days (`settings.lead_days` of its tier,
  moved to the working day before), its due day (a deadline on a day off is reminded
  on the working day before: a deadline never slips), and its overdue steps (the n-th
  working day after the due date, for n in `settings.overdue_reminders`). After the
  last step an open item is listed only by the weekly roll-up (and the admins' weekly
  report).
- Items due before the plan's first day are never listed in unit chats.

What a digest says is the union of these for the day; scheduler/planner.py drops a
unit's part that says nothing its previous send day's part did not already say.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from content.anniversaries import Tier
from content.payloads import Section
from content.plan import Plan

OVERDUE, TODAY, UPCOMING, COOPERATING = 0, 1, 2, 3
SECTION_NAMES: tuple[Section, ...] = ("overdue", "today", "upcoming", "cooperating")


def send_at(plan: Plan, day: date, moment: time) -> tuple[datetime, datetime]:
    """(not_before, expires_at) of a message meant for `moment` of `day`: the moment, or
    the end of the quiet hours when it falls inside them (the end of the morning part of
    a window that spans midnight, so it never slides into the next day); valid until the
    next quiet window or the end of the day, whichever comes first."""
    settings, tz = plan.settings, plan.tz
    day_end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    when = datetime.combine(day, moment, tzinfo=tz)
    quiet = settings.quiet_hours
    if quiet is None or quiet[0] == quiet[1]:
        return when, day_end
    start, end = quiet
    if settings.in_quiet_hours(moment):
        when = datetime.combine(day, end, tzinfo=tz)
    next_quiet = datetime.combine(day, start, tzinfo=tz)
    if next_quiet <= when:
        next_quiet += timedelta(days=1)
    return when, min(next_quiet, day_end)


def section_of(due: int, day: int) -> int:
    return OVERDUE if due < day else TODAY if due == day else UPCOMING


class Cadence:
    """The cadence of one plan from its first day (see the module doc)."""

    def __init__(
        self,
        plan: Plan,
        first_day: date,
        started_at: datetime | None,
        send_moment: Callable[[date], datetime],
    ) -> None:
        self.calendar = calendar = plan.calendar
        settings = plan.settings
        self.first = first_day.toordinal()
        opening = calendar.on_or_after_number(self.first)
        if (
            settings.remind_from is None
            and started_at is not None
            and send_moment(date.fromordinal(opening)) < started_at
        ):
            opening = calendar.after_number(opening)
        self.opening = opening
        self.leads: dict[str, tuple[int, ...]] = {
            tier: tuple(sorted({lead for lead in leads if lead > 0}, reverse=True))
            for tier, leads in settings.lead_days.items()
        }
        self.max_lead = max((max(leads, default=0) for leads in self.leads.values()), default=0)
        self.steps = tuple(sorted(set(settings.overdue_reminders)))
        self._reminders: dict[tuple[int, str], tuple[int, ...]] = {}
        self._lead_start: dict[tuple[int, str], int] = {}
        self._first_listed: dict[tuple[int, str], int | None] = {}
        self._horizon: dict[int, int] = {}
        self._weekly: dict[int, bool] = {}

    # --- days -------------------------------------------------------------------------------

    def sends(self, day: int) -> bool:
        return day >= self.opening and self.calendar.works(day)

    def previous_send(self, day: int) -> int | None:
        """The send day before `day` (None before the opening day)."""
        previous = self.calendar.before_number(day)
        return previous if previous >= self.opening else None

    def next_send(self, day: int) -> int:
        """The first send day after `day`."""
        return max(self.calendar.after_number(day), self.opening)

    def weekly(self, day: int) -> bool:
        """Whether the send day `day` brings the weekly digest."""
        known = self._weekly.get(day)
        if known is None:
            known = self._weekly[day] = (
                day == self.opening or self.calendar.week_start_number(day) == day
            )
        return known

    def horizon(self, day: int) -> int:
        """The last due day a weekly digest on `day` lists: the next weekly day."""
        known = self._horizon.get(day)
        if known is None:
            known = self._horizon[day] = self.calendar.next_week_start_number(day)
        return known

    def reminder_day(self, due: int) -> int:
        """The day a deadline is reminded on: the due day, or the working day before."""
        return self.calendar.on_or_before_number(due)

    # --- an item's days ---------------------------------------------------------------------

    def reminders(self, due: int, tier: Tier | str) -> tuple[int, ...]:
        """An owner item's own reminder days (lead days, due day, overdue steps), from
        the opening day on, earliest first."""
        known = self._reminders.get((due, tier))
        if known is None:
            calendar = self.calendar
            days = {calendar.on_or_before_number(due - lead) for lead in self.leads.get(tier, ())}
            days.add(calendar.on_or_before_number(due))
            days.update(calendar.after_number(due, step) for step in self.steps)
            known = self._reminders[(due, tier)] = tuple(
                sorted(day for day in days if day >= self.opening)
            )
        return known

    def lead_start(self, due: int, tier: Tier | str) -> int:
        """The first day of an item's lead window (its earliest reminder before it is
        due): what the opening day and a resumed chat list as "coming"."""
        known = self._lead_start.get((due, tier))
        if known is None:
            leads = self.leads.get(tier, ())
            start = due - leads[0] if leads else due
            known = self._lead_start[(due, tier)] = self.calendar.on_or_before_number(start)
        return known

    def weekly_listing(self, due: int) -> int:
        """The first weekly day (ignoring the opening day) whose digest lists `due`."""
        calendar = self.calendar
        this_week = calendar.week_start_number(due)
        if this_week is not None and this_week < due:
            return this_week
        monday = due - date.fromordinal(due).weekday()
        for week in range(1, 10):
            earlier = calendar.week_start_number(monday - 7 * week)
            if earlier is not None:
                return earlier
        return due  # no working day for weeks before: a broken calendar, list on the day

    def opening_lists(self, due: int, tier: Tier | str) -> bool:
        """Whether the opening day (or a resumed chat's first day) on the day `opening`
        lists an item due on `due`."""
        return self.rollup_lists(self.opening, due, tier)

    def rollup_lists(self, day: int, due: int, tier: Tier | str) -> bool:
        return day <= due and (due <= self.horizon(day) or self.lead_start(due, tier) <= day)

    def first_listed(self, due: int, tier: Tier | str) -> int | None:
        """The first send day on which an owner item due on `due` is listed, if it is
        still open: where its suggested post first goes."""
        key = (due, tier)
        if key in self._first_listed:
            return self._first_listed[key]
        opening = self.opening
        if due < self.first:
            found = None
        elif self.opening_lists(due, tier):
            found = opening
        else:
            candidates = [day for day in self.reminders(due, tier) if day <= due]
            weekly = self.weekly_listing(due)
            if weekly >= opening:
                candidates.append(weekly)
            found = min(candidates, default=None)
        self._first_listed[key] = found
        return found

    def reach(self, due: int, tier: Tier | str) -> tuple[int, int]:
        """(first, last) day an owner item's own reminders may fall on."""
        days = self.reminders(due, tier)
        return (days[0], days[-1]) if days else (due, due)
