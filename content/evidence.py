"""Evidence files (minh chứng): which ones Loa keeps, how they are named, and what
people are told when one cannot be kept. Pure: the bytes come in, a verdict goes out.

A file is judged by its bytes, not by the name or the type the sender's app claims:
only images and office or PDF documents are kept (`filetype` reads the signature).
Kept files are named by the SHA-256 of their bytes, so a photo sent twice is stored
once and a stored file can never be swapped for another under the same name.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal

import filetype

from content.i18n import Translator

# Media types kept, with the extension the stored copy gets.
IMAGE_TYPES = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/heic": "heic",
    "image/bmp": "bmp",
    "image/tiff": "tif",
}
DOCUMENT_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.ms-powerpoint": "ppt",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "application/rtf": "rtf",
}
KEPT_TYPES = {**IMAGE_TYPES, **DOCUMENT_TYPES}

MEGABYTE = 1024 * 1024

# Why a file was not kept; each has a sentence for the chat below.
Refusal = Literal["too_large", "plan_full", "type", "unavailable"]


@dataclass(frozen=True)
class EvidenceLimits:
    """Per file: Telegram's bots may download at most 20 MB anyway. Per plan: every
    file the plan's units sent, each counted once."""

    max_file_bytes: int = 20 * MEGABYTE
    max_plan_bytes: int = 2048 * MEGABYTE


@dataclass(frozen=True)
class FileKind:
    media_type: str
    extension: str

    @property
    def is_image(self) -> bool:
        return self.media_type in IMAGE_TYPES


def sniff(data: bytes) -> FileKind | None:
    """The file's type from its first bytes, if it is one Loa keeps; None otherwise
    (a video, an archive, a program, text, or bytes nothing recognises)."""
    guessed = filetype.guess(data[:8192])
    if guessed is None or guessed.mime not in KEPT_TYPES:
        return None
    return FileKind(guessed.mime, KEPT_TYPES[guessed.mime])


def content_name(data: bytes) -> str:
    """The stored file's name without extension: the SHA-256 of its bytes, in hex."""
    return hashlib.sha256(data).hexdigest()


def megabytes(size: int) -> str:
    """ "12,5 MB": one decimal, a Vietnamese decimal comma."""
    return f"{size / MEGABYTE:.1f}".replace(".", ",") + " MB"


def refusal_text(
    _: Translator, refusal: Refusal, unit: str, title: str, limits: EvidenceLimits
) -> str:
    """What the chat that sent the file is told; the item stays confirmed either way."""
    head = _("📎 Loa không lưu được tệp minh chứng cho việc «%(title)s» của %(unit)s: ") % {
        "title": title,
        "unit": unit,
    }
    if refusal == "too_large":
        reason = _("tệp lớn hơn %(limit)s.") % {"limit": megabytes(limits.max_file_bytes)}
    elif refusal == "plan_full":
        reason = _(
            "kho minh chứng của kế hoạch đã dùng hết %(limit)s; quản trị viên đã được báo."
        ) % {"limit": megabytes(limits.max_plan_bytes)}
    elif refusal == "type":
        reason = _("Loa chỉ lưu ảnh và tài liệu (PDF, Word, Excel, PowerPoint, OpenDocument).")
    else:
        reason = _("nền tảng chat không còn cho tải tệp này về.")
    tail = _(
        " Việc vẫn được ghi nhận là đã xong; nếu cần, hãy gửi minh chứng là đường dẫn "
        "hoặc ảnh khác."
    )
    return head + reason + tail


def plan_full_text(_: Translator, plan_title: str, limits: EvidenceLimits) -> str:
    """What the admins are told once when a plan's evidence store is full."""
    return _(
        "⚠️ Kho minh chứng của kế hoạch «%(plan)s» đã dùng hết %(limit)s: Loa không lưu "
        "thêm ảnh và tài liệu minh chứng (đường dẫn vẫn được ghi nhận). Tăng "
        "LOA_EVIDENCE_MAX_PLAN_MB nếu máy chủ còn chỗ."
    ) % {"plan": plan_title, "limit": megabytes(limits.max_plan_bytes)}
