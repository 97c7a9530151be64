"""The digest: one chat's reminder of the day, its text, entries and buttons.

A chat may serve several units and plans; its digest has one part per (plan, unit)
with something to say, headed by the unit (and the plan when there are several), and
its owner items are numbered through the whole digest, so "xong 3" means one item
whatever part it is in (content/payloads.py has the stored shape).

The planner builds each part once (`PartBuilder`: a unit's part is the same in each of
its chats) and `compose` numbers and writes them for one chat; `render_digest_from_payload`
replays a stored payload the same way, so the digest edited after a confirmation reads
exactly like the one sent, with ✅ marks. Assembled in Python rather than Jinja2: a year
of a 1,000-unit plan is tens of thousands of digests.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import NamedTuple

from content.contacts import with_contacts
from content.digest_phrases import (
    digest_header,
    digest_words,
    how_to_confirm,
    more_overdue_line,
    optional_hint,
    owners_note,
    part_heading,
)
from content.i18n import normalize_locale
from content.messages import format_item_line, item_body, long_date, prefix
from content.payloads import DigestEntry, DigestPart, DigestPayload, Section

SECTIONS: tuple[Section, ...] = ("overdue", "today", "upcoming", "cooperating")
_ORDER = {section: index for index, section in enumerate(SECTIONS)}


class Row(NamedTuple):
    section: Section
    key: str
    task_id: str
    title: str
    due: str  # ISO
    days: int  # due minus the digest's day
    owners: tuple[str, ...] | None  # cooperating rows: owner units' names (some)
    owners_total: int
    optional: bool
    body: str  # the line without its number


class PartBuilder:
    """One (plan, unit)'s part of a day's digest."""

    __slots__ = ("counted", "locale", "plan_id", "plan_title", "rows", "unit_id", "unit_name")

    def __init__(
        self, plan_id: str, plan_title: str, unit_id: str, unit_name: str, locale: str = "vi"
    ) -> None:
        self.plan_id, self.plan_title = plan_id, plan_title
        self.unit_id, self.unit_name = unit_id, unit_name
        self.locale = normalize_locale(locale)
        self.rows: list[Row] = []
        # Overdue items counted, not written out ("… và 3 việc quá hạn khác (số 8 đến
        # 10)"), oldest first: (key, task id, title, due ISO, days, optional).
        self.counted: list[tuple[str, str, str, str, int, bool]] = []

    @property
    def overdue_more(self) -> int:
        return len(self.counted)

    def count(
        self, key: str, task_id: str, title: str, due: str, days: int, optional: bool = False
    ) -> None:
        """An overdue item the part counts without writing it out."""
        self.counted.append((key, task_id, title, due, days, optional))

    def add(
        self,
        section: Section,
        key: str,
        task_id: str,
        title: str,
        due: str,
        days: int,
        owners: tuple[str, ...] | None = None,
        owners_total: int = 0,
        optional: bool = False,
    ) -> None:
        """Add an item; rows are written section by section, in the order added."""
        body = item_body(title, due, days, self.locale)
        if owners:
            body += owners_note(owners, owners_total or len(owners), self.locale)
        self.rows.append(
            Row(section, key, task_id, title, due, days, owners, owners_total, optional, body)
        )

    def info(self) -> DigestPart:
        return {
            "plan_id": self.plan_id,
            "plan_title": self.plan_title,
            "unit_id": self.unit_id,
            "unit_name": self.unit_name,
            "overdue_more": self.overdue_more,
        }


class _Writer:
    """The lines of a digest, part by part; what its footer must say."""

    def __init__(
        self, parts: Sequence[DigestPart], day: str, locale: str, channel: str | None
    ) -> None:
        self.channel = channel
        self.locale = locale
        self.words = digest_words(locale)
        header, self.units, self.plans = digest_header(parts, self.words)
        self.lines = [header, long_date(day, locale)]
        self.open_numbers: list[int] = []
        self.optional_open: list[int] = []
        self.numbered = False

    def part(self, part: DigestPart, lines: dict[Section, list[str]], first_counted: int) -> None:
        """A part's lines; its counted overdue items are numbered from `first_counted`."""
        if self.units > 1 or self.plans > 1:
            self.lines += ["", part_heading(part, self.units, self.plans)]
        for section in SECTIONS:
            section_lines = lines.get(section)
            if section_lines:
                if self.units == 1 and self.plans == 1:
                    self.lines.append("")
                self.lines.append(self.words[section])
                self.lines += section_lines
                if section == "overdue" and part["overdue_more"]:
                    count = part["overdue_more"]
                    self.lines.append(
                        more_overdue_line(count, first_counted, self.locale, self.channel)
                    )

    def text(self, channel: str | None) -> str:
        lines = [*self.lines, ""]
        numbers = self.open_numbers
        if numbers:
            second = numbers[1] if len(numbers) > 1 else None
            lines.append(how_to_confirm(channel, numbers[0], second, self.locale))
            if self.optional_open:
                lines.append(optional_hint(channel, self.optional_open[0], self.locale))
        else:
            words = self.words
            lines.append(words["all_done"] if self.numbered else words["for_information"])
        return "\n".join(lines)


