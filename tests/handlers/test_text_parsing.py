"""Reading what admins type in dialogues, with or without diacritics."""

from __future__ import annotations

from datetime import date

from handlers.text import fold, parse_yes_no


def test_fold() -> None:
    assert fold("  Đã   Hoàn Thành ") == "da hoan thanh"
    assert fold("XONG rồi") == "xong roi"


def test_yes_no() -> None:
    assert parse_yes_no("Không", 2026) is not None and not parse_yes_no("Không", 2026).yes  # type: ignore[union-attr]
    answer = parse_yes_no("có, hạn 20/5", 2026)
    assert answer is not None and answer.yes and answer.due == date(2026, 5, 20)
    assert parse_yes_no("co han 01/12/2026", 2026).due == date(2026, 12, 1)  # type: ignore[union-attr]
    assert parse_yes_no("có", 2026).due is None  # type: ignore[union-attr]
    assert parse_yes_no("để sau", 2026) is None
