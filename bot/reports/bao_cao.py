"""The draft báo cáo (report) of a plan, or of one unit to the plan's office, as a Word
document in the layout of Nghị định 30/2020 (docx_layout.py). The clerk fills the
number, checks the figures and signs; everything Loa knows is already in it:

  I.   what the plan asked (the tasks, who leads, who cooperates, when);
  II.  results: 1. per unit, a table (on time, late, not done, không phát sinh, to come)
       and a chart; 2. each anniversary's campaign with its evidence (photos as
       thumbnails, links); 3. the broadcasts and who confirmed them; 4. the other tasks;
  III. what is still open;
  IV.  proposals, left for the office to write.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

import docx
from docx.document import Document
from docx.shared import Cm, Pt
from docx.table import _Cell

from bot.reports import docx_layout as layout
from bot.reports.chart import progress_chart
from bot.reports.report_data import RESULT_LABELS, RESULTS, Evidence, ItemResult, ReportData
from content.dates import format_date_short, to_local
from content.placeholders import fill_placeholders
from content.plan import Plan, Task
from content.plan_diff import schedule_text

THUMBNAIL_WIDTH = Cm(3.2)
CHART_WIDTH = Cm(16.0)


def _day(value: date | None) -> str:
    return format_date_short(value) if value else ""


def _when(result: ItemResult) -> str:
    if result.confirmed_at is None:
        return ""
    local = to_local(result.confirmed_at)
    return f"{local:%H:%M} {format_date_short(local)}"


def _confirmed(result: ItemResult) -> str:
    if result.confirmed_at is None:
        return ""
    return f"{result.confirmed_by}, {_when(result)}"


def _share(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


def _reporter(data: ReportData) -> str:
    return data.unit.name if data.unit else (data.plan.issuer or "Cơ quan")


def _period(data: ReportData) -> str:
    if data.start is None:
        return f"đến ngày {_day(data.end)}"
    return f"từ ngày {_day(data.start)} đến ngày {_day(data.end)}"


def _plan_reference(data: ReportData) -> str:
    plan = data.plan
    named = f"Kế hoạch số {plan.number}" if plan.number else f"«{plan.title}»"
    issued = f" của {plan.issuer}" if plan.issuer else ""
    return f"{named}{issued}"


# --- the parts -----------------------------------------------------------------------------


def _head(document: Document, data: ReportData) -> None:
    plan = data.plan
    if data.unit is not None:
        parent, issuer = plan.issuer, data.unit.name
    else:
        parent, issuer = "", plan.issuer or "……"
    layout.heading_block(
        document,
        parent=parent,
        issuer=issuer,
        number="Số:       /BC-……",
        place_date=layout.place_and_date(data.place, data.as_of, plan.year),
    )
    document.add_paragraph()
    layout.text(layout.centered(document.add_paragraph()), "BÁO CÁO", bold=True)
    subject = f"Kết quả thực hiện {plan.title[0].lower()}{plan.title[1:]}"
    layout.text(layout.centered(document.add_paragraph()), subject, bold=True)
    layout.rule(layout.centered(document.add_paragraph()), 4.0, 16.5)
    if data.unit is not None:
        to = f"Kính gửi: {plan.issuer} (qua Văn phòng)" if plan.issuer else "Kính gửi: Văn phòng"
        layout.text(layout.centered(document.add_paragraph()), to)
    document.add_paragraph(
        f"Thực hiện {_plan_reference(data)}, {_reporter(data)} báo cáo kết quả thực hiện "
        f"{_period(data)} như sau:"
    )


def _units_text(plan: Plan, unit_ids: Sequence[str]) -> str:
    if not unit_ids:
        return "—"
    if len(unit_ids) > 4:  # the table of results names them one by one
        return f"Các phòng, đơn vị ({len(unit_ids)} đơn vị)"
    return ", ".join(plan.unit(u).name for u in unit_ids)


def _task_title(plan: Plan, task: Task) -> str:
    """The title as the plan states it, its placeholders read for the whole year."""
    values = {
        "year": str(plan.year),
        "anniversary": "các ngày lễ, kỷ niệm",
        "name": "",
        "ordinal": "",
    }
    return fill_placeholders(task.title, values)


def _deadline(plan: Plan, task: Task) -> str:
    if task.kind != "per_anniversary":
        return schedule_text(task)
    count = len(plan.schedule(task))
    offset = task.offset_days
    when = (
        "đúng ngày"
        if offset == 0
        else f"{abs(offset)} ngày {'trước' if offset < 0 else 'sau'} ngày"
    )
    return f"{when} kỷ niệm ({count} ngày trong năm)"


def _tasks(document: Document, data: ReportData) -> None:
    document.add_heading("I. NHIỆM VỤ THEO KẾ HOẠCH", level=1)
    plan = data.plan
    unit_ids = {u.id for u in data.units}
    rows: list[tuple[str, ...]] = []
    for task in plan.tasks:
        if not unit_ids & {*task.owners, *task.cooperating}:
            continue
        rows.append(
            (
                str(len(rows) + 1),
                _task_title(plan, task),
                _units_text(plan, task.owners),
                _units_text(plan, task.cooperating),
                _deadline(plan, task),
            )
        )
    if not rows:
        document.add_paragraph("Kế hoạch không giao nhiệm vụ nào cho đơn vị.")
        return
    layout.grid(
        document,
        ("STT", "Nhiệm vụ", "Chủ trì", "Phối hợp", "Thời hạn"),
        rows,
        (1.2, 6.3, 3.3, 2.9, 2.8),
    )


def _tally_table(document: Document, data: ReportData) -> None:
    tallies = data.tallies()
    headers = ("STT", "Đơn vị", "Số việc", *(RESULT_LABELS[r] for r in RESULTS), "Tỷ lệ hoàn thành")
    rows = [
        (
            str(n),
            tally.unit.name,
            str(tally.total),
            *(str(tally.counts[r]) for r in RESULTS),
            _share(tally.share_done),
        )
        for n, tally in enumerate(tallies, start=1)
    ]
    if len(tallies) > 1:
        totals = {r: sum(t.counts[r] for t in tallies) for r in RESULTS}
        total = sum(totals.values())
        due = total - totals["upcoming"]
        done = totals["on_time"] + totals["late"] + totals["not_applicable"]
        rows.append(
            (
                "",
                "Tổng cộng",
                str(total),
                *(str(totals[r]) for r in RESULTS),
                _share(done / due if due else None),
            )
        )
    layout.grid(document, headers, rows, (1.2, 4.3, 1.4, 1.5, 1.5, 1.7, 1.7, 1.7, 1.6))
    document.add_paragraph(
        "Tỷ lệ hoàn thành = (Đúng hạn + Trễ hạn + Không phát sinh) / số việc đã đến hạn."
    ).runs[0].italic = True
    if tallies:
        chart = progress_chart(tallies, "Kết quả thực hiện theo đơn vị")
        layout.centered(document.add_paragraph()).add_run().add_picture(
            io.BytesIO(chart), width=CHART_WIDTH
        )


def _evidence_cell(cell: _Cell, evidence: Sequence[Evidence]) -> None:
    """Links as text, kept photos as thumbnails, other files by name."""
    paragraph = cell.paragraphs[0]
    for piece in evidence:
        if piece.kind == "image" and piece.path is not None and piece.path.is_file():
            small = layout.thumbnail(piece.path.read_bytes())
            if small is not None:
                paragraph.add_run().add_picture(io.BytesIO(small), width=THUMBNAIL_WIDTH)
                paragraph = cell.add_paragraph()
                continue
        if piece.kind == "link":
            shown = piece.ref
        elif piece.kind in ("image", "document") and piece.path is not None:
            shown = f"Tệp {piece.path.name[:12]}….{piece.extension} (lưu tại Loa)"
        elif piece.kind == "reference":
            shown = "Ảnh/tệp gửi qua chat (chưa lưu về Loa)"
        else:
            shown = f"Tệp gửi qua chat ({piece.note})"
        layout.text(paragraph, shown, size=Pt(10.5))
        paragraph = cell.add_paragraph()


def _results_table(document: Document, results: Sequence[ItemResult], first: str) -> None:
    headers = (first, "Kết quả", "Xác nhận", "Minh chứng")
    table = layout.grid(
        document,
        headers,
        [
            (
                r.unit_name if first == "Đơn vị" else r.task_title,
                RESULT_LABELS[r.result],
                _confirmed(r),
                "",
            )
            for r in results
        ],
        (4.0, 2.4, 3.8, 6.3),
    )
    for row, result in zip(table.rows[1:], results, strict=True):
        _evidence_cell(row.cells[3], result.evidence)


def _campaigns(document: Document, data: ReportData) -> None:
    document.add_heading("2. Tuyên truyền các ngày lễ, kỷ niệm", level=2)
    campaigns = data.campaigns()
    if not campaigns:
        document.add_paragraph("Trong kỳ báo cáo không có đợt tuyên truyền ngày kỷ niệm nào.")
    for number, (occurrence, results) in enumerate(campaigns, start=1):
        document.add_heading(f"2.{number}. {occurrence.title}", level=3)
        done = sum(1 for r in results if r.result in ("on_time", "late"))
        document.add_paragraph(
            f"Ngày {_day(occurrence.date)}; {done}/{len(results)} việc đã thực hiện."
        )
        for task_title in dict.fromkeys(r.task_title for r in results):
            chosen = [r for r in results if r.task_title == task_title]
            layout.text(document.add_paragraph(), task_title, italic=True)
            _results_table(document, chosen, "Đơn vị")


def _broadcasts(document: Document, data: ReportData) -> None:
    document.add_heading("3. Gửi tin đến các đơn vị", level=2)
    if not data.broadcasts:
        document.add_paragraph("Trong kỳ báo cáo không có tin nào được gửi.")
    for result in data.broadcasts:
        sent = format_date_short(to_local(result.sent_at))
        document.add_paragraph(
            f"Ngày {sent}: «{result.title}», gửi {len(result.units)} đơn vị, "
            f"đã đến {result.delivered} đơn vị."
        )
        if result.confirmations:
            confirmed = sum(1 for r in result.confirmations if r.confirmed_at is not None)
            document.add_paragraph(
                f"Đề nghị các đơn vị xác nhận đã thực hiện: {confirmed}/"
                f"{len(result.confirmations)} đơn vị đã xác nhận."
            )
            _results_table(document, result.confirmations, "Đơn vị")


def _summary(results: Sequence[ItemResult]) -> str:
    """ "10 đúng hạn, 1 trễ hạn, 1 chưa thực hiện" for one unit's occurrences of a task."""
    counts = {r: sum(1 for x in results if x.result == r) for r in RESULTS}
    return ", ".join(f"{n} {RESULT_LABELS[r].lower()}" for r, n in counts.items() if n)


