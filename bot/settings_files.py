"""Where settings are written, read as they are (no validation): the environment's
`LOA_` variables, the `.env` file, the TOML file named by LOA_CONFIG.

bot/config.py validates them (through pydantic-settings) and uses these raw values to
name unknown keys and say where a bad value came from. The command line reads
LOA_LANGUAGE here before anything else, and without pydantic: `loa lunar` should not
wait for it.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dotenv import dotenv_values

from content.i18n import _

PREFIX = "LOA_"
TOML_VARIABLE = "LOA_CONFIG"
DOTENV = ".env"


class ConfigError(ValueError):
    """Bad settings: `problems` holds one translated line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Place:
    """One place settings come from: its values by upper-case variable name."""

    label: str  # "biến môi trường", "tệp .env" ... (translated)
    values: Mapping[str, Any]
    toml: bool = False

    def shown(self, variable: str) -> str:
        """How the user wrote this setting here: LOA_TICK_SECONDS, or tick_seconds in TOML."""
        return variable.removeprefix(PREFIX).lower() if self.toml else variable


def environment() -> Place:
    values = {name.upper(): value for name, value in os.environ.items()}
    return Place(_("biến môi trường"), {k: v for k, v in values.items() if k.startswith(PREFIX)})


def dotenv(path: Path) -> Place:
    values: dict[str, Any] = {}
    if path.is_file():
        try:
            read = dotenv_values(path, encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError(
                [
                    _("Cấu hình sai: không đọc được tệp %(path)s: %(error)s")
                    % {"path": path, "error": error}
                ]
            ) from None
        values = {k.upper(): v for k, v in read.items() if k.upper().startswith(PREFIX)}
    return Place(_("tệp %(path)s") % {"path": DOTENV}, values)


def toml(path_text: str | None) -> Place:
    """The `[loa]` table of the TOML file, or its top level when it has none."""
    if not path_text:
        return Place("", {}, toml=True)
    path = Path(path_text)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        detail = error.strerror if isinstance(error, OSError) and error.strerror else error
        raise ConfigError(
            [
                _("Cấu hình sai: %(variable)s: không đọc được tệp TOML %(path)s: %(error)s")
                % {"variable": TOML_VARIABLE, "path": path, "error": detail}
            ]
        ) from None
    section = data.get("loa", data)
    if not isinstance(section, dict):
        section = {}
    values = {f"{PREFIX}{str(key).upper()}": value for key, value in section.items()}
    return Place(_("tệp %(path)s") % {"path": path}, values, toml=True)


def places(cwd: Path | None = None) -> list[Place]:
    """The three places, highest precedence first. LOA_CONFIG (the TOML file) may be
    set in the environment or in `.env`."""
    found = [environment(), dotenv((cwd or Path.cwd()) / DOTENV)]
    path = next((p.values[TOML_VARIABLE] for p in found if p.values.get(TOML_VARIABLE)), None)
    return [*found, toml(path)]


def configured_language(cwd: Path | None = None) -> str | None:
    """LOA_LANGUAGE as written, the rest unread: the language of a run is needed
    before its settings can be reported on (in that language)."""
    try:
        found = places(cwd)
    except ConfigError:  # reported in full when the settings are loaded
        found = [environment()]
    for place in found:
        value = place.values.get(f"{PREFIX}LANGUAGE")
        if isinstance(value, str) and value.strip():
            return value.strip().lower()
    return None
