"""Progress in the forms admins take it away in: JSON for tools, CSV and XLSX for the
periodic report (headers in the language of the run, dates written dd/mm/yyyy), a text
table for the terminal. Rows come from scheduler/progress.py."""

from __future__ import annotations

import csv
import os
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from content.dates import format_date_long, format_date_short, to_local
from content.i18n import N_, _, current_language
from content.plan import Plan
from scheduler.progress import STATUS_LABELS, ProgressRow, UnitSummary, summary_by_unit


@dataclass(frozen=True)
class PlanProgress:
    plan: Plan
    today: date
    rows: Sequence[ProgressRow]
    # item key -> names of the units cooperating on that task occurrence
    cooperating: Mapping[str, str] = field(default_factory=dict)
    # task id -> (code, title) shown instead of the task's: a broadcast's date and title
    task_labels: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    # evidence entry -> Loa's copy of the file (linked relative to the workbook)
    files: Mapping[str, Path] = field(default_factory=dict)

    def task_label(self, row: ProgressRow) -> tuple[str, str]:
        return self.task_labels.get(row.task, (row.task, row.task_title))

    @property
    def summary(self) -> list[UnitSummary]:
        return summary_by_unit(self.rows)


# N_: translated (with `_`) where they are written.
HEADERS = (
    N_("Kế hoạch"),
    N_("Mã nhiệm vụ"),
    N_("Nhiệm vụ"),
    N_("Mã đơn vị"),
    N_("Đơn vị"),
    N_("Hạn"),
    N_("Trạng thái"),
    N_("Xác nhận lúc"),
    N_("Người xác nhận"),
    N_("Minh chứng"),
)
SUMMARY_HEADERS = (
    N_("Kế hoạch"),
    N_("Mã đơn vị"),
    N_("Đơn vị"),
    N_("Đã xong"),
    N_("Đang nhắc"),
    N_("Quá hạn"),
    N_("Chưa đến hạn"),
    N_("Không phát sinh"),
    N_("Tổng"),
    N_("Tỷ lệ hoàn thành"),
)
SHARE_NOTE = N_(
    "Tỷ lệ hoàn thành = Đã xong / (Đã xong + Đang nhắc + Quá hạn); việc «nếu có» "
    "không phát sinh không tính."
)
# Spreadsheet programs run a cell that starts with one of these as a formula; the
# confirmer's name and the evidence are typed by chat users.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def confirmer(row: ProgressRow) -> str:
    if row.confirmed_by_name and row.confirmed_by:
        return f"{row.confirmed_by_name} ({row.confirmed_by})"
    return row.confirmed_by or ""


def _local(moment: datetime | None) -> datetime | None:
    return to_local(moment) if moment is not None else None


def _moment_text(moment: datetime | None) -> str:
    local = _local(moment)
    return f"{format_date_short(local)} {local:%H:%M}" if local else ""


def _share_text(summary: UnitSummary) -> str:
    share = summary.share_done
    return "—" if share is None else f"{round(share * 100)}%"


# JSON ----------------------------------------------------------------------------


def json_rows(rows: Iterable[ProgressRow]) -> list[dict[str, Any]]:
    """The `loa progress --format json` contract: plan, task, unit, due, status,
    confirmed_at, confirmed_by, evidence (plus names and the item key)."""
    result = []
    for row in rows:
        local = _local(row.confirmed_at)
        result.append(
            {
                "plan": row.plan,
                "task": row.task,
                "unit": row.unit,
                "due": row.due.isoformat(),
                "status": row.status,
                "confirmed_at": local.isoformat() if local else None,
                "confirmed_by": row.confirmed_by,
                "evidence": list(row.evidence),
                "confirmed_by_name": row.confirmed_by_name,
                "task_title": row.task_title,
                "unit_name": row.unit_name,
                "item_key": row.item_key,
                "role": row.role,
            }
        )
    return result


# CSV -----------------------------------------------------------------------------


