"""Linking chats to units, and what happens when the bot joins or leaves a chat.

A chat is linked by a one-time code: `/lienket CODE` in the chat, or the Telegram
deep link `https://t.me/<bot>?startgroup=CODE`, which adds the bot to a group and
sends `/start CODE` there. Admins make codes with `/lienket UNIT_ID` in their private
chat with the bot (or `loa invite UNIT` on the server). A private chat can be linked
too: a staff member then gets their unit's reminders personally.
"""

from __future__ import annotations

from functools import partial

from bot.storage import outbox
from bot.storage.links import (
    InviteError,
    create_invite,
    deactivate_chat,
    link_chat,
    redeem_invite,
)
from bot.storage.plan_cache import stored_plan
from content.dates import format_datetime
from content.i18n import Translator
from content.plan import Plan, Unit
from handlers import help as help_texts
from handlers.commands import N_, Command, HelpLine
from handlers.context import Turn
from handlers.events import Reply

REMOVED_STATUSES = frozenset({"left", "kicked", "banned", "removed"})
JOINED_STATUSES = frozenset({"member", "administrator", "creator", "added", "joined"})
MAX_UNITS_LISTED = 60


def _chat_label(turn: Turn, _: Translator, *, elsewhere: bool = False) -> str:
    """This chat, as read in it ("nhóm «Phòng A»", "nhóm này"), or `elsewhere`, by an
    admin in their private chat, where "nhóm này" would be their own chat and the
    label starts the notice: "Nhóm «Phòng A»", "Một nhóm Zalo"."""
    event = turn.event
    if event.chat_type == "private":
        label = (
            _("Cuộc trò chuyện riêng của %(name)s")
            if elsewhere
            else _("cuộc trò chuyện riêng với %(name)s")
        )
        return label % {"name": event.user_name}
    if event.chat_title:
        label = _("Nhóm «%(title)s»") if elsewhere else _("nhóm «%(title)s»")
        return label % {"title": event.chat_title}
    if elsewhere:
        return _("Một nhóm %(channel)s") % {"channel": turn.traits.display_name}
    return _("nhóm này")


def _linked_text(turn: Turn, plan: Plan, unit: Unit) -> str:
    _ = turn._
    values = {
        "chat": _chat_label(turn, _),
        "unit": unit.name,
        "plan": plan.title,
        "time": plan.settings.digest_time.strftime("%H:%M"),
    }
    lines = [
        _("✅ Đã liên kết %(chat)s với đơn vị %(unit)s (%(plan)s).") % values,
        _(
            "Từ nay, khoảng %(time)s sáng các ngày làm việc, Loa gửi vào đây các việc của "
            "đơn vị trong tuần, đến hạn hoặc quá hạn, khi có điều mới."
        )
        % values,
    ]
    if turn.traits.buttons:
        lines.append(_("Việc nào xong, bấm nút ✅ dưới tin nhắc hoặc trả lời tin đó «xong N»."))
    else:
        lines.append(_("Việc nào xong, trả lời (trích dẫn) tin nhắc «xong N»."))
    lines.append(
        _("Gõ %(tasks)s để xem việc đang mở, %(help)s để xem hướng dẫn.")
        % {"tasks": turn.command("/nhiemvu"), "help": turn.command("/huongdan")}
    )
    return "\n".join(lines)


async def _redeem(turn: Turn, code: str) -> list[Reply]:
    event = turn.event
    try:
        link = await redeem_invite(
            turn.session,
            code,
            channel=event.channel,
            chat_id=event.chat_id,
            chat_type=event.chat_type,
            title=event.chat_title,
            linked_by=event.user_address,
            now=turn.now,
        )
    except InviteError as error:
        return [Reply(text=str(error))]
    turn.forget_chat_units()
    plan = await stored_plan(turn.session, link.plan_id)
    assert plan is not None  # redeem_invite checked the plan and its unit
    unit = plan.unit(link.unit_id)
    await _tell_admins_linked(turn, plan, unit)
    return [Reply(text=_linked_text(turn, plan, unit))]


async def _tell_admins_linked(turn: Turn, plan: Plan, unit: Unit) -> None:
    event = turn.event

    def text(_: Translator) -> str:  # in each admin's language
        values = {
            "chat": _chat_label(turn, _, elsewhere=True),
            "address": event.chat_address,
            "unit": unit.name,
            "person": event.user_name,
        }
        return (
            _("🔗 %(chat)s (%(address)s) đã được liên kết với đơn vị %(unit)s bởi %(person)s.")
            % values
        )

    key = f"linked/{plan.id}/{unit.id}/{event.chat_address}/{turn.now.isoformat()}"
    await turn.notify_admins(plan, text, key)


