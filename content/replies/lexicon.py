"""The words Loa knows in replies, by what they do in a sentence.

To teach Loa a new way of saying something, add the phrase here, written with its
diacritics; the same phrase typed without them is understood too. A phrase typed
with diacritics must match them (tone marks may sit on either vowel: "hòa" = "hoà"),
so "đang" (in progress) is never read as "đăng" (posted).
"""

from __future__ import annotations

from enum import Enum, auto


class Concept(Enum):
    DONE = auto()  # xong, done, ✅: says it is done on its own
    WEAK_DONE = auto()  # hoàn thành: done, unless it names something else ("hoàn thành kế hoạch")
    ACT = auto()  # gửi, đăng, treo: done only with "đã", "rồi" or "xong"
    PAST = auto()  # đã, vừa, mới
    ROI = auto()  # rồi
    NEG = auto()  # chưa, không: a negation, or a question at the end ("xong chưa?")
    NOT = auto()  # chẳng, chả: always a negation
    QWORD = auto()  # gì, ai, bao giờ, khi nào...
    QPART = auto()  # à, hả, nhỉ: a question when it ends the sentence
    QEND = auto()  # "hay chưa", "phải không": a question
    FUTURE = auto()  # sắp, gần, sẽ, mai, đang...: not done yet, whatever else is said
    SOON = auto()  # hôm nay, hạn: not done yet unless "đã" or "rồi" says it is
    PROGRESS = auto()  # đang
    PARTIAL = auto()  # một phần, một nửa: only part of it is done
    UNDO = auto()  # hoàn tác, bấm nhầm
    ARISE = auto()  # "phát sinh", after a negation: "không phát sinh" (nothing to do)
    NOT_APPLICABLE = auto()  # không áp dụng
    ALL = auto()  # hết, tất cả
    BOTH = auto()  # cả: "cả 2" counts, "cả rồi" means all
    ITEM = auto()  # việc, mục, số: "việc 2" names item 2; "2 việc" counts two
    ORDINAL = auto()  # thứ: "việc thứ 2"
    AND = auto()  # và, với
    OR = auto()  # hoặc: "1 hoặc 2" is a question, not a list
    TO = auto()  # đến, tới: "1 đến 3"
    FROM = auto()  # từ
    EXCEPT = auto()  # trừ
    BUT = auto()  # nhưng, còn: a new clause
    REST = auto()  # còn lại, khác: "the others"
    BEFORE = auto()  # trước: a deadline when a date follows
    YES = auto()  # có, đúng, vâng: an answer to a yes/no question
    POLITE = auto()  # dạ, ạ, em, anh ơi, nhé: nothing of substance
    LINKER = auto()  # trên, tại, lúc, link: after a number, the number stays an item number
    NUMBER_WORD = auto()  # một, hai, ba
    OTHER = auto()  # a phrase that must not be read as its parts ("gửi nhầm ảnh")
    # Made by the reader from digits and punctuation, never listed below:
    NUMBER = auto()
    BAD = auto()  # 1.5, -1, 15/11: never an item number
    STOP = auto()  # . ! : newline, a comma or dash that ends a clause
    QUESTION_MARK = auto()
    COMMA = auto()  # a comma or semicolon, until the reader knows which it is
    DASH = auto()  # "-": a range between numbers, else the end of a clause


NUMBER_WORDS = {
    "một": 1,
    "hai": 2,
    "ba": 3,
    "bốn": 4,
    "tư": 4,
    "năm": 5,
    "sáu": 6,
    "bảy": 7,
    "bẩy": 7,
    "tám": 8,
    "chín": 9,
    "mười": 10,
}

# What people post when they say they posted: "đã đăng bài" is not "dạ đang bài".
POST_OBJECTS = frozenset({"bai", "tin", "len", "tai", "anh", "video", "clip", "link", "bai viet"})

