"""A person's data in chat: /baomat says what Loa keeps about people and why,
/dulieucuatoi gives a person their own data privately, and /xoadulieu lets an admin
erase someone's data after confirming with a code (docs/privacy.md).

Nothing personal is ever shown in a group: there the commands only say to ask in a
private chat.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from bot.storage import erasures, privacy
from bot.storage.plan_cache import stored_plans
from content.plan import PrivacyNotice
from content.privacy_notice import notice_lines
from handlers.commands import N_, Command, HelpLine
from handlers.context import Turn
from handlers.events import FileUpload, Reply

EXPORT_NAME = "du-lieu-cua-toi.json"


def notice(turn: Turn, agencies: Sequence[PrivacyNotice] = ()) -> str:
    return "\n".join(notice_lines(turn._, turn.ctx.retention.told, agencies))


async def on_notice(turn: Turn) -> list[Reply]:
    # The plans of this chat; in a private chat, of every plan (one agency runs a Loa).
    plans = [chat_unit.plan for chat_unit in await turn.chat_units()]
    if not plans and turn.event.chat_type == "private":
        plans = await stored_plans(turn.session)
    agencies = [plan.privacy for plan in plans]  # notice_lines skips the empty ones
    return [Reply(text=notice(turn, agencies))]


async def on_my_data(turn: Turn) -> list[Reply]:
    _ = turn._
    if not turn.private:
        return [
            Reply(text=_("Để giữ riêng tư, hãy nhắn /dulieucuatoi cho Loa trong trò chuyện riêng."))
        ]
    person = privacy.Person(turn.event.channel, turn.event.user_id)
    found = await privacy.find(turn.session, person)
    if found.empty:
        return [Reply(text=_("Loa không lưu dữ liệu nào về bạn."))]
    counts = found.counts()
    lines = [
        _("📦 Dữ liệu Loa lưu về bạn (%(address)s):") % {"address": person.address},
        _("• Tên: %(names)s") % {"names": ", ".join(sorted(found.names)) or "—"},
        _("• Việc đã báo xong: %(n)d") % {"n": counts["confirmations"]},
        _("• Tin nhắn gốc đang giữ: %(n)d") % {"n": counts["updates"]},
        _("• Liên kết nhóm chat, mã liên kết: %(n)d") % {"n": counts["links"] + counts["invites"]},
        _("• Tin Loa gửi riêng hoặc có nêu tên bạn: %(n)d")
        % {"n": counts["private_messages"] + counts["naming_messages"]},
    ]
    document = json.dumps(privacy.export(found, turn.now), ensure_ascii=False, indent=2)
    if turn.traits.uploads:
        lines.append(_("Bản đầy đủ ở tệp kèm theo."))
        upload = FileUpload(EXPORT_NAME, document.encode("utf-8"))
        return [Reply(text="\n".join(lines), file=upload)]
    lines.append(_("Muốn nhận bản đầy đủ dạng tệp, hãy đề nghị quản trị viên."))
    return [Reply(text="\n".join(lines))]


async def on_erase(turn: Turn) -> list[Reply]:
    """/xoadulieu ADDRESS, then /xoadulieu ADDRESS CODE to confirm."""
    _ = turn._
    if not turn.private or not await turn.is_admin():
        return [
            Reply(text=_("Chỉ quản trị viên xoá được dữ liệu, trong trò chuyện riêng với Loa."))
        ]
    args = turn.event.args
    if not args:
        return [Reply(text=_("Cách dùng: /xoadulieu telegram:MÃ hoặc /xoadulieu zalo:MÃ"))]
    try:
        person = privacy.Person.parse(args[0])
    except ValueError:
        return [Reply(text=_("Địa chỉ phải có dạng telegram:MÃ hoặc zalo:MÃ."))]
    code = await erasures.confirmation_code(turn.session, person, turn.now.date().isoformat())
    found = await privacy.find(turn.session, person)
    if found.empty:
        return [Reply(text=_("Loa không lưu dữ liệu nào về %(who)s.") % {"who": person.address})]
    counts = found.counts()
    what = _("%(c)d việc đã xác nhận, %(u)d tin nhắn gốc, %(m)d tin đã gửi") % {
        "c": counts["confirmations"],
        "u": counts["updates"],
        "m": counts["private_messages"] + counts["naming_messages"],
    }
    if len(args) < 2:
        return [
            Reply(
                text=_(
                    "Sẽ xoá hoặc ẩn danh dữ liệu của %(who)s: %(what)s. Tiến độ các đơn vị "
                    "giữ nguyên. Để xác nhận, gửi trong hôm nay: /xoadulieu %(who)s %(code)s"
                )
                % {"who": person.address, "what": what, "code": code}
            )
        ]
    if args[1] != code:
        return [Reply(text=_("Mã xác nhận không đúng hoặc đã hết hạn; chưa xoá gì."))]
    plans = await stored_plans(turn.session)
    names = {(plan.id, unit.id): unit.name for plan in plans for unit in plan.units}
    done = await erasures.erase(turn.session, found, names)
    await erasures.log_erasure(turn.session, person, turn.now, "admin", done)
    return [
        Reply(
            text=_("🗑 Đã xoá hoặc ẩn danh dữ liệu của %(who)s: %(what)s.")
            % {"who": person.address, "what": what}
        )
    ]


COMMANDS = (
    Command(
        "baomat",
        "privacy",
        on_notice,
        menu=N_("Loa lưu những gì về bạn"),
        staff_help=HelpLine("", N_("Loa lưu những gì về bạn, vì sao")),
    ),
    Command(
        "dulieucuatoi",
        "mydata",
        on_my_data,
        staff_help=HelpLine("", N_("nhận bản sao dữ liệu Loa lưu về bạn (nhắn riêng)")),
    ),
    Command(
        "xoadulieu",
        "erase",
        on_erase,
        admin_help=HelpLine(N_("ĐỊA_CHỈ"), N_("xoá dữ liệu của một người theo yêu cầu")),
    ),
)
