"""The text of a plan document, as numbered lines for `content/plan_import`.

.txt (and .md) lines are the file's own lines; a .docx gives one line per paragraph and
per table row (in document order, through python-docx); a .pdf one line per paragraph,
with the lines pypdf extracts joined back where a sentence was wrapped; an .html page
one line per block element (paragraph, heading, list item, table row), so a bold date
inside a sentence stays in its sentence.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

from content.plan_import import Line, lines_of_text

SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")
_BLOCKS = {
    "p",
    "div",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "blockquote",
    "pre",
    "ul",
    "ol",
    "dd",
    "dt",
    "header",
    "footer",
    "main",
    "center",
    "caption",
    "address",
}
_SKIPPED = {"script", "style", "noscript", "head", "template", "svg", "iframe", "nav"}
_STARTS_PARAGRAPH = re.compile(
    r"^(?:[-+•●*–]|\d{1,2}(?:\.\d{1,2})*[.)]|[a-zđ]\)|(?:I|II|III|IV|V|VI|VII|VIII|IX|X)\.|"
    r"[A-ZĐ][A-ZĐÀ-Ỹ ,]{6,}$)"
)


class DocumentError(Exception):
    """A document that cannot be read; str() is a one-line Vietnamese message."""


def read_document(path: str | Path) -> tuple[Line, ...]:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise DocumentError(
            f"không đọc được loại tệp '{suffix or path.name}'; dùng {', '.join(SUFFIXES)}"
        )
    if not path.is_file():
        raise DocumentError(f"không tìm thấy tệp {path}")
    try:
        if suffix in (".txt", ".md"):
            return lines_of_text(_decode(path.read_bytes()))
        if suffix == ".docx":
            return _numbered(_docx_lines(path))
        if suffix == ".pdf":
            return _numbered(_pdf_lines(path))
        return _numbered(_html_lines(_decode(path.read_bytes())))
    except DocumentError:
        raise
    except OSError as error:
        raise DocumentError(f"không đọc được tệp {path}: {error.strerror or error}") from None
    except Exception as error:  # a damaged .docx or .pdf raises whatever its parser raises
        raise DocumentError(f"tệp {path.name} bị hỏng hoặc không đúng định dạng: {error}") from None


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DocumentError("tệp không phải văn bản UTF-8; hãy lưu lại với bảng mã UTF-8") from None


def _numbered(texts: Iterator[tuple[str, tuple[str, ...] | None]]) -> tuple[Line, ...]:
    return tuple(Line(number, text, cells) for number, (text, cells) in enumerate(texts, start=1))


def _row(cells: list[str]) -> tuple[str, tuple[str, ...]]:
    # A merged cell is repeated once per grid column it spans: keep it once.
    unique = [cell for index, cell in enumerate(cells) if index == 0 or cell != cells[index - 1]]
    return " | ".join(unique), tuple(unique)


def _docx_lines(path: Path) -> Iterator[tuple[str, tuple[str, ...] | None]]:
    import docx  # python-docx: imported here so other commands do not pay for it
    from docx.table import Table

    document = docx.Document(str(path))
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                yield _row([" ".join(cell.text.split()) for cell in row.cells])
        else:
            yield " ".join(block.text.split()), None


def _pdf_lines(path: Path) -> Iterator[tuple[str, tuple[str, ...] | None]]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    # pypdf logs what it repairs ("EOF marker not found"); the user gets one line from us.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise DocumentError("tệp PDF có mật khẩu; hãy gỡ mật khẩu rồi nhập lại")
        pages = [page.extract_text() or "" for page in reader.pages]
    except PdfReadError as error:
        raise DocumentError(f"tệp {path.name} bị hỏng: {error}") from None
    if not any(page.strip() for page in pages):
        raise DocumentError(
            "tệp PDF không có lớp chữ (bản chụp/scan?); hãy dùng bản .docx hoặc chạy nhận "
            "dạng chữ (OCR) trước"
        )
    lengths = sorted(
        len(line.strip()) for page in pages for line in page.splitlines() if line.strip()
    )
    full = lengths[len(lengths) * 3 // 4] if lengths else 0  # a line that runs to the margin
    paragraph, last = "", ""
    for page in pages:
        for raw in page.splitlines():
            text = " ".join(raw.split())
            if not text or text.isdigit():  # blank, or a page number
                if paragraph:
                    yield paragraph, None
                paragraph, last = "", ""
                continue
            # A wrapped line continues a sentence that ran to the margin.
            wrapped = (
                paragraph
                and not paragraph.endswith((".", ":", ";", "!", "?"))
                and len(last) >= full * 0.8
            )
            if wrapped and not _STARTS_PARAGRAPH.match(text):
                paragraph = f"{paragraph} {text}"
            else:
                if paragraph:
                    yield paragraph, None
                paragraph = text
            last = text
    if paragraph:
        yield paragraph, None


def _html_lines(text: str) -> Iterator[tuple[str, tuple[str, ...] | None]]:
    from bs4 import BeautifulSoup, NavigableString, Tag

    soup = BeautifulSoup(text, "html.parser")
    found: list[tuple[str, tuple[str, ...] | None]] = []
    buffer: list[str] = []

    def flush() -> None:
        line = " ".join("".join(buffer).split())
        buffer.clear()
        if line:
            found.append((line, None))

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if type(child) is NavigableString:  # not a comment, CDATA or doctype
                    buffer.append(str(child))
            elif isinstance(child, Tag):
                name = child.name.lower()
                if name in _SKIPPED:
                    continue
                if name == "br":
                    flush()
                elif name == "table":
                    flush()
                    for row in child.find_all("tr"):
                        cells = [
                            " ".join(cell.get_text(" ").split())
                            for cell in row.find_all(["td", "th"])
                        ]
                        if any(cells):
                            found.append(_row(cells))
                elif name in _BLOCKS:
                    flush()
                    walk(child)
                    flush()
                else:
                    walk(child)

    walk(soup)
    flush()
    yield from found
