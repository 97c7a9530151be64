"""Logging for the running bot, with platform secrets redacted from every record.

Telegram and Zalo put the bot token in the URL path (`.../bot<TOKEN>/sendMessage`), and
libraries log URLs (httpx at INFO) or put the token in exception text (PTB's
InvalidToken). Redaction happens when a record is created, through the log record
factory, rather than in a filter: a filter on a logger does not see records
propagated from its children, and a filter on a handler misses handlers added later
(pytest's caplog, a service manager's). The factory covers every logger and handler.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from urllib.parse import quote

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


def configure_logging(secrets: Iterable[str | None] = (), level: int | str = logging.INFO) -> None:
    """Set up console logging for `loa run`; call once at start-up."""
    register_secrets(secrets)
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # httpx logs every request URL at INFO, and the URL holds the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