def _other_tasks(document: Document, data: ReportData) -> None:
    """Tasks not tied to an anniversary, one table each: a row per unit with its results
    over the period and all its evidence."""
    others = [r for r in data.plan_items() if r.item.occurrence is None]
    document.add_heading("4. Các nhiệm vụ khác", level=2)
    if not others:
        document.add_paragraph("Không có.")
        return
    for task_id in dict.fromkeys(r.item.task_id for r in others):
        chosen = [r for r in others if r.item.task_id == task_id]
        layout.text(document.add_paragraph(), chosen[0].task_title, italic=True)
        units = list(dict.fromkeys(r.unit_name for r in chosen))
        table = layout.grid(
            document,
            ("Đơn vị", "Kết quả", "Minh chứng"),
            [(u, _summary([r for r in chosen if r.unit_name == u]), "") for u in units],
            (4.5, 5.0, 7.0),
        )
        for row, unit in zip(table.rows[1:], units, strict=True):
            pieces = [e for r in chosen if r.unit_name == unit for e in r.evidence]
            _evidence_cell(row.cells[2], pieces)


def _open_items(document: Document, data: ReportData) -> None:
    document.add_heading("III. TỒN TẠI, HẠN CHẾ VÀ VIỆC CÒN LẠI", level=1)
    rows = []
    for result in data.open_items():
        late = (data.as_of - result.due).days
        state = f"quá hạn {late} ngày" if result.result == "not_done" else "chưa đến hạn"
        rows.append((result.unit_name, result.task_title, _day(result.due), state))
    if not rows:
        document.add_paragraph("Các đơn vị đã thực hiện đầy đủ các nhiệm vụ đến hạn.")
        return
    layout.grid(document, ("Đơn vị", "Nhiệm vụ", "Hạn", "Tình trạng"), rows, (4.0, 7.5, 2.3, 2.7))


