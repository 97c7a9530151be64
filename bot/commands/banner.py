"""`loa banner KEY [--year Y] [--province P] [--size WxH] [--unit NAME] [--plan F] -o FILE.png`:
draw an anniversary's banner (pa nô, băng rôn, màn hình LED) as a PNG file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.commands._anniversary import add_arguments, find_occurrence
from bot.commands._common import UserError, fail
from content.banner import DEFAULT_SIZE, NAMED_SIZES, BannerError, banner_spec, parse_size
from content.banner import render_banner as draw
from content.i18n import _


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "banner",
        help=_("vẽ pa nô, băng rôn của một ngày kỷ niệm (tệp PNG)"),
        description=_(
            "Vẽ pa nô của một ngày kỷ niệm: tiêu đề chính thức, khẩu hiệu của kế hoạch "
            "(--plan), tên đơn vị; nền đỏ chữ vàng, hoặc nền tối cho ngày tưởng niệm."
        ),
    )
    add_arguments(parser)
    parser.add_argument(
        "--size",
        "-s",
        metavar="WxH",
        default=f"{DEFAULT_SIZE[0]}x{DEFAULT_SIZE[1]}",
        help=_("kích thước điểm ảnh (mặc định 1920x1080; ví dụ %(sizes)s)")
        % {"sizes": ", ".join(NAMED_SIZES)},
    )
    parser.add_argument(
        "--output", "-o", metavar="FILE.png", required=True, help=_("tệp PNG ghi ra")
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        size = parse_size(args.size)
        occurrence, plan = find_occurrence(args)
        spec = banner_spec(occurrence, plan, args.unit)
        image = draw(spec, size)
    except (UserError, BannerError) as error:
        return fail(f"loa banner: {error}")
    output = Path(args.output)
    try:
        output.write_bytes(image)
    except OSError as error:
        return fail(
            _("loa banner: không ghi được %(file)s: %(error)s")
            % {"file": output, "error": error.strerror}
        )
    print(
        _("Đã lưu %(file)s (%(size)s): %(title)s")
        % {"file": output, "size": f"{size[0]}x{size[1]}", "title": occurrence.title},
        file=sys.stdout,
    )
    return 0
