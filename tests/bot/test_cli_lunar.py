"""`loa lunar`, run as a user runs it: a subprocess of `python -m bot`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def loa(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "lunar", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


def test_solar_to_lunar() -> None:
    result = loa("2026-04-26")
    assert (result.returncode, result.stdout, result.stderr) == (0, "10/3/2026 âm lịch\n", "")


def test_leap_month_is_named() -> None:
    result = loa("2031-04-30")
    assert (result.returncode, result.stdout) == (0, "10/3 nhuận/2031 âm lịch\n")


def test_several_dates_one_line_each_in_order() -> None:
    result = loa("2026-02-17", "1985-01-21", "2031-04-01", "2100-12-31", "1900-01-01")
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "1/1/2026 âm lịch",
        "1/1/1985 âm lịch",
        "10/3/2031 âm lịch",
        "1/12/2100 âm lịch",
        "1/12/1899 âm lịch",
    ]


def test_lunar_to_solar() -> None:
    result = loa("--to-solar", "10/3/2026", "1/1/2007", "21/7/2026")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines() == ["2026-04-26", "2007-02-17", "2026-09-02"]


def test_leap_flag_picks_the_leap_month() -> None:
    ordinary, leap = loa("--to-solar", "10/3/2031"), loa("--to-solar", "--leap", "10/3/2031")
    assert (ordinary.returncode, ordinary.stdout) == (0, "2031-04-01\n")
    assert (leap.returncode, leap.stdout) == (0, "2031-04-30\n")


def test_json_one_date_is_an_object() -> None:
    result = loa("--format", "json", "2026-04-26")
    assert result.returncode == 0
    assert json.loads(result.stdout) == {
        "solar": "2026-04-26",
        "lunar": {"day": 10, "month": 3, "year": 2026, "leap": False},
    }


def test_json_several_dates_is_an_array_in_order() -> None:
    result = loa("--format", "json", "--to-solar", "--leap", "10/3/2031", "1/3/2031")
    assert result.returncode == 0
    assert json.loads(result.stdout) == [
        {"solar": "2031-04-30", "lunar": {"day": 10, "month": 3, "year": 2031, "leap": True}},
        {"solar": "2031-04-21", "lunar": {"day": 1, "month": 3, "year": 2031, "leap": True}},
    ]


def test_json_to_solar_has_the_same_shape() -> None:
    result = loa("--to-solar", "--format", "json", "10/3/2026")
    assert json.loads(result.stdout) == json.loads(loa("--format", "json", "2026-04-26").stdout)


@pytest.mark.parametrize(
    ("args", "bad", "message"),
    [
        (["--to-solar", "30/2/2026"], "30/2/2026", "chỉ có 29 ngày"),
        (["--to-solar", "--leap", "10/3/2026"], "10/3/2026", "không có tháng 3 nhuận"),
        (["--to-solar", "--leap", "10/4/2031"], "10/4/2031", "tháng nhuận của năm này là tháng 3"),
        (["--to-solar", "1/13/2026"], "1/13/2026", "Tháng âm lịch phải từ 1 đến 12"),
        (["--to-solar", "10-3-2026"], "10-3-2026", "Không đúng dạng ngày âm lịch"),
        (["--to-solar", "1/1/2101"], "1/1/2101", "nằm ngoài khoảng"),
        (["2026-02-30"], "2026-02-30", "chỉ có 28 ngày"),
        (["26/04/2026"], "26/04/2026", "Không đúng dạng ngày dương lịch"),
        (["2101-06-01"], "2101-06-01", "nằm ngoài khoảng"),
        (["1899-01-01"], "1899-01-01", "nằm ngoài khoảng"),
    ],
)
def test_bad_input_names_the_argument_and_prints_nothing(
    args: list[str], bad: str, message: str
) -> None:
    result = loa(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert f"'{bad}'" in result.stderr and message in result.stderr


def test_one_bad_argument_among_good_ones_prints_nothing_on_stdout() -> None:
    result = loa("2026-04-26", "2026-02-30", "2026-05-01", "2026-13-01")
    assert (result.returncode, result.stdout) == (2, "")
    lines = result.stderr.splitlines()
    assert len(lines) == 2
    assert "'2026-02-30'" in lines[0] and "'2026-13-01'" in lines[1]


def test_leap_without_to_solar_is_refused() -> None:
    result = loa("--leap", "2026-04-26")
    assert (result.returncode, result.stdout) == (2, "")
    assert "--leap" in result.stderr and "--to-solar" in result.stderr
