"""What the store-backed commands (load, progress, invite) share: running async code
against the configured database, and finding a plan or a unit the user named."""

from __future__ import annotations

import asyncio
import difflib
import os
import sys
import unicodedata
from collections.abc import Awaitable, Callable, Sequence

from sqlalchemy.exc import SQLAlchemyError

from bot.config import Config, load_config
from bot.storage.db import Database, ensure_exists, open_database, shown_url
from bot.storage.errors import DatabaseMissing
from bot.storage.schema import SchemaError
from content.i18n import _
from content.plan import Plan, Unit


class UserError(Exception):
    """Bad input from the command line: printed to stderr, exit code 2."""


def fail(message: str, status: int = 2) -> int:
    print(message, file=sys.stderr)
    return status


def with_config(main: Callable[[Config], int]) -> int:
    """`main(config)`; a bad setting (ConfigError) is reported by bot/cli.py, one line
    per problem and exit 2."""
    return main(load_config())


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
    must_exist: bool = False,
) -> int:
    """Open the database (the configured one, or `database_url`) with `opener`, run
    `main`; map errors to exit codes. The default opener refuses a database whose
    schema is not this version's (exit 2, naming the command to run). `must_exist`: the
    command only reads, so a database that is not there is an error rather than created.
    A bad setting (ConfigError) or a missing driver is the command line's to report
    (bot/cli.py)."""
    config = config or load_config()
    url = database_url or config.database_url

    async def runner() -> int:
        if must_exist:
            ensure_exists(url)
        database = await opener(url)
        try:
            return await main(config, database)
        finally:
            await database.close()

    try:
        return asyncio.run(runner())
    except (UserError, SchemaError) as error:
        return fail(str(error))
    except DatabaseMissing as error:
        return fail(
            _(
                "Chưa nạp kế hoạch nào: chưa có cơ sở dữ liệu %(url)s. "
                "Hãy chạy: loa load KE-HOACH.yaml"
            )
            % {"url": error.shown_url}
        )
    except BrokenPipeError:
        raise  # the reader went away: the command line stops quietly
    except (SQLAlchemyError, OSError) as error:
        first_line = f"{type(error).__name__}: {error}".splitlines()[0]
        return fail(
            _("Lỗi cơ sở dữ liệu (%(url)s): %(error)s")
            % {"url": shown_url(url), "error": first_line},
            status=1,
        )


def fold(text: str) -> str:
    """Lower case without diacritics ("Văn phòng Sở" -> "van phong so") for matching."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()


def choose_plan(plans: Sequence[Plan], plan_id: str | None) -> Plan:
    """The plan named by --plan, or the only stored plan."""
    if not plans:
        raise UserError(_("Chưa nạp kế hoạch nào. Hãy chạy: loa load KE-HOACH.yaml"))
    ids = ", ".join(plan.id for plan in plans)
    if plan_id is None:
        if len(plans) == 1:
            return plans[0]
        raise UserError(
            _("Có %(n)d kế hoạch; hãy chọn một bằng --plan: %(ids)s")
            % {"n": len(plans), "ids": ids}
        )
    for plan in plans:
        if plan.id == plan_id:
            return plan
    raise UserError(
        _("Không có kế hoạch '%(plan)s'. Các kế hoạch đã nạp: %(ids)s")
        % {"plan": plan_id, "ids": ids}
    )


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


def unknown_unit(plans: Sequence[Plan], wanted: str, plan_id: str | None) -> UserError:
    """No unit `wanted` in plan `plan_id` (None: in any loaded plan), with close ones."""
    if plan_id is None:
        message = _("Không có đơn vị '%(unit)s' trong các kế hoạch đã nạp.") % {"unit": wanted}
    else:
        message = _("Không có đơn vị '%(unit)s' trong kế hoạch %(plan)s.") % {
            "unit": wanted,
            "plan": plan_id,
        }
    close = close_units(plans, wanted)
    if close:
        names = "; ".join(f"{unit.id} ({unit.name})" for unit in close)
        message += " " + _("Có phải: %(units)s?") % {"units": names}
    return UserError(message)
