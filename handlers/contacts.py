"""/daumoi: a unit's contacts (cán bộ đầu mối).

Sent in a unit's chat, it registers the sender as a contact of every unit the chat
serves: digests then name them, and the first day an item is overdue they get a private
message if they have written to the bot privately (scheduler/contact_reminders.py).
`/daumoi bo` removes the sender; an admin of the plan removes anyone with
`/daumoi bo telegram:123456789`. Contacts written in the plan file stay until the file
changes.
"""

from __future__ import annotations

from bot.storage.contacts import add_contact, remove_contact, unit_contacts
from content.channels import command_text
from content.plan import Address, Contact, Plan
from handlers.commands import N_, Command, HelpLine
from handlers.context import ChatUnit, Turn
from handlers.events import Reply

REMOVE_WORDS = ("bo", "bỏ", "xoa", "xóa", "remove")


async def _listing(turn: Turn, units: list[ChatUnit]) -> list[str]:
    _ = turn._
    lines = []
    by_plan: dict[str, dict[str, tuple[Contact, ...]]] = {}
    for cu in units:
        if cu.plan.id not in by_plan:
            by_plan[cu.plan.id] = await unit_contacts(turn.session, cu.plan)
        names = ", ".join(contact.name for contact in by_plan[cu.plan.id].get(cu.unit.id, ()))
        lines.append(
            _("👤 Đầu mối của %(unit)s: %(names)s")
            % {"unit": cu.unit.name, "names": names or _("chưa có")}
        )
    return lines


async def _register(turn: Turn, units: list[ChatUnit]) -> list[Reply]:
    _ = turn._
    event = turn.event
    name = event.user_name.strip() or event.user_address
    for cu in units:
        await add_contact(
            turn.session,
            cu.plan.id,
            cu.unit.id,
            event.user_address,
            name,
            added_in=event.chat_address,
            now=turn.now,
        )
    await turn.session.flush()
    lines = [
        _("✅ Đã ghi %(name)s là cán bộ đầu mối. Tin nhắc việc của đơn vị sẽ gọi tên anh/chị.")
        % {"name": name},
        *await _listing(turn, units),
    ]
    if not turn.private:
        lines.append(
            _(
                "Muốn nhận tin nhắc riêng khi đơn vị có việc quá hạn: nhắn riêng cho Loa một "
                "lần (mở trò chuyện riêng với Loa và gửi «chào»)."
            )
        )
    return [Reply(text="\n".join(lines))]


def _in_plan(plan: Plan, unit_ids: set[str], address: Address) -> bool:
    return any(
        contact.address == address
        for unit in plan.units
        if unit.id in unit_ids
        for contact in unit.contacts
    )


async def _remove(turn: Turn, units: list[ChatUnit], args: tuple[str, ...]) -> list[Reply]:
    _ = turn._
    event = turn.event
    if args:
        try:
            address = Address.parse(" ".join(args))
        except ValueError:
            return [
                Reply(
                    text=_(
                        "Địa chỉ «%(text)s» không đúng. Viết như: %(contact)s bo telegram:123456789"
                    )
                    % {"text": " ".join(args), "contact": turn.command("/daumoi")}
                )
            ]
    else:
        try:
            address = Address.parse(event.user_address)
        except ValueError:
            return [Reply(text=_("Ở đây không có đầu mối nào để bỏ."))]
    if str(address) != event.user_address:
        admin_of = {plan.id for plan in await turn.admin_plans()}
        if not all(cu.plan.id in admin_of for cu in units):
            return [Reply(text=_("Chỉ quản trị viên của kế hoạch mới bỏ được đầu mối khác."))]
    removed = 0
    for plan_id in dict.fromkeys(cu.plan.id for cu in units):
        unit_ids = [cu.unit.id for cu in units if cu.plan.id == plan_id]
        removed += await remove_contact(turn.session, plan_id, unit_ids, str(address))
    await turn.session.flush()
    if removed:
        return [
            Reply(
                text="\n".join(
                    [
                        _("Đã bỏ %(who)s khỏi danh sách đầu mối.") % {"who": str(address)},
                        *await _listing(turn, units),
                    ]
                )
            )
        ]
    if any(_in_plan(cu.plan, {cu.unit.id}, address) for cu in units):
        return [
            Reply(
                text=_(
                    "%(who)s là đầu mối ghi trong tệp kế hoạch: hãy sửa mục contacts của đơn "
                    "vị trong tệp rồi nạp lại."
                )
                % {"who": str(address)}
            )
        ]
    return [Reply(text=_("%(who)s không phải đầu mối của đơn vị ở đây.") % {"who": str(address)})]


async def on_contact(turn: Turn) -> list[Reply]:
    _ = turn._
    units = await turn.chat_units()
    if not units:
        return [
            Reply(
                text=_(
                    "Gửi %(contact)s trong nhóm của đơn vị: nơi này chưa liên kết với đơn vị nào."
                )
                % {"contact": command_text(turn.traits, "/daumoi", bot_name=turn.bot_name)}
            )
        ]
    args = turn.event.args
    if args and args[0].lower() in REMOVE_WORDS:
        return await _remove(turn, units, args[1:])
    if args:
        return [
            Reply(
                text=_(
                    "Gửi %(contact)s để ghi mình là cán bộ đầu mối của đơn vị, %(contact)s bo "
                    "để thôi."
                )
                % {"contact": turn.command("/daumoi")}
            )
        ]
    return await _register(turn, units)


COMMANDS = (
    Command(
        "daumoi",
        "contact",
        on_contact,
        menu=N_("Ghi mình là cán bộ đầu mối của đơn vị"),
        staff_help=HelpLine("", N_("ghi mình là cán bộ đầu mối (được gọi tên trong tin nhắc)")),
        admin_help=HelpLine(
            N_("bo ĐỊA_CHỈ"), N_("bỏ một đầu mối, ví dụ /daumoi bo telegram:123456789")
        ),
    ),
)
