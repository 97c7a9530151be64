"""Plan files that would crash or hang a YAML library: control characters, merge keys,
deep nesting, alias bombs, huge or non-UTF-8 files. Each gets `FILE:LINE` problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from content.plan_loader import PlanError, load_plan, parse_plan
from content.plan_yaml import MAX_DEPTH, MAX_LISTED, MAX_PLAN_BYTES
from tests.content.test_plan_loader import HEAD, ONE_TASK

REPO = Path(__file__).resolve().parents[2]
SAMPLE = (REPO / "content" / "plans" / "sample-sldtbxh-laocai-2026.yaml").read_text("utf-8")

VALID = HEAD + ONE_TASK  # units on lines 5-14, the task on lines 15-19

# The classic "billion laughs": nine aliases of nine aliases ... of nine strings.
ALIAS_BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{name}: &{name} [{','.join([f'*{previous}'] * 9)}]\n"
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
)


def problems(text: str) -> list[tuple[int, str]]:
    with pytest.raises(PlanError) as caught:
        parse_plan(text, source_name="plan.yaml")
    assert all(problem.file == "plan.yaml" for problem in caught.value.problems)
    return [(problem.line, problem.message) for problem in caught.value.problems]


def test_the_valid_plan_these_tests_start_from_loads() -> None:
    assert parse_plan(VALID).id == "ke-hoach-thu"


def test_a_nul_pasted_from_word_is_reported_on_its_line_and_column() -> None:
    text = VALID.replace("title: Báo cáo", "title: Báo\x00 cáo")
    assert problems(text) == [
        (
            17,
            "có NUL (U+0000) ở cột 15, YAML không cho phép; thường do sao chép từ Word hoặc "
            "PDF: hãy xóa ký tự này",
        )
    ]


def test_every_line_with_control_characters_is_listed_once() -> None:
    text = VALID.replace("Văn phòng", "Văn\x0b phòng\x0c").replace("year: 2026", "year: \x1b2026")
    assert [(line, message.split(" ở cột")[0]) for line, message in problems(text)] == [
        (4, "có ESC (U+001B)"),
        (7, "có tab dọc (U+000B)"),
    ]


def test_a_file_full_of_control_characters_lists_the_first_lines_only() -> None:
    found = problems("\x00\n" * 1000)
    assert len(found) == MAX_LISTED + 1
    assert found[-1] == (MAX_LISTED + 1, "còn những dòng khác có ký tự điều khiển")


def test_a_merge_key_is_refused_on_its_line() -> None:
    text = VALID.replace("  title: Kế hoạch thử\n", "  <<: {title: Kế hoạch thử}\n")
    assert problems(text) == [
        (3, "tệp kế hoạch không dùng khóa gộp YAML '<<'; hãy viết đầy đủ các khóa ở mỗi mục")
    ]


def test_a_quoted_merge_key_is_an_ordinary_unknown_key() -> None:
    text = VALID.replace("  title: Kế hoạch thử\n", '  title: Kế hoạch thử\n  "<<": 1\n')
    ((line, message),) = problems(text)
    assert line == 4
    assert message.startswith("plan: khóa '<<' không hợp lệ")


def test_anchors_and_aliases_are_refused_where_they_are_written() -> None:
    text = VALID.replace("owners: [all]", "owners: &chu-tri [all]") + (
        "  - id: tong-ket\n    title: Tổng kết\n    owners: *chu-tri\n    due: 2026-12-15\n"
    )
    assert problems(text) == [
        (
            18,
            "tệp kế hoạch không dùng neo YAML (&chu-tri); hãy bỏ neo và viết đầy đủ giá trị "
            "ở mỗi chỗ cần",
        ),
        (
            22,
            "tệp kế hoạch không dùng bí danh YAML (*chu-tri); "
            "hãy viết đầy đủ giá trị ở mỗi chỗ cần",
        ),
    ]


def test_an_alias_bomb_is_refused_line_by_line() -> None:
    assert len(ALIAS_BOMB) < 400
    found = problems(ALIAS_BOMB)
    assert found[0] == (
        1,
        "tệp kế hoạch không dùng neo YAML (&a); hãy bỏ neo và viết đầy đủ giá trị ở mỗi chỗ cần",
    )
    assert {line for line, _ in found} == set(range(1, 10))  # each line once per kind


@pytest.mark.parametrize(
    ("nesting", "line"),
    [
        ("plan: " + "[" * 2000 + "]" * 2000 + "\n", 1),
        ("".join(" " * depth + "a:\n" for depth in range(1000)), MAX_DEPTH + 1),  # 0.5 MB
        ("plan: " + "{a: " * 2000 + "1" + "}" * 2000 + "\n", 1),
    ],
    ids=["flow lists", "block mappings", "flow mappings"],
)
def test_deep_nesting_is_refused_without_recursion(nesting: str, line: int) -> None:
    assert problems(nesting) == [
        (line, f"các mục lồng nhau quá sâu (quá {MAX_DEPTH} cấp); kế hoạch chỉ cần vài cấp")
    ]


@pytest.mark.parametrize("tagged", ["!!int abc", "!!bool maybe", "!!float x", "!!binary x", "!x y"])
def test_explicit_yaml_tags_are_refused(tagged: str) -> None:
    tag = tagged.split()[0].replace("!!", "tag:yaml.org,2002:")
    text = VALID.replace("title: Báo cáo kết quả", f"title: {tagged}")
    assert problems(text) == [
        (
            17,
            f"tệp kế hoạch không dùng thẻ kiểu YAML ('{tag}'); hãy bỏ thẻ này "
            "(muốn giá trị là chữ thì đặt nó trong ngoặc kép)",
        )
    ]


@pytest.mark.parametrize("number", ["0x_", "0o_", "0b_", "1" * 5000])
def test_numbers_python_cannot_read_are_reported_where_a_number_is_wanted(number: str) -> None:
    ((line, message),) = problems(VALID.replace("year: 2026", f"year: {number}"))
    assert line == 4
    assert message.startswith("plan, year: năm của kế hoạch phải là số nguyên từ 1901 đến 2099")
    assert len(message) < 400  # the value is quoted cut short


def test_a_utf8_bom_is_accepted() -> None:
    assert parse_plan("\ufeff" + VALID).id == "ke-hoach-thu"


def test_a_file_with_a_bom_loads(tmp_path: Path) -> None:
    path = tmp_path / "ke-hoach.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"))
    assert load_plan(path).id == "sldtbxh-laocai-2026"


def test_invalid_utf8_is_reported_on_its_line(tmp_path: Path) -> None:
    path = tmp_path / "ke-hoach.yaml"
    path.write_bytes(VALID.encode("utf-8").replace("Văn phòng".encode(), b"V\xe3n ph\xf2ng"))
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    assert [str(problem) for problem in caught.value.problems] == [
        f"{path}:7: tệp không phải văn bản UTF-8 (có byte lạ ở dòng này); "
        "hãy lưu lại tệp với bảng mã UTF-8"
    ]


def test_a_utf16_file_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "ke-hoach.yaml"
    path.write_bytes(VALID.encode("utf-16"))
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    ((problem),) = caught.value.problems
    assert (problem.line, problem.message) == (
        1,
        "tệp không phải văn bản UTF-8 mà là UTF-16 (Unicode của Notepad); "
        "hãy lưu lại tệp với bảng mã UTF-8",
    )


def test_a_file_over_the_size_limit_is_refused_before_it_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "ke-hoach.yaml"
    path.write_text(VALID + "#" * MAX_PLAN_BYTES, encoding="utf-8")
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    ((problem),) = caught.value.problems
    assert problem.line == 1
    assert problem.message.startswith("tệp kế hoạch lớn hơn giới hạn 1 MB")
    with pytest.raises(PlanError) as caught:
        parse_plan("#" * (MAX_PLAN_BYTES // 2) + "ố" * (MAX_PLAN_BYTES // 4))  # 1.25 MB
    assert caught.value.problems[0].message.startswith("tệp kế hoạch lớn hơn giới hạn 1 MB")


def test_a_plan_just_under_the_size_limit_still_loads() -> None:
    filler = "# " + "x" * 98 + "\n"
    text = VALID + filler * ((MAX_PLAN_BYTES - len(VALID.encode())) // len(filler))
    assert MAX_PLAN_BYTES - 100 < len(text.encode()) <= MAX_PLAN_BYTES
    assert parse_plan(text).id == "ke-hoach-thu"
