"""The built-in anniversary catalogues: the CSV files in `content/data/anniversaries/`.

`national.csv` holds the nationwide days; `<province-slug>.csv` one province's (the 34
provinces and cities since 1/7/2025; a merged province's file keeps its former provinces'
days, marked with `former_province`, and names them on a `# former:` line so that a plan
or a command naming a former province finds the merged one). The README in that folder
documents the columns.

The only I/O is reading the files, once (cached). Any malformed line raises
CatalogueError as `FILE:LINE: message`; nothing is skipped.
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from content.anniversaries import Anniversary
from content.i18n import N_

DATA_DIR = Path(__file__).parent / "data" / "anniversaries"
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
)
# What people put before a province's name: "tỉnh Lào Cai", "Thành phố Huế", "TP. Hồ Chí Minh".
_PREFIXES = ("tinh-", "thanh-pho-", "tp-")


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
class _CatalogueFile:
    path: Path
    scope: str
    display_name: str
    aliases: tuple[str, ...]
    formers: tuple[str, ...]  # the provinces merged into this one on 1/7/2025
    entries: tuple[tuple[int, Anniversary], ...]  # (line number, entry)

    def names(self) -> tuple[str, ...]:
        """What people call the province today: its slug, its name and its aliases."""
        return (self.scope, self.display_name, *self.aliases)


@dataclass(frozen=True)
class ProvinceMatch:
    """The province a name stands for; `former` is set when the name was that of a
    province merged into it on 1/7/2025 ("Kon Tum" -> Quảng Ngãi, former "Kon Tum")."""

    slug: str
    name: str
    former: str | None = None

    def former_note(self) -> str:
        """Vietnamese note for an admin who named a former province, "" otherwise."""
        if self.former is None:
            return ""
        return (
            f"'{self.former}' là tỉnh cũ, từ 01/7/2025 thuộc {self.name} ({self.slug}): "
            f"dùng các ngày kỷ niệm của {self.name}, gồm cả các ngày của {self.former} cũ"
        )


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
    return _CatalogueFile(path, scope, display_name, aliases, formers, tuple(entries))


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
    return [anniversary for _, anniversary in _parse_file(Path(path)).entries]


@dataclass(frozen=True)
class _Catalogues:
    national: _CatalogueFile
    provinces: dict[str, _CatalogueFile]
    names: dict[str, ProvinceMatch]  # match form of every province name -> its province


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
    return _Catalogues(national[0], provinces, _name_index(provinces))


def _match_form(name: str) -> str:
    """The form names are compared in: no diacritics, no "tỉnh"/"thành phố"/"TP." prefix."""
    return _without_prefix(slugify(name))


def _name_index(provinces: dict[str, _CatalogueFile]) -> dict[str, ProvinceMatch]:
    """Every name a province answers to (today's and its former provinces'), in match
    form; a name two provinces answer to is refused, since it would pick one at random."""
    index: dict[str, ProvinceMatch] = {}
    for slug, catalogue_file in sorted(provinces.items()):
        matches = [ProvinceMatch(slug, catalogue_file.display_name)] * len(catalogue_file.names())
        names = list(catalogue_file.names())
        for former in catalogue_file.formers:
            names.append(former)
            matches.append(ProvinceMatch(slug, catalogue_file.display_name, former))
        for name, match in zip(names, matches, strict=True):
            form = _match_form(name)
            if form in index and index[form].slug != slug:
                raise CatalogueError(
                    f"the name {name!r} is also used by {index[form].slug}.csv",
                    catalogue_file.path,
                    1,
                )
            index.setdefault(form, match)
    return index


def _catalogues(data_dir: Path | str | None) -> _Catalogues:
    return _load_dir(Path(data_dir).resolve() if data_dir is not None else DATA_DIR)


def slugify(text: str) -> str:
    """ "Lào Cai" -> "lao-cai": lower case, no diacritics, words joined by '-'."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def _without_prefix(slug: str) -> str:
    for prefix in _PREFIXES:
        if slug.startswith(prefix):
            return slug.removeprefix(prefix)
    return slug


def available_provinces(*, data_dir: Path | str | None = None) -> dict[str, str]:
    """Province slug -> display name, e.g. {"lao-cai": "Lào Cai", ...}."""
    return {slug: f.display_name for slug, f in sorted(_catalogues(data_dir).provinces.items())}


def match_province(province: str, *, data_dir: Path | str | None = None) -> ProvinceMatch:
    """The province `province` names: its slug, its name or an alias, with or without
    "tỉnh"/"thành phố"/"TP." ("lao-cai", "Lào Cai", "tỉnh Lào Cai", "TP.HCM"), or the name
    of a province merged into it ("Kon Tum" -> Quảng Ngãi, with `former` set).
    An unknown name raises CatalogueError listing the provinces."""
    catalogues = _catalogues(data_dir)
    match = catalogues.names.get(_match_form(province))
    if match is None:
        files = catalogues.provinces
        choices = ", ".join(f"{slug} ({f.display_name})" for slug, f in sorted(files.items()))
        raise CatalogueError(f"unknown province {province!r}; available: {choices}")
    return match


def resolve_province(province: str, *, data_dir: Path | str | None = None) -> str:
    """The slug of the province `province` names (see match_province)."""
    return match_province(province, data_dir=data_dir).slug


def closest_province(province: str, *, data_dir: Path | str | None = None) -> str | None:
    """The province name nearest to a name no province answers to ("Quang Ngia" ->
    "Quảng Ngãi"), for "did you mean" hints; None when nothing is close."""
    labels: dict[str, str] = {}
    for form, match in _catalogues(data_dir).names.items():
        labels.setdefault(form, match.former or match.name)
    close = difflib.get_close_matches(_match_form(province), list(labels), n=1, cutoff=0.6)
    return labels[close[0]] if close else None


def former_provinces(province: str, *, data_dir: Path | str | None = None) -> tuple[str, ...]:
    """The provinces merged into `province` (a slug) on 1/7/2025: ("Kon Tum",) for quang-ngai."""
    return _catalogues(data_dir).provinces[province].formers


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
