"""Reading what staff type: with or without diacritics, numbers in any separator."""

from __future__ import annotations

from datetime import date

import pytest

from handlers.text import fold, parse_done, parse_numbers, parse_yes_no, urls_in


def test_fold() -> None:
    assert fold("  Đã   Hoàn Thành ") == "da hoan thanh"
    assert fold("XONG rồi") == "xong roi"


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("xong", ()),
        ("Xong!", ()),
        ("đã xong", ()),
        ("DA XONG 2", (2,)),
        ("xong 1 3", (1, 3)),
        ("xong 1,3", (1, 3)),
        ("xong 1, 3 và 4", (1, 3, 4)),
        ("hoan thanh viec 2", (2,)),
        ("Hoàn thành 2 rồi ạ", (2,)),
        ("done 2 https://example.vn/a-1 ", (2,)),
        ("@Loa xong 2", (2,)),
        ("xong 2 2", (2,)),
    ],
)
def test_done_messages(text: str, numbers: tuple[int, ...]) -> None:
    parsed = parse_done(text)
    assert parsed is not None
    assert parsed.numbers == numbers


@pytest.mark.parametrize(
    "text", ["", "xongg", "chưa xong", "xong chưa?", "sắp xong rồi", "hoàn thành kế hoạch"]
)
def test_not_done_messages(text: str) -> None:
    assert parse_done(text) is None


def test_numbers_and_links() -> None:
    assert parse_numbers(["1,3", "4"]) == (1, 3, 4)
    assert parse_numbers([]) == ()
    assert parse_numbers(["hai"]) is None
    assert urls_in("xem https://a.vn/x, và http://b.vn.") == ["https://a.vn/x", "http://b.vn"]


def test_yes_no() -> None:
    assert parse_yes_no("Không", 2026) is not None and not parse_yes_no("Không", 2026).yes  # type: ignore[union-attr]
    answer = parse_yes_no("có, hạn 20/5", 2026)
    assert answer is not None and answer.yes and answer.due == date(2026, 5, 20)
    assert parse_yes_no("co han 01/12/2026", 2026).due == date(2026, 12, 1)  # type: ignore[union-attr]
    assert parse_yes_no("có", 2026).due is None  # type: ignore[union-attr]
    assert parse_yes_no("để sau", 2026) is None
