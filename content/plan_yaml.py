"""A plan file's text to YAML data, safe on hostile files.

Plan files come from people (copy-pasted from Word, edited on phones) and sometimes
from people who mean harm, and `loa check` must answer either with `FILE:LINE`
problems within seconds. So before ruamel builds anything, the text is checked:

- its size (`MAX_PLAN_BYTES`) and characters (YAML forbids control characters such as
  the NUL a Word copy-paste leaves behind; ruamel stops at the first with a traceback);
- its YAML events, read with ruamel's public event parser, which is iterative: nesting
  deeper than `MAX_DEPTH` (ruamel's composer recurses, so 2,000 levels end in a
  RecursionError), anchors and aliases (a 390-byte "billion laughs" file expands to
  millions of nodes), merge keys `<<` and explicit tags (`!!int abc` makes ruamel's
  constructors raise). A plan needs none of these.

Only then is the text loaded round-trip (for line numbers), with dates left as text and
malformed numbers kept as text, so that the plan loader reports them by line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
)

from content.i18n import N_, _

# A plan of 1,000 units and 100 tasks is about 100 KB (bench/bench_planner.py).
MAX_PLAN_BYTES = 1024 * 1024
# The plan format nests five levels at most; the margin is for flow-style values.
MAX_DEPTH = 20
# Problems found before loading (characters, aliases...) are listed up to this many.
MAX_LISTED = 20

# What YAML 1.2 allows in a stream (ruamel's reader refuses the rest).
_NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_CHARACTER_NAMES = {
    "\x00": "NUL",
    "\x0b": N_("tab dọc"),
    "\x0c": N_("ngắt trang"),
    "\x1b": "ESC",
}

# ruamel's own messages are English; these say what usually causes them.
_YAML_HINTS = {
    "mapping values are not allowed here": N_(
        "có dấu ':' không đúng chỗ (giá trị chứa ': ' thì đặt trong ngoặc kép)"
    ),
    "could not find expected ':'": N_("thiếu dấu ':' sau tên khóa"),
    "found character '\\t' that cannot start any token": N_(
        "YAML không cho dùng phím Tab để thụt lề, hãy dùng dấu cách"
    ),
    "found duplicate key": N_("khóa bị lặp trong cùng một mục"),
    "found unexpected end of stream": N_("chuỗi trong ngoặc kép chưa được đóng"),
    "expected <block end>, but found": N_("thụt lề không thẳng hàng"),
    "did not find expected key": N_("thụt lề không thẳng hàng"),
    "did not find expected '-' indicator": N_("thụt lề của danh sách không thẳng hàng"),
    "expected ',' or ']'": N_("danh sách trong ngoặc vuông chưa được đóng"),
    "expected ',' or '}'": N_("mục trong ngoặc nhọn chưa được đóng"),
}


@dataclass(frozen=True)
class YamlProblem:
    line: int  # 1-based
    message: str


class YamlProblems(Exception):
    """The text cannot be read as a plan's YAML; `problems` says where and why."""

    def __init__(self, problems: list[YamlProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(f"{problem.line}: {problem.message}" for problem in problems))


def too_large_message() -> str:
    return _(
        "tệp kế hoạch lớn hơn giới hạn %(megabytes)d MB (một kế hoạch 1.000 đơn vị, 100 nhiệm "
        "vụ chỉ khoảng 100 KB); hãy kiểm tra xem có chọn nhầm tệp không"
    ) % {"megabytes": MAX_PLAN_BYTES // (1024 * 1024)}


def decode_plan(data: bytes) -> str:
    """The text of a plan file's bytes (UTF-8, with or without a BOM)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise YamlProblems(
            [
                YamlProblem(
                    1,
                    _(
                        "tệp không phải văn bản UTF-8 mà là UTF-16 (Unicode của Notepad); "
                        "hãy lưu lại tệp với bảng mã UTF-8"
                    ),
                )
            ]
        )
    try:
        return data.decode("utf-8")  # ruamel skips a leading BOM itself
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise YamlProblems(
            [
                YamlProblem(
                    line,
                    _(
                        "tệp không phải văn bản UTF-8 (có byte lạ ở dòng này); "
                        "hãy lưu lại tệp với bảng mã UTF-8"
                    ),
                )
            ]
        ) from None


def load_yaml(text: str) -> Any:
    """The data of a plan file's text: mappings and lists that know their lines, dates
    and malformed numbers as text. Raises YamlProblems."""
    if len(text) > MAX_PLAN_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_PLAN_BYTES:
        raise YamlProblems([YamlProblem(1, too_large_message())])
    problems = _unprintable(text)
    if problems:
        raise YamlProblems(problems)  # ruamel's reader would stop at the first
    problems = _refused_events(text)
    if problems:
        raise YamlProblems(problems)
    yaml = YAML(typ="rt")
    yaml.Constructor = _PlanConstructor
    try:
        return yaml.load(text)
    except YAMLError as error:
        raise YamlProblems([_syntax_problem(error)]) from None


def _unprintable(text: str) -> list[YamlProblem]:
    problems: list[YamlProblem] = []
    last_line = 0
    for match in _NOT_PRINTABLE.finditer(text):
        start = match.start()
        line = text.count("\n", 0, start) + 1
        if line == last_line:
            continue  # one problem per line is enough to find them
        if len(problems) == MAX_LISTED:
            problems.append(YamlProblem(line, _("còn những dòng khác có ký tự điều khiển")))
            break
        last_line = line
        column = start - text.rfind("\n", 0, start)
        character = match.group()
        name = _(_CHARACTER_NAMES.get(character, N_("ký tự điều khiển")))
        message = _(
            "có %(name)s (U+%(code)04X) ở cột %(column)d, YAML không cho phép; "
            "thường do sao chép từ Word hoặc PDF: hãy xóa ký tự này"
        ) % {"name": name, "code": ord(character), "column": column}
        problems.append(YamlProblem(line, message))
    return problems


@dataclass
class _Open:
    """A mapping or list whose end has not been read yet."""

    mapping: bool
    children: int = 0  # in a mapping, even counts mean the next node is a key


def _refused_events(text: str) -> list[YamlProblem]:
    """Anchors, aliases, merge keys, tags and nesting past MAX_DEPTH, read from the
    event stream (no tree is built); a syntax error ends the list."""
    problems: list[YamlProblem] = []
    open_nodes: list[_Open] = []
    try:
        for event in YAML(typ="safe", pure=True).parse(text):
            if isinstance(event, CollectionEndEvent):
                open_nodes.pop()
                continue
            if not isinstance(event, NodeEvent):
                continue
            parent = open_nodes[-1] if open_nodes else None
            is_key = parent is not None and parent.mapping and parent.children % 2 == 0
            if parent is not None:
                parent.children += 1
            line = event.start_mark.line + 1
            message = _refusal(event, is_key)
            if message is not None and YamlProblem(line, message) not in problems[-1:]:
                if len(problems) == MAX_LISTED:
                    problems.append(YamlProblem(line, _("còn những chỗ khác như trên")))
                    break
                problems.append(YamlProblem(line, message))
            if isinstance(event, CollectionStartEvent):
                if len(open_nodes) == MAX_DEPTH:
                    message = _(
                        "các mục lồng nhau quá sâu (quá %(depth)d cấp); kế hoạch chỉ cần vài cấp"
                    ) % {"depth": MAX_DEPTH}
                    problems.append(YamlProblem(line, message))
                    break
                open_nodes.append(_Open(mapping=isinstance(event, MappingStartEvent)))
    except YAMLError as error:
        problems.append(_syntax_problem(error))
    return problems


def _refusal(event: NodeEvent, is_key: bool) -> str | None:
    if isinstance(event, AliasEvent):
        return _(
            "tệp kế hoạch không dùng bí danh YAML (*%(anchor)s); "
            "hãy viết đầy đủ giá trị ở mỗi chỗ cần"
        ) % {"anchor": event.anchor}
    if event.anchor is not None:
        return _(
            "tệp kế hoạch không dùng neo YAML (&%(anchor)s); "
            "hãy bỏ neo và viết đầy đủ giá trị ở mỗi chỗ cần"
        ) % {"anchor": event.anchor}
    tag = getattr(event, "tag", None)  # alias events have none
    if tag is not None:
        return _(
            "tệp kế hoạch không dùng thẻ kiểu YAML ('%(tag)s'); hãy bỏ thẻ này "
            "(muốn giá trị là chữ thì đặt nó trong ngoặc kép)"
        ) % {"tag": tag}
    if is_key and isinstance(event, ScalarEvent) and event.style is None and event.value == "<<":
        return _("tệp kế hoạch không dùng khóa gộp YAML '<<'; hãy viết đầy đủ các khóa ở mỗi mục")
    return None


def _syntax_problem(error: YAMLError) -> YamlProblem:
    if not isinstance(error, MarkedYAMLError):
        return YamlProblem(1, _("lỗi cú pháp YAML: %(detail)s") % {"detail": error})
    mark = error.problem_mark or error.context_mark
    if "end of stream" in str(error.problem) or "<stream end>" in str(error.problem):
        # Reported at the end of the file: where the unclosed thing began is more use.
        mark = error.context_mark or mark
    detail = str(error.problem or error.context or error).strip()
    hint = next((vi for en, vi in _YAML_HINTS.items() if detail.startswith(en)), None)
    if hint:
        message = _("lỗi cú pháp YAML: %(hint)s (%(detail)s)") % {"hint": _(hint), "detail": detail}
    else:
        message = _("lỗi cú pháp YAML: %(detail)s") % {"detail": detail}
    return YamlProblem(mark.line + 1 if mark else 1, message)


class _PlanConstructor(RoundTripConstructor):
    """Dates stay text: the loader parses them itself, so '2026-02-30' becomes a problem
    with its line instead of an exception that stops everything. Numbers YAML's
    patterns match but Python cannot read (`0x_`, `1__0`) stay text too, and the loader
    reports them where a number was wanted."""

    def construct_yaml_int(self, node: Any) -> Any:
        try:
            return super().construct_yaml_int(node)
        except (ValueError, IndexError):
            return self.construct_scalar(node)

    def construct_yaml_float(self, node: Any) -> Any:
        try:
            return super().construct_yaml_float(node)
        except (ValueError, IndexError):
            return self.construct_scalar(node)


_PlanConstructor.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda self, node: self.construct_scalar(node)
)
_PlanConstructor.add_constructor("tag:yaml.org,2002:int", _PlanConstructor.construct_yaml_int)
_PlanConstructor.add_constructor("tag:yaml.org,2002:float", _PlanConstructor.construct_yaml_float)
