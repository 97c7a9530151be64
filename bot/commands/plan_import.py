"""`loa import FILE [-o DRAFT.yaml] [--format yaml|json|text] [--year Y]`: a draft plan
from a plan document (.docx, .pdf, .txt, .html). Offline and rule-based: see
docs/plan-import.md for what it reads and how well."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.document_text import SUFFIXES, DocumentError, read_document
from content.catalogues import available_provinces, catalogue
from content.plan_import import ImportResult, read_plan_document
from content.plan_import.draft import REVIEW, DraftError, render_draft


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "import",
        help="đọc văn bản kế hoạch (.docx, .pdf, .txt, .html) thành bản nháp tệp kế hoạch",
        description="Đọc văn bản kế hoạch (.docx, .pdf, .txt, .html) theo quy tắc, không cần "
        "mạng; viết bản nháp tệp kế hoạch mà loa check chấp nhận. Chỗ nào không chắc có "
        f'ghi chú "# {REVIEW}" trích dòng gốc; những gì văn bản không nói được liệt kê ở cuối.',
    )
    parser.add_argument("path", metavar="FILE", help=f"văn bản kế hoạch ({', '.join(SUFFIXES)})")
    parser.add_argument("-o", "--output", metavar="DRAFT.yaml", help="ghi bản nháp vào tệp này")
    parser.add_argument(
        "--format",
        choices=("yaml", "json", "text"),
        default="yaml",
        help="yaml: bản nháp (mặc định); json: những gì đọc được; text: chữ của văn bản "
        "đánh số dòng",
    )
    parser.add_argument(
        "--year", type=int, metavar="YEAR", help="năm của kế hoạch, nếu văn bản không ghi"
    )
    parser.set_defaults(handler=run)


def _summary(result: ImportResult, draft: str, output: str) -> list[str]:
    known = sum(1 for found in result.anniversaries if found.key)
    reviews = draft.count(f"# {REVIEW}")
    return [
        f"Đã viết bản nháp {output} từ văn bản ({len(result.lines)} dòng):",
        f"  Cơ quan ban hành: {result.header.issuer or '—'}; năm {result.header.year or '—'}",
        f"  Đơn vị chủ trì: {len(result.owners)}; phối hợp: {len(result.cooperating)}",
        f"  Nhiệm vụ: {len(result.tasks)}; hạn: {len(result.deadlines)}; "
        f"định kỳ: {len(result.repeats)}",
        f"  Ngày kỷ niệm: {len(result.anniversaries)} ({known} có trong danh mục của Loa)",
        f"  Khẩu hiệu: {len(result.slogans)}",
        f"  Chỗ cần xem lại: {reviews}",
        f"Kiểm tra: loa check {output}",
    ]


def fail(message: str) -> int:
    # Not bot.commands._common.fail: that module loads SQLAlchemy, which this command
    # does not need (a third of its run time).
    print(message, file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    try:
        lines = read_document(args.path)
    except DocumentError as error:
        return fail(f"loa import: {error}")
    if args.format == "text":
        width = len(str(len(lines)))
        for line in lines:
            print(f"{line.number:>{width}}  {line.text}")
        return 0
    result = read_plan_document(lines)
    everything = catalogue(include=("national", *available_provinces()))
    try:
        draft = render_draft(result, Path(args.path).name, year=args.year, catalogue=everything)
    except DraftError as error:
        return fail(f"loa import: {error}")
    if args.output:
        try:
            Path(args.output).write_text(draft, encoding="utf-8")
        except OSError as error:
            return fail(f"loa import: không ghi được {args.output}: {error.strerror or error}")
    if args.format == "json":
        print(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
    elif args.output:
        print("\n".join(_summary(result, draft, args.output)))
    else:
        sys.stdout.write(draft)
    return 0
