"""Settings: what an administrator writes in the environment, `.env` or a TOML file,
and what Loa says when it is wrong (one line per problem, exit 2, no secret shown)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.channels.ratelimit import RateLimits
from bot.config import Config, ConfigError, load_config, setting_names
from content.plan import Address
from tests.e2e.harness import run_loa

TOKEN = "123456:telegram-token-that-must-stay-secret"


@pytest.fixture
def toml_file(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Path]:
    """toml_file(text): a TOML file named by LOA_CONFIG; returns its path."""

    def write(text: str) -> Path:
        path = workdir / "loa.toml"
        path.write_text(text, encoding="utf-8")
        monkeypatch.setenv("LOA_CONFIG", str(path))
        return path

    return write


def problems(cwd: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(cwd)
    return caught.value.problems


def loa(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_loa(*args, env=os.environ, cwd=cwd)


def test_nothing_set_gives_the_documented_defaults(workdir: Path) -> None:
    config = load_config(workdir)
    assert config.database_url == "sqlite:///loa.db"
    assert config.telegram_api_url == "https://api.telegram.org"
    assert config.zalo_api_url == "https://bot-api.zaloplatforms.com"
    assert (config.listen_host, config.listen_port) == ("127.0.0.1", 8080)
    assert (config.tick_seconds, config.claim_lease_seconds) == (5.0, 60.0)
    assert (config.zalo_monthly_quota, config.zalo_quota_reserve) == (3000, 20)
    assert (config.evidence_max_file_mb, config.evidence_max_plan_mb) == (20.0, 2048.0)
    assert config.evidence_root == workdir / "evidence"  # beside loa.db
    assert config.telegram_token is None and config.webhook_base_url is None
    assert config.admins == () and config.now is None and config.telegram_limits is None
    assert (config.language, config.log_format) == (None, "text")
    assert (config.retention_updates_days, config.retention_after_plan_days) == (30, 365)
    assert (config.retention_invites_days, config.retention_outbox_days) == (30, 90)
    assert not config.uses_webhooks


def test_every_readme_variable_is_a_setting() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = {line.split("`")[1] for line in table.splitlines() if line.startswith("| `LOA_")}
    assert documented == set(setting_names())


def test_an_inline_comment_in_dotenv_is_not_part_of_the_value(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (workdir / ".env").write_text(
        "# Loa\nLOA_TICK_SECONDS=7 # faster\nexport LOA_LISTEN=0.0.0.0:9000\nOTHER_TOOL=1\n",
        encoding="utf-8",
    )
    config = load_config(workdir)
    assert config.tick_seconds == 7.0
    assert (config.listen_host, config.listen_port) == ("0.0.0.0", 9000)


def test_admins_are_a_list_in_toml_and_comma_separated_in_the_environment(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, toml_file: Callable[[str], Path]
) -> None:
    toml_file('[loa]\nadmins = ["telegram:1", "zalo:abc123"]\n')
    assert load_config(workdir).admins == (Address("telegram", "1"), Address("zalo", "abc123"))
    monkeypatch.setenv("LOA_ADMINS", "telegram:5, zalo:def456 ,")
    assert load_config(workdir).admins == (Address("telegram", "5"), Address("zalo", "def456"))


def test_the_environment_wins_over_dotenv_which_wins_over_toml(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, toml_file: Callable[[str], Path]
) -> None:
    toml_file("tick_seconds = 9\nzalo_monthly_quota = 100\nlisten = '[::1]:81'\n")
    (workdir / ".env").write_text("LOA_TICK_SECONDS=8\nLOA_ZALO_MONTHLY_QUOTA=200\n")
    monkeypatch.setenv("LOA_TICK_SECONDS", "7")
    config = load_config(workdir)
    assert (config.tick_seconds, config.zalo_monthly_quota) == (7.0, 200)
    assert (config.listen_host, config.listen_port) == ("::1", 81)


def test_an_empty_value_means_unset(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOA_WEBHOOK_BASE_URL", "")
    monkeypatch.setenv("LOA_TICK_SECONDS", "")
    config = load_config(workdir)
    assert config.webhook_base_url is None and config.tick_seconds == 5.0


def test_typed_values_are_read(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOA_NOW", "2026-02-02T07:29:00+07:00")
    monkeypatch.setenv("LOA_TELEGRAM_LIMITS", "300,20,1")
    monkeypatch.setenv("LOA_TELEGRAM_BOT_USERNAME", "@loa_bot")
    monkeypatch.setenv("LOA_WEBHOOK_BASE_URL", "https://loa.example.vn/")
    monkeypatch.setenv("LOA_LANGUAGE", "en")
    monkeypatch.setenv("LOA_LOG_FORMAT", "json")
    monkeypatch.setenv("LOA_RETENTION_UPDATES_DAYS", "7")
    monkeypatch.setenv("LOA_RETENTION_AFTER_PLAN_DAYS", "0")
    config = load_config(workdir)
    assert config.now is not None and config.now.utcoffset() == timedelta(hours=7)
    assert config.now.replace(tzinfo=None) == datetime(2026, 2, 2, 7, 29)
    assert config.telegram_limits == RateLimits(300.0, 20, 1.0)
    assert config.telegram_bot_username == "loa_bot"
    assert config.webhook_base_url == "https://loa.example.vn" and config.uses_webhooks
    assert (config.language, config.log_format) == ("en", "json")
    assert (config.retention_updates_days, config.retention_after_plan_days) == (7, 0)


def test_a_misspelt_key_is_named_with_the_closest_setting_wherever_it_is(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, toml_file: Callable[[str], Path]
) -> None:
    toml = toml_file("tick_secnds = 3\n")
    (workdir / ".env").write_text("LOA_TELEGRAM_TOKN=abc\n", encoding="utf-8")
    monkeypatch.setenv("LOA_ZALO_MONTH_QUOTA", "10")
    assert problems(workdir) == [
        "Cấu hình sai: LOA_ZALO_MONTH_QUOTA (biến môi trường): Loa không có thiết lập này; "
        "có phải LOA_ZALO_MONTHLY_QUOTA?",
        "Cấu hình sai: LOA_TELEGRAM_TOKN (tệp .env): Loa không có thiết lập này; "
        "có phải LOA_TELEGRAM_TOKEN?",
        f"Cấu hình sai: tick_secnds (tệp {toml}): Loa không có thiết lập này; "
        "có phải tick_seconds?",
    ]


def test_a_key_like_no_setting_points_to_the_table(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOA_XYZ", "1")
    assert problems(workdir) == [
        "Cấu hình sai: LOA_XYZ (biến môi trường): Loa không có thiết lập này "
        "(xem bảng Cấu hình trong README)"
    ]


def test_the_test_suites_own_variables_are_not_settings(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOA_TEST_DATABASE_URL", "postgresql://localhost/x")
    assert load_config(workdir).database_url == "sqlite:///loa.db"


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("LOA_TICK_SECONDS", "abc", "LOA_TICK_SECONDS=abc (biến môi trường): cần một số giây"),
        ("LOA_TICK_SECONDS", "0", "LOA_TICK_SECONDS=0 (biến môi trường): cần một số giây"),
        ("LOA_ZALO_MONTHLY_QUOTA", "2.5", "LOA_ZALO_MONTHLY_QUOTA=2.5 (biến môi trường): cần"),
        ("LOA_LISTEN", "8080", "LOA_LISTEN=8080 (biến môi trường): cần dạng HOST:CỔNG"),
        ("LOA_NOW", "2026-02-02T07:29", "LOA_NOW=2026-02-02T07:29 (biến môi trường): cần"),
        ("LOA_ADMINS", "telegram:1,bob", "LOA_ADMINS=telegram:1,bob (biến môi trường): cần"),
        ("LOA_LANGUAGE", "fr", "LOA_LANGUAGE=fr (biến môi trường): cần vi hoặc en"),
        ("LOA_LOG_FORMAT", "xml", "LOA_LOG_FORMAT=xml (biến môi trường): cần text hoặc json"),
        ("LOA_TELEGRAM_API_URL", "api.telegram.org", "LOA_TELEGRAM_API_URL=api.telegram.org"),
        ("LOA_TELEGRAM_LIMITS", "30/s", "LOA_TELEGRAM_LIMITS=30/s (biến môi trường): cần ba"),
        ("LOA_DATABASE_URL", "loa.db", "LOA_DATABASE_URL=loa.db (biến môi trường): cần một"),
        ("LOA_RETENTION_UPDATES_DAYS", "0", "LOA_RETENTION_UPDATES_DAYS=0 (biến môi trường): cần"),
        ("LOA_RETENTION_AFTER_PLAN_DAYS", "-1", "LOA_RETENTION_AFTER_PLAN_DAYS=-1 (biến môi"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_variable_and_what_it_needs(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(variable, value)
    [problem] = problems(workdir)
    assert problem.startswith(f"Cấu hình sai: {expected}")
    assert "\n" not in problem


def test_a_bad_value_in_dotenv_or_toml_says_which_file(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, toml_file: Callable[[str], Path]
) -> None:
    (workdir / ".env").write_text("LOA_TICK_SECONDS=abc\n", encoding="utf-8")
    toml = toml_file("[loa]\nclaim_lease_seconds = -1\n")
    assert problems(workdir) == [
        "Cấu hình sai: LOA_TICK_SECONDS=abc (tệp .env): cần một số giây lớn hơn 0, ví dụ 5",
        f"Cấu hình sai: claim_lease_seconds=-1 (tệp {toml}): cần một số giây lớn hơn 0, ví dụ 60",
    ]


def test_an_unreadable_toml_file_is_one_line(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOA_CONFIG", str(workdir / "missing.toml"))
    [problem] = problems(workdir)
    assert problem.startswith("Cấu hình sai: LOA_CONFIG: không đọc được tệp TOML")
    (workdir / "bad.toml").write_text("tick_seconds = = 3\n", encoding="utf-8")
    monkeypatch.setenv("LOA_CONFIG", str(workdir / "bad.toml"))
    [problem] = problems(workdir)
    assert "bad.toml" in problem and "\n" not in problem


def test_secrets_are_never_shown_even_when_wrong(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOA_TELEGRAM_TOKEN", TOKEN)
    monkeypatch.setenv("LOA_WEBHOOK_SECRET", "short secret with spaces")
    [problem] = problems(workdir)
    assert problem == (
        "Cấu hình sai: LOA_WEBHOOK_SECRET (biến môi trường): cần 8–256 ký tự A-Z, a-z, 0-9, _ và -"
    )
    monkeypatch.delenv("LOA_WEBHOOK_SECRET")
    config = load_config(workdir)
    assert TOKEN not in repr(config) and TOKEN not in str(config)
    assert config.telegram_token is not None
    assert config.telegram_token.get_secret_value() == TOKEN
    assert config.secret_values() == [TOKEN]


def test_config_built_in_code_reads_nothing_and_refuses_unknown_fields(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOA_TICK_SECONDS", "7")
    assert Config().tick_seconds == 5.0
    with pytest.raises(ValueError, match="telegram_tokn"):
        Config(telegram_tokn="x")  # type: ignore[call-arg]


def test_loa_reports_every_bad_setting_on_its_own_line_and_exits_2(workdir: Path) -> None:
    (workdir / ".env").write_text(
        f"LOA_TICK_SECONDS=abc\nLOA_TELEGRAM_TOKN={TOKEN}\nLOA_ZALO_TOKEN={TOKEN}\n",
        encoding="utf-8",
    )
    result = loa("progress", cwd=workdir)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "Cấu hình sai: LOA_TELEGRAM_TOKN (tệp .env): Loa không có thiết lập này; "
        "có phải LOA_TELEGRAM_TOKEN?",
        "Cấu hình sai: LOA_TICK_SECONDS=abc (tệp .env): cần một số giây lớn hơn 0, ví dụ 5",
    ]
    assert TOKEN not in result.stderr
    assert not (workdir / "loa.db").exists()


def test_loa_run_with_a_bad_setting_stops_before_starting(workdir: Path) -> None:
    (workdir / ".env").write_text("LOA_TICK_SECONDS=7 # faster\nLOA_LISTEN=nowhere\n")
    result = loa("run", cwd=workdir)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "Cấu hình sai: LOA_LISTEN=nowhere (tệp .env): cần dạng HOST:CỔNG, ví dụ 127.0.0.1:8080\n"
    )


def test_the_toml_file_may_be_named_in_dotenv_but_not_in_itself(workdir: Path) -> None:
    (workdir / "loa.toml").write_text("tick_seconds = 9\n", encoding="utf-8")
    (workdir / ".env").write_text(f"LOA_CONFIG={workdir / 'loa.toml'}\n", encoding="utf-8")
    assert load_config(workdir).tick_seconds == 9.0
    (workdir / "loa.toml").write_text("config = 'other.toml'\n", encoding="utf-8")
    [problem] = problems(workdir)
    assert problem.startswith(f"Cấu hình sai: config (tệp {workdir / 'loa.toml'}): Loa không có")
