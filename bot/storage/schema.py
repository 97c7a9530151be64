"""Schema versions, with Alembic run from code (migrations in `migrations/versions/`).

Opening a database (`prepare`) creates a new, empty one at the newest revision and
accepts an existing one only at that revision: a database behind the code, or one a
newer Loa made, is refused with a message naming what to do. `upgrade` (the command
`loa db upgrade`) brings any known revision to the newest; a database made before
migrations existed is first recognised (legacy_schema.py) and stamped with the
revision it is. Schema changes run in one transaction holding the database's write
lock (see `Database.schema_transaction`), so they are all or nothing.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from bot.storage import models  # noqa: F401  (registers the tables)
from bot.storage.legacy_schema import match_legacy
from content.i18n import _

if TYPE_CHECKING:
    from bot.storage.db import Database

MIGRATIONS = Path(__file__).resolve().with_name("migrations")
UPGRADE_COMMAND = "loa db upgrade"

State = Literal["missing", "empty", "legacy", "behind", "current", "ahead", "unknown"]


class SchemaError(Exception):
    """This version of Loa cannot use the database as it is. The message is one
    Vietnamese line saying what to do."""


@dataclass(frozen=True)
class SchemaStatus:
    state: State
    current: str | None  # the stamped revision, or the one a legacy database matches
    head: str
    differences: tuple[str, ...] = ()  # state "unknown": how it differs from any revision

    @property
    def up_to_date(self) -> bool:
        return self.state == "current"

    def problem(self) -> str:
        """Why the code cannot use this database, and what to do (states that refuse), in
        the language of the run."""
        values = {
            "current": self.current,
            "head": self.head,
            "backup_first": _("hãy sao lưu (loa backup -o TỆP) rồi chạy %(command)s")
            % {"command": UPGRADE_COMMAND},
        }
        if self.state == "behind":
            return (
                _(
                    "Cơ sở dữ liệu ở phiên bản %(current)s, bản Loa này cần %(head)s: "
                    "%(backup_first)s."
                )
                % values
            )
        if self.state == "legacy":
            return (
                _(
                    "Cơ sở dữ liệu do bản Loa cũ tạo, chưa ghi phiên bản (khớp phiên bản "
                    "%(current)s); bản Loa này cần %(head)s: %(backup_first)s."
                )
                % values
            )
        if self.state == "ahead":
            return (
                _(
                    "Cơ sở dữ liệu ở phiên bản %(current)s, do bản Loa mới hơn tạo (bản này "
                    "chỉ biết đến %(head)s): hãy cài bản Loa mới hơn."
                )
                % values
            )
        shown = "; ".join(self.differences[:3]) + ("; …" if len(self.differences) > 3 else "")
        return _(
            "Cơ sở dữ liệu có bảng của Loa nhưng không khớp phiên bản nào đã biết "
            "(%(differences)s): Loa không tự sửa; hãy kiểm tra LOA_DATABASE_URL."
        ) % {"differences": shown}


@dataclass(frozen=True)
class Upgrade:
    before: str | None  # None: the database was new (empty)
    after: str
    steps: tuple[str, ...] = field(default=())  # the revisions applied, oldest first
    stamped_legacy: bool = False  # made before migrations: stamped with `before` first

    @property
    def created(self) -> bool:
        return self.before is None


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration, built here rather than read from an alembic.ini."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@functools.cache
def scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head() -> str:
    """The newest revision (one line of history: two heads fail here and in the tests)."""
    newest = scripts().get_current_head()
    if newest is None:
        raise RuntimeError(f"no migrations in {MIGRATIONS}")
    return newest


def _known(revision: str) -> bool:
    try:
        return scripts().get_revision(revision) is not None
    except CommandError:
        return False


def _status(connection: Connection) -> SchemaStatus:
    newest = head()
    current = MigrationContext.configure(connection).get_current_revision()
    if current == newest:
        return SchemaStatus("current", current, newest)
    if current is not None:
        return SchemaStatus("behind" if _known(current) else "ahead", current, newest)
    inspector = inspect(connection)
    if not set(inspector.get_table_names()) & set(SQLModel.metadata.tables):
        return SchemaStatus("empty", None, newest)
    legacy = match_legacy(inspector)
    if legacy.revision is None:
        return SchemaStatus("unknown", None, newest, legacy.differences)
    return SchemaStatus("legacy", legacy.revision, newest)


def _create(connection: Connection) -> None:
    """A new database: the tables as the models declare them, stamped with the newest
    revision (tests check the migrations build exactly the same schema)."""
    SQLModel.metadata.create_all(connection)
    MigrationContext.configure(connection).stamp(scripts(), "head")


def _upgrade(connection: Connection) -> Upgrade:
    found = _status(connection)
    if found.state == "current":
        return Upgrade(found.current, found.head)
    if found.state == "empty":
        _create(connection)
        return Upgrade(None, found.head)
    if found.state in ("ahead", "unknown"):
        raise SchemaError(found.problem())
    assert found.current is not None
    if found.state == "legacy":
        MigrationContext.configure(connection).stamp(scripts(), found.current)
    steps = tuple(
        script.revision
        for script in reversed(list(scripts().iterate_revisions(found.head, found.current)))
    )
    command.upgrade(alembic_config(connection), "head")
    return Upgrade(found.current, found.head, steps, stamped_legacy=found.state == "legacy")


def _create_if_empty(connection: Connection) -> SchemaStatus:
    found = _status(connection)  # again, now that no one else can change the schema
    if found.state == "empty":
        _create(connection)
        return SchemaStatus("current", found.head, found.head)
    return found


async def status(database: Database) -> SchemaStatus:
    """Where the database stands; reads only, and creates no SQLite file."""
    if not database.exists():
        return SchemaStatus("missing", None, head())
    async with database.engine.connect() as connection:
        return await connection.run_sync(_status)


async def prepare(database: Database) -> None:
    """Make a new database at the newest revision; refuse one at any other."""
    found = await status(database)
    if found.state in ("missing", "empty"):
        async with database.schema_transaction() as connection:
            found = await connection.run_sync(_create_if_empty)
    if found.state != "current":
        raise SchemaError(found.problem())


async def upgrade(database: Database) -> Upgrade:
    """Bring the database to the newest revision (creating it if new)."""
    async with database.schema_transaction() as connection:
        return await connection.run_sync(_upgrade)
