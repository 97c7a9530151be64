"""`loa backup` and `loa restore`: a backup gives back the database as it was (SQLite
through Loa; PostgreSQL through the pg_dump / pg_restore commands Loa prints), is
consistent while another connection writes, says it holds personal data, and a
restore refuses what it should."""

from __future__ import annotations

import asyncio
import json
import os
import shlex
import sqlite3
import stat
import subprocess
import threading
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.cli import main
from bot.storage.confirmations import confirm
from bot.storage.db import open_database
from bot.storage.schema import head
from content.items import expand_items
from content.plan_loader import parse_plan
from tests.bot.legacy_db import (
    build_schema,
    fill_first_schema,
    first_schema_rows,
    old_columns,
    table_rows,
)
from tests.conftest import NOW, PLAN_V1

TABLES = list(first_schema_rows())
PASSWORD = "mat-khau-bi-mat"


@pytest.fixture
def sqlite_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """`loa` in-process on tmp_path/loa.db, with nothing else configured; its URL."""
    for name in [name for name in os.environ if name.startswith("LOA_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'loa.db'}"
    monkeypatch.setenv("LOA_DATABASE_URL", url)
    monkeypatch.setenv("LOA_NOW", NOW.isoformat())
    return url


def _printed_command(text: str, program: str) -> list[str]:
    """The command line Loa printed, as arguments for subprocess."""
    [line] = [line for line in text.splitlines() if f"{program} --" in line]
    command = line[line.index(f"{program} --") :]
    return shlex.split(command.removesuffix("; sau đó: loa db upgrade."))


def test_restoring_a_backup_gives_back_the_database_as_it_was(
    cli_env, write_plan, plans, tmp_path, monkeypatch, capsys
):
    postgres = make_url(cli_env).get_backend_name() == "postgresql"
    if postgres:  # trust authentication: any password works, and none may be printed
        url = make_url(cli_env).set(password=PASSWORD).render_as_string(hide_password=False)
        monkeypatch.setenv("LOA_DATABASE_URL", url)
    assert main(["load", write_plan(plans.v1)]) == 0
    before = asyncio.run(table_rows(cli_env, TABLES))
    backup = tmp_path / "sao-luu.db"
    capsys.readouterr()

    assert main(["backup", "-o", str(backup)]) == 0
    said = capsys.readouterr().out
    assert "dữ liệu cá nhân" in said
    if postgres:
        assert PASSWORD not in said
        subprocess.run(_printed_command(said, "pg_dump"), check=True, env=_no_password())
    assert backup.is_file()

    assert main(["load", write_plan(plans.v2)]) == 0  # the database changes after the backup
    assert asyncio.run(table_rows(cli_env, TABLES)) != before

    if postgres:
        assert main(["restore", str(backup)]) == 2
        refused = capsys.readouterr().err
        assert PASSWORD not in refused
        subprocess.run(_printed_command(refused, "pg_restore"), check=True, env=_no_password())
    else:
        assert main(["restore", str(backup)]) == 0
        assert "Đã khôi phục" in capsys.readouterr().out
    assert asyncio.run(table_rows(cli_env, TABLES)) == before


def _no_password() -> dict[str, str]:
    return {name: value for name, value in os.environ.items() if name != "PGPASSWORD"}


def test_a_sqlite_backup_is_one_file_readable_by_its_owner_only(sqlite_env, tmp_path, capsys):
    assert main(["db", "upgrade"]) == 0
    backup = tmp_path / "sao-luu.db"

    assert main(["backup", "-o", str(backup)]) == 0

    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    with closing(sqlite3.connect(backup)) as copy:
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert f"vào {backup}" in capsys.readouterr().out


def test_a_backup_taken_while_another_process_writes_holds_whole_transactions(
    sqlite_env, tmp_path, capsys
):
    """Each write adds ten settings in one transaction: the copy holds all ten or none."""
    assert main(["db", "upgrade"]) == 0
    source = tmp_path / "loa.db"
    stop, started = threading.Event(), threading.Event()

    def write() -> None:
        with closing(sqlite3.connect(source, timeout=30)) as writer:
            batch = 0
            while not stop.is_set():
                with writer:
                    writer.executemany(
                        "INSERT INTO settings (key, value) VALUES (?, ?)",
                        [(f"batch-{batch:06d}-{n}", "x" * 2000) for n in range(10)],
                    )
                batch += 1
                started.set()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        assert started.wait(10)
        copies = [tmp_path / f"sao-luu-{n}.db" for n in range(3)]
        for copy in copies:
            assert main(["backup", "-o", str(copy)]) == 0
    finally:
        stop.set()
        writer.join()

    for copy in copies:
        with closing(sqlite3.connect(copy)) as reader:
            counts = reader.execute(
                "SELECT count(*) FROM settings GROUP BY substr(key, 1, 12)"  # batch-000042
            ).fetchall()
        assert counts and {count for (count,) in counts} == {10}


def test_backup_overwrites_an_existing_file_only_with_force(sqlite_env, tmp_path, capsys):
    assert main(["db", "upgrade"]) == 0
    backup = tmp_path / "sao-luu.db"
    backup.write_text("giữ nguyên", encoding="utf-8")

    assert main(["backup", "-o", str(backup)]) == 2
    assert "--force" in capsys.readouterr().err
    assert backup.read_text(encoding="utf-8") == "giữ nguyên"

    assert main(["backup", "-o", str(backup), "--force"]) == 0
    with closing(sqlite3.connect(backup)) as copy:
        assert copy.execute("SELECT version_num FROM alembic_version").fetchone() == (head(),)


def test_backup_of_a_database_not_yet_created_creates_nothing(sqlite_env, tmp_path, capsys):
    assert main(["backup", "-o", str(tmp_path / "sao-luu.db")]) == 2

    assert "chưa có gì để sao lưu" in capsys.readouterr().err
    assert sorted(path.name for path in tmp_path.iterdir()) == []


def test_restore_refuses_while_the_database_is_open_unless_forced(
    sqlite_env, write_plan, plans, tmp_path, capsys
):
    assert main(["load", write_plan(plans.v1)]) == 0
    backup = tmp_path / "sao-luu.db"
    assert main(["backup", "-o", str(backup)]) == 0
    capsys.readouterr()

    with closing(sqlite3.connect(tmp_path / "loa.db")) as running:
        running.execute("SELECT count(*) FROM plans").fetchall()  # as `loa run` keeps it open

        assert main(["restore", str(backup)]) == 2
        assert "đang được mở" in capsys.readouterr().err
        assert not list(tmp_path.glob("loa.db.before-restore-*"))

        assert main(["restore", "--force", str(backup)]) == 0
        assert "khởi động lại Loa" in capsys.readouterr().out


def test_restore_keeps_the_database_it_replaces(sqlite_env, write_plan, plans, tmp_path, capsys):
    assert main(["load", write_plan(plans.v1)]) == 0
    backup = tmp_path / "sao-luu.db"
    assert main(["backup", "-o", str(backup)]) == 0
    assert main(["load", write_plan(plans.v2)]) == 0
    replaced = asyncio.run(table_rows(sqlite_env, ["plans"]))
    capsys.readouterr()

    assert main(["restore", str(backup)]) == 0

    [kept] = tmp_path.glob("loa.db.before-restore-*")
    assert f"giữ ở {kept}" in capsys.readouterr().out
    assert asyncio.run(table_rows(f"sqlite:///{kept}", ["plans"])) == replaced


def test_restore_of_a_backup_from_the_first_version_upgrades_it(sqlite_env, tmp_path, capsys):
    old = tmp_path / "sao-luu-cu.db"
    asyncio.run(build_schema(f"sqlite:///{old}", "b10de42"))
    asyncio.run(fill_first_schema(f"sqlite:///{old}"))
    rows = asyncio.run(table_rows(f"sqlite:///{old}", TABLES))

    assert main(["restore", str(old)]) == 0

    said = capsys.readouterr().out
    assert "bản Loa cũ tạo (khớp phiên bản 0001)" in said and f"nâng lên {head()}" in said
    assert old_columns(asyncio.run(table_rows(sqlite_env, TABLES)), rows) == rows
    assert asyncio.run(table_rows(f"sqlite:///{old}", TABLES)) == rows  # the backup untouched


def test_restore_refuses_what_is_not_a_loa_backup_and_changes_nothing(
    sqlite_env, write_plan, plans, tmp_path, capsys
):
    assert main(["load", write_plan(plans.v1)]) == 0
    before = asyncio.run(table_rows(sqlite_env, TABLES))
    text = tmp_path / "ghi-chu.txt"
    text.write_text("không phải cơ sở dữ liệu", encoding="utf-8")
    other = tmp_path / "ung-dung-khac.db"
    with closing(sqlite3.connect(other)) as connection:
        connection.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY)")
    newer = tmp_path / "ban-moi.db"
    assert main(["backup", "-o", str(newer)]) == 0
    with closing(sqlite3.connect(newer)) as connection, connection:
        connection.execute("UPDATE alembic_version SET version_num = '0999'")
    capsys.readouterr()

    for bad, reason in (
        (text, "không phải tệp cơ sở dữ liệu SQLite"),
        (other, "không có bảng của Loa"),
        (newer, "bản Loa mới hơn"),
        (tmp_path / "khong-co.db", "Không có tệp"),
    ):
        assert main(["restore", str(bad)]) == 2, bad
        assert reason in capsys.readouterr().err
    assert asyncio.run(table_rows(sqlite_env, TABLES)) == before
    assert not list(tmp_path.glob("loa.db.before-restore-*"))
    assert not list(tmp_path.glob(".loa.db*"))


def test_a_person_erased_after_the_backup_stays_erased_after_the_restore(
    sqlite_env, write_plan, plans, tmp_path, capsys
):
    assert main(["load", write_plan(plans.v1)]) == 0
    asyncio.run(_confirmed_by(sqlite_env, "telegram:500", "Nguyễn Văn An"))
    backup = tmp_path / "sao-luu.db"
    assert main(["backup", "-o", str(backup)]) == 0
    assert main(["privacy", "erase", "telegram:500", "--yes"]) == 0
    capsys.readouterr()

    assert main(["restore", str(backup)]) == 0

    assert "đã xoá lại dữ liệu của 1 người" in capsys.readouterr().out
    everything = asyncio.run(table_rows(sqlite_env, [*TABLES, "erasures"]))
    assert "Nguyễn Văn An" not in str(everything) and "telegram:500" not in str(everything)
    assert len(everything["erasures"]) == 1
    assert main(["progress", "--format", "json"]) == 0
    [done] = [row for row in json.loads(capsys.readouterr().out) if row["status"] == "done"]
    assert done["confirmed_by_name"] == "một cán bộ của Văn phòng Sở"


async def _confirmed_by(url: str, address: str, name: str) -> None:
    plan = parse_plan(PLAN_V1, "kh.yaml")
    [item] = [item for item in expand_items(plan) if item.key.startswith(f"{plan.id}/ke-hoach/")]
    database = await open_database(url)
    try:
        async with database.session() as session:
            await confirm(
                session,
                item,
                by=address,
                by_name=name,
                channel="telegram",
                chat_id="-1001",
                evidence=[],
                now=NOW,
            )
    finally:
        await database.close()
