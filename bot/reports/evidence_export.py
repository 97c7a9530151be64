"""`loa evidence export`: the evidence of a plan (or a unit) as a folder anyone can open,
zip and attach to the báo cáo.

    DIR/index.html                       every piece: unit, task, who, when, file or link
    DIR/index.csv                        the same for a spreadsheet (UTF-8 with BOM)
    DIR/<unit id>/<task id>/<occurrence>-<n>.<ext>   copies of the files Loa keeps

Links stay links (in the indexes); files Loa could not keep are listed with why.
"""

from __future__ import annotations

import csv
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path

import jinja2

from bot.reports.report_data import Evidence, ItemResult, ReportData
from content.dates import format_date_short, to_local

TEMPLATES = Path(__file__).parent / "templates"
CSV_HEADERS = (
    "STT",
    "Mã đơn vị",
    "Đơn vị",
    "Nhiệm vụ",
    "Hạn",
    "Người xác nhận",
    "Thời điểm xác nhận",
    "Tệp",
    "Đường dẫn",
    "Ghi chú",
)
_NOTES = {
    "waiting": "đang tải về Loa",
    "reference": "gửi qua chat trước khi Loa lưu tệp",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class IndexRow:
    unit_id: str
    unit: str
    task: str
    due: str
    who: str
    when: str
    file: str = ""  # relative to the export folder, with "/"
    image: bool = False
    link: str = ""
    note: str = ""


@dataclass
class Exported:
    folder: Path
    rows: list[IndexRow] = field(default_factory=list)

    @property
    def files(self) -> int:
        return sum(1 for row in self.rows if row.file)

    @property
    def links(self) -> int:
        return sum(1 for row in self.rows if row.link)


def file_name(result: ItemResult, number: int, extension: str) -> Path:
    """ "phong-a/dang-tin/quoc_khanh-2026-1.jpg": ids only, so every system can write it."""
    occurrence = result.item.key.split("/")[2]
    return Path(result.item.unit_id) / result.item.task_id / f"{occurrence}-{number}.{extension}"


def _row(result: ItemResult, piece: Evidence, copied: Path | None) -> IndexRow:
    when = ""
    if result.confirmed_at is not None:
        local = to_local(result.confirmed_at)
        when = f"{format_date_short(local)} {local:%H:%M}"
    common = IndexRow(
        unit_id=result.item.unit_id,
        unit=result.unit_name,
        task=result.task_title,
        due=format_date_short(result.due),
        who=result.confirmed_by,
        when=when,
    )
    if copied is not None:
        return replace(common, file=copied.as_posix(), image=piece.kind == "image")
    if piece.kind == "link":
        return replace(common, link=piece.ref)
    note = piece.note if piece.kind == "not_kept" else _NOTES.get(piece.kind, "")
    if piece.kind == "not_kept":
        note = f"Loa không lưu tệp: {note}"
    elif piece.kind in ("image", "document"):
        note = "tệp không còn trong kho của Loa"
    return replace(common, note=note)


def export_evidence(data: ReportData, folder: Path, exported_on: str) -> Exported:
    """Copy the kept files into `folder` and write its indexes (the folder may exist)."""
    folder.mkdir(parents=True, exist_ok=True)
    done = Exported(folder)
    for result in data.items:
        for number, piece in enumerate(result.evidence, start=1):
            copied = None
            if piece.path is not None and piece.path.is_file():
                copied = file_name(result, number, piece.extension)
                (folder / copied).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(piece.path, folder / copied)
            done.rows.append(_row(result, piece, copied))
    _write_csv(done, folder / "index.csv")
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
    )
    page = environment.get_template("evidence_index.html.j2").render(
        plan=data.plan, unit=data.unit, rows=done.rows, exported=exported_on
    )
    (folder / "index.html").write_text(page, encoding="utf-8")
    return done


def _safe(text: str) -> str:
    # A spreadsheet runs a cell starting with these as a formula; names are typed by users.
    return "'" + text if text.startswith(_FORMULA_START) else text


def _write_csv(done: Exported, path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\r\n")
        writer.writerow(CSV_HEADERS)
        for number, row in enumerate(done.rows, start=1):
            writer.writerow(
                (
                    number,
                    row.unit_id,
                    row.unit,
                    row.task,
                    row.due,
                    _safe(row.who),
                    row.when,
                    row.file,
                    _safe(row.link),
                    row.note,
                )
            )
