"""Rewrites the generated parts of docs/anniversaries.md (dev-only): the table of what
each province's catalogue holds and the list of every provincial row's sources.

Both come from the CSV files in content/data/anniversaries/, so the page cannot drift
from the data. Run from the repository root after changing a catalogue:

    .venv/bin/python tools/make_anniversaries_doc.py
"""

from __future__ import annotations

import re
from pathlib import Path

from content.anniversaries import Anniversary
from content.catalogues import available_provinces, catalogue, former_provinces

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "anniversaries.md"
# Each generated part sits between `<!-- generated: NAME -->` and `<!-- end: NAME -->`.
_PART = "<!-- generated: {name} (tools/make_anniversaries_doc.py) -->\n{body}<!-- end: {name} -->"


def _day(anniversary: Anniversary) -> str:
    flags = [f"`{anniversary.key}`"]
    if anniversary.round5:
        flags.append("round5")
    if anniversary.verified != "yes":
        flags.append(anniversary.verified)
    origin = f"/{anniversary.origin_year}" if anniversary.origin_year else ""
    if anniversary.chosen_by:  # a day chosen for an event known by its year only
        origin = f" (chosen day; {anniversary.origin_year}: {anniversary.chosen_by})"
    when = f"{anniversary.day}/{anniversary.month}{origin}"
    return f"{when} {anniversary.name} ({', '.join(flags)})"


def _groups(slug: str) -> list[tuple[str | None, list[Anniversary]]]:
    """The province's own days, then each former province's (one with none still shows)."""
    rows = catalogue(include=[slug])
    groups: list[tuple[str | None, list[Anniversary]]] = [
        (None, [a for a in rows if a.former_province is None])
    ]
    for former in former_provinces(slug):
        groups.append((former, [a for a in rows if a.former_province == former]))
    return groups


def province_table() -> str:
    lines = ["| province or city | rows | days (D/M/origin year, key) |", "|---|---|---|"]
    for slug, name in available_provinces().items():
        cells = []
        for former, rows in _groups(slug):
            days = "; ".join(_day(a) for a in rows) or "—"
            cells.append(days if former is None else f"*{former} cũ:* {days}")
        count = len(catalogue(include=[slug]))
        lines.append(f"| {name} (`{slug}`) | {count} | {' <br> '.join(cells)} |")
    return "\n".join(lines) + "\n"


def source_list() -> str:
    lines: list[str] = []
    for slug, name in available_provinces().items():
        lines.append(f"- **{name}** (`{slug}`)")
        for anniversary in catalogue(include=[slug]):
            line = f"  - `{anniversary.key}`: <{anniversary.source}>"
            if anniversary.summary_source and anniversary.summary_source != anniversary.source:
                line += f"; summary: <{anniversary.summary_source}>"
            lines.append(line)
    return "\n".join(lines) + "\n"


def rewrite(text: str, name: str, body: str) -> str:
    start = re.escape(_PART.split("{body}")[0].format(name=name))
    pattern = re.compile(rf"{start}.*?<!-- end: {name} -->", re.DOTALL)
    if not pattern.search(text):
        raise SystemExit(f"{DOC}: no generated part named {name!r}")
    return pattern.sub(lambda _: _PART.format(name=name, body=body), text)


def main() -> None:
    text = DOC.read_text(encoding="utf-8")
    text = rewrite(text, "provinces", province_table())
    text = rewrite(text, "sources", source_list())
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
