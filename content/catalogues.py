"""The built-in anniversary catalogues: the CSV files in `content/data/anniversaries/`.

`national.csv` holds the nationwide days; `<province-slug>.csv` one province's (the 34
provinces and cities since 1/7/2025; a merged province's file keeps its former provinces'
days, marked with `former_province`, and names them on a `# former:` line so that a plan
or a command naming a former province finds the merged one). The README in that folder
documents the columns.

The only I/O is reading the files, once (cached), with `content/catalogue_files.py`.
Any malformed line raises CatalogueError as `FILE:LINE: message`; nothing is skipped.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from content.anniversaries import Anniversary
from content.catalogue_files import (
    NATIONAL,
    NATIONAL_NAME,
    CatalogueError,
    CatalogueFile,
    load_catalogue_file,
    parse_catalogue_file,
)
from content.i18n import _

__all__ = [
    "DATA_DIR",
    "NATIONAL",
    "CatalogueError",
    "ProvinceMatch",
    "available_provinces",
    "catalogue",
    "closest_province",
    "former_provinces",
    "load_catalogue_file",
    "match_province",
    "resolve_province",
    "scope_display_name",
    "slugify",
]

DATA_DIR = Path(__file__).parent / "data" / "anniversaries"

# What people put before a province's name: "tỉnh Lào Cai", "Thành phố Huế", "TP. Hồ Chí Minh".
_PREFIXES = ("tinh-", "thanh-pho-", "tp-")


@dataclass(frozen=True)
class ProvinceMatch:
    """The province a name stands for; `former` is set when the name was that of a
    province merged into it on 1/7/2025 ("Kon Tum" -> Quảng Ngãi, former "Kon Tum")."""

    slug: str
    name: str
    former: str | None = None

    def former_note(self) -> str:
        """The note for an admin who named a former province (in the run's language), ""
        otherwise."""
        if self.former is None:
            return ""
        return _(
            "'%(former)s' là tỉnh cũ, từ 01/7/2025 thuộc %(name)s (%(slug)s): dùng các ngày "
            "kỷ niệm của %(name)s, gồm cả các ngày của %(former)s cũ"
        ) % {"former": self.former, "name": self.name, "slug": self.slug}


@dataclass(frozen=True)
class _Catalogues:
    national: CatalogueFile
    provinces: dict[str, CatalogueFile]
    names: dict[str, ProvinceMatch]  # match form of every province name -> its province


@lru_cache(maxsize=8)
def _load_dir(directory: Path) -> _Catalogues:
    # national.csv first, so a clash is reported in the province file that repeats a key.
    files = sorted(directory.glob("*.csv"), key=lambda path: (path.stem != NATIONAL, path.name))
    parsed = [parse_catalogue_file(path) for path in files]
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


def _name_index(provinces: dict[str, CatalogueFile]) -> dict[str, ProvinceMatch]:
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