def _unit_matches(plans: list[Plan], reference: str) -> list[tuple[Plan, Unit]]:
    """ "unit-id" or "plan-id/unit-id" among the given plans."""
    plan_id, _sep, unit_id = reference.rpartition("/")
    found = []
    for plan in plans:
        if plan_id and plan.id != plan_id:
            continue
        try:
            found.append((plan, plan.unit(unit_id)))
        except KeyError:
            continue
    return found


def _invite_text(turn: Turn, plan: Plan, unit: Unit, code: str, expires: str) -> str:
    _ = turn._
    values = {"unit": unit.name, "plan": plan.title, "code": code, "expires": expires}
    lines = [
        _("Mã liên kết cho đơn vị %(unit)s (%(plan)s): %(code)s") % values,
        _("Dùng một lần, hết hạn lúc %(expires)s.") % values,
    ]
    username = turn.ctx.bot_usernames.get(turn.event.channel)
    if turn.traits.group_commands == "direct":
        link = turn.traits.group_invite_link
        if username and link:
            lines.append(
                _("Gửi đường dẫn này cho đơn vị; mở nó để thêm Loa vào nhóm của đơn vị: %(link)s")
                % {"link": link.format(username=username.lstrip("@"), code=code)}
            )
        lines.append(_("Nếu Loa đã ở trong nhóm, gửi trong nhóm: /lienket %(code)s") % values)
    else:
        lines.append(
            _(
                "Thêm Loa vào nhóm Zalo của đơn vị, rồi trong nhóm gửi tin nhắn nhắc tới Loa "
                "(@Loa) với nội dung: /lienket %(code)s"
            )
            % values
        )
        lines.append(
            _("Cán bộ muốn nhận nhắc việc riêng thì nhắn /lienket %(code)s cho Loa.") % values
        )
    return "\n".join(lines)


async def _make_invite(turn: Turn, plan: Plan, unit: Unit) -> list[Reply]:
    invite = await create_invite(
        turn.session, plan.id, unit.id, turn.now, created_by=turn.event.user_address
    )
    expires = format_datetime(invite.expires_at, turn.locale)
    return [Reply(text=_invite_text(turn, plan, unit, invite.code, expires))]


async def _link_directly(turn: Turn, plan: Plan, unit: Unit) -> list[Reply]:
    """An admin naming a unit inside a group links that group at once."""
    event = turn.event
    await link_chat(
        turn.session,
        plan_id=plan.id,
        unit_id=unit.id,
        channel=event.channel,
        chat_id=event.chat_id,
        chat_type=event.chat_type,
        title=event.chat_title,
        linked_by=event.user_address,
        now=turn.now,
        origin="invite",
    )
    turn.forget_chat_units()
    await _tell_admins_linked(turn, plan, unit)
    return [Reply(text=_linked_text(turn, plan, unit))]


async def _status_text(turn: Turn) -> str:
    """What /lienket without an argument says: this chat's units and how to link."""
    _ = turn._
    lines = []
    units = await turn.chat_units()
    if units:
        lines.append(_("Nơi này đang nhận nhắc việc của:"))
        lines += [f"• {cu.unit.name} ({cu.plan.title})" for cu in units]
    else:
        lines.append(_("Nơi này chưa liên kết với đơn vị nào."))
    lines.append(_("Để liên kết: gửi /lienket MÃ với mã do quản trị viên cấp."))
    if turn.private:
        plans = await turn.admin_plans()
        if plans:
            lines.append("")
            lines.append(
                _("Bạn là quản trị viên: gửi /lienket MÃ_ĐƠN_VỊ để tạo mã cho một đơn vị.")
            )
            shown = 0
            for plan in plans:
                lines.append(f"{plan.title} ({plan.id}):")
                for unit in plan.units:
                    if shown >= MAX_UNITS_LISTED:
                        break
                    lines.append(f"  {unit.id} — {unit.name}")
                    shown += 1
            if len(plans) > 1:
                lines.append(_("Mã đơn vị trùng ở nhiều kế hoạch: ghi MÃ_KẾ_HOẠCH/MÃ_ĐƠN_VỊ."))
    return "\n".join(lines)


