"""The `privacy:` section of a plan file: the agency's own words for the notice people
get with /baomat (docs/privacy.md). Every key is optional:

    privacy:
      controller: Sở Lao động - Thương binh và Xã hội tỉnh Lào Cai
      contact: Văn phòng Sở, điện thoại 0214 3840 000, vanphong.sldtbxh@laocai.gov.vn
      note: Dữ liệu chỉ dùng để tổng hợp kết quả thực hiện kế hoạch tuyên truyền.
"""

from __future__ import annotations

from content.i18n import _
from content.plan import PrivacyNotice
from content.plan_reader import Node, Reader

KEYS = ("controller", "contact", "note")
# A notice is read on a phone: short lines, and the whole must fit in one message.
LIMITS = {"controller": 300, "contact": 300, "note": 1000}


def read_privacy(reader: Reader, root: Node) -> PrivacyNotice:
    node = reader.mapping(root, "privacy", "privacy")
    if node is None:
        return PrivacyNotice()
    reader.keys(node, KEYS)
    values: dict[str, str] = {}
    for key in KEYS:
        text = reader.text(node, key) if key in node.data else None
        if text is None:
            continue
        if len(text) > LIMITS[key]:
            reader.report(
                node.value_line(key),
                _("privacy, %(key)s: dài %(length)d ký tự, tối đa %(limit)d")
                % {"key": key, "length": len(text), "limit": LIMITS[key]},
            )
            continue
        values[key] = text
    return PrivacyNotice(**values)
