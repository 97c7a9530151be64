"""The fake's reading of formatted text: what users see, entity offsets, what is refused."""

from __future__ import annotations

import pytest

from .telegram_text import EntityParseError, parse_text


def spans(entities: list[dict]) -> list[tuple[str, int, int]]:
    return [(e["type"], e["offset"], e["length"]) for e in entities]


def test_html_offsets_count_utf16_units() -> None:
    plain, entities = parse_text("<b>Chào</b> 👋 <i>bạn</i>", "HTML")
    assert plain == "Chào 👋 bạn"
    assert spans(entities) == [("bold", 0, 4), ("italic", 8, 3)]  # the emoji counts twice


def test_html_entities_and_links() -> None:
    plain, entities = parse_text(
        'a &lt; b &amp;&amp; c &nbsp;<a href="https://example.org/kh">Kế hoạch</a> '
        '<a href="tg://user?id=700000123">Lan</a>',
        "HTML",
    )
    assert plain == "a < b && c &nbsp;Kế hoạch Lan"
    link, mention = entities
    assert (link["type"], link["url"]) == ("text_link", "https://example.org/kh")
    assert (mention["type"], mention["user"]) == ("text_mention", {"id": 700000123})


def test_html_nested_and_spoiler_tags() -> None:
    plain, entities = parse_text(
        '<b>Đậm <i>nghiêng</i></b> <span class="tg-spoiler">ẩn</span> '
        "<blockquote expandable>trích</blockquote>",
        "html",
    )
    assert plain == "Đậm nghiêng ẩn trích"
    assert spans(entities) == [
        ("bold", 0, 11),
        ("italic", 4, 7),
        ("spoiler", 12, 2),
        ("expandable_blockquote", 15, 5),
    ]


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("a < b", "Unclosed start tag at byte offset 2"),
        ("<br>", 'Unsupported start tag "br" at byte offset 0'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("Đã xong</b>", "Unexpected end tag at byte offset 9"),  # Đ and ã take 2 bytes
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("<code>x", 'Can\'t find end tag corresponding to start tag "code"'),
    ],
)
def test_html_refused_like_telegram(text: str, error: str) -> None:
    with pytest.raises(EntityParseError) as refused:
        parse_text(text, "HTML")
    assert str(refused.value) == error


def test_markdown_v2_entities_and_escapes() -> None:
    plain, entities = parse_text(
        "*Nhắc việc* ngày 03/02/2026\\. __gạch__ ~xoá~ ||ẩn|| `mã` [Kế hoạch](https://e.org/k\\)1)",
        "MarkdownV2",
    )
    assert plain == "Nhắc việc ngày 03/02/2026. gạch xoá ẩn mã Kế hoạch"
    assert spans(entities) == [
        ("bold", 0, 9),
        ("underline", 27, 4),
        ("strikethrough", 32, 3),
        ("spoiler", 36, 2),
        ("code", 39, 2),
        ("text_link", 42, 8),
    ]
    assert entities[-1]["url"] == "https://e.org/k)1"


def test_markdown_v2_block_quote_and_pre() -> None:
    plain, entities = parse_text(
        ">Trích dẫn\n>dòng hai\nhết\n```python\nprint(1)\n```", "MarkdownV2"
    )
    assert plain == "Trích dẫn\ndòng hai\nhết\nprint(1)\n"
    assert spans(entities) == [("blockquote", 0, 18), ("pre", 23, 9)]
    assert entities[1]["language"] == "python"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("Hạn chót: 03-02", "Character '-' is reserved"),
        ("Xong!", "Character '!' is reserved"),
        ("*đậm chưa đóng", "Can't find end of the entity starting at byte offset 0"),
    ],
)
def test_markdown_v2_refused_like_telegram(text: str, error: str) -> None:
    with pytest.raises(EntityParseError, match=error):
        parse_text(text, "MarkdownV2")


def test_legacy_markdown_allows_punctuation() -> None:
    plain, entities = parse_text("*Đậm* và _nghiêng_ - ngày 03.02!", "Markdown")
    assert plain == "Đậm và nghiêng - ngày 03.02!"
    assert spans(entities) == [("bold", 0, 3), ("italic", 7, 7)]


def test_plain_text_is_left_alone() -> None:
    assert parse_text("<b>không phải thẻ</b> *x*", None) == ("<b>không phải thẻ</b> *x*", [])
    with pytest.raises(EntityParseError, match="Unsupported parse_mode"):
        parse_text("x", "BBCode")
