"""One language per run of `loa`: Vietnamese by default, English with LOA_LANGUAGE=en or
an English locale, argparse's own words included. Run as real processes."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from bot.cli import COMMAND_MODULES
from tests.conftest import SAMPLE_PLAN
from tests.e2e.harness import run_loa

# Letters only Vietnamese uses: their presence in English output means a mixed run.
VIETNAMESE = re.compile("[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)
ARGPARSE_ENGLISH = ("usage:", "options:", "positional arguments", "show this help")


@pytest.fixture(autouse=True)
def clock(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every run in an empty directory, at 09:00 on Monday 02/03/2026."""
    monkeypatch.setenv("LOA_NOW", "2026-03-02T09:00:00+07:00")


def loa(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return run_loa(*args, env={**os.environ, **env}, cwd=cwd)


def english_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LC_ALL")
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")


@pytest.mark.parametrize("command", COMMAND_MODULES)
def test_every_help_is_all_english_with_loa_language_en(workdir: Path, command: str) -> None:
    result = loa(command, "--help", cwd=workdir, LOA_LANGUAGE="en")
    assert result.returncode == 0
    assert result.stdout.startswith(f"usage: loa {command} [-h]")
    assert "show this help and exit" in result.stdout
    # Data the help quotes as written: example names, the draft's review marker.
    data = ("Lào Cai", "Quảng Ngãi", "cần xem lại")
    assert not VIETNAMESE.search(re.sub("|".join(data), "", result.stdout)), result.stdout


@pytest.mark.parametrize("command", COMMAND_MODULES)
def test_every_help_is_all_vietnamese_by_default(workdir: Path, command: str) -> None:
    result = loa(command, "--help", cwd=workdir)
    assert result.returncode == 0
    assert result.stdout.startswith(f"cách dùng: loa {command} [-h]")
    for english in ARGPARSE_ENGLISH:
        assert english not in result.stdout


def test_an_english_locale_makes_an_english_run(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    english_locale(monkeypatch)
    result = loa("--help", cwd=workdir)
    assert result.stdout.startswith("usage: loa [-h] [--version] COMMAND ...")
    assert "\noptions:\n" in result.stdout and "\narguments:\n" in result.stdout


def test_loa_language_beats_the_locale_and_may_be_in_dotenv(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    english_locale(monkeypatch)
    (workdir / ".env").write_text("LOA_LANGUAGE=vi  # the office reads Vietnamese\n")
    assert loa("--help", cwd=workdir).stdout.startswith("cách dùng: loa")


def test_argparse_errors_in_english(workdir: Path) -> None:
    result = loa("calendar", "2027", "--format", "xml", cwd=workdir, LOA_LANGUAGE="en")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "loa calendar: error: argument --format: invalid choice: 'xml' (choose from 'table', "
        "'json') (see: loa calendar --help)\n"
    )
    result = loa("simulate", cwd=workdir, LOA_LANGUAGE="en")
    assert result.stderr == (
        "loa simulate: error: the following arguments are required: --from, --to "
        "(see: loa simulate --help)\n"
    )


def test_settings_errors_in_english(workdir: Path) -> None:
    (workdir / ".env").write_text("LOA_LANGUAGE=en\nLOA_TELEGRAM_TOKN=x\nLOA_TICK_SECONDS=-1\n")
    result = loa("progress", cwd=workdir)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "Bad configuration: LOA_TELEGRAM_TOKN (file .env): Loa has no such setting; "
        "did you mean LOA_TELEGRAM_TOKEN?",
        "Bad configuration: LOA_TICK_SECONDS=-1 (file .env): needs a number of seconds "
        "above 0, e.g. 5",
    ]


def test_a_bad_loa_language_is_reported_in_the_locales_language(workdir: Path) -> None:
    result = loa("lunar", "2026-02-17", cwd=workdir, LOA_LANGUAGE="fr")
    assert result.returncode == 0  # lunar reads no settings
    result = loa("progress", cwd=workdir, LOA_LANGUAGE="fr")
    assert result.stderr == ("Cấu hình sai: LOA_LANGUAGE=fr (biến môi trường): cần vi hoặc en\n")


def test_plan_errors_in_english(workdir: Path) -> None:
    plan = workdir / "plan.yaml"
    plan.write_text(
        "plan:\n  id: Bad Id\n  title: Test\n  year: 2026\n"
        "units:\n  - id: office\n    name: Office\n"
        "tasks:\n  - id: report\n    title: Report\n    owners: [ofice]\n    due: 2026-02-30\n"
        "settings:\n  language: english\n",
        encoding="utf-8",
    )
    result = loa("check", str(plan), cwd=workdir, LOA_LANGUAGE="en")
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines == [
        f"{plan}:2: plan.id: the plan id 'Bad Id' is not valid: use only lower-case letters "
        "a-z without accents, digits 0-9 and hyphens '-' (suggestion: 'bad-id')",
        f"{plan}:11: task 'report', owners: there is no unit 'ofice' (did you mean 'office'?)",
        f"{plan}:11: task 'report': there is no owner unit (owners)",
        f"{plan}:12: task 'report', due: the date '2026-02-30' does not exist: month 2 of 2026 "
        "has only 28 days",
        f"{plan}:14: settings.language: there is no language 'english'; use vi, en",
        "5 problem(s) in 1 plan file(s).",
    ]


def test_the_check_summary_calendar_and_lunar_in_english(workdir: Path) -> None:
    check = loa("check", str(SAMPLE_PLAN), cwd=workdir, LOA_LANGUAGE="en")
    assert check.returncode == 0
    assert f"{SAMPLE_PLAN}: the plan is valid" in check.stdout
    assert "  Coming up (from Monday, 02/03/2026):" in check.stdout
    calendar = loa("calendar", "2026", cwd=workdir, LOA_LANGUAGE="en")
    assert calendar.stdout.startswith("Holidays and anniversaries of 2026 (Nationwide): ")
    assert "\nDate " in calendar.stdout and " Lunar " in calendar.stdout
    lunar = loa("lunar", "2026-02-17", cwd=workdir, LOA_LANGUAGE="en")
    assert lunar.stdout == "lunar 1/1/2026\n"


def test_progress_in_english(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOA_DATABASE_URL", f"sqlite:///{workdir / 'loa.db'}")
    loaded = loa("load", str(SAMPLE_PLAN), cwd=workdir, LOA_LANGUAGE="en")
    assert loaded.stdout.startswith("Loaded plan sldtbxh-laocai-2026: ")
    table = loa("progress", cwd=workdir, LOA_LANGUAGE="en")
    assert "Progress as of Monday, 02/03/2026" in table.stdout
    assert "Share done = Done / (Done + Being reminded + Overdue);" in table.stdout
    csv = loa("progress", "--format", "csv", cwd=workdir, LOA_LANGUAGE="en")
    assert csv.stdout.splitlines()[0] == (
        "\ufeffPlan,Task id,Task,Unit id,Unit,Due,Status,Confirmed at,Confirmed by,Evidence"
    )
