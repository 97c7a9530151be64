"""`loa post KEY [--year Y] [--province P] [--unit NAME] [--plan F] [--format text|json]`:
print the suggested post of an anniversary, as a unit would receive it in chat."""

from __future__ import annotations

import argparse
import json

from bot.commands._anniversary import add_arguments, find_occurrence
from bot.commands._common import UserError, fail
from content.banner import banner_spec
from content.i18n import _
from content.posts import post_slogans, render_post


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "post",
        help=_("in bài gợi ý đăng cho một ngày kỷ niệm"),
        description=_("In bài gợi ý đăng của một ngày kỷ niệm, đứng tên đơn vị (--unit)."),
    )
    add_arguments(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        occurrence, plan = find_occurrence(args)
    except UserError as error:
        return fail(f"loa post: {error}")
    text = render_post(occurrence, plan, unit=args.unit)
    if args.format == "text":
        print(text)
        return 0
    anniversary = occurrence.anniversary
    document = {
        "key": occurrence.key,
        "year": occurrence.year,
        "date": occurrence.date.isoformat(),
        "title": occurrence.title,
        "kind": anniversary.kind,
        "tier": occurrence.tier,
        "text": text,
        "slogans": post_slogans(occurrence, plan),
        "banner": banner_spec(occurrence, plan, args.unit).as_payload(),
        "source": anniversary.source,
        "summary_source": anniversary.summary_source or anniversary.source,
    }
    print(json.dumps(document, ensure_ascii=False, indent=2))
    return 0