def _proposals(document: Document) -> None:
    document.add_heading("IV. PHƯƠNG HƯỚNG, ĐỀ XUẤT, KIẾN NGHỊ", level=1)
    for _ in range(3):
        document.add_paragraph("……………………………………………………………………………………")


def _closing(document: Document, data: ReportData) -> None:
    document.add_paragraph()
    if data.unit is not None:
        recipients = ["- Như trên;", "- Lưu: VT."]
        signer = "Thủ trưởng đơn vị"
    else:
        recipients = ["- ……… (để báo cáo);", "- Các phòng, đơn vị;", "- Lưu: VT."]
        signer = "Thủ trưởng cơ quan"
    layout.closing_block(document, recipients, signer)
    note = document.add_paragraph()
    layout.text(
        note,
        f"Dự thảo do Loa lập ngày {_day(data.as_of)} từ các xác nhận của đơn vị; "
        "đề nghị kiểm tra, bổ sung trước khi trình ký.",
        italic=True,
        size=Pt(10),
    )


def build_report(data: ReportData) -> Document:
    document = docx.Document()
    layout.setup(document)
    layout.page_numbers(document)
    core = document.core_properties
    core.title = f"Báo cáo kết quả thực hiện {data.plan.title}"
    core.author = "Loa"
    core.language = "vi-VN"
    _head(document, data)
    _tasks(document, data)
    document.add_heading("II. KẾT QUẢ THỰC HIỆN", level=1)
    document.add_heading("1. Kết quả theo đơn vị", level=2)
    _tally_table(document, data)
    _campaigns(document, data)
    _broadcasts(document, data)
    _other_tasks(document, data)
    _open_items(document, data)
    _proposals(document)
    _closing(document, data)
    return document


def report_bytes(data: ReportData) -> bytes:
    buffer = io.BytesIO()
    build_report(data).save(buffer)
    return buffer.getvalue()


def report_file_name(data: ReportData) -> str:
    who = data.unit.id if data.unit else data.plan.id
    return f"bao-cao-{who}-{data.as_of:%Y%m%d}.docx"
