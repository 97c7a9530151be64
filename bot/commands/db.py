"""`loa db upgrade` and `loa db current`: the database's schema version.

`upgrade` brings the configured database to the revision this version of Loa needs
(creating it if new; a database made before migrations is recognised and stamped
first) and prints from → to. `current` only reads: it never creates a database.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from bot.commands._common import open_as_is, run_with_database
from bot.config import Config
from bot.storage import schema
from bot.storage.db import Database, shown_url
from bot.storage.schema import SchemaStatus, Upgrade
from content.i18n import _

FORMATS = ("text", "json")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "db",
        help=_("phiên bản cơ sở dữ liệu: xem (current), nâng cấp (upgrade)"),
        description=_(
            "Phiên bản lược đồ của cơ sở dữ liệu (LOA_DATABASE_URL). Sau khi cài "
            "bản Loa mới: sao lưu (loa backup), chạy loa db upgrade, rồi khởi động lại Loa."
        ),
    )
    actions = parser.add_subparsers(dest="db_command", metavar=_("LỆNH"), required=True)
    upgrade = actions.add_parser(
        "upgrade",
        help=_("nâng cơ sở dữ liệu lên phiên bản bản Loa này cần (tạo mới nếu chưa có)"),
        description=_(
            "Nâng cơ sở dữ liệu lên phiên bản mới nhất trong một giao dịch: "
            "lỗi giữa chừng thì không thay đổi gì. Cơ sở dữ liệu do bản Loa cũ tạo (chưa ghi "
            "phiên bản) được nhận ra và ghi phiên bản trước khi nâng."
        ),
    )
    upgrade.add_argument("--format", choices=FORMATS, default="text", help=_("text hoặc json"))
    upgrade.set_defaults(handler=run_upgrade)
    current = actions.add_parser(
        "current",
        help=_("phiên bản hiện tại và đã mới nhất chưa (chỉ đọc)"),
        description=_(
            "In phiên bản của cơ sở dữ liệu và cho biết đã là phiên bản bản Loa "
            "này cần chưa. Chỉ đọc: không tạo cơ sở dữ liệu nào."
        ),
    )
    current.add_argument("--format", choices=FORMATS, default="text", help=_("text hoặc json"))
    current.set_defaults(handler=run_current)


def describe(found: SchemaStatus) -> str:
    """One line, in the run's language, on where the database stands."""
    if found.state == "current":
        return _("phiên bản %(version)s, mới nhất.") % {"version": found.current}
    if found.state == "missing":
        return _("chưa có; loa db upgrade (hoặc loa run) sẽ tạo mới ở phiên bản %(version)s.") % {
            "version": found.head
        }
    if found.state == "empty":
        return _(
            "trống; loa db upgrade (hoặc loa run) sẽ tạo các bảng ở phiên bản %(version)s."
        ) % {"version": found.head}
    return found.problem()


def status_json(url: str, found: SchemaStatus) -> dict[str, Any]:
    return {
        "database": shown_url(url),
        "state": found.state,
        "current": found.current,
        "head": found.head,
        "up_to_date": found.up_to_date,
    }


def upgrade_lines(url: str, done: Upgrade) -> list[str]:
    values = {"where": shown_url(url), "before": done.before, "after": done.after}
    if done.created:
        return [_("Đã tạo cơ sở dữ liệu mới %(where)s ở phiên bản %(after)s.") % values]
    lines = []
    if done.stamped_legacy:
        lines.append(
            _("Cơ sở dữ liệu do bản Loa cũ tạo: nhận ra phiên bản %(before)s, đã ghi.") % values
        )
    if done.steps:
        lines.append(_("Đã nâng cấp cơ sở dữ liệu %(where)s: %(before)s → %(after)s.") % values)
    else:
        lines.append(_("Cơ sở dữ liệu %(where)s đã ở phiên bản mới nhất (%(after)s).") % values)
    return lines


def run_current(args: argparse.Namespace) -> int:
    async def main(config: Config, database: Database) -> int:
        found = await schema.status(database)
        if args.format == "json":
            print(json.dumps(status_json(database.url, found), ensure_ascii=False))
        else:
            print(
                _("Cơ sở dữ liệu %(where)s: %(state)s")
                % {"where": shown_url(database.url), "state": describe(found)}
            )
        return 0

    return run_with_database(main, opener=open_as_is)


def run_upgrade(args: argparse.Namespace) -> int:
    async def main(config: Config, database: Database) -> int:
        done = await schema.upgrade(database)
        if args.format == "json":
            report = {
                "database": shown_url(database.url),
                "before": done.before,
                "after": done.after,
                "steps": list(done.steps),
                "created": done.created,
                "stamped_legacy": done.stamped_legacy,
            }
            print(json.dumps(report, ensure_ascii=False))
        else:
            print("\n".join(upgrade_lines(database.url, done)))
        return 0

    return run_with_database(main, opener=open_as_is)
