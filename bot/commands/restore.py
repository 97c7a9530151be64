"""`loa restore FILE [--force]`: put a backup back into the SQLite database.

The backup is first copied beside the database and checked there: it must be an
undamaged Loa database of a known revision, and an older one is upgraded on the copy;
the replaced database's erasure log is added to the copy and applied, so no one erased
since the backup comes back. Only then is the database replaced (through SQLite's
backup API), after a copy of it as it was is kept beside it. While something has the
database open (`loa run`) the restore is refused unless --force. PostgreSQL: the exact
pg_restore command instead.
"""

from __future__ import annotations

import argparse
import asyncio
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from bot.commands._common import fail, with_config
from bot.commands.privacy import reapply_erasures
from bot.config import Config
from bot.storage import schema
from bot.storage.backup import (
    BackupError,
    copy_database,
    in_use,
    is_sqlite_file,
    pg_restore_command,
    replace_database,
)
from bot.storage.db import Database, is_sqlite, sqlite_path
from bot.storage.erasure_log import KeysDiffer, add_log, read_log
from bot.storage.schema import SchemaError, Upgrade
from content.clock import Clock
from content.i18n import _


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "restore",
        help=_("khôi phục cơ sở dữ liệu SQLite từ một bản sao lưu (loa backup)"),
        description=_(
            "Kiểm tra TỆP (phải là cơ sở dữ liệu Loa còn nguyên vẹn), nâng cấp nếu "
            "là phiên bản cũ, rồi thay cơ sở dữ liệu (LOA_DATABASE_URL) bằng nó; cơ sở dữ liệu "
            "cũ được giữ lại bên cạnh. Hãy dừng Loa trước."
        ),
    )
    parser.add_argument("file", metavar=_("TỆP"), help=_("tệp do loa backup tạo ra"))
    parser.add_argument(
        "--force", action="store_true", help=_("khôi phục cả khi cơ sở dữ liệu đang được mở")
    )
    parser.set_defaults(handler=run)


def _unused_name(path: Path) -> Path:
    candidate, number = path, 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.name}-{number}")
    return candidate


def _upgrade(path: Path, shown: Path) -> Upgrade:
    """Check the staged copy is a Loa database this version can use; upgrade it if old."""

    async def check() -> Upgrade:
        database = Database(f"sqlite:///{path}")
        try:
            found = await schema.status(database)
            if found.state == "empty":
                raise SchemaError(
                    _("%(file)s không phải bản sao lưu của Loa: không có bảng của Loa.")
                    % {"file": shown}
                )
            if found.state == "unknown":
                raise SchemaError(
                    _(
                        "%(file)s không phải bản sao lưu của Loa ở phiên bản nào đã biết "
                        "(%(differences)s)."
                    )
                    % {"file": shown, "differences": "; ".join(found.differences[:3])}
                )
            return await schema.upgrade(database)  # refuses a newer Loa's database
        finally:
            await database.close()

    return asyncio.run(check())


def _carry_erasures(replaced: Path, staged: Path) -> str | None:
    """The replaced database's erasure log into the staged copy, applied there: people
    erased since the backup was taken stay erased. What was done, or why not."""

    async def carry() -> str | None:
        old = Database(f"sqlite:///{replaced}")
        try:
            async with old.session() as session:
                log = await read_log(session)
        finally:
            await old.close()
        restored = Database(f"sqlite:///{staged}")
        try:
            async with restored.session() as session:
                added = await add_log(session, log)
                logged = (await read_log(session)).records
            # Without a log there is nothing to apply (and no hash key to create).
            erased = await reapply_erasures(restored) if logged else 0
        finally:
            await restored.close()
        if not added and not erased:
            return None
        return _(
            "Nhật ký xoá dữ liệu cá nhân: %(added)d lần xoá sau lúc sao lưu được chép sang; "
            "đã xoá lại dữ liệu của %(erased)d người."
        ) % {"added": added, "erased": erased}

    try:
        return asyncio.run(carry())
    except KeysDiffer:
        return _(
            "Cảnh báo: nhật ký xoá của cơ sở dữ liệu cũ dùng khoá khác, không áp dụng được: "
            "hãy xoá lại từng người (loa privacy erase)."
        )
    except SQLAlchemyError as error:  # the replaced database may be why one restores
        first = str(error).splitlines()[0]
        return _("Cảnh báo: không đọc được nhật ký xoá của cơ sở dữ liệu cũ (%(error)s).") % {
            "error": first
        }


