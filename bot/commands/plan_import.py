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
from content.i18n import _
from content.plan_import import ImportResult, read_plan_document
from content.plan_import.draft import REVIEW, DraftError, render_draft


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "import",
        help=_("đọc văn bản kế hoạch (.docx, .pdf, .txt, .html) thành bản nháp tệp kế hoạch"),
        description=_(
            "Đọc văn bản kế hoạch (.docx, .pdf, .txt, .html) theo quy tắc, không cần "
            "mạng; viết bản nháp tệp kế hoạch mà loa check chấp nhận. Chỗ nào không chắc có "
            'ghi chú "# %(review)s" trích dòng gốc; những gì văn bản không nói được liệt kê ở '
            "cuối."
        )
        % {"review": REVIEW},
    )
    parser.add_argument(
        "path",
        metavar="FILE",
        help=_("văn bản kế hoạch (%(suffixes)s)") % {"suffixes": ", ".join(SUFFIXES)},
    )
    parser.add_argument("-o", "--output", metavar="DRAFT.yaml", help=_("ghi bản nháp vào tệp này"))
    parser.add_argument(
        "--format",
        choices=("yaml", "json", "text"),
        default="yaml",
        help=_(
            "yaml: bản nháp (mặc định); json: những gì đọc được; text: chữ của văn bản đánh số dòng"
        ),
    )
    parser.add_argument(
        "--year", type=int, metavar="YEAR", help=_("năm của kế hoạch, nếu văn bản không ghi")
    )
    parser.set_defaults(handler=run)


def _summary(result: ImportResult, draft: str, output: str) -> list[str]:
    known = sum(1 for found in result.anniversaries if found.key)
    reviews = draft.count(f"# {REVIEW}")
    return [
        _("Đã viết bản nháp %(file)s từ văn bản (%(n)d dòng):")
        % {"file": output, "n": len(result.lines)},
        _("  Cơ quan ban hành: %(issuer)s; năm %(year)s")
        % {"issuer": result.header.issuer or "—", "year": result.header.year or "—"},
        _("  Đơn vị chủ trì: %(owners)d; phối hợp: %(cooperating)d")
        % {"owners": len(result.owners), "cooperating": len(result.cooperating)},
        _("  Nhiệm vụ: %(tasks)d; hạn: %(deadlines)d; định kỳ: %(repeats)d")
        % {
            "tasks": len(result.tasks),
            "deadlines": len(result.deadlines),
            "repeats": len(result.repeats),
        },
        _("  Ngày kỷ niệm: %(n)d (%(known)d có trong danh mục của Loa)")
        % {"n": len(result.anniversaries), "known": known},
        _("  Khẩu hiệu: %(n)d") % {"n": len(result.slogans)},
        _("  Chỗ cần xem lại: %(n)d") % {"n": reviews},
        _("Kiểm tra: loa check %(file)s") % {"file": output},
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
            return fail(
                _("loa import: không ghi được %(file)s: %(error)s")
                % {"file": args.output, "error": error.strerror or error}
            )
    if args.format == "json":
        print(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
    elif args.output:
        print("\n".join(_summary(result, draft, args.output)))
    else:
        sys.stdout.write(draft)
    return 0
