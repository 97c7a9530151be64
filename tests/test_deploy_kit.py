"""The service kit's settings file (deploy/loa.env.example) is complete and valid.

The unit, the Dockerfile and the compose file cannot run here: deploy/check.sh lints
and validates them (run by .ci/run). What can be checked by running Loa is here.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from bot.config import load_config

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "deploy" / "loa.env.example"
SETTING = re.compile(r"^#?(LOA_[A-Z_]+)=(.*)$")


@pytest.fixture(autouse=True)
def no_settings_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the file is read: none of the developer's LOA_ variables."""
    for name in list(os.environ):
        if name.startswith("LOA_") and not name.startswith("LOA_TEST_"):
            monkeypatch.delenv(name)


def _example_settings() -> dict[str, str]:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    return {match[1]: match[2] for line in lines if (match := SETTING.match(line))}


def test_the_settings_file_lists_every_setting_the_readme_documents():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `(LOA_[A-Z_]+)`", section, flags=re.MULTILINE))

    assert documented and set(_example_settings()) == documented


def test_loa_reads_the_settings_file_as_it_stands(tmp_path: Path):
    (tmp_path / ".env").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")

    config = load_config(tmp_path)

    assert config.database_url == "sqlite:////var/lib/loa/loa.db"
    assert config.telegram_token is None and config.zalo_token is None  # left to fill in
    assert not config.uses_webhooks and config.now is None


def test_every_example_value_is_one_loa_accepts(tmp_path: Path):
    uncommented = "\n".join(f"{name}={value}" for name, value in _example_settings().items())
    (tmp_path / ".env").write_text(uncommented + "\n", encoding="utf-8")

    config = load_config(tmp_path)

    assert config.webhook_base_url == "https://loa.so-vidu.gov.vn"
    assert (config.listen_host, config.listen_port) == ("127.0.0.1", 8080)
    assert config.tick_seconds == 5 and config.claim_lease_seconds == 60
    assert config.zalo_monthly_quota == 3000 and config.now is not None