def upgrade_line(done: Upgrade) -> str | None:
    values = {"before": done.before, "after": done.after}
    if done.stamped_legacy and done.steps:
        return (
            _(
                "Bản sao lưu do bản Loa cũ tạo (khớp phiên bản %(before)s): đã ghi phiên bản và "
                "nâng lên %(after)s."
            )
            % values
        )
    if done.stamped_legacy:
        return _("Bản sao lưu do bản Loa cũ tạo (khớp phiên bản %(before)s): đã ghi phiên bản.") % (
            values
        )
    if done.steps:
        return _("Bản sao lưu ở phiên bản %(before)s: đã nâng lên %(after)s.") % values
    return None


def run(args: argparse.Namespace) -> int:
    return with_config(partial(restore, args))


def restore(args: argparse.Namespace, config: Config) -> int:
    url = config.database_url
    if not is_sqlite(url):
        return fail(
            _(
                "loa restore chỉ dùng cho SQLite. Với PostgreSQL (docs/deploy.md, mục Backups: "
                "giữ nhật ký xoá trước rồi áp dụng lại), dừng Loa rồi chạy: %(command)s; sau "
                "đó: loa db upgrade."
            )
            % {"command": pg_restore_command(url, args.file)}
        )
    target = sqlite_path(url)
    if target is None:
        return fail(_("Không khôi phục được vào cơ sở dữ liệu trong bộ nhớ (sqlite://)."))
    backup = Path(args.file)
    if not backup.is_file():
        return fail(_("Không có tệp %(file)s.") % {"file": backup})
    if not is_sqlite_file(backup):
        return fail(_("%(file)s không phải tệp cơ sở dữ liệu SQLite.") % {"file": backup})
    if target.exists() and backup.resolve() == target.resolve():
        return fail(_("Tệp sao lưu chính là cơ sở dữ liệu đang dùng."))
    busy = in_use(target)
    if busy and not args.force:
        return fail(
            _(
                "Cơ sở dữ liệu %(file)s đang được mở (loa run đang chạy?): hãy dừng Loa rồi "
                "khôi phục, hoặc thêm --force."
            )
            % {"file": target}
        )
    staged = target.with_name(f".{target.name}.restoring")
    kept: Path | None = None
    erasures: str | None = None
    try:
        copy_database(backup, staged)
        done = _upgrade(staged, backup)
        if target.exists():
            erasures = _carry_erasures(target, staged)
            stamp = Clock(config.now).now().strftime("%Y%m%d-%H%M%S")
            kept = _unused_name(target.with_name(f"{target.name}.before-restore-{stamp}"))
            copy_database(target, kept)
        replace_database(staged, target)
    except (BackupError, SchemaError, SQLAlchemyError) as error:
        return fail(str(error).splitlines()[0])
    finally:
        for leftover in (staged, Path(f"{staged}-wal"), Path(f"{staged}-shm")):
            leftover.unlink(missing_ok=True)
    print(
        _("Đã khôi phục %(backup)s vào %(target)s (phiên bản %(version)s).")
        % {"backup": backup, "target": target, "version": done.after}
    )
    for line in (upgrade_line(done), erasures):
        if line:
            print(line)
    if kept is not None:
        print(
            _(
                "Cơ sở dữ liệu trước khi khôi phục được giữ ở %(file)s (có dữ liệu cá nhân): "
                "xoá nó khi không cần nữa."
            )
            % {"file": kept}
        )
    if busy:
        print(
            _("Loa đang mở cơ sở dữ liệu này: hãy khởi động lại Loa để đọc dữ liệu vừa khôi phục.")
        )
    return 0
