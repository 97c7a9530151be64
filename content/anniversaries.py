"""Anniversaries: the built-in catalogues and their yearly occurrences.

The catalogues are the CSV files in `content/data/anniversaries/` (see the README there):
`national.csv` plus one `<province-slug>.csv` per province. An occurrence is one year's
observance of an anniversary: its solar date, ordinal N ("Kỷ niệm N năm"), tier (năm
tròn / năm lẻ 5 / thường) and the title plans write.

Pure: the only I/O is reading the catalogue files, once (cached).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal, get_args

from content.lunar import LunarDate, LunarDateError, can_chi, to_solar

Tier = Literal["round10", "round5", "regular"]
Kind = Literal["major", "founding"]
CalendarName = Literal["solar", "lunar"]

DATA_DIR = Path(__file__).parent / "data" / "anniversaries"
NATIONAL = "national"
NATIONAL_NAME = "Toàn quốc"

TIER_LABELS: dict[Tier, str] = {
    "round10": "năm tròn",
    "round5": "năm lẻ 5",
    "regular": "thường",
}

_KINDS: tuple[str, ...] = get_args(Kind)
_CALENDARS: tuple[str, ...] = get_args(CalendarName)
_VERIFIED = ("yes", "partial")
_KEY_RE = re.compile(r"[a-z0-9][a-z0-9_-]*")
_SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_PROVINCE_DIRECTIVE = re.compile(r"#\s*province\s*:(.*)")
_REQUIRED_COLUMNS = ("key", "name", "calendar", "day", "month", "kind", "source", "verified")
_OPTIONAL_COLUMNS = ("origin_year", "former_province", "note")
# A lunar month has 29 or 30 days; a day-30 anniversary in a 29-day month is kept on day 29,
# as families do for a giỗ.
_LAST_SHORT_MONTH_DAY = 29


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
class Anniversary:
    """A day that is commemorated every year.

    `day`/`month` are in `calendar` (lunar: the Vietnamese calendar, never a leap month).
    `origin_year` is the year of the original event (None for Tết, Giỗ Tổ): the ordinal is
    always computed from it, never taken from a document. `scope` is "national", a province
    slug, or whatever a plan uses for its own days. Invalid values raise ValueError.
    """

    key: str
    name: str
    calendar: CalendarName
    day: int
    month: int
    origin_year: int | None
    kind: Kind
    scope: str = "plan"
    former_province: str | None = None
    source: str = ""
    verified: str = "yes"
    note: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.key, str) or not _KEY_RE.fullmatch(self.key):
            raise ValueError(f"key {self.key!r} must be lower-case letters, digits, '_' or '-'")
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError(f"{self.key}: name is empty")
        if self.calendar not in _CALENDARS:
            raise ValueError(f"{self.key}: calendar must be solar or lunar, not {self.calendar!r}")
        if self.kind not in _KINDS:
            raise ValueError(f"{self.key}: kind must be major or founding, not {self.kind!r}")
        if self.verified not in _VERIFIED:
            raise ValueError(f"{self.key}: verified must be yes or partial, not {self.verified!r}")
        if self.verified == "partial" and not self.note.strip():
            raise ValueError(f"{self.key}: a partially verified entry needs a note saying why")
        if not self.scope:
            raise ValueError(f"{self.key}: scope is empty")
        _check_day_month(self)
        if self.origin_year is not None:
            if not _is_int(self.origin_year) or not 1 <= self.origin_year <= 2100:
                raise ValueError(f"{self.key}: origin year must be 1–2100, not {self.origin_year}")
            if self.calendar == "solar":
                try:
                    date(self.origin_year, self.month, self.day)
                except ValueError:
                    raise ValueError(
                        f"{self.key}: {self.day}/{self.month}/{self.origin_year} is not a date"
                    ) from None


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_day_month(a: Anniversary) -> None:
    if not _is_int(a.day) or not _is_int(a.month) or not 1 <= a.month <= 12:
        raise ValueError(f"{a.key}: {a.day}/{a.month} is not a valid {a.calendar} day/month")
    if a.calendar == "lunar":
        valid = 1 <= a.day <= 30
    else:
        try:
            date(2000, a.month, a.day)  # a leap year, so 29/2 is accepted
            valid = True
        except ValueError:
            valid = False
    if not valid:
        raise ValueError(f"{a.key}: {a.day}/{a.month} is not a valid {a.calendar} day/month")


SolarDate = date  # inside Occurrence, `date` names its field


@dataclass(frozen=True)
class Occurrence:
    """One year's observance of an anniversary."""

    anniversary: Anniversary
    date: date
    ordinal: int | None
    tier: Tier
    title: str
    lunar: LunarDate | None  # the lunar date observed, for lunar anniversaries
    origin: SolarDate | None  # solar date of the original event

    @property
    def key(self) -> str:
        return self.anniversary.key

    @property
    def year(self) -> int:
        """Observance year: the lunar year for lunar anniversaries (a month-12 day may fall
        in January of the next solar year), else the solar year."""
        return self.lunar.year if self.lunar is not None else self.date.year


