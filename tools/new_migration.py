"""Dev-only: write the next migration from what the models now declare.

    .venv/bin/python tools/new_migration.py "add evidence files"          # autogenerate
    .venv/bin/python tools/new_migration.py --empty "fill unit names"     # data only

Builds a throw-away SQLite database with the existing migrations, lets Alembic compare
it with the models, and writes `bot/storage/migrations/versions/NNNN_<slug>.py`,
formatted by ruff. Review it by hand before committing (docs/architecture.md, "How to
change the schema", says what to look for).
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.storage.db import Database  # noqa: E402
from bot.storage.schema import alembic_config, scripts  # noqa: E402


def next_revision_id() -> str:
    numbers = [int(script.revision) for script in scripts().walk_revisions()]
    return f"{max(numbers, default=0) + 1:04d}"


def write(message: str, empty: bool) -> Path | None:
    def generate(connection: Connection) -> Path | None:
        config = alembic_config(connection)
        command.upgrade(config, "head")
        changes = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
        if not changes and not empty:
            return None
        written = command.revision(
            config, message=message, autogenerate=not empty, rev_id=next_revision_id()
        )
        assert written is not None and not isinstance(written, list)
        return Path(written.path)

    async def main(folder: str) -> Path | None:
        database = Database(f"sqlite:///{folder}/migrations.db")
        try:
            async with database.schema_transaction() as connection:
                return await connection.run_sync(generate)
        finally:
            await database.close()

    with tempfile.TemporaryDirectory() as folder:
        return asyncio.run(main(folder))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("message", help="what the migration changes, in English")
    parser.add_argument(
        "--empty", action="store_true", help="no schema change: a data migration to write by hand"
    )
    args = parser.parse_args()
    path = write(args.message, args.empty)
    if path is None:
        print("The models and the migrations agree: nothing to write (--empty for data only).")
        return 1
    ruff = Path(sys.executable).with_name("ruff")
    subprocess.run([str(ruff), "check", "--fix", "--quiet", str(path)], check=False)
    subprocess.run([str(ruff), "format", "--quiet", str(path)], check=False)
    print(f"Written {path.relative_to(REPO)}: review it, then run the schema tests.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
