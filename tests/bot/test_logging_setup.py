"""Log lines of `loa run`: ISO local times with their offset, JSON for log collectors,
and secrets redacted in both."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from bot.logging_setup import REDACTED, configure_logging, register_secrets

SECRET = "987654:a-token-nobody-may-read"
ISO_WITH_OFFSET = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+07:00")


@pytest.fixture
def stderr() -> Iterator[io.StringIO]:
    """Where `configure` makes the handler write; the logging set-up is put back after."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    stream = io.StringIO()
    try:
        yield stream
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved[0]:
            root.addHandler(handler)
        root.setLevel(saved[1])


def test_text_lines_start_with_the_local_iso_time_and_its_offset(stderr: io.StringIO) -> None:
    configure_logging("INFO", "text", stderr)
    logging.getLogger("loa").info("Loa is running: channels %s", "telegram")
    line = stderr.getvalue()
    time, level, rest = line.split(" ", 2)
    assert ISO_WITH_OFFSET.fullmatch(time), time
    assert abs(datetime.fromisoformat(time) - datetime.now().astimezone()) < timedelta(minutes=1)
    assert (level, rest) == ("INFO", "loa: Loa is running: channels telegram\n")


def test_json_lines_are_one_object_each_with_level_logger_message_time(
    stderr: io.StringIO,
) -> None:
    configure_logging("INFO", "json", stderr)
    logging.getLogger("loa.engine").warning("recovered %d message(s)", 3)
    logging.getLogger("loa.engine").debug("not shown at INFO")
    [line] = stderr.getvalue().splitlines()
    entry = json.loads(line)
    assert ISO_WITH_OFFSET.fullmatch(entry.pop("time"))
    assert entry == {
        "level": "WARNING",
        "logger": "loa.engine",
        "message": "recovered 3 message(s)",
    }


def test_json_carries_the_exception_on_the_same_line(stderr: io.StringIO) -> None:
    configure_logging("INFO", "json", stderr)
    try:
        raise RuntimeError("Tết không gửi được")
    except RuntimeError:
        logging.getLogger("loa").exception("engine tick failed")
    [line] = stderr.getvalue().splitlines()
    entry = json.loads(line)
    assert entry["message"] == "engine tick failed"
    assert entry["exception"].startswith("Traceback (most recent call last):")
    assert entry["exception"].endswith("RuntimeError: Tết không gửi được")


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_secrets_are_redacted_in_both_formats(stderr: io.StringIO, log_format: str) -> None:
    configure_logging("DEBUG", log_format, stderr)  # type: ignore[arg-type]
    register_secrets([SECRET])
    log = logging.getLogger("httpcore.test")
    log.error("POST https://api.telegram.org/bot%s/sendMessage", SECRET)
    try:
        raise ValueError(f"Invalid token {SECRET}")
    except ValueError:
        log.exception("failed")
    output = stderr.getvalue()
    assert SECRET not in output
    assert output.count(REDACTED) == 2


def test_configuring_again_replaces_the_handler(stderr: io.StringIO) -> None:
    configure_logging("INFO", "text", stderr)
    configure_logging("INFO", "json", stderr)
    logging.getLogger("loa").info("once")
    assert [json.loads(line)["message"] for line in stderr.getvalue().splitlines()] == ["once"]