PHRASES: dict[Concept, tuple[str, ...]] = {
    Concept.DONE: ("xong", "done", "xong xuôi", "đã xong", "ok xong"),
    Concept.WEAK_DONE: (
        "hoàn thành",
        "hoàn tất",
        "finished",
        "finish",
        "completed",
        "complete",
        "xác nhận",
    ),
    Concept.ACT: (
        "gửi",
        "nộp",
        "đăng",
        "đăng tải",
        "đăng lên",
        "up",
        "post",
        "share",
        "chia sẻ",
        "treo",
        "cập nhật",
        "thực hiện",
        "triển khai",
        "làm",
        "tổ chức",
        "báo cáo",
        "xây dựng",
        "ban hành",
        "tổng hợp",
        "trình",
    ),
    Concept.PAST: ("đã", "vừa", "mới", "đã được", "vừa mới"),
    Concept.ROI: ("rồi", "rùi", "roài", "r"),
    Concept.NEG: ("chưa", "không", "ko", "k", "kg", "khg", "kh", "hông", "hok", "hem"),
    Concept.NOT: ("chẳng", "chả", "not", "chưa kịp", "không kịp", "đâu có", "quên", "❌"),
    Concept.QWORD: (
        "gì",
        "ai",
        "sao",
        "bao giờ",
        "khi nào",
        "lúc nào",
        "thế nào",
        "như nào",
        "như thế nào",
        "làm sao",
        "ở đâu",
        "bao nhiêu",
        "có phải",
        "việc nào",
        "mục nào",
        "nhiệm vụ nào",
        "cái nào",
        "số mấy",
        "việc mấy",
        "mục mấy",
        "việc số mấy",
    ),
    Concept.QPART: ("à", "hả", "hở", "nhỉ", "nhở", "chứ", "hử"),
    Concept.QEND: (
        "hay chưa",
        "được chưa",
        "phải không",
        "đúng không",
        "có không",
        "hay không",
    ),
    Concept.FUTURE: (
        "sắp",
        "gần",
        "sẽ",
        "mai",
        "ngày mai",
        "sáng mai",
        "chiều mai",
        "tối mai",
        "chiều nay",
        "tối nay",
        "lát nữa",
        "tí nữa",
        "chút nữa",
        "nữa",
        "tuần sau",
        "tuần tới",
        "tháng sau",
        "định",
        "dự kiến",
        "cố gắng",
        "hy vọng",
        "hi vọng",
        "chắc",
        "có lẽ",
        "hình như",
        "nếu",
        "khi",
        "cần",
        "phải",
        "muốn",
        "chuẩn bị",
        "chờ",
        "đợi",
        "tiếp tục",
        "sớm",
        "hạn",
        "deadline",
    ),
    Concept.SOON: ("hôm nay", "trong hôm nay", "trong ngày", "trong tuần"),
    Concept.PROGRESS: ("đang", "còn đang", "vẫn đang", "đang làm", "⏳"),
    Concept.PARTIAL: (
        "phần",
        "một phần",
        "nửa",
        "một nửa",
        "một số",
        "vài",
        "tạm",
        "sơ bộ",
        "chưa hết",
        "chưa đủ",
        "gần hết",
        "còn thiếu",
        "thiếu",
        "cơ bản",
    ),
    Concept.UNDO: (
        "hoàn tác",
        "undo",
        "huỷ xác nhận",
        "bỏ xác nhận",
        "rút lại",
        "rút xác nhận",
        "xác nhận nhầm",
        "xác nhận sai",
        "bấm nhầm",
        "bấm sai",
        "ấn nhầm",
        "nhấn nhầm",
        "báo nhầm",
        "chọn nhầm",
        "tích nhầm",
        "tick nhầm",
        "gõ nhầm",
        "nhầm",
    ),
    Concept.ARISE: ("phát sinh",),
    Concept.NOT_APPLICABLE: ("không áp dụng",),
    Concept.ALL: (
        "hết",
        "tất cả",
        "toàn bộ",
        "all",
        "everything",
        "mọi việc",
        "các việc",
        "tất cả các việc",
        "tất cả các mục",
        "hết cả",
    ),
    Concept.BOTH: ("cả",),
    Concept.ITEM: (
        "việc",
        "mục",
        "nhiệm vụ",
        "nv",
        "số",
        "stt",
        "item",
        "task",
        "công việc",
        "đầu việc",
        "việc số",
        "mục số",
        "nhiệm vụ số",
        "#",
    ),
    Concept.ORDINAL: ("thứ",),
    Concept.AND: ("và", "với", "cùng", "and", "&", "+"),
    Concept.OR: ("hoặc", "hay", "or", "hoặc là"),
    Concept.TO: ("đến", "tới", "to", "~", "→"),
    Concept.FROM: ("từ", "from"),
    Concept.EXCEPT: ("trừ", "ngoại trừ", "except", "trừ việc"),
    Concept.BUT: ("nhưng", "còn", "riêng", "but"),
    Concept.REST: ("còn lại", "khác", "các việc khác", "việc khác", "những việc còn lại"),
    Concept.BEFORE: ("trước",),
    Concept.YES: ("có", "đúng", "đúng rồi", "vâng", "ừ", "ok", "yes", "chuẩn", "đúng ạ"),
    Concept.POLITE: (
        "dạ",
        "ạ",
        "ah",
        "ak",
        "à ạ",
        "vâng ạ",
        "dạ vâng",
        "ơi",
        "em",
        "anh",
        "chị",
        "anh chị",
        "mình",
        "tôi",
        "tớ",
        "chúng em",
        "chúng tôi",
        "bên em",
        "phòng em",
        "đơn vị em",
        "đơn vị",
        "ad",
        "admin",
        "loa",
        "bot",
        "sếp",
        "thầy",
        "cô",
        "bạn",
        "nhé",
        "nhé ạ",
        "nha",
        "nhá",
        "nhe",
        "luôn",
        "thì",
        "là",
        "cũng",
        "đều",
        "được",
        "đc",
        "dc",
        "oke",
        "okie",
        "okay",
        "thưa",
        "kính gửi",
        "xin",
        "em báo cáo",
        "xin báo cáo",
        "kính báo cáo",
        "báo cáo anh",
        "báo cáo chị",
        "cảm ơn",
        "cám ơn",
        "thanks",
        "tks",
        "đây",
        "đấy",
        "đó",
        "này",
        "vậy",
        "lại",
        "cả nhà",
        "mọi người",
        "hôm qua",
        "sáng nay",
        "vừa rồi",
    ),
    Concept.LINKER: (
        "trên",
        "tại",
        "ở",
        "lúc",
        "vào",
        "cho",
        "của",
        "theo",
        "qua",
        "kèm",
        "kèm theo",
        "link",
        "minh chứng",
        "mc",
    ),
    Concept.NUMBER_WORD: tuple(NUMBER_WORDS),
    Concept.OTHER: (
        "gửi nhầm",
        "gửi nhầm ảnh",
        "hết hạn",
        "quá hạn",
        "đúng hạn",
        "trước hạn",
        "cả ngày",
        "đăng ký",
        "đăng nhập",
        "chắc chắn",
        "cán bộ",
        "đính kèm",
    ),
}
