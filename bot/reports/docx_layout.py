"""The look of a Vietnamese administrative document (Nghị định 30/2020/NĐ-CP, Phụ lục
I) in python-docx: A4 with its margins, Times New Roman 13-14 pt, the two-column head
(issuer and number on the left; quốc hiệu, tiêu ngữ, place and date on the right), the
closing block (nơi nhận, signature), page numbers from page 2, and the tables and
thumbnails the body uses. Word has Times New Roman, and LibreOffice substitutes the
metric-compatible Liberation Serif, both with full Vietnamese.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

from docx.document import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from PIL import Image, UnidentifiedImageError

FONT = "Times New Roman"
BODY_SIZE = Pt(14)
TABLE_SIZE = Pt(12)
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
THUMBNAIL_PIXELS = 640


def setup(document: Document) -> None:
    """A4, margins 20/20/30/15 mm, Times New Roman everywhere, black headings."""
    for section in document.sections:
        section.page_height, section.page_width = Cm(29.7), Cm(21.0)
        section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
        section.left_margin, section.right_margin = Cm(3.0), Cm(1.5)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = BODY_SIZE
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    for name, size in (("Heading 1", 14), ("Heading 2", 14), ("Heading 3", 13)):
        style = document.styles[name]
        # The template's headings take the theme's font, which outranks a named one.
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(theme), None)
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.italic = name == "Heading 3"
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.space_before = Pt(10)
        style.paragraph_format.space_after = Pt(4)
        style.paragraph_format.keep_with_next = True


def text(
    paragraph: Paragraph,
    value: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: Pt | None = None,
) -> Paragraph:
    run = paragraph.add_run(value)
    run.bold, run.italic = bold, italic
    if size is not None:
        run.font.size = size
    return paragraph


def centered(paragraph: Paragraph) -> Paragraph:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    return paragraph


def rule(paragraph: Paragraph, width_cm: float, within_cm: float) -> None:
    """The short line under the issuer's name, the motto and the title: an empty centred
    paragraph (in a space `within_cm` wide) whose bottom border its indents shorten."""
    indent = Cm(max(within_cm - width_cm, 0) / 2)
    paragraph.paragraph_format.left_indent = indent
    paragraph.paragraph_format.right_indent = indent
    paragraph.paragraph_format.space_after = Pt(6)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def place_and_date(place: str, day: date | None, year: int) -> str:
    """ "Lào Cai, ngày 05 tháng 3 năm 2026": a day under 10 and the months 1 and 2 take a
    leading zero (Nghị định 30/2020); left blank for the clerk without a day."""
    where = place or "……"
    if day is None:
        return f"{where}, ngày     tháng     năm {year}"
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{where}, ngày {day.day:02d} tháng {month} năm {day.year}"


def heading_block(
    document: Document, *, parent: str, issuer: str, number: str, place_date: str
) -> None:
    """The head of the first page: issuer and number | quốc hiệu, tiêu ngữ, place, date."""
    table = document.add_table(rows=1, cols=2)
    fixed_widths(table, (6.8, 9.7))
    left, right = table.rows[0].cells
    first = left.paragraphs[0]
    if parent:
        text(centered(first), parent.upper(), size=Pt(13))
        first = left.add_paragraph()
    text(centered(first), issuer.upper(), bold=True, size=Pt(13))
    rule(centered(left.add_paragraph()), 2.5, 6.8)
    text(centered(left.add_paragraph()), number, size=Pt(13))
    text(centered(right.paragraphs[0]), NATIONAL_TITLE, bold=True, size=Pt(12.5))
    text(centered(right.add_paragraph()), MOTTO, bold=True, size=Pt(13.5))
    rule(centered(right.add_paragraph()), 5.5, 9.7)
    text(centered(right.add_paragraph()), place_date, italic=True, size=Pt(13.5))


def closing_block(document: Document, recipients: Sequence[str], signer: str) -> None:
    """Nơi nhận on the left (12 and 11 pt), the signature block on the right."""
    table = document.add_table(rows=1, cols=2)
    fixed_widths(table, (8.0, 8.5))
    left, right = table.rows[0].cells
    text(left.paragraphs[0], "Nơi nhận:", bold=True, italic=True, size=Pt(12))
    for line in recipients:
        paragraph = left.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        text(paragraph, line, size=Pt(11))
    text(centered(right.paragraphs[0]), signer.upper(), bold=True)
    text(centered(right.add_paragraph()), "(Ký, ghi rõ họ tên và đóng dấu)", italic=True)
    for _ in range(4):
        centered(right.add_paragraph())
    text(centered(right.add_paragraph()), "……………………", bold=True)


def page_numbers(document: Document) -> None:
    """Page numbers centred in the header, from the second page on."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    paragraph._p.append(field)


def grid(
    document: Document | _Cell,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths_cm: Sequence[float],
) -> Table:
    """A bordered table, header row bold and repeated on every page, 12 pt."""
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        text(centered(cell.paragraphs[0]), header, bold=True, size=TABLE_SIZE)
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(repeat)
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_after = Pt(0)
            if value.isdigit() or value.endswith("%") or value == "—":
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            text(paragraph, value, size=TABLE_SIZE)
    fixed_widths(table, widths_cm)
    return table


def fixed_widths(table: Table, widths_cm: Sequence[float]) -> None:
    """Column widths that both Word (cell widths) and LibreOffice (the grid) follow."""
    table.autofit = False
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)


def thumbnail(data: bytes) -> bytes | None:
    """A JPEG at most THUMBNAIL_PIXELS wide, or None for what Pillow cannot read (HEIC):
    keeps the document small whatever the phone's camera took."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.thumbnail((THUMBNAIL_PIXELS, THUMBNAIL_PIXELS))
            buffer = io.BytesIO()
            image.convert("RGB").save(buffer, "JPEG", quality=82)
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    return buffer.getvalue()
