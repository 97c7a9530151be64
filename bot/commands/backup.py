"""`loa backup -o FILE`: a copy of the database to keep.

SQLite: an online copy through SQLite's backup API, consistent while `loa run` keeps
writing, in one file readable by its owner only. PostgreSQL: the exact `pg_dump`
command to run (its password is never printed). Either way the copy holds personal
data, and the command says so.
"""

from __future__ import annotations

import argparse
import asyncio
from functools import partial
from pathlib import Path
from typing import Any

from babel.numbers import format_decimal
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.commands._common import fail, with_config
from bot.config import Config
from bot.storage import schema
from bot.storage.backup import BackupError, copy_database, pg_dump_command
from bot.storage.db import Database, is_sqlite, sqlite_path
from content.i18n import N_, _, current_language

PERSONAL_DATA = N_(
    "Lưu ý: bản sao lưu chứa dữ liệu cá nhân (tên, mã tài khoản, tin nhắn, xác nhận và "
    "minh chứng của cán bộ): chỉ cất ở nơi người có thẩm quyền mới đọc được, và xoá khi "
    "hết thời hạn lưu giữ."
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "backup",
        help=_("sao lưu cơ sở dữ liệu (SQLite: sao chép khi đang chạy; PostgreSQL: lệnh pg_dump)"),
        description=_(
            "SQLite: sao chép cơ sở dữ liệu vào TỆP bằng cơ chế sao lưu của SQLite, "
            "nhất quán cả khi loa run đang ghi. PostgreSQL: in lệnh pg_dump cần chạy (không in "
            "mật khẩu). Bản sao lưu chứa dữ liệu cá nhân."
        ),
    )
    parser.add_argument("-o", "--output", required=True, metavar=_("TỆP"), help=_("tệp sao lưu"))
    parser.add_argument("--force", action="store_true", help=_("ghi đè TỆP nếu đã có"))
    parser.set_defaults(handler=run)


def megabytes(size: int) -> str:
    return f"{format_decimal(round(size / 1_000_000, 1), locale=current_language())} MB"


def revision_text(found: schema.SchemaStatus) -> str:
    if found.state == "legacy":
        return _("do bản Loa cũ tạo, khớp phiên bản %(version)s") % {"version": found.current}
    if found.current is None:
        return _("chưa có bảng nào của Loa") if found.state == "empty" else _("không rõ phiên bản")
    return _("phiên bản %(version)s") % {"version": found.current}


def read_status(url: str) -> schema.SchemaStatus:
    """The schema status of the database at `url` (raises SQLAlchemyError if unreadable)."""

    async def read() -> schema.SchemaStatus:
        database = Database(url)
        try:
            return await schema.status(database)
        finally:
            await database.close()

    return asyncio.run(read())


def run(args: argparse.Namespace) -> int:
    return with_config(partial(backup, args))


def backup(args: argparse.Namespace, config: Config) -> int:
    url = config.database_url
    if not is_sqlite(url):
        print(_("Với PostgreSQL, sao lưu bằng pg_dump (gói postgresql-client, cùng phiên bản"))
        print(_("với máy chủ). Lệnh cần chạy:"))
        print(f"  {pg_dump_command(url, args.output)}")
        if make_url(url).password:
            print(_("Mật khẩu không in ra đây: pg_dump sẽ hỏi, hoặc đặt nó trong ~/.pgpass."))
        print(_(PERSONAL_DATA))
        return 0
    source = sqlite_path(url)
    if source is None:
        return fail(_("Cơ sở dữ liệu trong bộ nhớ (sqlite://) không có gì để sao lưu."))
    if not source.is_file():
        return fail(
            _("Không có cơ sở dữ liệu %(file)s (LOA_DATABASE_URL): chưa có gì để sao lưu.")
            % {"file": source}
        )
    target = Path(args.output)
    if target.resolve() == source.resolve():
        return fail(_("Tệp sao lưu phải khác tệp cơ sở dữ liệu."))
    if target.exists() and not args.force:
        return fail(
            _("Tệp %(file)s đã có: chọn tên khác, hoặc thêm --force để ghi đè.") % {"file": target}
        )
    if not target.parent.is_dir():
        return fail(_("Không có thư mục %(folder)s.") % {"folder": target.parent})
    try:
        found = read_status(url)
        copy_database(source, target)
    except (BackupError, SQLAlchemyError) as error:
        return fail(str(error).splitlines()[0])
    size = megabytes(target.stat().st_size)
    print(
        _("Đã sao lưu %(source)s vào %(target)s (%(size)s, %(version)s).")
        % {"source": source, "target": target, "size": size, "version": revision_text(found)}
    )
    print(_(PERSONAL_DATA))
    return 0
