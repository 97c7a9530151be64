"""`loa db upgrade`, `loa db current`, and the refusal of every database command (and
`loa run`) on a database behind the code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy.engine import make_url

from bot.cli import main
from bot.storage.schema import head
from tests.bot.legacy_db import with_alembic


def _run(coroutine):  # type: ignore[no-untyped-def]
    import asyncio

    return asyncio.run(coroutine)


def _current(capsys) -> dict:  # type: ignore[no-untyped-def]
    assert main(["db", "current", "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def behind(cli_env, capsys):  # type: ignore[no-untyped-def]
    """The test database made by this version, then taken back to revision 0001."""
    assert main(["db", "upgrade"]) == 0
    _run(with_alembic(cli_env, lambda config: command.downgrade(config, "0001")))
    capsys.readouterr()
    return cli_env


def test_db_current_on_a_missing_sqlite_file_says_so_and_creates_nothing(
    tmp_path, monkeypatch, capsys
):
    path = tmp_path / "chua-co.db"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LOA_DATABASE_URL", f"sqlite:///{path}")

    report = _current(capsys)

    assert report["state"] == "missing" and report["up_to_date"] is False
    assert not path.exists()
    assert main(["db", "current"]) == 0
    assert "chưa có; loa db upgrade" in capsys.readouterr().out


def test_db_upgrade_creates_a_new_database_at_the_newest_revision(cli_env, capsys):
    assert main(["db", "upgrade"]) == 0
    assert f"Đã tạo cơ sở dữ liệu mới {make_url(cli_env)}" in capsys.readouterr().out

    report = _current(capsys)
    assert (report["current"], report["up_to_date"]) == (head(), True)

    assert main(["db", "upgrade"]) == 0
    assert "đã ở phiên bản mới nhất" in capsys.readouterr().out


def test_db_upgrade_brings_a_database_behind_the_code_up_and_prints_from_and_to(behind, capsys):
    assert _current(capsys)["current"] == "0001"

    assert main(["db", "upgrade", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)

    assert (report["before"], report["after"]) == ("0001", head())
    assert report["steps"] == sorted(report["steps"]) and report["steps"][-1] == head()
    assert "0001" not in report["steps"]
    assert main(["db", "current"]) == 0
    assert f"phiên bản {head()}, mới nhất" in capsys.readouterr().out


@pytest.mark.parametrize("args", [["progress"], ["invite", "van-phong"], ["load", "PLAN"]])
def test_commands_refuse_a_database_behind_the_code_naming_the_command_to_run(
    behind, args, write_plan, plans, capsys
):
    args = [write_plan(plans.v1) if arg == "PLAN" else arg for arg in args]

    assert main(args) == 2

    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert "phiên bản 0001" in error and "loa db upgrade" in error


def test_loa_run_refuses_a_database_behind_the_code(behind, monkeypatch, capsys):
    monkeypatch.setenv("LOA_TELEGRAM_TOKEN", "123:not-used-the-database-comes-first")

    assert main(["run"]) == 2

    error = capsys.readouterr().err.strip().splitlines()
    assert error[-1].startswith("Cơ sở dữ liệu ở phiên bản 0001")
    assert "loa db upgrade" in error[-1]


def test_loa_demo_upgrades_its_own_old_demo_database(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LOA_DATABASE_URL", raising=False)
    assert main(["demo", "--days", "1", "--from", "2026-03-02"]) == 0
    demo = f"sqlite:///{tmp_path / 'loa-demo.db'}"
    _run(with_alembic(demo, lambda config: command.downgrade(config, "0001")))
    capsys.readouterr()

    assert main(["demo", "--days", "1", "--from", "2026-03-02"]) == 0
    assert "Văn phòng Sở" in capsys.readouterr().out

    monkeypatch.setenv("LOA_DATABASE_URL", demo)
    assert _current(capsys)["up_to_date"] is True
