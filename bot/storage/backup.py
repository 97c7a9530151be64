"""Backups: SQLite files copied through SQLite's online backup API, and the commands
PostgreSQL's own tools need.

The backup API copies the database in one step inside one read transaction: in WAL
mode that is a consistent snapshot even while `loa run` writes, and it never blocks
it. Copying the file itself would not be (half a write, or the WAL left behind). A
restore goes through the same API into the existing file, so SQLite itself replaces
the pages and its WAL: a stale `-wal` file can never be replayed over restored data.
"""

from __future__ import annotations

import os
import shlex
import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from content.i18n import _

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_SECONDS = 30.0


class BackupError(Exception):
    """A copy could not be made or checked; the message says why (Vietnamese)."""


def is_sqlite_file(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy of `source` in a new file `target`, complete on its own (no
    WAL), checked, and readable by its owner only (it holds personal data). Written
    under a temporary name and renamed, so `target` is never half a copy."""
    if not source.is_file():  # sqlite3 would create an empty database there
        raise BackupError(_("Không có tệp cơ sở dữ liệu %(file)s.") % {"file": source})
    temporary = target.with_name(f".{target.name}.{os.getpid()}.partial")
    os.close(os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    try:
        with (
            closing(sqlite3.connect(source, timeout=BUSY_TIMEOUT_SECONDS)) as reader,
            closing(sqlite3.connect(temporary)) as writer,
        ):
            reader.backup(writer)  # pages=-1: everything in one step, one snapshot
            writer.execute("PRAGMA journal_mode=DELETE")
            _check(writer, source)
        with temporary.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except sqlite3.DatabaseError as error:
        raise BackupError(
            _("Không sao chép được %(file)s: %(error)s.") % {"file": source, "error": error}
        ) from None
    finally:
        temporary.unlink(missing_ok=True)


def replace_database(source: Path, target: Path) -> None:
    """Put the contents of `source` into the database file `target` (made if missing)."""
    try:
        with (
            closing(sqlite3.connect(source, timeout=BUSY_TIMEOUT_SECONDS)) as reader,
            closing(sqlite3.connect(target, timeout=BUSY_TIMEOUT_SECONDS)) as writer,
        ):
            reader.backup(writer)
            _check(writer, target)
    except sqlite3.DatabaseError as error:
        raise BackupError(
            _("Không ghi được vào %(file)s: %(error)s.") % {"file": target, "error": error}
        ) from None


def _check(connection: sqlite3.Connection, shown: Path) -> None:
    problems = [row[0] for row in connection.execute("PRAGMA quick_check")]
    if problems != ["ok"]:
        raise BackupError(
            _("Cơ sở dữ liệu %(file)s bị hỏng: %(problem)s.")
            % {"file": shown, "problem": problems[0]}
        )


def in_use(path: Path) -> bool:
    """Whether another connection has the database open (a running `loa run` keeps
    one): SQLite lets a database leave WAL mode only when no one else has it open.
    The probe puts it back in WAL mode, as Loa keeps it."""
    if not path.exists():
        return False
    with closing(sqlite3.connect(path, timeout=0, isolation_level=None)) as probe:
        try:
            if probe.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                return False  # not in WAL mode: no Loa process has it open
            probe.execute("PRAGMA journal_mode=DELETE")
        except sqlite3.OperationalError:  # "database is locked"
            return True
        probe.execute("PRAGMA journal_mode=WAL")
    return False


def pg_dump_command(url: str, output: str) -> str:
    """The pg_dump command that backs up this PostgreSQL database; never its password."""
    return shlex.join(["pg_dump", "--format=custom", "--file", output, "--dbname", _libpq(url)])


def pg_restore_command(url: str, backup: str) -> str:
    return shlex.join(
        ["pg_restore", "--clean", "--if-exists", "--no-owner", "--dbname", _libpq(url), backup]
    )


def _libpq(url: str) -> str:
    """The URL as libpq reads it (`postgresql://user@host:port/db?sslmode=...`), without
    the driver name SQLAlchemy may carry and without the password."""
    parsed = make_url(url)
    without_password = URL.create(
        "postgresql",
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query=parsed.query,
    )
    return without_password.render_as_string(hide_password=False)
