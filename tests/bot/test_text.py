"""Over-long messages are split at natural boundaries without losing a character, and
links are found in what users write."""

from __future__ import annotations

import random
import unicodedata

import pytest

from bot.channels.text import extract_links, split_text, utf16_length

SAMPLE = (
    "Kỷ niệm 96 năm Ngày thành lập Đảng Cộng sản Việt Nam đăng tin bài tuyên truyền "
    "trên trang thông tin điện tử của đơn vị xác nhận hoàn thành nhiệm vụ 📌 ✅"
)
WORDS = SAMPLE.split()


def exact_spans(text: str, parts: list[str]) -> list[tuple[int, int]]:
    """Where each part lies in the text; fails unless the parts are consecutive slices
    with only whitespace between them."""
    spans = []
    position = 0
    for index, part in enumerate(parts):
        assert part, "an empty part"
        if index > 0:
            while position < len(text) and text[position].isspace():
                position += 1
        assert text.startswith(part, position), f"part {index} is not the next slice"
        spans.append((position, position + len(part)))
        position += len(part)
    assert not text[position:].strip(), "text after the last part"
    return spans


def random_text(rng: random.Random) -> str:
    paragraphs = []
    for _ in range(rng.randint(1, 8)):
        lines = []
        for _ in range(rng.randint(1, 6)):
            words = rng.choices(WORDS, k=rng.randint(1, 40))
            if rng.random() < 0.1:
                words.append("https://example.vn/" + "x" * rng.randint(50, 400))
            lines.append(" ".join(words))
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def test_short_text_is_one_part_and_blank_text_none() -> None:
    assert split_text("xong", 4096) == ["xong"]
    assert split_text("", 10) == []
    assert split_text(" \n\n ", 2) == []
    with pytest.raises(ValueError):
        split_text("abc", 0)


@pytest.mark.parametrize("seed", range(60))
@pytest.mark.parametrize("limit", [40, 120, 1000])
def test_random_texts_lose_nothing_and_fit(seed: int, limit: int) -> None:
    text = random_text(random.Random(seed))
    for measure in (len, utf16_length):
        parts = split_text(text, limit, measure=measure)
        exact_spans(text, parts)
        assert all(measure(part) <= limit for part in parts)


@pytest.mark.parametrize("seed", range(30))
def test_words_are_cut_only_when_longer_than_the_limit(seed: int) -> None:
    text = random_text(random.Random(seed))
    limit = 60
    for _, end in exact_spans(text, split_text(text, limit))[:-1]:
        if text[end].isspace() or text[end - 1].isspace():
            continue  # cut at a boundary
        word_start, word_end = end, end
        while word_start > 0 and not text[word_start - 1].isspace():
            word_start -= 1
        while word_end < len(text) and not text[word_end].isspace():
            word_end += 1
        assert word_end - word_start > limit, text[word_start:word_end]


def test_a_blank_line_is_preferred_to_a_line_break_and_a_space() -> None:
    first = "Đoạn một có nhiều chữ.\nDòng hai của đoạn một."
    second = "Đoạn hai.\nDòng cuối cùng."
    parts = split_text(f"{first}\n\n{second}", len(first) + 12)
    assert parts == [first, second]


def test_a_line_break_is_preferred_to_a_space() -> None:
    lines = ["Dòng thứ nhất của tin", "Dòng thứ hai của tin", "Dòng thứ ba"]
    parts = split_text("\n".join(lines), len(lines[0]) + 10)
    assert parts == lines


def test_an_early_break_does_not_leave_a_tiny_part() -> None:
    text = "Tiêu đề\n\n" + " ".join(["chữ"] * 30)
    parts = split_text(text, 50)
    assert len(parts[0]) > 25  # the blank line at 7 is too early: a space near 50 is used
    exact_spans(text, parts)


def test_a_word_longer_than_the_limit_is_cut_hard() -> None:
    link = "https://example.vn/" + "a" * 90
    parts = split_text(f"Minh chứng: {link} xong", 50)
    assert parts[0] == "Minh chứng:"
    assert "".join(parts[1:-1]) + parts[-1].split()[0] == link
    assert all(len(part) <= 50 for part in parts)


def test_emoji_count_twice_under_the_utf16_measure() -> None:
    text = "📌" * 30
    parts = split_text(text, 20, measure=utf16_length)
    assert [len(part) for part in parts] == [10, 10, 10]
    assert "".join(parts) == text


def test_a_hard_cut_keeps_combining_marks_with_their_letter() -> None:
    word = unicodedata.normalize("NFD", "Nghệ") * 8  # decomposed: letters + marks
    parts = split_text(word, 7)
    assert "".join(parts) == word
    for part in parts[1:]:
        assert not unicodedata.combining(part[0])


def test_links_are_found_in_order_without_trailing_punctuation() -> None:
    text = (
        "Đã đăng tại https://laocai.gov.vn/tin-tuc/bai-1, và (xem www.baolaocai.vn/a?b=1). "
        "Nhắc lại: https://laocai.gov.vn/tin-tuc/bai-1. Trang https://vi.wikipedia.org/wiki/X_(Y)!"
    )
    assert extract_links(text) == [
        "https://laocai.gov.vn/tin-tuc/bai-1",
        "www.baolaocai.vn/a?b=1",
        "https://vi.wikipedia.org/wiki/X_(Y)",
    ]


def test_no_links_in_plain_text() -> None:
    assert extract_links("xong 2, đã đăng trên www. và http:// nhé") == []
