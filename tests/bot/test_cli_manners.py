"""How `loa` behaves as a Unix command, run as a real process: its version, a closed
pipe, bad options, a missing database driver, and read-only commands that leave no
database behind."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_PLAN

COMMAND = [sys.executable, "-m", "bot"]


def loa(
    *args: str, cwd: Path, stdout: int | None = subprocess.PIPE, prelude: str = ""
) -> subprocess.CompletedProcess[str]:
    """`loa ARGS` in `cwd`; `prelude`: Python run first in the same process."""
    command = COMMAND
    if prelude:
        command = [
            sys.executable,
            "-c",
            f"{prelude}\nfrom bot.cli import main\nraise SystemExit(main())",
        ]
    return subprocess.run(
        [*command, *args],
        cwd=cwd,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


@pytest.fixture(autouse=True)
def clock(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every run in an empty directory, at 09:00 on Monday 02/03/2026."""
    monkeypatch.setenv("LOA_NOW", "2026-03-02T09:00:00+07:00")


def to_a_closed_pipe(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`loa ARGS` writing into a pipe whose reader has already gone (`| head -1` once
    head has its line), so the first write that reaches the pipe fails."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return loa(*args, cwd=cwd, stdout=write_end)
    finally:
        os.close(write_end)


def test_version_is_the_installed_package_version(workdir: Path) -> None:
    from importlib.metadata import version

    result = loa("--version", cwd=workdir)
    assert (result.returncode, result.stdout, result.stderr) == (0, f"loa {version('loa')}\n", "")


def test_calendar_into_a_closed_pipe_stops_quietly(workdir: Path) -> None:
    result = to_a_closed_pipe("calendar", "2027", cwd=workdir)
    assert (result.returncode, result.stderr) == (0, "")


def test_calendar_piped_into_head_prints_its_first_line_and_no_traceback(workdir: Path) -> None:
    result = subprocess.run(
        f"{sys.executable} -m bot calendar 2027 --format json | head -1",
        shell=True,
        cwd=workdir,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert (result.stdout, result.stderr) == ("[\n", "")


def test_progress_csv_into_a_closed_pipe_stops_quietly(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOA_DATABASE_URL", f"sqlite:///{workdir / 'loa.db'}")
    assert loa("load", str(SAMPLE_PLAN), cwd=workdir).returncode == 0
    for output_format in ("csv", "json", "table"):
        result = to_a_closed_pipe("progress", "--format", output_format, cwd=workdir)
        assert (result.returncode, result.stderr) == (0, ""), output_format


def test_simulate_into_a_closed_pipe_stops_quietly(workdir: Path) -> None:
    result = to_a_closed_pipe(
        "simulate",
        "--plan",
        str(SAMPLE_PLAN),
        "--from",
        "2026-02-01",
        "--to",
        "2026-03-31",
        cwd=workdir,
    )
    assert (result.returncode, result.stderr) == (0, "")


def test_an_unknown_log_level_is_a_one_line_error(workdir: Path) -> None:
    result = loa("run", "--log-level", "FOO", cwd=workdir)
    assert result.returncode == 2
    assert result.stderr == (
        "loa run: lỗi: tham số --log-level: lựa chọn không hợp lệ: 'FOO' (chọn một trong: "
        "'DEBUG', 'INFO', 'WARNING', 'ERROR') (xem: loa run --help)\n"
    )


def test_argparse_errors_are_one_vietnamese_line(workdir: Path) -> None:
    cases = {
        ("simulate",): "loa simulate: lỗi: thiếu tham số bắt buộc: --from, --to "
        "(xem: loa simulate --help)",
        ("lunar", "2026-01-01", "--bogus"): "loa: lỗi: không hiểu tham số: --bogus "
        "(xem: loa --help)",
        ("demo", "--days", "many"): "loa demo: lỗi: tham số --days: giá trị int không hợp lệ: "
        "'many' (xem: loa demo --help)",
        ("invite", "x", "--ttl-days", "0"): "loa invite: lỗi: tham số --ttl-days: số ngày phải "
        "từ 1 đến 365, không phải '0' (xem: loa invite --help)",
    }
    for args, line in cases.items():
        result = loa(*args, cwd=workdir)
        assert (result.returncode, result.stdout, result.stderr) == (2, "", line + "\n"), args


def test_help_is_vietnamese_frame_and_all(workdir: Path) -> None:
    result = loa("progress", "--help", cwd=workdir)
    assert result.returncode == 0
    assert result.stdout.startswith("cách dùng: loa progress [-h]")
    assert "\ntùy chọn:\n" in result.stdout
    assert "  -h, --help " in result.stdout and "hiện trợ giúp này rồi thoát" in result.stdout
    for english in ("usage:", "options:", "show this help", "positional arguments"):
        assert english not in result.stdout


def test_a_postgresql_url_without_psycopg_says_what_to_install(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOA_DATABASE_URL", "postgresql://loa:mat-khau@127.0.0.1:1/loa")
    no_psycopg = "import sys\nsys.modules['psycopg'] = None  # as if the extra were not installed"
    for args in (["load", str(SAMPLE_PLAN)], ["progress"], ["run"]):
        result = loa(*args, cwd=workdir, prelude=no_psycopg)
        assert result.returncode == 2, args
        assert result.stderr == (
            "Cơ sở dữ liệu PostgreSQL cần gói psycopg, chưa được cài. "
            "Hãy cài: pip install 'loa[postgres]'\n"
        ), args


@pytest.mark.parametrize(
    "args",
    [
        ["calendar", "2026"],
        ["lunar", "2026-02-17"],
        ["check", str(SAMPLE_PLAN)],
        ["simulate", "--plan", str(SAMPLE_PLAN), "--from", "2026-02-01", "--to", "2026-02-03"],
    ],
    ids=["calendar", "lunar", "check", "simulate-plan"],
)
def test_commands_that_need_no_database_leave_none_behind(workdir: Path, args: list[str]) -> None:
    result = loa(*args, cwd=workdir)
    assert result.returncode == 0, result.stderr
    assert sorted(path.name for path in workdir.iterdir()) == []


@pytest.mark.parametrize(
    "args",
    [
        ["progress"],
        ["progress", "--format", "csv"],
        ["invite", "van-phong"],
        ["simulate", "--from", "2026-02-01", "--to", "2026-02-03"],
    ],
    ids=["progress", "progress-csv", "invite", "simulate"],
)
def test_reading_commands_on_a_missing_database_say_so_and_create_none(
    workdir: Path, args: list[str]
) -> None:
    result = loa(*args, cwd=workdir)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "Chưa nạp kế hoạch nào: chưa có cơ sở dữ liệu sqlite:///loa.db. "
        "Hãy chạy: loa load KE-HOACH.yaml\n"
    )
    assert not (workdir / "loa.db").exists()
