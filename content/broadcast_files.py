"""A file sent with a broadcast from the web page: which ones are accepted, and where
a channel that takes files by URL only (Zalo) fetches it. Pure: bytes in, a verdict out.

A photo must be a JPEG or PNG that Telegram takes as a photo (an upload of at most
10 MB, width + height at most 10,000 pixels, one side at most 20 times the other);
a document one of the office and PDF types Loa keeps as evidence, at most 20 MB (a
Telegram bot may upload 50 MB; the page reads the upload whole, so less). The type is
read from the bytes, never from the name or what the browser claims.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Literal

from PIL import Image, UnidentifiedImageError

from content.channels import PLAN_CHANNELS, traits
from content.evidence import DOCUMENT_TYPES, MEGABYTE, content_name, megabytes, sniff
from content.i18n import Translator
from content.payloads import StoredFile

PHOTO_TYPES = {"image/jpeg": "jpg", "image/png": "png"}
MAX_PHOTO_BYTES = 10 * MEGABYTE
MAX_DOCUMENT_BYTES = 20 * MEGABYTE
MAX_PHOTO_SIDES = 10_000  # width + height
MAX_PHOTO_RATIO = 20
NAME_LIMIT = 120

# Where a broadcast's file is served to channels that fetch files by URL: its hash
# makes the path unguessable, and only files some broadcast names are served.
FILE_PATH = "/tep"
FILE_PATTERN = re.compile(r"(?P<sha256>[0-9a-f]{64})\.(?P<extension>[a-z0-9]{2,5})")
EXTENSIONS = frozenset({*PHOTO_TYPES.values(), *DOCUMENT_TYPES.values()})


def how_sent(channel: str, public_url: str | None) -> Literal["upload", "link"] | None:
    """How a chat of `channel` gets a stored file: its bytes, a link to fetch it from
    (needs LOA_PUBLIC_URL), or not at all."""
    ways = traits(channel)
    if ways.uploads:
        return "upload"
    if ways.media and public_url:
        return "link"
    return None


def file_channels(public_url: str | None) -> list[str]:
    """The plan channels a stored file reaches."""
    return [channel for channel in PLAN_CHANNELS if how_sent(channel, public_url)]


def file_url(public_url: str, stored: StoredFile) -> str:
    """The address a platform fetches `stored` from (LOA_PUBLIC_URL + its path)."""
    return f"{public_url.rstrip('/')}{FILE_PATH}/{stored['sha256']}.{stored['extension']}"


@dataclass(frozen=True)
class Accepted:
    stored: StoredFile
    data: bytes


def _photo_problem(_: Translator, data: bytes) -> str | None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return _("Ảnh bị hỏng, không đọc được.")
    if width + height > MAX_PHOTO_SIDES or max(width, height) > MAX_PHOTO_RATIO * min(
        width, height
    ):
        return _(
            "Ảnh %(width)d×%(height)d điểm ảnh quá lớn hoặc quá dài: Telegram chỉ nhận ảnh "
            "có tổng hai cạnh tới %(sides)d điểm ảnh, cạnh dài không quá %(ratio)d lần "
            "cạnh ngắn. Hãy thu nhỏ ảnh hoặc gửi dạng tài liệu."
        ) % {"width": width, "height": height, "sides": MAX_PHOTO_SIDES, "ratio": MAX_PHOTO_RATIO}
    return None


def judge_upload(_: Translator, data: bytes, name: str) -> Accepted | str:
    """The file as a broadcast sends it, or why it cannot be sent (a sentence)."""
    shown_name = (name.replace("\\", "/").rsplit("/", 1)[-1].strip() or "tep")[:NAME_LIMIT]
    if not data:
        return _("Tệp «%(name)s» trống.") % {"name": shown_name}
    kind = sniff(data)
    if kind is None or (kind.is_image and kind.media_type not in PHOTO_TYPES):
        return _(
            "Tệp «%(name)s» không gửi được: chỉ gửi kèm được ảnh JPG, PNG hoặc tài liệu "
            "PDF, Word, Excel, PowerPoint, OpenDocument."
        ) % {"name": shown_name}
    photo = kind.is_image
    limit = MAX_PHOTO_BYTES if photo else MAX_DOCUMENT_BYTES
    if len(data) > limit:
        sizes = {"name": shown_name, "size": megabytes(len(data)), "limit": megabytes(limit)}
        if photo:
            return _("Ảnh «%(name)s» nặng %(size)s, quá mức %(limit)s cho một ảnh.") % sizes
        return _("Tài liệu «%(name)s» nặng %(size)s, quá mức %(limit)s cho một tài liệu.") % sizes
    if photo and (problem := _photo_problem(_, data)):
        return problem
    stored: StoredFile = {
        "sha256": content_name(data),
        "extension": kind.extension,
        "name": shown_name,
        "kind": "photo" if photo else "document",
    }
    return Accepted(stored, data)
