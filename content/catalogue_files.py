"""One anniversary catalogue file: a CSV file of `content/data/anniversaries/` read and
checked line by line (the columns and directives are in that folder's README).

Any malformed line raises CatalogueError as `FILE:LINE: message`; nothing is skipped.
`content/catalogues.py` puts the files together.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from content.anniversaries import Anniversary
from content.i18n import N_

NATIONAL = "national"
NATIONAL_NAME = N_("Toàn quốc")  # N_: data in hashtags, translated where the CLI shows it

_SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_DIRECTIVE = re.compile(r"#\s*(province|aliases|former)\s*:(.*)")
_REQUIRED_COLUMNS = ("key", "name", "calendar", "day", "month", "kind", "source", "verified")
_OPTIONAL_COLUMNS = (
    "origin_year",
    "former_province",
    "note",
    "summary",
    "summary_source",
    "round5",
    "verb",
    "chosen_by",
)


class CatalogueError(ValueError):
    """Bad catalogue data or an unknown catalogue; str() is `FILE:LINE: message` for files."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        where = ""
        if self.path is not None:
            where = f"{self.path}:{line}: " if line is not None else f"{self.path}: "
        super().__init__(where + message)


@dataclass(frozen=True)
class CatalogueFile:
    path: Path
    scope: str
    display_name: str
    aliases: tuple[str, ...]
    formers: tuple[str, ...]  # the provinces merged into this one on 1/7/2025
    entries: tuple[tuple[int, Anniversary], ...]  # (line number, entry)

    def names(self) -> tuple[str, ...]:
        """What people call the province today: its slug, its name and its aliases."""
        return (self.scope, self.display_name, *self.aliases)


def _scope_of(path: Path) -> str:
    scope = path.stem
    if scope != NATIONAL and not _SLUG_RE.fullmatch(scope):
        raise CatalogueError(
            "a province file must be named <province-slug>.csv, e.g. lao-cai.csv", path, 1
        )
    return scope


def _check_header(fields: list[str], path: Path, line: int) -> list[str]:
    columns = [field.strip() for field in fields]
    known = set(_REQUIRED_COLUMNS) | set(_OPTIONAL_COLUMNS)
    for column in columns:
        if not column:
            raise CatalogueError("empty column name in the header", path, line)
        if column not in known:
            raise CatalogueError(
                f"unknown column {column!r}; columns are: {', '.join(sorted(known))}", path, line
            )
        if columns.count(column) > 1:
            raise CatalogueError(f"column {column!r} appears twice", path, line)
    missing = [column for column in _REQUIRED_COLUMNS if column not in columns]
    if missing:
        raise CatalogueError(f"missing column(s): {', '.join(missing)}", path, line)
    return columns


def _whole_number(row: dict[str, str], column: str, path: Path, line: int) -> int | None:
    value = row.get(column, "")
    if not value:
        return None
    if not value.isascii() or not value.isdigit():
        raise CatalogueError(f"{column} must be a whole number, not {value!r}", path, line)
    return int(value)


def _flag(row: dict[str, str], column: str, path: Path, line: int) -> bool:
    value = row.get(column, "").lower()
    if value not in ("", "yes"):
        raise CatalogueError(f"{column} must be yes or empty, not {value!r}", path, line)
    return value == "yes"