def compose(
    parts: Sequence[PartBuilder], day: str, channel: str | None, locale: str = "vi"
) -> tuple[str, list[DigestEntry]]:
    """The text and the entries of one chat's digest made of `parts` (in order): written
    items numbered through the parts, then the counted ones after them, part by part."""
    locale = normalize_locale(locale)
    infos = [part.info() for part in parts]
    writer = _Writer(infos, day, locale, channel)
    entries: list[DigestEntry] = []
    written: list[dict[Section, list[str]]] = []
    n = 0
    for part in parts:
        lines: dict[Section, list[str]] = {}
        for row in sorted(part.rows, key=lambda row: _ORDER[row.section]):
            number: int | None = None
            if row.section != "cooperating":
                n += 1
                number = n
                writer.open_numbers.append(n)
                writer.numbered = True
                if row.optional:
                    writer.optional_open.append(n)
            lines.setdefault(row.section, []).append(f"{prefix(number)} {row.body}")
            entries.append(_entry(row, number, part))
        written.append(lines)
    for part, info, lines in zip(parts, infos, written, strict=True):
        writer.part(info, lines, n + 1)
        for key, task_id, title, due, days, optional in part.counted:
            n += 1
            row = Row("overdue", key, task_id, title, due, days, None, 0, optional, "")
            entries.append({**_entry(row, n, part), "hidden": True})
    return writer.text(channel), entries


def _entry(row: Row, number: int | None, part: PartBuilder) -> DigestEntry:
    entry: DigestEntry = {
        "n": number,
        "key": row.key,
        "task_id": row.task_id,
        "title": row.title,
        "due": row.due,
        "section": row.section,
        "days": row.days,
        "plan_id": part.plan_id,
        "unit_id": part.unit_id,
    }
    if row.owners is not None:
        entry["owners"] = list(row.owners)
        entry["owners_total"] = row.owners_total
    if row.optional:
        entry["optional"] = True
    return entry


def payload_parts(payload: Mapping[str, object]) -> list[DigestPart]:
    """A stored digest's parts; a digest stored before parts existed is one part."""
    parts = payload.get("parts")
    if isinstance(parts, list) and parts:
        return parts
    overdue_more = payload.get("overdue_more")
    return [
        {
            "plan_id": str(payload.get("plan_id", "")),
            "plan_title": "",
            "unit_id": str(payload.get("unit_id", "")),
            "unit_name": str(payload.get("unit_name", "")),
            "overdue_more": overdue_more if isinstance(overdue_more, int) else 0,
        }
    ]


def entry_part(entry: DigestEntry, payload: Mapping[str, object]) -> tuple[str, str]:
    """(plan id, unit id) of a stored entry (older payloads: the payload's)."""
    plan_id = entry.get("plan_id") or str(payload.get("plan_id") or "")
    unit_id = entry.get("unit_id") or str(payload.get("unit_id") or "")
    return plan_id, unit_id


def render_digest_from_payload(
    payload: DigestPayload,
    confirmations: Mapping[str, tuple[str, datetime]],
    channel: str | None,
    locale: str = "vi",
    not_applicable: Iterable[str] = (),
) -> str:
    """The digest text for a stored payload, confirmed items marked ✅ with who and when
    (➖ "không phát sinh" for the keys in `not_applicable`).

    `confirmations` maps item key -> (name of who confirmed, when); keys of other
    digests are ignored. `channel` ("telegram", "zalo", or None when no chat is
    linked) only changes the closing line that says how to confirm.
    """
    locale = normalize_locale(locale)
    closed_as_na = set(not_applicable)
    parts = payload_parts(payload)
    writer = _Writer(parts, payload["date"], locale, channel)
    by_part: dict[tuple[str, str], dict[Section, list[str]]] = {}
    first_counted: dict[tuple[str, str], int] = {}  # a part's first counted number
    highest = 0
    for entry in payload["entries"]:
        n = entry["n"]
        if entry.get("hidden"):
            if n is not None:
                part_of = entry_part(entry, payload)
                first_counted[part_of] = min(first_counted.get(part_of, n), n)
            continue
        if n is not None:
            highest = max(highest, n)
        done = confirmations.get(entry["key"]) if n is not None else None
        if n is not None:
            writer.numbered = True
        if done is None:
            body = item_body(entry["title"], entry["due"], entry["days"], locale)
            names = entry.get("owners")
            if names:
                total = int(entry.get("owners_total") or len(names))
                body += owners_note(tuple(names), total, locale)
            line = f"{prefix(n)} {body}"
            if n is not None:
                writer.open_numbers.append(n)
                if entry.get("optional"):
                    writer.optional_open.append(n)
        else:
            line = format_item_line(
                n,
                entry["title"],
                date.fromisoformat(entry["due"]),
                entry["days"],
                locale,
                done=done,
                not_applicable=entry["key"] in closed_as_na,
            )
        lines = by_part.setdefault(entry_part(entry, payload), {})
        lines.setdefault(entry["section"], []).append(line)
    for part in parts:
        ident = (part["plan_id"], part["unit_id"])
        # Older digests list their counted items in `more_keys`, after every number.
        writer.part(part, by_part.get(ident, {}), first_counted.get(ident, highest + 1))
    return with_contacts(writer.text(channel), payload.get("contacts", ()), locale)


def render_digest(payload: DigestPayload, channel: str | None, locale: str = "vi") -> str:
    """The digest as first sent: nothing confirmed yet."""
    return render_digest_from_payload(payload, {}, channel, locale)
