"""Anniversaries a plan document names, mapped to the catalogue's keys.

Plans write them in a handful of ways, all read (content/plan_import/mentions.py):

- "Kỷ niệm 80 năm Ngày Khởi nghĩa Ba Tơ (11/3/1945 - 11/3/2025)", also without spaces
  ("(24/3/1975-24/3/2025)"), with dots or dashes ("3.2.1930-3.2.2025") or no "Kỷ niệm";
- "118 năm ngày sinh đồng chí Trần Phú 01/5/1904" (the origin date alone);
- "kỷ niệm 30 năm Ngày tái lập tỉnh Lào Cai" (no date: the catalogue must know it);
- "Giỗ Tổ Hùng Vương (mùng 10 tháng 3 âm lịch)", "Tết Nguyên đán Quý Mão";
- "kỷ niệm Ngày Quốc tế Hạnh phúc (20/3)" (day and month only).

A day is mapped to a catalogue key by its date (day, month and origin year: few days
share all three) and its name (words in common), never by the name alone unless the
name is close and the ordinal agrees. The same anniversary written in the title, the
lead and the body is reported once, with the other lines in `also_lines`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from content.anniversaries import Anniversary
from content.plan_import.mentions import Mention, scan_line
from content.plan_import.model import FoundAnniversary
from content.plan_import.text import Row, fold, words

_STOP_WORDS = {"ngay", "ky", "niem", "nam", "cua", "le", "va", "tai", "thu", "lan"}
# Words many days share ("Ngày thành lập tỉnh ..."): a match needs another word in common.
_GENERIC = {"thanh", "lap", "tinh", "giai", "phong", "truyen", "thong", "nganh", "viet", "nam"}


class CatalogueMatcher:
    """Maps a name (and date) to the catalogue entry it means."""

    def __init__(self, entries: Sequence[Anniversary]) -> None:
        self.entries = [(entry, self._tokens(entry.name)) for entry in entries]

    @staticmethod
    def _tokens(name: str) -> set[str]:
        return {word for word in words(name) if word not in _STOP_WORDS and not word.isdigit()}

    def _score(self, name_tokens: set[str], entry_tokens: set[str]) -> float:
        shared = name_tokens & entry_tokens
        common = len(shared)
        if not common or not shared - _GENERIC:
            return 0.0
        precision = common / len(name_tokens)
        recall = common / len(entry_tokens)
        return 2 * precision * recall / (precision + recall)

    def match(self, raw: Mention) -> tuple[Anniversary | None, list[str]]:
        for entry, _ in self.entries:
            if entry.key == raw.hint:
                return entry, []
        tokens = self._tokens(raw.name)
        scored = sorted(
            (
                (self._score(tokens, entry_tokens), entry)
                for entry, entry_tokens in self.entries
                if entry.calendar == raw.calendar
            ),
            key=lambda pair: -pair[0],
        )
        if raw.day is not None or raw.month is not None:
            same_day = [
                (score, entry)
                for score, entry in scored
                if (raw.day is None or entry.day == raw.day) and entry.month == raw.month
            ]
            exact = [
                (score, entry)
                for score, entry in same_day
                if raw.origin_year is None or entry.origin_year in (None, raw.origin_year)
            ]
            if exact and exact[0][0] >= 0.25:
                return exact[0][1], []
            if same_day and same_day[0][0] >= 0.6:
                entry = same_day[0][1]
                return entry, [
                    f"năm gốc trong văn bản ({raw.origin_year}) khác danh mục ({entry.origin_year})"
                ]
            if raw.dated:
                return None, []
        if not scored or scored[0][0] < 0.75:
            return None, []
        entry = scored[0][1]
        if (
            raw.ordinal is not None
            and raw.year is not None
            and entry.origin_year is not None
            and entry.origin_year + raw.ordinal != raw.year
        ):
            return None, []
        return entry, []


def _found(
    raw: Mention, entry: Anniversary | None, doubts: list[str], row: Row, doc_year: int | None
) -> FoundAnniversary:
    day, month, origin, dated = raw.day, raw.month, raw.origin_year, raw.dated
    ordinal, year = raw.ordinal, raw.year
    if entry is not None:
        if day is None or month is None:
            day, month = entry.day, entry.month
        if origin is None and entry.origin_year is not None:
            origin = entry.origin_year
    if ordinal is None and origin is not None and year is not None and origin < year:
        ordinal = year - origin
    if ordinal is not None and origin is not None and year is not None and origin + ordinal != year:
        if doc_year is not None and origin + ordinal == doc_year:
            year = doc_year  # "137 năm ... (01/5/1886 - 01/5/2022)" in a 2023 plan: a typo
        doubts.append(f"văn bản ghi {ordinal} năm nhưng {origin} đến {year} là {year - origin} năm")
    if year is None:
        doubts.append("không rõ năm")
    return FoundAnniversary(
        key=entry.key if entry is not None else None,
        name=raw.name,
        day=day,
        month=month,
        calendar=raw.calendar,
        origin_year=origin,
        year=year,
        ordinal=ordinal,
        line=row.number,
        text=row.text,
        dated=dated,
        doubts=tuple(doubts),
    )


def _same(a: FoundAnniversary, b: FoundAnniversary) -> bool:
    if a.key is not None or b.key is not None:
        return a.key == b.key and a.year == b.year
    if a.year != b.year or a.calendar != b.calendar:
        return False
    if a.day is not None and b.day is not None and (a.day, a.month) != (b.day, b.month):
        return False
    first, second = fold(a.name), fold(b.name)
    return first in second or second in first


def find_anniversaries(
    rows: Iterable[Row], doc_year: int | None, catalogue: Sequence[Anniversary]
) -> list[FoundAnniversary]:
    """Every anniversary the document names, once each, in the order first written."""
    matcher = CatalogueMatcher(catalogue)
    found: list[FoundAnniversary] = []
    for row in rows:
        if not row.text:
            continue
        for raw in scan_line(row.text, doc_year):
            entry, doubts = matcher.match(raw)
            candidate = _found(raw, entry, doubts, row, doc_year)
            for index, known in enumerate(found):
                if _same(known, candidate):
                    if row.number != known.line and row.number not in known.also_lines:
                        known = replace(known, also_lines=(*known.also_lines, row.number))
                    if known.name.isupper() and not candidate.name.isupper():
                        known = replace(known, name=candidate.name)  # a title in capitals
                    if candidate.dated and not known.dated:
                        # "kỷ niệm 100 năm Ngày sinh X" first, "(23/11/1922 - ...)" later.
                        known = replace(
                            known,
                            day=candidate.day,
                            month=candidate.month,
                            origin_year=candidate.origin_year,
                            dated=True,
                        )
                    found[index] = known
                    break
            else:
                found.append(candidate)
    return _fold_fragments(found)


def _fold_fragments(found: list[FoundAnniversary]) -> list[FoundAnniversary]:
    """An undated, unknown mention that shares its ordinal, year and a distinctive word
    with another one is a piece of it (a title broken over two lines: "136 năm ngày Quốc
    tế" / "lao động (01/5/1886 - 01/5/2022)")."""
    kept = list(found)
    for fragment in found:
        if fragment.key is not None or fragment.dated or fragment.ordinal is None:
            continue
        tokens = set(words(fragment.name)) - _STOP_WORDS - _GENERIC
        for index, other in enumerate(kept):
            if other is fragment or (other.ordinal, other.year) != (
                fragment.ordinal,
                fragment.year,
            ):
                continue
            other_tokens = set(words(other.name)) | set(words((other.key or "").replace("_", " ")))
            if tokens & other_tokens:
                lines = (*other.also_lines, fragment.line, *fragment.also_lines)
                kept[index] = replace(
                    other,
                    also_lines=tuple(dict.fromkeys(line for line in lines if line != other.line)),
                )
                kept.remove(fragment)
                break
    return kept
