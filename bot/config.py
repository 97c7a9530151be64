"""Configuration: typed settings from the environment, a `.env` file and a TOML file.

Precedence: real environment > `.env` in the working directory > the TOML file named
by LOA_CONFIG (set in either; keys without the `LOA_` prefix, optionally under `[loa]`). Reading is
pydantic-settings' (`.env` through python-dotenv, so `LOA_TICK_SECONDS=7 # faster`
is 7); lists are comma-separated in the environment and `.env`, TOML arrays in TOML.

What pydantic-settings does not do is done here: a `LOA_` key Loa does not know (in
any of the three places) is an error naming the closest known one, and every problem
is one translated line naming the setting and where it came from, never the value of
a secret. `Config(...)` on its own reads nothing (tests build it by hand);
`load_config()` reads the three places.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    NonNegativeInt,
    PositiveFloat,
    PositiveInt,
    SecretStr,
    ValidationError,
    field_validator,
)
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)
from sqlalchemy.engine import make_url

from bot.settings_files import DOTENV, PREFIX, TOML_VARIABLE, ConfigError, Place, places
from content.channels import RateLimits
from content.evidence import MEGABYTE, EvidenceLimits
from content.i18n import N_, _
from content.plan import Address

# Variables the test suite reads (LOA_TEST_DATABASE_URL); never a setting of Loa's.
RESERVED_PREFIX = "LOA_TEST_"
# Both platforms accept a webhook secret of these characters; Zalo wants at least 8.
WEBHOOK_SECRET_PATTERN = r"^[A-Za-z0-9_-]{8,256}$"

# What each setting wants, shown after any problem with it (N_: translated when shown).
EXPECTED: Mapping[str, str] = {
    "database_url": N_("cần một địa chỉ SQLAlchemy, ví dụ sqlite:///loa.db"),
    "telegram_api_url": N_("cần một địa chỉ http:// hoặc https://"),
    "telegram_bot_username": N_("cần tên bot Telegram, ví dụ loa_bot"),
    "telegram_limits": N_("cần ba số dương TOÀN-CỤC/giây,NHÓM/phút,CHAT/giây, ví dụ 30,20,1"),
    "zalo_api_url": N_("cần một địa chỉ http:// hoặc https://"),
    "zalo_monthly_quota": N_("cần một số nguyên lớn hơn 0, ví dụ 3000"),
    "webhook_base_url": N_("cần một địa chỉ https:// công khai"),
    "webhook_secret": N_("cần 8–256 ký tự A-Z, a-z, 0-9, _ và -"),
    "public_url": N_("cần địa chỉ http:// hoặc https:// của trang web, ví dụ https://loa.gov.vn"),
    "listen": N_("cần dạng HOST:CỔNG, ví dụ 127.0.0.1:8080"),
    "admins": N_("cần các địa chỉ telegram:MÃ hoặc zalo:MÃ, cách nhau bằng dấu phẩy"),
    "now": N_("cần một thời điểm ISO có độ lệch múi giờ, ví dụ 2026-02-02T07:29:00+07:00"),
    "tick_seconds": N_("cần một số giây lớn hơn 0, ví dụ 5"),
    "claim_lease_seconds": N_("cần một số giây lớn hơn 0, ví dụ 60"),
    "zalo_quota_reserve": N_("cần một số nguyên từ 0, ví dụ 20"),
    "evidence_dir": N_("cần một thư mục"),
    "evidence_max_file_mb": N_("cần một số megabyte lớn hơn 0, ví dụ 20"),
    "evidence_max_plan_mb": N_("cần một số megabyte lớn hơn 0, ví dụ 2048"),
    "language": N_("cần vi hoặc en"),
    "log_format": N_("cần text hoặc json"),
    "retention_updates_days": N_("cần một số ngày lớn hơn 0, ví dụ 30"),
    "retention_invites_days": N_("cần một số ngày lớn hơn 0, ví dụ 30"),
    "retention_outbox_days": N_("cần một số ngày lớn hơn 0, ví dụ 90"),
    "retention_after_plan_days": N_("cần một số ngày từ 0, ví dụ 365"),
}


def _http_url(value: str) -> str:
    value = value.strip().rstrip("/")
    if not value.startswith(("http://", "https://")) or len(value) <= len("https://"):
        raise ValueError(value)
    return value


class Config(BaseModel):
    """Loa's settings, validated. Tokens and secrets are SecretStr: they show as
    '**********' in repr() and logs; `.get_secret_value()` where a platform needs them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    database_url: str = "sqlite:///loa.db"
    telegram_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    telegram_bot_username: str | None = None
    telegram_limits: Annotated[RateLimits | None, NoDecode] = None
    zalo_token: SecretStr | None = None
    zalo_api_url: str = "https://bot-api.zaloplatforms.com"
    zalo_monthly_quota: PositiveInt = 3000
    webhook_base_url: str | None = None
    webhook_secret: SecretStr | None = None
    listen: Annotated[tuple[str, int], NoDecode] = ("127.0.0.1", 8080)
    public_url: str | None = None  # the web page as browsers reach it (sign-in links)
    admins: Annotated[tuple[Address, ...], NoDecode] = ()
    now: AwareDatetime | None = None
    tick_seconds: PositiveFloat = 5.0
    zalo_quota_reserve: NonNegativeInt = 20
    claim_lease_seconds: PositiveFloat = 60.0
    evidence_dir: str | None = None  # None: evidence/ beside an SQLite database
    evidence_max_file_mb: PositiveFloat = 20.0
    evidence_max_plan_mb: PositiveFloat = 2048.0
    language: Literal["vi", "en"] | None = None
    log_format: Literal["text", "json"] = "text"
    # How long personal data is kept (docs/privacy.md); the daily housekeeping applies it.
    retention_updates_days: PositiveInt = 30
    retention_invites_days: PositiveInt = 30
    retention_outbox_days: PositiveInt = 90
    retention_after_plan_days: NonNegativeInt = 365

    SECRETS: ClassVar[frozenset[str]] = frozenset(
        {"telegram_token", "zalo_token", "webhook_secret"}
    )

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        from sqlalchemy.exc import ArgumentError

        try:
            make_url(value)
        except ArgumentError:
            raise ValueError("not a URL") from None
        return value

    @field_validator("telegram_api_url", "zalo_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        return _http_url(value)

    @field_validator("webhook_base_url", "public_url")
    @classmethod
    def _public_base_url(cls, value: str | None) -> str | None:
        return _http_url(value) if value else None

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.fullmatch(WEBHOOK_SECRET_PATTERN, value.get_secret_value()):
            raise ValueError("webhook secret")  # the value itself is never shown
        return value

    @field_validator("telegram_bot_username")
    @classmethod
    def _username(cls, value: str | None) -> str | None:
        return value.strip().lstrip("@") or None if value else None

    @field_validator("telegram_limits", mode="before")
    @classmethod
    def _limits(cls, value: Any) -> Any:
        return RateLimits.parse(value) if isinstance(value, str) else value

    @field_validator("listen", mode="before")
    @classmethod
    def _listen(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        host, _, port = value.strip().rpartition(":")
        if not host or not port.isdigit() or not 0 <= int(port) <= 65535:
            raise ValueError(value)
        return host.strip("[]"), int(port)

    @field_validator("admins", mode="before")
    @classmethod
    def _admins(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.split(",")
        if isinstance(value, list | tuple):
            return tuple(
                item if isinstance(item, Address) else Address.parse(str(item))
                for item in value
                if not isinstance(item, str) or item.strip()
            )
        return value

    @property
    def listen_host(self) -> str:
        return self.listen[0]

    @property
    def listen_port(self) -> int:
        return self.listen[1]

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

    def secret_values(self) -> list[str]:
        """The configured secrets in clear, for the log redaction."""
        return [
            secret.get_secret_value()
            for name in sorted(self.SECRETS)
            if (secret := getattr(self, name)) is not None
        ]


def setting_names() -> dict[str, str]:
    """Every variable Loa reads -> its field ("LOA_TICK_SECONDS" -> "tick_seconds")."""
    names = {f"{PREFIX}{field.upper()}": field for field in Config.model_fields}
    names[TOML_VARIABLE] = "config"
    return names


# --- loading and reporting -----------------------------------------------------------------


def _unknown(found: list[Place]) -> list[str]:
    settings = [name for name in setting_names() if name != TOML_VARIABLE]
    problems = []
    for place in found:
        # LOA_CONFIG names the TOML file: in the environment or .env, not in the file itself.
        known = set(settings) if place.toml else {*settings, TOML_VARIABLE}
        for variable in place.values:
            if variable in known or variable.startswith(RESERVED_PREFIX):
                continue
            close = difflib.get_close_matches(variable, settings)
            values = {"name": place.shown(variable), "where": place.label}
            if close:
                values["suggestion"] = place.shown(close[0])
                problems.append(
                    _(
                        "Cấu hình sai: %(name)s (%(where)s): Loa không có thiết lập này; "
                        "có phải %(suggestion)s?"
                    )
                    % values
                )
            else:
                problems.append(
                    _(
                        "Cấu hình sai: %(name)s (%(where)s): Loa không có thiết lập này "
                        "(xem bảng Cấu hình trong README)"
                    )
                    % values
                )
    return problems


def _problem(error: Mapping[str, Any], found: list[Place]) -> str:
    field = str(error["loc"][0]) if error["loc"] else ""
    variable = f"{PREFIX}{field.upper()}"
    place = next((p for p in found if variable in p.values), None)
    name = place.shown(variable) if place else variable
    if field not in Config.SECRETS and place is not None:
        name = f"{name}={place.values[variable]}"
    where = f" ({place.label})" if place else ""
    expected = _(EXPECTED[field]) if field in EXPECTED else str(error["msg"])
    if field == "admins" and error["type"] == "value_error":
        # Which entry is wrong matters in a list: the plan loader's words say it.
        expected = f"{expected}: {error['ctx']['error']}"
    return _("Cấu hình sai: %(name)s%(where)s: %(expected)s") % {
        "name": name,
        "where": where,
        "expected": expected,
    }


class _FromEnvironment(BaseSettings, Config):
    """Config as pydantic-settings reads it (see load_config)."""

    model_config = SettingsConfigDict(
        env_prefix=PREFIX,
        env_file=DOTENV,
        env_file_encoding="utf-8",
        env_ignore_empty=True,  # `LOA_WEBHOOK_BASE_URL=` means unset
        extra="ignore",  # unknown LOA_ keys are reported by load_config, others are not ours
        frozen=True,
    )

    def __repr_name__(self) -> str:
        return "Config"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # load_config passes the TOML file's values as arguments: they come last.
        return env_settings, dotenv_settings, init_settings


def load_config(cwd: Path | None = None) -> Config:
    """The settings of this process; ConfigError (one line per problem) when any is bad."""
    found = places(cwd)
    problems = _unknown(found)
    written = next(place for place in found if place.toml).values
    from_toml = {
        field: written[variable]
        for variable, field in setting_names().items()
        if variable in written and variable != TOML_VARIABLE
    }
    try:
        config: Config = _FromEnvironment(_env_file=(cwd or Path.cwd()) / DOTENV, **from_toml)
    except ValidationError as error:
        problems += [_problem(detail, found) for detail in error.errors(include_url=False)]
    if problems:
        raise ConfigError(problems)
    return config
