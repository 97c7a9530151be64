"""`loa import`: a draft plan from a plan document (kế hoạch), read by rules.

Pure: the reader takes the document's lines (`Line`: a paragraph or a table row; the
I/O of opening .docx/.pdf/.html files is `bot/document_text.py`) and returns an
`ImportResult`; `draft.render_draft` turns that into a plan file `loa check` accepts.
One module per concern: `header`, `mentions` and `anniversaries`, `deadlines`, `repeats`, `units`,
`tasks`, `slogans`; `text` holds what they share.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace

from content.anniversaries import Anniversary
from content.catalogues import (
    CatalogueError,
    available_provinces,
    catalogue,
    resolve_province,
)
from content.plan_import.anniversaries import find_anniversaries
from content.plan_import.header import read_header
from content.plan_import.model import (
    Deadline,
    FoundAnniversary,
    FoundTask,
    Header,
    ImportResult,
    Line,
    Repeat,
    Slogan,
)
from content.plan_import.slogans import find_slogans
from content.plan_import.tasks import TaskReader
from content.plan_import.text import fold, outline

__all__ = [
    "Deadline",
    "FoundAnniversary",
    "FoundTask",
    "Header",
    "ImportResult",
    "Line",
    "Repeat",
    "Slogan",
    "lines_of_text",
    "read_plan_document",
]


def lines_of_text(text: str) -> tuple[Line, ...]:
    """The lines of a plain-text document, numbered from 1 as an editor numbers them."""
    return tuple(Line(number, line) for number, line in enumerate(text.splitlines(), start=1))


def _resolve(name: str) -> str | None:
    try:
        return resolve_province(name)
    except CatalogueError:
        return None


def _catalogue_for(province: str | None) -> list[Anniversary]:
    """National days plus the document's province, or every province when unknown."""
    if province is not None:
        return catalogue(province=province)
    return catalogue(include=("national", *_all_provinces()))


def _all_provinces() -> tuple[str, ...]:
    return tuple(available_provinces())


def _unique(names: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(fold(name), name)
    return tuple(seen.values())


def read_plan_document(
    lines: Sequence[Line], *, anniversaries: Sequence[Anniversary] | None = None
) -> ImportResult:
    """Everything the rules find in a plan document. `anniversaries` replaces the
    built-in catalogue (tests)."""
    lines = tuple(lines)
    rows = outline(lines)
    header = read_header(rows, _resolve)
    known = anniversaries if anniversaries is not None else _catalogue_for(header.province)
    found = find_anniversaries(rows, header.year, known)
    if header.year is None:
        # A portal notice may give no year but the anniversaries': "(24/3/1975-24/3/2025)".
        years = Counter(item.year for item in found if item.year is not None and item.dated)
        if years:
            header = replace(header, year=years.most_common(1)[0][0])
            found = find_anniversaries(rows, header.year, known)
    reader = TaskReader(header.year)
    reader.read(rows)
    owners = _unique(name for task in reader.tasks for name in task.owners)
    cooperating = _unique(name for task in reader.tasks for name in task.cooperating)
    return ImportResult(
        header=header,
        anniversaries=tuple(found),
        deadlines=tuple(reader.deadlines),
        repeats=tuple(reader.repeats),
        slogans=tuple(find_slogans(rows, found)),
        tasks=tuple(reader.tasks),
        owners=owners,
        cooperating=cooperating,
        lines=lines,
    )
