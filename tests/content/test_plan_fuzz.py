"""Fuzzing the plan loader: the sample plan and the documented example, mutated the
ways people and attackers break YAML (characters pasted from Word, stray brackets,
anchors, tags, deleted or duplicated lines...). Whatever the text, `parse_plan`
returns a Plan or raises PlanError whose problems name the file and a line in it,
within a few seconds: never another exception, never a hang."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st

from content.plan import Plan
from content.plan_loader import PlanError, parse_plan
from tests.content.test_plan_hostile import ALIAS_BOMB
from tests.fuzzing import fuzz_settings

REPO = Path(__file__).resolve().parents[2]
SAMPLE = (REPO / "content" / "plans" / "sample-sldtbxh-laocai-2026.yaml").read_text("utf-8")
_DOC = (REPO / "docs" / "plan-format.md").read_text(encoding="utf-8")
_EXAMPLE = re.search(r"<!-- full-example -->\n```yaml\n(.*?)```", _DOC, re.DOTALL)
assert _EXAMPLE is not None
SEEDS = (SAMPLE, _EXAMPLE.group(1))

# What breaks YAML files in practice, and what breaks YAML libraries.
HOSTILE = (
    "\x00", "\x0b", "\x1b", "\x7f", "\x85", "\u2028", "\ufeff", "\ufffe", "\t", "\r",
    "\n", "  ", "\n\n", ": ", "- ", "? ", "#", '"', "'", "|", ">", "[", "]", "{", "}",
    ",", "&a ", "*a", "&a [x, y] ", "<<: ", "<<: {id: x}\n", "!!int ", "!!bool ",
    "!!python/object:os.system ", "! ", "!x ", "%YAML 1.1\n", "%TAG ! !x\n", "---\n",
    "...\n", "0x_", "0o_", "1__0", "1e999", "-.inf", ".nan", "2026-02-30", "99:99",
    "-1", "~", "null", "yes", "on", "=", "[" * 40, "{a: " * 30, "- " * 30,
    "telegram:", "zalo:-1", "{ordinal}", "{x}", "per_anniversary: ", "repeat: ",
    "owners: ", "due: ", "id: ", "tasks:\n", "units:\n", "plan:\n",
)  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """One change to `text`: an insertion, a deletion, or a copy of one part elsewhere."""
    at = draw(st.integers(0, len(text)))
    kind = draw(st.sampled_from(("insert", "insert", "delete", "copy", "line")))
    if kind == "insert":
        piece = draw(st.sampled_from(HOSTILE) | st.text(max_size=12))
        return text[:at] + piece + text[at:]
    if kind == "delete":
        return text[:at] + text[at + draw(st.integers(1, 200)) :]
    if kind == "copy":
        start = draw(st.integers(0, len(text)))
        piece = text[start : start + draw(st.integers(1, 400))]
        return text[:at] + piece + text[at:]
    lines = text.splitlines(keepends=True) or [""]
    index = draw(st.integers(0, len(lines) - 1))
    lines.insert(draw(st.integers(0, len(lines))), lines.pop(index))  # move a line
    return "".join(lines)


@st.composite
def plan_texts(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 6))):
        text = draw(mutated(text))
    return text


@fuzz_settings(examples=200, seconds_per_case=10)
@given(plan_texts())
@example("")
@example(SAMPLE.replace("plan:", "plan:\x00", 1))
@example(SAMPLE.replace("  title:", "  <<: {id: x}\n  title:", 1))
@example(SAMPLE.replace("plan:", "plan: " + "[" * 2000 + "]" * 2000 + "\nx:", 1))
@example(ALIAS_BOMB)
def test_any_text_gives_a_plan_or_problems_with_file_and_line(text: str) -> None:
    try:
        plan = parse_plan(text, source_name="ke-hoach.yaml")
    except PlanError as error:
        last_line = len(text.splitlines()) + 1
        assert error.problems
        for problem in error.problems:
            assert problem.file == "ke-hoach.yaml"
            assert 1 <= problem.line <= last_line, problem
            assert problem.message.strip(), problem
            assert len(problem.message) < 2000, problem  # values are quoted cut short
        assert str(error).startswith("ke-hoach.yaml:")
    else:
        assert isinstance(plan, Plan)