def _csv_safe(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_csv(rows: Iterable[ProgressRow], stream: IO[str]) -> None:
    """UTF-8 with a byte-order mark (so Excel reads the diacritics), Vietnamese headers,
    one line per item; several evidence links share one cell, one per line."""
    stream.write("\ufeff")
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow([_(header) for header in HEADERS])
    for row in rows:
        writer.writerow(
            (
                row.plan,
                row.task,
                row.task_title,
                row.unit,
                row.unit_name,
                format_date_short(row.due),
                _(STATUS_LABELS[row.status]),
                _moment_text(row.confirmed_at),
                _csv_safe(confirmer(row)),
                "\n".join(_csv_safe(piece) for piece in row.evidence),
            )
        )


# XLSX ----------------------------------------------------------------------------

_BOLD = Font(bold=True)
_LINK = Font(color="0563C1", underline="single")
_FILLS = {
    "done": PatternFill("solid", fgColor="C6EFCE"),
    "overdue": PatternFill("solid", fgColor="FFC7CE"),
    "open": PatternFill("solid", fgColor="FFEB9C"),
}


def _text_cell(sheet: Worksheet, row: int, column: int, value: str) -> None:
    cell = sheet.cell(row=row, column=column, value=value)
    if value.startswith("="):
        cell.data_type = "s"  # text from users is never a formula


def _header(sheet: Worksheet, headers: Sequence[str], widths: Sequence[int]) -> None:
    for column, (title, width) in enumerate(zip(headers, widths, strict=True), start=1):
        sheet.cell(row=1, column=column, value=title).font = _BOLD
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"


def _sheet_title(wanted: str, taken: set[str]) -> str:
    base = "".join("-" if c in "[]:*?/\\" else c for c in wanted)[:31] or _("Kế hoạch")
    title, number = base, 2
    while title in taken:
        suffix = f"~{number}"
        title, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(title)
    return title


def _evidence_cell(sheet: Worksheet, row: int, column: int, piece: str, target: str | None) -> None:
    """A link opens the page; a kept file opens Loa's copy (by a path relative to the
    workbook, so a folder moved whole keeps working); anything else is plain text."""
    if target is not None:
        cell = sheet.cell(row=row, column=column, value=target)
        cell.hyperlink = target
        cell.font = _LINK
        return
    _text_cell(sheet, row, column, piece)
    if piece.startswith(("http://", "https://")):
        cell = sheet.cell(row=row, column=column)
        cell.hyperlink = piece
        cell.font = _LINK


def _rows_sheet(sheet: Worksheet, section: PlanProgress, folder: Path) -> None:
    rows = section.rows
    evidence_columns = max((len(row.evidence) for row in rows), default=0) or 1
    headers = (
        [_(header) for header in HEADERS[:-1]]
        + [_("Đơn vị phối hợp")]
        + [
            _("Minh chứng") if evidence_columns == 1 else _("Minh chứng %(n)d") % {"n": n}
            for n in range(1, evidence_columns + 1)
        ]
    )
    widths = [22, 22, 60, 22, 30, 12, 14, 17, 30, 30] + [40] * evidence_columns
    _header(sheet, headers, widths)
    for index, row in enumerate(rows, start=2):
        code, title = section.task_label(row)
        for column, value in enumerate((row.plan, code, title, row.unit), start=1):
            sheet.cell(row=index, column=column, value=value)
        sheet.cell(row=index, column=5, value=row.unit_name)
        sheet.cell(row=index, column=6, value=row.due).number_format = "DD/MM/YYYY"
        status = sheet.cell(row=index, column=7, value=_(STATUS_LABELS[row.status]))
        if row.status in _FILLS:
            status.fill = _FILLS[row.status]
        local = _local(row.confirmed_at)
        if local is not None:
            # Excel has no time zones: the local wall time is what readers expect.
            moment = sheet.cell(row=index, column=8, value=local.replace(tzinfo=None))
            moment.number_format = "DD/MM/YYYY HH:MM"
        _text_cell(sheet, index, 9, confirmer(row))
        sheet.cell(row=index, column=10, value=section.cooperating.get(row.item_key, ""))
        for offset, piece in enumerate(row.evidence):
            kept = section.files.get(piece)
            target = Path(os.path.relpath(kept, folder)).as_posix() if kept else None
            _evidence_cell(sheet, index, 11 + offset, piece, target)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(len(rows), 1) + 1}"


