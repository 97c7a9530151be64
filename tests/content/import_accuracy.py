"""How well `loa import` reads the plan documents in tests/content/import/: each folder
holds a document (a seed plan, or a published plan or notice as published, with its
address in expected.json) and the results written by hand from reading it.

    python -m tests.content.import_accuracy      # prints the figures of docs/plan-import.md

Found: an expected item the reader reports. Wrong: a reported item that is not
expected, or that is but with a different key, date, year or ordinal (or owners, for
a deadline whose owners the document names).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from content.plan_import import ImportResult, lines_of_text, read_plan_document
from content.plan_import.text import fold

DATA = Path(__file__).parent / "import"
_FIELDS = ("day", "month", "calendar", "year", "ordinal")


@dataclass
class Score:
    expected: int = 0
    reported: int = 0
    found: int = 0
    wrong: int = 0
    misses: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.expected += other.expected
        self.reported += other.reported
        self.found += other.found
        self.wrong += other.wrong
        self.misses += other.misses
        self.errors += other.errors

    @property
    def found_rate(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    @property
    def wrong_rate(self) -> float:
        return self.wrong / self.reported if self.reported else 0.0


def documents() -> list[Path]:
    return sorted(path for path in DATA.iterdir() if (path / "document.txt").is_file())


def read(folder: Path) -> tuple[ImportResult, dict[str, Any]]:
    text = (folder / "document.txt").read_text(encoding="utf-8")
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    return read_plan_document(lines_of_text(text)), expected


def _same_anniversary(want: dict[str, Any], got: dict[str, Any]) -> bool:
    if want["key"] is not None or got["key"] is not None:
        return want["key"] == got["key"] and want["year"] == got["year"]
    a, b = fold(want["name"]), fold(got["name"])
    return want["year"] == got["year"] and (a in b or b in a)


def score_anniversaries(result: ImportResult, expected: dict[str, Any], name: str) -> Score:
    got = [found.as_json() for found in result.anniversaries]
    score = Score(expected=len(expected["anniversaries"]), reported=len(got))
    used: set[int] = set()
    for want in expected["anniversaries"]:
        index = next(
            (i for i, item in enumerate(got) if i not in used and _same_anniversary(want, item)),
            None,
        )
        if index is None:
            score.misses.append(f"{name}: {want['key'] or want['name']} {want['year']}")
            continue
        used.add(index)
        score.found += 1
        item = got[index]
        different = [key for key in _FIELDS if want[key] != item[key]]
        if "origin_year" in want and want["origin_year"] != item["origin_year"]:
            different.append("origin_year")
        if different:
            score.wrong += 1
            score.errors.append(f"{name}: {want['key'] or want['name']}: {different}")
    for i, item in enumerate(got):
        if i not in used:
            score.wrong += 1
            score.errors.append(f"{name}: not expected: {item['key']} {item['name']!r}")
    return score


def score_deadlines(result: ImportResult, expected: dict[str, Any], name: str) -> Score:
    got = [deadline.as_json() for deadline in result.deadlines]
    score = Score(expected=len(expected["deadlines"]), reported=len(got))
    used: set[int] = set()
    for want in expected["deadlines"]:
        index = next(
            (i for i, item in enumerate(got) if i not in used and item["date"] == want["date"]),
            None,
        )
        if index is None:
            score.misses.append(f"{name}: deadline {want['date']}")
            continue
        used.add(index)
        score.found += 1
        if "owners" in want and [fold(o) for o in want["owners"]] != [
            fold(o) for o in got[index]["owners"]
        ]:
            score.wrong += 1
            score.errors.append(f"{name}: deadline {want['date']}: owners {got[index]['owners']}")
    for i, item in enumerate(got):
        if i not in used:
            score.wrong += 1
            score.errors.append(f"{name}: deadline not expected: {item['date']}")
    return score


def score_repeats(result: ImportResult, expected: dict[str, Any], name: str) -> Score:
    got = [(repeat.line, repeat.repeat) for repeat in result.repeats]
    want = [(item["line"], item["repeat"]) for item in expected["repeats"]]
    score = Score(expected=len(want), reported=len(got))
    score.found = sum(1 for item in want if item in got)
    score.wrong = sum(1 for item in got if item not in want)
    score.misses += [f"{name}: repeat {item}" for item in want if item not in got]
    score.errors += [f"{name}: repeat not expected {item}" for item in got if item not in want]
    return score


def score_slogans(result: ImportResult, expected: dict[str, Any], name: str) -> Score:
    got = [slogan.text for slogan in result.slogans]
    score = Score(expected=len(expected["slogans"]), reported=len(got))
    score.found = sum(1 for text in expected["slogans"] if text in got)
    score.wrong = sum(1 for text in got if text not in expected["slogans"])
    return score


def score_header(result: ImportResult, expected: dict[str, Any], name: str) -> Score:
    fields = [key for key in ("issuer", "number", "year", "province") if key in expected]
    got = {
        "issuer": result.header.issuer,
        "number": result.header.number,
        "year": result.header.year,
        "province": result.header.province,
    }
    score = Score(expected=len(fields), reported=len(fields))
    for key in fields:
        if got[key] == expected[key]:
            score.found += 1
        else:
            score.wrong += 1
            score.errors.append(f"{name}: {key} {got[key]!r}, expected {expected[key]!r}")
    return score


SCORERS = {
    "anniversaries": score_anniversaries,
    "deadlines": score_deadlines,
    "repeats": score_repeats,
    "slogans": score_slogans,
    "header": score_header,
}


def scores(folders: list[Path] | None = None) -> dict[str, dict[str, Score]]:
    """{"seeds" | "published" | "held-out" | "all": {what: Score}}. "held-out" documents
    were collected, and their results written, after the rules were last changed."""
    table: dict[str, dict[str, Score]] = {
        group: {what: Score() for what in SCORERS}
        for group in ("seeds", "published", "held-out", "all")
    }
    for folder in folders or documents():
        result, expected = read(folder)
        group = (
            folder.name.split("-")[0]
            if folder.name.startswith(("seed-", "heldout-"))
            else "published"
        )
        group = {"seed": "seeds", "heldout": "held-out"}.get(group, group)
        for what, scorer in SCORERS.items():
            score = scorer(result, expected, folder.name)
            table[group][what].add(score)
            table["all"][what].add(score)
    return table


def main() -> None:
    table = scores()
    print(f"{len(documents())} documents")
    print(f"{'':10} {'what':14} {'expected':>8} {'reported':>8} {'found':>6} {'wrong':>6}")
    for group, by_what in table.items():
        for what, score in by_what.items():
            print(
                f"{group:10} {what:14} {score.expected:8} {score.reported:8} "
                f"{score.found_rate:6.0%} {score.wrong_rate:6.0%}"
            )
    for line in table["all"]["anniversaries"].misses + table["all"]["deadlines"].misses:
        print("missed:", line)
    for what in SCORERS:
        for line in table["all"][what].errors:
            print("wrong:", line)


if __name__ == "__main__":
    main()
