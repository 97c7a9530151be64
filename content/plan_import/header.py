"""The document's header: who issues it, its number, title, year, province and period.

Vietnamese administrative documents (Nghị định 30/2020/NĐ-CP) open with the issuer's
name in capitals, "Số: 32/KH-UBND", the place and date ("Lào Cai, ngày ... năm 2023"),
"KẾ HOẠCH" and the title; a portal notice instead says "Ủy ban nhân dân tỉnh vừa ban
hành Kế hoạch số 32/KH-UBND ...". Both are read; a blank number ("Số: /KH-UBND", a
draft not yet numbered) is no number.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from datetime import date

from content.plan_import.model import Header
from content.plan_import.text import YEAR_RE, Row, fold, lower_first

_HEAD_LINES = 25  # the header is within the first lines
_NUMBER = re.compile(r"^Số\s*[:.]?\s*(.*)$", re.IGNORECASE)
_NUMBER_VALUE = re.compile(r"^(\d+)\s*/\s*([A-ZĐ][A-ZĐ0-9&\-\s]*[A-ZĐ0-9])")
_ISSUED_NUMBER = re.compile(r"(?:ban hành|ký ban hành) Kế hoạch số\s*(\d+\s*/\s*[A-ZĐ][\w\-]*)")
_PLACE_DATE = re.compile(r"^([A-ZĐ][^,\d]{1,40}),\s*ngày\b.*?năm\s+(\d{4})", re.IGNORECASE)
_ISSUER_VERB = re.compile(
    r"(?:^|[,;:]\s*)((?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân|Sở|Ban|Phòng|Hội|Trung tâm|"
    r"Văn phòng|Chi cục|Cục|Bộ|Đài|Báo)[^,;:]{0,120}?)\s+(?:vừa\s+)?(?:xây dựng|ban hành|"
    r"triển khai)\s+(?:Kế hoạch|kế hoạch)"
)
_TOP_ISSUER = re.compile(r"^(?:ỦY|UỶ) BAN NHÂN DÂN$|^SỞ |^BAN |^UBND ", re.IGNORECASE)
_ADMIN_LEVEL = re.compile(r"^(TỈNH|THÀNH PHỐ|HUYỆN|THỊ XÃ|XÃ|PHƯỜNG|THỊ TRẤN|QUẬN)\s+(.+)$")
_PROVINCE_MENTION = re.compile(r"\btỉnh\s+((?:[A-ZĐ][\wÀ-ỹ]*)(?:\s+[A-ZĐ][\wÀ-ỹ]*){0,2})")
_TITLE_WORD = re.compile(r"^K[ẾE] HO[ẠA]CH$", re.IGNORECASE)
_PERIOD = re.compile(r"(?:giai đoạn|từ|từ năm)?\s*(20\d{2})\s*-\s*(20\d{2})", re.IGNORECASE)
_TIME_LABEL = re.compile(r"^Thời gian(?: thực hiện| tuyên truyền| triển khai)?\s*:", re.IGNORECASE)
_STARTS_BODY = re.compile(r"^(Căn cứ|Thực hiện|Để|Nhằm|Trên cơ sở|I\.)")


def _title_case(name: str) -> str:
    """ "QUẢNG NGÃI" -> "Quảng Ngãi"."""
    return " ".join(word[:1].upper() + word[1:].lower() for word in name.split())


def _top_issuer(rows: list[Row]) -> tuple[str, int] | None:
    """ "ỦY BAN NHÂN DÂN" / "TỈNH QUẢNG NGÃI" at the top -> "Ủy ban nhân dân tỉnh Quảng Ngãi"."""
    texts = [(row.text, row.number) for row in rows if row.text][:_HEAD_LINES]
    for index, (text, number) in enumerate(texts):
        if "CỘNG HÒA" in text.upper() or text.startswith("Số"):
            break
        if not _TOP_ISSUER.match(text) or not text.isupper():
            continue
        name = "Ủy ban nhân dân" if "NHÂN DÂN" in text.upper() else text.capitalize()
        if index + 1 < len(texts):
            below = texts[index + 1][0].split("|")[0].strip()
            level = _ADMIN_LEVEL.match(below)
            if level is not None:
                return f"{name} {level[1].lower()} {_title_case(level[2])}", number
        return name, number
    return None


def _lead_issuer(rows: list[Row]) -> tuple[str, int] | None:
    for row in rows[:60]:
        match = _ISSUER_VERB.search(row.text)
        if match is not None and not row.text.startswith("Căn cứ Kế hoạch"):
            return match.group(1).strip(), row.number
    return None


def _expand(issuer: str, province: str | None) -> str:
    issuer = re.sub(r"^UBND\b", "Ủy ban nhân dân", issuer)
    issuer = issuer.replace("Uỷ ban", "Ủy ban")
    if province and fold(issuer) in ("uy ban nhan dan tinh", "uy ban nhan dan"):
        return f"Ủy ban nhân dân tỉnh {province}"
    if province and issuer.startswith("Sở ") and "tỉnh" not in issuer:
        return f"{issuer} tỉnh {province}"
    return issuer


def _number(rows: list[Row]) -> tuple[str | None, int | None]:
    for row in [row for row in rows if row.text][:_HEAD_LINES]:
        match = _NUMBER.match(row.text.split("|")[0].strip())
        if match is not None:
            value = _NUMBER_VALUE.match(match.group(1).strip())
            if value is None:
                return None, row.number  # "Số: /KH-UBND": not numbered yet
            symbol = re.sub(r"\s+", "", value[2])
            return f"{value[1]}/{symbol}", row.number
    for row in rows[: _HEAD_LINES * 2]:
        match = _ISSUED_NUMBER.search(row.text)
        if match is not None:
            return re.sub(r"\s+", "", match.group(1)), row.number
    return None, None


def _title(rows: list[Row]) -> tuple[str | None, int | None]:
    for index, row in enumerate(rows[: _HEAD_LINES * 2]):
        if _TITLE_WORD.match(row.text):
            parts: list[str] = []
            for below in rows[index + 1 : index + 6]:
                if not below.text:
                    if parts:
                        break
                    continue
                if _STARTS_BODY.match(below.text):
                    break
                parts.append(below.text)
            if parts:
                return "Kế hoạch " + lower_first(" ".join(parts)), row.number + 1
        if row.text.upper().startswith("KẾ HOẠCH ") and len(row.text) > 12:
            return "Kế hoạch " + lower_first(row.text[9:].strip()), row.number
    for row in rows[: _HEAD_LINES * 2]:
        match = re.search(r"ban hành Kế hoạch(?: số\s*\S+)?\s+(.+?)\.?$", row.text)
        if match is not None:
            return "Kế hoạch " + lower_first(match.group(1)), row.number
    return None, None


def _place_and_year(rows: list[Row]) -> tuple[str | None, int | None, int | None]:
    for row in [row for row in rows if row.text][:_HEAD_LINES]:
        for cell in row.text.split("|"):
            match = _PLACE_DATE.match(cell.strip())
            if match is not None:
                return match.group(1).strip(), int(match.group(2)), row.number
    return None, None, None


def _province(
    rows: list[Row], place: str | None, issuer: str | None, resolve: Callable[[str], str | None]
) -> tuple[str | None, str | None]:
    """(slug, name): from the place of issue, the issuer, or the province the text
    names most often ("tỉnh Lào Cai")."""
    candidates: list[str] = []
    if place:
        candidates.append(place)
    if issuer and (match := re.search(r"tỉnh\s+(.+)$", issuer)):
        candidates.append(match.group(1))
    mentions = Counter(
        match.group(1) for row in rows for match in _PROVINCE_MENTION.finditer(row.text)
    )
    candidates += [name for name, _ in mentions.most_common(3)]
    for name in candidates:
        slug = resolve(name)
        if slug is not None:
            return slug, name
    names = [name for name, count in mentions.most_common(1) if count >= 2]
    return None, names[0] if names else None


def _period(rows: list[Row], title: str | None) -> tuple[date, date] | None:
    spans: list[tuple[int, int]] = []
    if title and (match := re.search(r"giai đoạn\s+(20\d{2})\s*-\s*(20\d{2})", title)):
        spans.append((int(match[1]), int(match[2])))
    for row in rows:
        if _TIME_LABEL.match(row.body) and (match := _PERIOD.search(row.body)):
            spans.append((int(match[1]), int(match[2])))
    spans = [(first, last) for first, last in spans if first < last <= first + 10]
    if not spans:
        return None
    return date(min(s[0] for s in spans), 1, 1), date(max(s[1] for s in spans), 12, 31)


def _title_year(title: str) -> int | None:
    """ "... năm 2023" -> 2023; "giai đoạn 2021-2025" -> 2021; "(24/3/1975-24/3/2025)" -> 2025."""
    if match := re.search(r"năm\s+(\d{4})", title):
        return int(match.group(1))
    if match := re.search(r"giai đoạn\s+(\d{4})", title, re.IGNORECASE):
        return int(match.group(1))
    years = YEAR_RE.findall(title)
    return int(years[-1]) if years else None


def _fallback_year(rows: list[Row]) -> int | None:
    """The plan is issued after the documents it carries out: the latest year among the
    dates of its opening "Căn cứ / Thực hiện" lines."""
    years = [
        int(year)
        for row in rows[: _HEAD_LINES * 2]
        if row.text.startswith(("Căn cứ", "Thực hiện"))
        for year in YEAR_RE.findall(row.text)
    ]
    return max(years) if years else None


def read_header(rows: list[Row], resolve: Callable[[str], str | None]) -> Header:
    """The header; `resolve` turns a province's name into a catalogue slug or None."""
    lines: dict[str, int] = {}
    number, number_line = _number(rows)
    title, title_line = _title(rows)
    place, place_year, place_line = _place_and_year(rows)
    found = _top_issuer(rows) or _lead_issuer(rows)
    raw_issuer = found[0] if found else None
    province, province_name = _province(rows, place, raw_issuer, resolve)
    issuer = _expand(raw_issuer, province_name) if raw_issuer else None
    year = _title_year(title) if title else None
    year = year or place_year or _fallback_year(rows)
    for name, value in (("number", number_line), ("title", title_line), ("place", place_line)):
        if value is not None:
            lines[name] = value
    if found:
        lines["issuer"] = found[1]
    return Header(
        issuer=issuer,
        number=number,
        title=title,
        year=year,
        province=province,
        province_name=province_name,
        period=_period(rows, title),
        lines=lines,
    )
