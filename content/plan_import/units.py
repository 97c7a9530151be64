"""Unit names: recognising "Sở Thông tin và Truyền thông" at the start of a sentence,
splitting "Báo Quảng Ngãi, Đài Phát thanh và Truyền hình tỉnh" into its units (but not
"Sở Văn hóa, Thể thao và Du lịch"), and reading chủ trì / phối hợp."""

from __future__ import annotations

import re

from content.plan_import.text import fold, upper_first

# Words a unit's name starts with. Matched case-sensitively: in running text a verb
# is lower case ("chỉ đạo") while a name is capitalised ("Ban Chỉ đạo").
_HEADS = (
    "Sở",
    "Phòng",
    "Văn phòng",
    "Ban",
    "Ủy ban",
    "Uỷ ban",
    "UBND",
    "Hội đồng",
    "Hội",
    "Báo",
    "Đài",
    "Trung tâm",
    "Công an",
    "Bộ Chỉ huy",
    "Ban Chỉ huy",
    "Bộ",
    "Cổng",
    "Công thông tin",  # a common typo of "Cổng thông tin"
    "Thanh tra",
    "Chi cục",
    "Cục",
    "Tỉnh đoàn",
    "Huyện đoàn",
    "Thành đoàn",
    "Đoàn",
    "Liên đoàn",
    "Mặt trận",
    "Kho bạc",
    "Bảo hiểm xã hội",
    "Tạp chí",
    "Tỉnh ủy",
    "Tỉnh uỷ",
    "Huyện ủy",
    "Thành ủy",
    "Đảng ủy",
    "Thường trực",
    "Công chức",
    "Bộ phận",
    "Viện",
    "Trường",
    "Bệnh viện",
    "Cơ sở",
)
# "Các sở, ban, ngành", "các cơ quan, đơn vị": a group of units, not "Các hoạt động".
_GROUP = (
    r"(?:[Cc]ác|[Tt]ất cả các) (?:sở|phòng|đơn vị|cơ quan|ban|ngành|địa phương|huyện|xã|"
    r"phường|trường|hội|đoàn thể|tổ chức|cấp|thôn|tổ dân phố|doanh nghiệp|trung tâm|báo|đài)"
)
HEAD_RE = re.compile(
    r"(?:{}|{})(?=[\s,]|$)".format("|".join(re.escape(head) for head in _HEADS), _GROUP)
)
# Verbs and phrases that end a unit's name at the start of a sentence.
_VERBS = (
    "báo cáo",
    "xây dựng",
    "tổ chức",
    "chủ trì",
    "phối hợp",
    "thực hiện",
    "triển khai",
    "đăng tải",
    "đăng",
    "gửi",
    "tham mưu",
    "chỉ đạo",
    "hướng dẫn",
    "tuyên truyền",
    "cung cấp",
    "theo dõi",
    "tổng hợp",
    "làm tốt",
    "sử dụng",
    "căn cứ",
    "định hướng",
    "nâng cao",
    "tăng cường",
    "chủ động",
    "quán triệt",
    "phát huy",
    "bố trí",
    "rà soát",
    "kiểm tra",
    "đề xuất",
    "có trách nhiệm",
    "chịu trách nhiệm",
    "tích cực",
    "duy trì",
    "biên soạn",
    "phát động",
    "treo",
    "vận động",
    "ứng dụng",
    "tiếp tục",
    "đẩy mạnh",
    "nghiêm túc",
    "khẩn trương",
    "hằng năm",
    "hàng năm",
    "hằng quý",
    "hàng quý",
    "hằng tháng",
    "hàng tháng",
    "định kỳ",
    "trước ngày",
    "thường xuyên",
    "lồng ghép",
    "mở",
    "là",
    "thông báo",
    "quản lý",
    "cập nhật",
)
_VERB_RE = re.compile(
    r"\s(?:{})(?=[\s,.;:]|$)".format("|".join(re.escape(verb) for verb in _VERBS))
)
_LEADS = re.compile(r"^(?:Đề nghị|đề nghị|Giao|giao|Yêu cầu|yêu cầu)\s+")
# Not a unit one can remind: "các đơn vị liên quan".
_VAGUE = re.compile(
    r"^cac (?:co quan|don vi|co quan, don vi|co quan, don vi, dia phuong)(?: co)? lien quan$"
)
# Every unit of the plan: "Các cơ quan, đơn vị, địa phương".
_EVERYONE = re.compile(
    r"^(?:cac|tat ca cac) (?:co quan, don vi, dia phuong|co quan, don vi|co quan, dia phuong"
    r"|phong, don vi(?: thuoc so)?|don vi)$"
)


def is_vague(name: str) -> bool:
    return bool(_VAGUE.match(fold(name)))


def is_everyone(name: str) -> bool:
    return bool(_EVERYONE.match(fold(name)))


def starts_with_unit(text: str) -> bool:
    text = _LEADS.sub("", text.strip())
    return bool(HEAD_RE.match(text))


def leading_unit(text: str) -> tuple[str, str] | None:
    """(the units named at the start of `text`, the rest), or None.

    "Các phòng chuyên môn, đơn vị sự nghiệp trực thuộc Sở báo cáo kết quả ..." ->
    ("Các phòng chuyên môn, đơn vị sự nghiệp trực thuộc Sở", "báo cáo kết quả ...")."""
    stripped = _LEADS.sub("", text.strip())
    if not starts_with_unit(stripped):
        return None
    end = len(stripped)
    for stop in (":", "(", " - ", "./."):
        position = stripped.find(stop)
        if 0 < position < end:
            end = position
    verb = _VERB_RE.search(stripped, 0, end)
    if verb is not None:
        end = verb.start()
    names = stripped[:end].strip(" ,.;:")
    rest = stripped[end:].strip(" :")
    if not names or len(names.split()) > 25:
        return None
    return names, rest


def split_units(text: str) -> list[str]:
    """The units of a list, as written: vague ones ("các đơn vị liên quan") left out."""
    found: list[str] = []
    for part in re.split(r";", text):
        pieces = re.split(r"(,\s*|\s+và\s+|\s*&\s*)", part)
        current = ""
        for index in range(0, len(pieces), 2):
            piece = pieces[index].strip()
            joiner = pieces[index - 1] if index else ""
            if current and HEAD_RE.match(piece):
                found.append(current)
                current = piece
            else:
                current = f"{current}{joiner}{piece}" if current else piece
        if current:
            found.append(current)
    names: list[str] = []
    for name in found:
        name = unit_name(name)
        if name and not is_vague(name) and fold(name) not in {fold(n) for n in names}:
            names.append(name)
    return names


def unit_name(text: str) -> str:
    """A unit's name tidied: no lead word ("Đề nghị"), no end punctuation, capitalised."""
    text = _LEADS.sub("", text.strip())
    text = re.sub(r"\s*\((?:nếu có|qua [^)]*)\)\s*$", "", text)
    return upper_first(text.strip(" ,.;:-"))


def cooperating_in(text: str) -> list[str]:
    """Units named after "phối hợp với" / "phối hợp" in a sentence."""
    match = re.search(r"phối hợp(?: chặt chẽ)?(?: với)?\s+(.+)", text, re.IGNORECASE)
    if match is None:
        return []
    tail = match.group(1)
    verb = _VERB_RE.search(tail)
    end = min(
        (
            pos
            for pos in (tail.find(";"), tail.find("("), tail.find("."), tail.find(":"))
            if pos >= 0
        ),
        default=len(tail),
    )
    if verb is not None and verb.start() < end:
        end = verb.start()
    names = [name for name in split_units(tail[:end]) if starts_with_unit(name)]
    return names