def _summary_sheet(sheet: Worksheet, sections: Sequence[PlanProgress]) -> None:
    _header(
        sheet, [_(header) for header in SUMMARY_HEADERS], [22, 22, 34, 10, 11, 10, 14, 16, 8, 17]
    )
    line = 2
    for section in sections:
        for summary in section.summary:
            values = (
                section.plan.id,
                summary.unit,
                summary.unit_name,
                summary.done,
                summary.open,
                summary.overdue,
                summary.upcoming,
                summary.not_applicable,
                summary.total,
            )
            for column, value in enumerate(values, start=1):
                sheet.cell(row=line, column=column, value=value)
            share = sheet.cell(row=line, column=len(values) + 1, value=summary.share_done)
            share.number_format = "0%"
            line += 1
    line += 1
    sheet.cell(row=line, column=1, value=_(SHARE_NOTE))
    for section in sections:
        line += 1
        sheet.cell(
            row=line,
            column=1,
            value=_("%(plan)s: số liệu ngày %(day)s")
            % {"plan": section.plan.id, "day": format_date_long(section.today, current_language())},
        )


def _chart(sheet: Worksheet, sections: Sequence[PlanProgress]) -> None:
    """Stacked bars of the summary's counts per unit, beside the table."""
    units = sum(len(section.summary) for section in sections)
    if not units:
        return
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = _("Tiến độ theo đơn vị")
    chart.x_axis.title = _("Đơn vị")
    chart.y_axis.title = _("Số việc")
    data = Reference(sheet, min_col=4, max_col=7, min_row=1, max_row=units + 1)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=3, min_row=2, max_row=units + 1))
    chart.height, chart.width = 4 + 0.6 * units, 18
    sheet.add_chart(chart, "K2")


def write_xlsx(sections: Sequence[PlanProgress], path: Path) -> None:
    """A "Tổng hợp" (summary) sheet (per unit: done, open, overdue, share done, and a chart)
    and one sheet of rows per plan, named by the plan id."""
    workbook = Workbook()
    summary = workbook.active
    summary.title = _("Tổng hợp")
    _summary_sheet(summary, sections)
    _chart(summary, sections)
    taken = {summary.title}
    folder = path.resolve().parent
    for section in sections:
        sheet = workbook.create_sheet(_sheet_title(section.plan.id, taken))
        _rows_sheet(sheet, section, folder)
    workbook.save(path)


# Table ---------------------------------------------------------------------------


def _width(text: str) -> int:
    return len(unicodedata.normalize("NFC", text))


def _clip(text: str, limit: int) -> str:
    text = unicodedata.normalize("NFC", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _table(headers: Sequence[str], lines: Sequence[Sequence[str]]) -> list[str]:
    widths = [
        max([_width(headers[i]), *(_width(line[i]) for line in lines)]) for i in range(len(headers))
    ]

    def render(cells: Sequence[str]) -> str:
        return "  ".join(
            unicodedata.normalize("NFC", cell).ljust(widths[i]) for i, cell in enumerate(cells)
        ).rstrip()

    return [render(headers), render(["-" * w for w in widths]), *map(render, lines)]


def render_table(section: PlanProgress, show_upcoming: bool = False) -> str:
    plan = section.plan
    today = format_date_long(section.today, current_language())
    out = [
        _("Kế hoạch %(id)s: %(title)s") % {"id": plan.id, "title": plan.title},
        _("Tiến độ đến %(day)s") % {"day": today},
        "",
    ]
    summary_lines = [
        [
            _clip(s.unit_name, 40),
            str(s.done),
            str(s.open),
            str(s.overdue),
            str(s.upcoming),
            str(s.not_applicable),
            _share_text(s),
        ]
        for s in section.summary
    ]
    out += _table(
        [
            _("Đơn vị"),
            _("Đã xong"),
            _("Đang nhắc"),
            _("Quá hạn"),
            _("Chưa đến hạn"),
            _("Không phát sinh"),
            _("Tỷ lệ"),
        ],
        summary_lines,
    )
    shown = [row for row in section.rows if show_upcoming or row.status != "upcoming"]
    hidden = len(section.rows) - len(shown)
    out.append("")
    if shown:
        out += _table(
            [_("Hạn"), _("Đơn vị"), _("Nhiệm vụ"), _("Trạng thái"), _("Xác nhận")],
            [
                [
                    format_date_short(row.due),
                    _clip(row.unit_name, 30),
                    _clip(row.task_title, 60),
                    _(STATUS_LABELS[row.status]),
                    " ".join(filter(None, [_moment_text(row.confirmed_at), confirmer(row)])),
                ]
                for row in shown
            ],
        )
    else:
        out.append(_("Chưa có việc nào đến hạn."))
    if hidden:
        out.append("")
        out.append(_("Còn %(n)d việc chưa đến hạn (thêm --all để xem).") % {"n": hidden})
    out.append(_(SHARE_NOTE))
    return "\n".join(out)
