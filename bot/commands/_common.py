"""What the store-backed commands (load, progress, invite) share: running async code
against the configured database, and finding a plan or a unit the user named."""

from __future__ import annotations

import asyncio
import difflib
import os
import sys
import unicodedata
from collections.abc import Awaitable, Callable, Sequence

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.config import Config, ConfigError, load_config
from bot.storage.db import Database, open_database
from bot.storage.schema import SchemaError
from content.plan import Plan, Unit


class UserError(Exception):
    """Bad input from the command line: printed to stderr, exit code 2."""


def fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def with_config(main: Callable[[Config], int]) -> int:
    """`main(config)`; a configuration error is a one-line message and exit 2."""
    try:
        config = load_config()
    except ConfigError as error:
        return fail(f"Cấu hình sai: {error}")
    return main(config)


async def open_as_is(url: str) -> Database:
    """The database, its schema neither checked nor created (the db, backup and
    restore commands look at it themselves); nothing connects until `main` does."""
    return Database(url)


def output_closed() -> int:
    """The reader of our output (`| head`) went away: stop quietly, as Unix tools do."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's final flush cannot fail
    return 0


def run_with_database(
    main: Callable[[Config, Database], Awaitable[int]],
    *,
    config: Config | None = None,
    database_url: str | None = None,
    opener: Callable[[str], Awaitable[Database]] = open_database,
) -> int:
    """Open the database (the configured one, or `database_url`) with `opener`, run
    `main`; map errors to exit codes. The default opener refuses a database whose
    schema is not this version's (exit 2, naming the command to run)."""
    if config is None:
        try:
            config = load_config()
        except ConfigError as error:
            return fail(f"Cấu hình sai: {error}")
    url = database_url or config.database_url

    async def runner() -> int:
        database = await opener(url)
        try:
            return await main(config, database)
        finally:
            await database.close()

    try:
        return asyncio.run(runner())
    except (UserError, SchemaError) as error:
        return fail(str(error))
    except (SQLAlchemyError, OSError) as error:
        shown = make_url(url).render_as_string(hide_password=True)
        print(
            f"Lỗi cơ sở dữ liệu ({shown}): {type(error).__name__}: {error}".splitlines()[0],
            file=sys.stderr,
        )
        return 1


def fold(text: str) -> str:
    """Lower case without diacritics ("Văn phòng Sở" -> "van phong so") for matching."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()


def choose_plan(plans: Sequence[Plan], plan_id: str | None) -> Plan:
    """The plan named by --plan, or the only stored plan."""
    if not plans:
        raise UserError("Chưa nạp kế hoạch nào. Hãy chạy: loa load KE-HOACH.yaml")
    ids = [plan.id for plan in plans]
    if plan_id is None:
        if len(plans) == 1:
            return plans[0]
        raise UserError(f"Có {len(plans)} kế hoạch; hãy chọn một bằng --plan: {', '.join(ids)}")
    for plan in plans:
        if plan.id == plan_id:
            return plan
    raise UserError(f"Không có kế hoạch '{plan_id}'. Các kế hoạch đã nạp: {', '.join(ids)}")


def find_unit(plan: Plan, wanted: str) -> Unit | None:
    """A unit by id, or by name ignoring case and diacritics."""
    for unit in plan.units:
        if unit.id == wanted:
            return unit
    for unit in plan.units:
        if fold(unit.name) == fold(wanted):
            return unit
    return None


def close_units(plans: Sequence[Plan], wanted: str, limit: int = 5) -> list[Unit]:
    """Units whose id or name looks like `wanted`, best first."""
    candidates: dict[str, Unit] = {}
    for plan in plans:
        for unit in plan.units:
            candidates.setdefault(unit.id, unit)
            candidates.setdefault(fold(unit.name), unit)
    key = fold(wanted)
    matches = difflib.get_close_matches(key, list(candidates), n=limit * 2, cutoff=0.5)
    matches += [name for name in candidates if key and key in name and name not in matches]
    found: dict[str, Unit] = {}
    for name in matches:
        found.setdefault(candidates[name].id, candidates[name])
    return list(found.values())[:limit]


def unknown_unit(plans: Sequence[Plan], wanted: str, where: str) -> UserError:
    message = f"Không có đơn vị '{wanted}' {where}."
    close = close_units(plans, wanted)
    if close:
        message += " Có phải: " + "; ".join(f"{unit.id} ({unit.name})" for unit in close) + "?"
    return UserError(message)
