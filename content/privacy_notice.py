"""The short notice "Loa lưu những gì về bạn" (docs/privacy.md): the same words in chat
(/baomat) and on the web page (/bao-mat), with the kept periods the server is
configured with and, after Loa's lines, each agency's own words (a plan's `privacy:`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from content.i18n import Translator
from content.plan import PrivacyNotice


@dataclass(frozen=True)
class KeptDays:
    """How long the personal data the notice speaks of is kept (LOA_RETENTION_*)."""

    updates: int = 30
    outbox: int = 90
    after_plan: int = 365


def notice_lines(
    _: Translator, kept: KeptDays, agencies: Iterable[PrivacyNotice] = ()
) -> list[str]:
    lines = [
        _("🔒 Loa lưu những gì về bạn"),
        _(
            "• Tên hiển thị và mã tài khoản Telegram/Zalo của bạn, khi bạn nhắn cho Loa "
            "hoặc báo xong việc."
        ),
        _(
            "• Việc bạn đã báo xong, lúc nào, trong nhóm nào, kèm đường dẫn và ảnh minh "
            "chứng: để đơn vị và cơ quan tổng hợp, báo cáo kết quả kế hoạch."
        ),
        _(
            "• Tin nhắn gốc bạn gửi cho Loa: giữ %(updates)d ngày để không xử lý trùng, rồi "
            "xoá. Tin Loa đã gửi: giữ %(outbox)d ngày."
        )
        % {"updates": kept.updates, "outbox": kept.outbox},
        _(
            "• Tên người xác nhận được giữ tới %(days)d ngày sau khi kế hoạch kết thúc, rồi "
            "thay bằng «một cán bộ của <đơn vị>»."
        )
        % {"days": kept.after_plan},
        _(
            "Chỉ quản trị viên kế hoạch xem được tiến độ và minh chứng. Nhắn riêng "
            "/dulieucuatoi để nhận bản sao dữ liệu của bạn; muốn xoá, hãy đề nghị quản "
            "trị viên."
        ),
    ]
    for agency in dict.fromkeys(agencies):  # several plans of one agency: said once
        if not agency:
            continue
        lines.append("")
        if agency.controller:
            lines.append(_("Cơ quan chịu trách nhiệm: %(name)s") % {"name": agency.controller})
        if agency.contact:
            lines.append(_("Hỏi về dữ liệu của bạn: %(contact)s") % {"contact": agency.contact})
        if agency.note:
            lines.append(agency.note)
    return lines