async def on_link(turn: Turn, argument: str | None) -> list[Reply]:
    """/lienket [CODE | UNIT_ID] and /start CODE."""
    _ = turn._
    if not argument:
        return [Reply(text=await _status_text(turn))]
    plans = await turn.admin_plans()
    matches = _unit_matches(plans, argument.strip()) if plans else []
    if len(matches) > 1:
        return [
            Reply(
                text=_(
                    "Mã đơn vị %(unit)s có ở nhiều kế hoạch: %(plans)s. Hãy ghi "
                    "MÃ_KẾ_HOẠCH/MÃ_ĐƠN_VỊ, ví dụ /lienket %(example)s"
                )
                % {
                    "unit": argument,
                    "plans": ", ".join(plan.id for plan, _unit in matches),
                    "example": f"{matches[0][0].id}/{matches[0][1].id}",
                }
            )
        ]
    if matches:
        plan, unit = matches[0]
        if turn.private:
            return await _make_invite(turn, plan, unit)
        return await _link_directly(turn, plan, unit)
    return await _redeem(turn, argument)


async def on_start(turn: Turn) -> list[Reply]:
    """/start [CODE]: a deep link's code, or a welcome."""
    if turn.event.args:
        return await on_link(turn, turn.event.args[0])
    if turn.private:
        return [Reply(text=await help_texts.welcome_text(turn))]
    return [Reply(text=help_texts.group_greeting(turn))]


async def _chat_removed(turn: Turn) -> list[Reply]:
    _ = turn._
    event = turn.event
    reason = _("bot bị xoá khỏi nhóm") if event.chat_type == "group" else _("bot bị chặn")
    links = await deactivate_chat(turn.session, event.channel, event.chat_id, reason, turn.now)
    turn.forget_chat_units()
    # Nothing more can reach this chat: fail what waits for it instead of retrying.
    await outbox.fail_chat(turn.session, event.channel, event.chat_id, reason)
    by_plan: dict[str, list[str]] = {}
    for link in links:
        by_plan.setdefault(link.plan_id, []).append(link.unit_id)
    for plan_id, unit_ids in by_plan.items():
        plan = await stored_plan(turn.session, plan_id)
        if plan is None:
            continue
        names = []
        for unit_id in unit_ids:
            try:
                names.append(plan.unit(unit_id).name)
            except KeyError:
                names.append(unit_id)
        values = {
            "chat": event.chat_title or event.chat_address,
            "units": ", ".join(names),
            "example": unit_ids[0],
        }
        key = f"chat-removed/{plan_id}/{event.chat_address}/{turn.now.isoformat()}"
        await turn.notify_admins(plan, partial(_removed_notice, event.chat_type, values), key)
    return []  # nobody is left in that chat to read an answer


def _removed_notice(chat_type: str, values: dict[str, str], _: Translator) -> str:
    """What admins are told when a unit's chat is gone, in `_`'s language."""
    if chat_type == "group":
        text = _("⚠️ Bot đã bị xoá khỏi nhóm «%(chat)s» của đơn vị %(units)s. ") % values
    else:
        text = _("⚠️ Cán bộ %(chat)s của đơn vị %(units)s đã chặn bot. ") % values
    return text + (
        _(
            "Loa ngừng gửi nhắc việc tới đó. Để đơn vị nhận lại nhắc việc, tạo mã liên kết "
            "mới: /lienket %(example)s"
        )
        % values
    )


async def on_member(turn: Turn) -> list[Reply]:
    """The bot was added to or removed from a chat."""
    status = (turn.event.member_status or "").lower()
    if status in REMOVED_STATUSES:
        return await _chat_removed(turn)
    if status in JOINED_STATUSES and turn.event.chat_type == "group":
        return [Reply(text=help_texts.group_greeting(turn))]
    return []


async def on_link_command(turn: Turn) -> list[Reply]:
    return await on_link(turn, turn.event.args[0] if turn.event.args else None)


COMMANDS = (
    Command("start", None, on_start),
    Command(
        "lienket",
        "link",
        on_link_command,
        menu=N_("Liên kết nhóm với đơn vị: /lienket MÃ"),
        staff_help=HelpLine(N_("MÃ"), N_("liên kết nhóm với đơn vị")),
        admin_help=HelpLine(N_("MÃ_ĐƠN_VỊ"), N_("tạo mã liên kết cho một đơn vị")),
    ),
)
