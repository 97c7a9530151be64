"""/huongdan, the welcome of /start in a private chat, the greeting in a new group,
and the short hints for messages Loa does not understand. Adapted to the platform
(Telegram has buttons; on Zalo staff quote the reminder) and to admins."""

from __future__ import annotations

from collections.abc import Sequence

from handlers.commands import Command, help_lines
from handlers.context import Turn


def _confirm_lines(turn: Turn) -> list[str]:
    _ = turn._
    undo = {"undo": turn.command("/hoantac")}
    common = [
        _(
            "  Viết thế nào cũng được, có dấu hay không: «Dạ em xong 2 rồi ạ», «việc 1 và 3 "
            "đã đăng», «xong 1-3», «xong hết». Loa chưa rõ thì hỏi lại."
        ),
        _("• Minh chứng: gửi kèm đường dẫn hoặc ảnh, ví dụ ảnh chú thích «xong 1 - băng rôn»."),
        _("• Hỏi: «việc 2 xong chưa?» — Loa cho biết việc đó đã được xác nhận chưa."),
    ]
    if turn.traits.buttons:
        return [
            _(
                "• Báo xong: bấm ✅ dưới tin nhắc, hoặc trả lời tin đó «xong 2» "
                "(nhiều việc: «xong 1 3»)."
            ),
            *common,
            _("• Việc «nếu có» mà không phát sinh: bấm 🚫 hoặc trả lời «không phát sinh 2»."),
            _("• Bấm nhầm: bấm ↩️, gõ %(undo)s 2 hoặc trả lời «bấm nhầm việc 2».") % undo,
        ]
    how = {
        "quote": _(
            "• Báo xong: trả lời (trích dẫn) tin nhắc «xong 2» (nhiều việc: «xong 1 3»). "
            "Số việc tính theo tin nhắc mới nhất."
        ),
        "reply": _("• Báo xong: trả lời tin nhắc «xong 2» (nhiều việc: «xong 1 3»)."),
        "latest": _(
            "• Báo xong: gõ «xong 2» (nhiều việc: «xong 1 3»). Số việc tính theo tin nhắc mới nhất."
        ),
    }[turn.traits.reply_reference]
    lines = [
        how,
        *common,
        _("• Việc «nếu có» mà không phát sinh: trả lời «không phát sinh 2»."),
        _("• Báo nhầm: gõ %(undo)s 2 hoặc trả lời «báo nhầm việc 2».") % undo,
    ]
    if turn.traits.group_commands == "mention":
        lines.append(
            _("• Trong nhóm, Loa chỉ đọc tin trích dẫn tin của Loa hoặc có nhắc tới @Loa.")
        )
    return lines


async def help_text(turn: Turn, commands: Sequence[Command]) -> str:
    _ = turn._
    lines = [
        _("📖 Hướng dẫn dùng Loa"),
        _(
            "Loa nhắc việc vào buổi sáng các ngày làm việc, khi có điều mới: đầu tuần là "
            "các việc trong tuần; việc đến hạn được nhắc đúng ngày; việc quá hạn được nhắc "
            "lại thưa dần; dịp kỷ niệm có kèm bài đăng gợi ý."
        ),
        *_confirm_lines(turn),
        "",
        # In a group that hears only mentions, every command is shown as "@Loa /…".
        *help_lines(commands, _, admin=False, prefix=turn.command("")),
    ]
    if await turn.is_admin():
        lines += [
            "",
            _("Dành cho quản trị viên (nhắn riêng với Loa):"),
            *help_lines(commands, _, admin=True),
        ]
    return "\n".join(lines)


async def welcome_text(turn: Turn) -> str:
    _ = turn._
    lines = [
        _("Xin chào %(name)s! Mình là Loa, trợ lý nhắc việc công tác tuyên truyền.")
        % {"name": turn.event.user_name},
    ]
    units = await turn.chat_units()
    if units:
        names = ", ".join(dict.fromkeys(cu.unit.name for cu in units))
        lines.append(_("Bạn đang nhận nhắc việc của: %(units)s.") % {"units": names})
    elif await turn.is_admin():
        lines.append(
            _(
                "Bạn là quản trị viên: gửi /lienket MÃ_ĐƠN_VỊ để tạo mã liên kết nhóm cho đơn "
                "vị, /guitin để gửi tin tới các đơn vị, /tiendo để xem tiến độ."
            )
        )
    else:
        lines.append(
            _(
                "Để nhận nhắc việc của đơn vị ngay tại đây, gửi /lienket MÃ với mã do quản trị "
                "viên cấp."
            )
        )
    lines.append(_("Gõ /huongdan để xem hướng dẫn."))
    return "\n".join(lines)


def group_greeting(turn: Turn) -> str:
    _ = turn._
    lines = [_("Xin chào! Mình là Loa, trợ lý nhắc việc công tác tuyên truyền.")]
    lines.append(
        _("Để nhóm nhận nhắc việc của đơn vị, gửi %(link)s MÃ (mã do quản trị viên cấp).")
        % {"link": turn.command("/lienket")}
    )
    lines.append(_("Gõ %(help)s để xem hướng dẫn.") % {"help": turn.command("/huongdan")})
    return "\n".join(lines)


def private_hint(turn: Turn) -> str:
    _ = turn._
    return _("Loa chưa hiểu tin này. Báo xong việc: «xong 2». Xem các lệnh: /huongdan.")


def unknown_command(turn: Turn) -> str:
    _ = turn._
    return _("Loa không có lệnh này. Gõ %(help)s để xem các lệnh.") % {
        "help": turn.command("/huongdan")
    }


def unsupported(turn: Turn) -> str:
    _ = turn._
    return _("Xin lỗi, Loa chưa đọc được loại tin nhắn này. Hãy gửi bằng chữ, ví dụ «xong 2».")
