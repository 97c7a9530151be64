"""Logging for the running bot, with platform secrets redacted from every record.

Telegram and Zalo put the bot token in the URL path (`.../bot<TOKEN>/sendMessage`), and
libraries log URLs (httpx at INFO) or put the token in exception text (PTB's
InvalidToken). Redaction happens when a record is created, through the log record
factory, rather than in a filter: a filter on a logger does not see records
propagated from its children, and a filter on a handler misses handlers added later
(pytest's caplog, a service manager's). The factory covers every logger and handler.

Lines carry ISO 8601 local times with their offset (`2026-02-02T07:30:00.123+07:00`);
LOA_LOG_FORMAT=json writes one JSON object per line instead (time, level, logger,
message, exception), for log collectors. Both are redacted the same way.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import datetime
from typing import Literal, TextIO
from urllib.parse import quote

from content.dates import LOCAL_TZ

REDACTED = "<redacted>"

_secrets: set[str] = set()
_pattern: re.Pattern[str] | None = None
_previous_factory = logging.getLogRecordFactory()
_installed = False


def register_secrets(secrets: Iterable[str | None]) -> None:
    """Redact these strings (and their URL-encoded forms) from all later log records."""
    global _pattern, _installed
    added = False
    for secret in secrets:
        # Very short values would redact ordinary words; real tokens are long.
        if secret and len(secret) >= 6:
            for form in {secret, quote(secret, safe="")}:
                if form not in _secrets:
                    _secrets.add(form)
                    added = True
    if added:
        # Longest first so a secret containing another is replaced whole.
        ordered = sorted(_secrets, key=len, reverse=True)
        _pattern = re.compile("|".join(re.escape(secret) for secret in ordered))
    if not _installed:
        logging.setLogRecordFactory(_redacting_factory)
        _installed = True


def redact(text: str) -> str:
    """The text with every registered secret replaced by a marker."""
    if _pattern is None or not text:
        return text
    return _pattern.sub(REDACTED, text)


def _redacting_factory(*args: object, **kwargs: object) -> logging.LogRecord:
    record = _previous_factory(*args, **kwargs)
    if _pattern is None:
        return record
    try:
        message = record.getMessage()
    except Exception:  # a bad format string is the logging module's to report
        return record
    cleaned = redact(message)
    if cleaned != message:
        record.msg, record.args = cleaned, None
    if record.exc_info and record.exc_info[0] is not None:
        # Formatters reuse exc_text when set, so the traceback is formatted once, redacted.
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    return record


LogFormat = Literal["text", "json"]
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def _local_time(record: logging.LogRecord) -> str:
    moment = datetime.fromtimestamp(record.created, LOCAL_TZ)
    return moment.isoformat(timespec="milliseconds")


class TextFormatter(logging.Formatter):
    """`TIME LEVEL LOGGER: MESSAGE`, the time in ISO 8601 with its offset."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return _local_time(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": _local_time(record),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = redact(record.exc_text)
        if record.stack_info:
            entry["stack"] = redact(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(
    level: int | str = logging.INFO, log_format: LogFormat = "text", stream: TextIO | None = None
) -> None:
    """Console logging (stderr, or `stream`) for `loa run`, replacing any earlier set-up."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    root = logging.getLogger()
    for previous in list(root.handlers):
        root.removeHandler(previous)
    root.addHandler(handler)
    root.setLevel(level)
    # httpx logs every request URL at INFO, and the URL holds the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    # APScheduler logs every wake-up at INFO; only its problems are worth reading.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # Alembic logs its plugins and migration context at INFO on every start.
    logging.getLogger("alembic").setLevel(logging.WARNING)