# --- tiers, dates and titles ------------------------------------------------------------


def tier_of(kind: Kind, ordinal: int | None) -> Tier:
    """Nghị định 145/2013 (major): N ends in 0 → round10, in 5 → round5.
    Nghị định 111/2018 (founding): only N ending in 0 is a round year."""
    if kind not in _KINDS:
        raise ValueError(f"kind must be major or founding, not {kind!r}")
    if ordinal is None or ordinal <= 0:
        return "regular"
    if ordinal % 10 == 0:
        return "round10"
    if kind == "major" and ordinal % 5 == 0:
        return "round5"
    return "regular"


def _solar_day(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        # Only 29/2 gets here: kept on 28/2 in common years.
        return date(year, month, day - 1)


def _lunar_day(year: int, month: int, day: int) -> tuple[date, int]:
    """Solar date of lunar day/month (non-leap month) in lunar `year`, and the day used."""
    try:
        return to_solar(day, month, year), day
    except LunarDateError:
        if day != 30:
            raise
        return to_solar(_LAST_SHORT_MONTH_DAY, month, year), _LAST_SHORT_MONTH_DAY


@lru_cache(maxsize=4096)
def _origin_date(a: Anniversary) -> date | None:
    if a.origin_year is None:
        return None
    if a.calendar == "solar":
        return date(a.origin_year, a.month, a.day)
    try:
        return _lunar_day(a.origin_year, a.month, a.day)[0]
    except LunarDateError:
        # Years the lunar conversion does not cover: the ordinal is still exact.
        return None


def _dmy(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _title(a: Anniversary, year: int, when: date, ordinal: int | None, origin: date | None) -> str:
    if a.calendar == "solar":
        if ordinal is None or origin is None:
            return f"{a.name} ({_dmy(when)})"
        return f"Kỷ niệm {ordinal} năm {a.name} ({_dmy(origin)} - {_dmy(when)})"
    if ordinal is not None:
        return f"Kỷ niệm {ordinal} năm {a.name} ({a.day}/{a.month} âm lịch)"
    if (a.day, a.month) == (1, 1):
        # New Year itself: plans write "Tết Nguyên đán Bính Ngọ 2026".
        return f"{a.name} {can_chi(year)} {year}"
    return f"{a.name} ({a.day}/{a.month} âm lịch năm {can_chi(year)})"


@lru_cache(maxsize=65536)
def occurrence_of(anniversary: Anniversary, year: int) -> Occurrence | None:
    """The observance in `year`, or None up to the origin year (no "Kỷ niệm 0 năm").

    For a lunar anniversary `year` is the lunar year (whose 1/1 falls in solar `year`);
    a lunar day in month 11 or 12 may then fall in January of `year + 1`.
    Raises LunarDateError if the lunar conversion does not cover `year`.
    """
    a = anniversary
    if a.origin_year is not None and year <= a.origin_year:
        return None
    lunar: LunarDate | None = None
    if a.calendar == "solar":
        when = _solar_day(year, a.month, a.day)
    else:
        when, day = _lunar_day(year, a.month, a.day)
        lunar = LunarDate(year, a.month, day)
    ordinal = year - a.origin_year if a.origin_year is not None else None
    origin = _origin_date(a)
    return Occurrence(
        anniversary=a,
        date=when,
        ordinal=ordinal,
        tier=tier_of(a.kind, ordinal),
        title=_title(a, year, when, ordinal, origin),
        lunar=lunar,
        origin=origin,
    )


def occurrences_in_year(anniversaries: Iterable[Anniversary], year: int) -> list[Occurrence]:
    """Every occurrence whose solar date falls in `year`, sorted by (date, key).

    A lunar anniversary can fall twice in one solar year (a day of month 11/12 in January
    and again in December) or not at all; both cases come out right.
    """
    found: list[Occurrence] = []
    for a in anniversaries:
        if a.calendar == "solar":
            occurrence = occurrence_of(a, year)
            if occurrence is not None:
                found.append(occurrence)
            continue
        for lunar_year in (year - 1, year):
            try:
                occurrence = occurrence_of(a, lunar_year)
            except LunarDateError:
                if lunar_year == year:
                    raise
                # The previous lunar year is only a look-back for January; it may lie
                # just outside the range the lunar conversion covers.
                continue
            if occurrence is not None and occurrence.date.year == year:
                found.append(occurrence)
    found.sort(key=lambda o: (o.date, o.key))
    return found


def occurrences_between(
    anniversaries: Iterable[Anniversary], start: date, end: date
) -> list[Occurrence]:
    """Occurrences with start <= date <= end (inclusive; may span years), sorted by (date, key)."""
    if start > end:
        raise ValueError(f"start {start.isoformat()} is after end {end.isoformat()}")
    items = list(anniversaries)
    return [
        occurrence
        for year in range(start.year, end.year + 1)
        for occurrence in occurrences_in_year(items, year)
        if start <= occurrence.date <= end
    ]


# --- catalogue files --------------------------------------------------------------------


@dataclass(frozen=True)
class _CatalogueFile:
    path: Path
    scope: str
    display_name: str
    entries: tuple[tuple[int, Anniversary], ...]  # (line number, entry)


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
        )
    except ValueError as error:
        raise CatalogueError(str(error), path, line) from None


def _parse_file(path: Path) -> _CatalogueFile:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise CatalogueError("not UTF-8 text", path) from None
    except OSError as error:
        raise CatalogueError(f"cannot read: {error.strerror}", path) from None
    scope = _scope_of(path)
    display_name: str | None = None
    header: list[str] | None = None
    entries: list[tuple[int, Anniversary]] = []
    first_line: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            directive = _PROVINCE_DIRECTIVE.fullmatch(stripped)
            if directive is not None:
                if scope == NATIONAL:
                    raise CatalogueError("national.csv cannot name a province", path, number)
                if display_name is not None:
                    raise CatalogueError("a second '# province:' line", path, number)
                display_name = unicodedata.normalize("NFC", directive.group(1).strip())
                if not display_name:
                    raise CatalogueError("'# province:' needs the province's name", path, number)
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
    if scope != NATIONAL and display_name is None:
        raise CatalogueError("missing the '# province: <name>' line", path, 1)
    return _CatalogueFile(path, scope, display_name or NATIONAL_NAME, tuple(entries))


def load_catalogue_file(path: Path | str) -> list[Anniversary]:
    """Every entry of one catalogue file; any malformed line raises CatalogueError."""
    return [anniversary for _, anniversary in _parse_file(Path(path)).entries]


@dataclass(frozen=True)
class _Catalogues:
    national: _CatalogueFile
    provinces: dict[str, _CatalogueFile]


@lru_cache(maxsize=8)
def _load_dir(directory: Path) -> _Catalogues:
    # national.csv first, so a clash is reported in the province file that repeats a key.
    files = sorted(directory.glob("*.csv"), key=lambda path: (path.stem != NATIONAL, path.name))
    parsed = [_parse_file(path) for path in files]
    # Keys must be unique across files too: plans refer to anniversaries by key alone.
    seen: dict[str, tuple[Path, int]] = {}
    for catalogue_file in parsed:
        for line, anniversary in catalogue_file.entries:
            if anniversary.key in seen:
                other, other_line = seen[anniversary.key]
                raise CatalogueError(
                    f"duplicate key {anniversary.key!r} (also {other}:{other_line})",
                    catalogue_file.path,
                    line,
                )
            seen[anniversary.key] = (catalogue_file.path, line)
    national = [f for f in parsed if f.scope == NATIONAL]
    if not national:
        raise CatalogueError("missing national.csv", directory)
    provinces = {f.scope: f for f in parsed if f.scope != NATIONAL}
    return _Catalogues(national[0], provinces)


def _catalogues(data_dir: Path | str | None) -> _Catalogues:
    return _load_dir(Path(data_dir).resolve() if data_dir is not None else DATA_DIR)


def _slugify(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def available_provinces(*, data_dir: Path | str | None = None) -> dict[str, str]:
    """Province slug -> display name, e.g. {"lao-cai": "Lào Cai", ...}."""
    return {slug: f.display_name for slug, f in sorted(_catalogues(data_dir).provinces.items())}


def resolve_province(province: str, *, data_dir: Path | str | None = None) -> str:
    """The slug for a province given as slug or name ("lao-cai", "Lào Cai", "lao cai")."""
    provinces = available_provinces(data_dir=data_dir)
    wanted = _slugify(province)
    for slug, name in provinces.items():
        if wanted in (slug, _slugify(name)):
            return slug
    choices = ", ".join(f"{slug} ({name})" for slug, name in provinces.items())
    raise CatalogueError(f"unknown province {province!r}; available: {choices}")


def scope_display_name(scope: str, *, data_dir: Path | str | None = None) -> str:
    """Display name of a scope: "Toàn quốc", a province's name, or `scope` itself."""
    if scope == NATIONAL:
        return NATIONAL_NAME
    return available_provinces(data_dir=data_dir).get(scope, scope)


def catalogue(
    include: Iterable[str] = (NATIONAL, "province"),
    province: str | None = None,
    *,
    data_dir: Path | str | None = None,
) -> list[Anniversary]:
    """The built-in anniversaries selected by `include`, in file order.

    `include` items: "national"; "province" (the catalogue of `province`, nothing when
    `province` is None); or a province slug/name directly. An unknown province raises
    CatalogueError.
    """
    if isinstance(include, str):
        include = (include,)
    catalogues = _catalogues(data_dir)
    chosen = resolve_province(province, data_dir=data_dir) if province is not None else None
    scopes: list[str] = []
    for item in include:
        if item == NATIONAL:
            scope = NATIONAL
        elif item == "province":
            if chosen is None:
                continue
            scope = chosen
        else:
            scope = resolve_province(item, data_dir=data_dir)
        if scope not in scopes:
            scopes.append(scope)
    files = [
        catalogues.national if scope == NATIONAL else catalogues.provinces[scope]
        for scope in scopes
    ]
    return [anniversary for f in files for _, anniversary in f.entries]
