"""How long `loa import` takes on a 30-page plan (the aim: under 2 s, offline).

Builds a 30-page PDF by repeating the pages of tests/fixtures/documents (a 3-page plan)
and a .txt of the same length, then times reading the document, the rules and the
draft, best of five runs. Prints figures; asserts nothing.

    .venv/bin/python bench/bench_import.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader, PdfWriter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.document_text import read_document  # noqa: E402
from content.catalogues import available_provinces, catalogue  # noqa: E402
from content.plan_import import read_plan_document  # noqa: E402
from content.plan_import.draft import render_draft  # noqa: E402

PAGES = 30
FIXTURE = ROOT / "tests" / "fixtures" / "documents" / "laocai-sldtbxh-2023.pdf"
SEED = ROOT / "tests" / "content" / "import"


def thirty_page_pdf(folder: Path) -> Path:
    source = PdfReader(str(FIXTURE))
    writer = PdfWriter()
    while len(writer.pages) < PAGES:
        for page in source.pages:
            if len(writer.pages) < PAGES:
                writer.add_page(page)
    path = folder / "ke-hoach-30-trang.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def thirty_page_text(folder: Path) -> Path:
    seed = (SEED / "seed-laocai-sldtbxh-ke-hoach-tuyen-truyen-2023" / "document.txt").read_text()
    pages_per_copy = len(PdfReader(str(FIXTURE)).pages)
    path = folder / "ke-hoach-30-trang.txt"
    path.write_text(seed * (PAGES // pages_per_copy), encoding="utf-8")
    return path


def best_of(runs: int, path: Path) -> tuple[float, float, float, int]:
    everything = catalogue(include=("national", *available_provinces()))
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        lines = read_document(path)
        read = time.perf_counter()
        result = read_plan_document(lines)
        ruled = time.perf_counter()
        render_draft(result, path.name, catalogue=everything)
        done = time.perf_counter()
        timings.append((done - start, read - start, ruled - read, len(lines)))
    return min(timings)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for path in (thirty_page_pdf(Path(folder)), thirty_page_text(Path(folder))):
            total, reading, rules, lines = best_of(5, path)
            print(
                f"{path.name}: {total:.2f} s in all ({reading:.2f} s reading the file, "
                f"{rules:.2f} s rules, {total - reading - rules:.2f} s draft), {lines} lines"
            )


if __name__ == "__main__":
    main()
