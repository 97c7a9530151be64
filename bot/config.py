"""Configuration from the environment, a `.env` file, or a TOML file (LOA_CONFIG).

Precedence: real environment > `.env` > TOML. Secrets are kept out of repr() so a
logged Config never shows a token.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from content.evidence import MEGABYTE, EvidenceLimits
from content.plan import Address

SECRET_FIELDS = frozenset({"telegram_token", "zalo_token", "webhook_secret"})


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class Config:
    database_url: str = "sqlite:///loa.db"
    telegram_token: str | None = None
    telegram_api_url: str = "https://api.telegram.org"
    zalo_token: str | None = None
    zalo_api_url: str = "https://bot-api.zaloplatforms.com"
    webhook_base_url: str | None = None
    webhook_secret: str | None = None
    listen_host: str = "127.0.0.1"
    listen_port: int = 8080
    admins: tuple[Address, ...] = ()
    now: datetime | None = None
    tick_seconds: float = 5.0
    zalo_monthly_quota: int = 3000
    zalo_quota_reserve: int = 20
    claim_lease_seconds: float = 60.0
    evidence_dir: str | None = None  # None: evidence/ beside an SQLite database
    evidence_max_file_mb: float = 20.0
    evidence_max_plan_mb: float = 2048.0
    extra: Mapping[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:
        shown = []
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name in SECRET_FIELDS and value:
                value = "***"
            shown.append(f"{item.name}={value!r}")
        return f"Config({', '.join(shown)})"

    @property
    def uses_webhooks(self) -> bool:
        return bool(self.webhook_base_url)

    @property
    def evidence_root(self) -> Path:
        """Where evidence files are kept: LOA_EVIDENCE_DIR, else `evidence/` beside an
        SQLite database file, else (PostgreSQL, in memory) `evidence/` in the working
        directory; several instances on PostgreSQL should share LOA_EVIDENCE_DIR."""
        if self.evidence_dir:
            return Path(self.evidence_dir).expanduser()
        url = make_url(self.database_url)
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            return Path(url.database).expanduser().resolve().parent / "evidence"
        return Path.cwd() / "evidence"

    @property
    def evidence_limits(self) -> EvidenceLimits:
        return EvidenceLimits(
            max_file_bytes=int(self.evidence_max_file_mb * MEGABYTE),
            max_plan_bytes=int(self.evidence_max_plan_mb * MEGABYTE),
        )


def _read_dotenv(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, value = line.split("=", 1)
        values[name.removeprefix("export ").strip()] = value.strip().strip("'\"")
    return values


def _read_toml(path: Path) -> dict[str, str]:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    section = data.get("loa", data)
    return {f"LOA_{name.upper()}": str(value) for name, value in section.items()}


def _parse_admins(text: str) -> tuple[Address, ...]:
    admins = []
    for part in text.split(","):
        if part.strip():
            try:
                admins.append(Address.parse(part.strip()))
            except ValueError as error:
                raise ConfigError(f"LOA_ADMINS: {error}") from None
    return tuple(admins)


def _parse_listen(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        raise ConfigError(f"LOA_LISTEN must be HOST:PORT, got {text!r}")
    return host.strip("[]"), int(port)


def _parse_now(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"LOA_NOW must be an ISO instant, got {text!r}") from None
    if moment.tzinfo is None:
        raise ConfigError("LOA_NOW must carry a UTC offset, e.g. 2026-02-02T07:29:00+07:00")
    return moment


def _positive(text: str | None, name: str, default: float) -> float:
    if text is None:
        return default
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise ConfigError(f"{name} must be a positive number of megabytes, got {text!r}")
    return value


def load_config(environ: Mapping[str, str] | None = None, cwd: Path | None = None) -> Config:
    environ = os.environ if environ is None else environ
    cwd = cwd or Path.cwd()
    merged: dict[str, str] = {}
    toml_path = environ.get("LOA_CONFIG")
    if toml_path:
        merged.update(_read_toml(Path(toml_path)))
    merged.update(_read_dotenv(cwd / ".env"))
    merged.update({name: value for name, value in environ.items() if name.startswith("LOA_")})

    def get(name: str) -> str | None:
        value = merged.get(name)
        return value if value else None

    host, port = _parse_listen(get("LOA_LISTEN") or "127.0.0.1:8080")
    return Config(
        database_url=get("LOA_DATABASE_URL") or Config.database_url,
        telegram_token=get("LOA_TELEGRAM_TOKEN"),
        telegram_api_url=(get("LOA_TELEGRAM_API_URL") or Config.telegram_api_url).rstrip("/"),
        zalo_token=get("LOA_ZALO_TOKEN"),
        zalo_api_url=(get("LOA_ZALO_API_URL") or Config.zalo_api_url).rstrip("/"),
        webhook_base_url=(get("LOA_WEBHOOK_BASE_URL") or "").rstrip("/") or None,
        webhook_secret=get("LOA_WEBHOOK_SECRET"),
        listen_host=host,
        listen_port=port,
        admins=_parse_admins(get("LOA_ADMINS") or ""),
        now=_parse_now(value) if (value := get("LOA_NOW")) else None,
        tick_seconds=float(get("LOA_TICK_SECONDS") or Config.tick_seconds),
        zalo_monthly_quota=int(get("LOA_ZALO_MONTHLY_QUOTA") or Config.zalo_monthly_quota),
        zalo_quota_reserve=int(get("LOA_ZALO_QUOTA_RESERVE") or Config.zalo_quota_reserve),
        claim_lease_seconds=float(get("LOA_CLAIM_LEASE_SECONDS") or Config.claim_lease_seconds),
        evidence_dir=get("LOA_EVIDENCE_DIR"),
        evidence_max_file_mb=_positive(
            get("LOA_EVIDENCE_MAX_FILE_MB"), "LOA_EVIDENCE_MAX_FILE_MB", Config.evidence_max_file_mb
        ),
        evidence_max_plan_mb=_positive(
            get("LOA_EVIDENCE_MAX_PLAN_MB"), "LOA_EVIDENCE_MAX_PLAN_MB", Config.evidence_max_plan_mb
        ),
        extra={k: v for k, v in merged.items() if k.startswith("LOA_")},
    )
