"""argparse in the language of the run: its frame ("usage:", "options", -h) and its
error messages, through Loa's catalogue.

argparse writes its own words in English through `gettext.gettext`, which reads the
process-wide "messages" domain. Rather than install a catalogue there, the parser and
formatter below use argparse's public hooks: the usage prefix (`add_usage`), section
headings (`start_section`), the -h and --version help texts, and `error()`, which gets
argparse's finished English message and matches it against argparse's message
templates (`ARGPARSE_MESSAGES`) to say it again in Vietnamese or English. A message no
template matches is shown as argparse wrote it.

Errors are one line (`loa run: lỗi: …`) and exit 2, as for every bad input in Loa.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Mapping
from typing import Any, NoReturn

from content.i18n import N_, _

# argparse's English messages (Python 3.11-3.13) -> the same message in Loa's
# catalogue (Vietnamese msgid; English comes back from the English catalogue).
ARGPARSE_MESSAGES: Mapping[str, str] = {
    "argument %(argument_name)s: %(message)s": N_("tham số %(argument_name)s: %(message)s"),
    "the following arguments are required: %s": N_("thiếu tham số bắt buộc: %s"),
    "unrecognized arguments: %s": N_("không hiểu tham số: %s"),
    "invalid choice: %(value)r (choose from %(choices)s)": N_(
        "lựa chọn không hợp lệ: %(value)r (chọn một trong: %(choices)s)"
    ),
    "invalid %(type)s value: %(value)r": N_("giá trị %(type)s không hợp lệ: %(value)r"),
    "expected one argument": N_("cần một giá trị"),
    "expected at least one argument": N_("cần ít nhất một giá trị"),
    "expected at most one argument": N_("cần nhiều nhất một giá trị"),
    "ambiguous option: %(option)s could match %(matches)s": N_(
        "tùy chọn %(option)s chưa rõ: có thể là %(matches)s"
    ),
    "not allowed with argument %s": N_("không dùng được cùng tham số %s"),
    "one of the arguments %s is required": N_("cần một trong các tham số %s"),
    "ignored explicit argument %r": N_("giá trị thừa: %r"),
    "can't open '%(filename)s': %(error)s": N_("không mở được '%(filename)s': %(error)s"),
}
SECTION_HEADINGS: Mapping[str, str] = {
    "positional arguments": N_("tham số"),
    "options": N_("tùy chọn"),
    "optional arguments": N_("tùy chọn"),  # Python before 3.10 called them so
}
USAGE_PREFIX = N_("cách dùng: ")
HELP_TEXT = N_("hiện trợ giúp này rồi thoát")
VERSION_TEXT = N_("hiện phiên bản rồi thoát")
ERROR_LINE = N_("%(prog)s: lỗi: %(message)s (xem: %(prog)s --help)")

_PLACEHOLDER = re.compile(r"%\((\w+)\)[sr]|%[sr]")


def _pattern(template: str) -> re.Pattern[str]:
    """A regex matching what `template % values` produced, capturing the values."""
    parts: list[str] = []
    position = 0
    for index, match in enumerate(_PLACEHOLDER.finditer(template)):
        parts.append(re.escape(template[position : match.start()]))
        parts.append(f"(?P<{match.group(1) or f'_{index}'}>.*?)")
        position = match.end()
    parts.append(re.escape(template[position:]))
    return re.compile("".join(parts), re.DOTALL)


_PATTERNS = [(_pattern(english), ours) for english, ours in ARGPARSE_MESSAGES.items()]


def translate_message(message: str) -> str:
    """argparse's English `message` in the language of the run (nested messages too:
    "argument --format: invalid choice: …")."""
    for pattern, ours in _PATTERNS:
        found = pattern.fullmatch(message)
        if found is None:
            continue
        values = found.groupdict()
        if "message" in values:
            values["message"] = translate_message(values["message"])
        translated = _(ours)
        # Values were formatted already (a %r is quoted); put them back as text.
        plain = re.sub(r"%\((\w+)\)r", r"%(\1)s", translated)
        if any(name.startswith("_") for name in values):
            return plain.replace("%r", "%s") % tuple(values.values())
        return plain % values
    return message


class LoaHelpFormatter(argparse.HelpFormatter):
    def add_usage(
        self,
        usage: str | None,
        actions: Any,
        groups: Any,
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, _(USAGE_PREFIX) if prefix is None else prefix)

    def start_section(self, heading: str | None) -> None:
        if heading is not None and heading in SECTION_HEADINGS:
            heading = _(SECTION_HEADINGS[heading])
        super().start_section(heading)


class LoaArgumentParser(argparse.ArgumentParser):
    """ArgumentParser speaking the language of the run; sub-parsers are of this class
    too (argparse makes them of the parent's class)."""

    def __init__(self, *, add_help: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", LoaHelpFormatter)
        super().__init__(add_help=False, **kwargs)
        if add_help:
            self.add_argument("-h", "--help", action="help", help=_(HELP_TEXT))

    def add_version(self, version: str) -> None:
        self.add_argument("--version", action="version", version=version, help=_(VERSION_TEXT))

    def error(self, message: str) -> NoReturn:
        line = _(ERROR_LINE) % {"prog": self.prog, "message": translate_message(message)}
        print(line, file=sys.stderr)
        sys.exit(2)