def _row_to_anniversary(row: dict[str, str], scope: str, path: Path, line: int) -> Anniversary:
    if row["verified"].lower() == "no":
        raise CatalogueError(
            f"{row['key']}: verified=NO entries are unverified and must not be shipped", path, line
        )
    day = _whole_number(row, "day", path, line)
    month = _whole_number(row, "month", path, line)
    if day is None or month is None:
        raise CatalogueError(
            f"{row['key']}: no day/month; an entry without a date cannot be shipped", path, line
        )
    source = row["source"]
    if not source.startswith(("https://", "http://")):
        raise CatalogueError(f"{row['key']}: source must be an http(s) URL", path, line)
    text = {column: unicodedata.normalize("NFC", row.get(column, "")) for column in row}
    round5 = _flag(row, "round5", path, line)
    if round5 and not text.get("note", "").strip():
        raise CatalogueError(
            f"{row['key']}: round5=yes needs a note saying where N ending in 5 is celebrated",
            path,
            line,
        )
    try:
        return Anniversary(
            key=row["key"],
            name=text["name"],
            calendar=row["calendar"],  # type: ignore[arg-type]  # checked by Anniversary
            day=day,
            month=month,
            origin_year=_whole_number(row, "origin_year", path, line),
            kind=row["kind"],  # type: ignore[arg-type]  # checked by Anniversary
            scope=scope,
            former_province=text.get("former_province") or None,
            source=source,
            verified=row["verified"],
            note=text.get("note", ""),
            summary=text.get("summary", ""),
            summary_source=row.get("summary_source", ""),
            round5=round5,
            verb=text.get("verb") or None,
            chosen_by=text.get("chosen_by", ""),
        )
    except ValueError as error:
        raise CatalogueError(str(error), path, line) from None


def parse_catalogue_file(path: Path) -> CatalogueFile:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise CatalogueError("not UTF-8 text", path) from None
    except OSError as error:
        raise CatalogueError(f"cannot read: {error.strerror}", path) from None
    scope = _scope_of(path)
    directives: dict[str, str] = {}
    header: list[str] | None = None
    entries: list[tuple[int, Anniversary]] = []
    first_line: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            directive = _DIRECTIVE.fullmatch(stripped)
            if directive is not None:
                name, value = directive.group(1), unicodedata.normalize("NFC", directive.group(2))
                if scope == NATIONAL:
                    raise CatalogueError("national.csv cannot name a province", path, number)
                if name in directives:
                    raise CatalogueError(f"a second '# {name}:' line", path, number)
                if not value.strip():
                    raise CatalogueError(f"'# {name}:' needs a value", path, number)
                directives[name] = value.strip()
            continue
        try:
            fields = next(csv.reader([raw], strict=True))
        except csv.Error as error:
            raise CatalogueError(f"malformed CSV line: {error}", path, number) from None
        if header is None:
            header = _check_header(fields, path, number)
            continue
        if len(fields) != len(header):
            raise CatalogueError(
                f"{len(fields)} fields where the header has {len(header)}", path, number
            )
        row = dict(zip(header, (field.strip() for field in fields), strict=True))
        anniversary = _row_to_anniversary(row, scope, path, number)
        if anniversary.key in first_line:
            raise CatalogueError(
                f"duplicate key {anniversary.key!r} (first on line {first_line[anniversary.key]})",
                path,
                number,
            )
        first_line[anniversary.key] = number
        entries.append((number, anniversary))
    if header is None:
        raise CatalogueError("no header line", path, 1)
    if scope != NATIONAL and "province" not in directives:
        raise CatalogueError("missing the '# province: <name>' line", path, 1)
    aliases = _listed(directives.get("aliases", ""))
    display_name = directives.get("province", NATIONAL_NAME)
    formers = _formers(directives, entries, path)
    return CatalogueFile(path, scope, display_name, aliases, formers, tuple(entries))


def _listed(text: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in text.split(",") if item.strip())


def _formers(
    directives: dict[str, str], entries: list[tuple[int, Anniversary]], path: Path
) -> tuple[str, ...]:
    """The `# former:` list, checked against the rows' `former_province` (a misspelt
    one would otherwise pass for another province); without the line, the rows' own."""
    if "former" not in directives:
        return tuple(dict.fromkeys(a.former_province for _, a in entries if a.former_province))
    formers = _listed(directives["former"])
    for line, anniversary in entries:
        if anniversary.former_province and anniversary.former_province not in formers:
            raise CatalogueError(
                f"{anniversary.key}: former_province {anniversary.former_province!r} is not on "
                f"the '# former:' line ({', '.join(formers)})",
                path,
                line,
            )
    return formers


def load_catalogue_file(path: Path | str) -> list[Anniversary]:
    """Every entry of one catalogue file; any malformed line raises CatalogueError."""
    return [anniversary for _, anniversary in parse_catalogue_file(Path(path)).entries]
