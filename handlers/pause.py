"""/tamdung N and /tieptuc: a chat's scheduled messages stop for N days (a big event, a
training week) and start again by themselves, or earlier with /tieptuc.

In a chat linked to units, anyone there (the unit, for its own chat) or an admin
pauses that chat, and the admins are told. An admin in a private chat names the units
instead: `/tamdung 5 phong-a tag:xa`, or `tatca`; every chat of those units, in the
plans the admin runs, is paused. Nothing is lost: the first send day after a pause
lists what is open and what is coming, like a weekly digest (scheduler/cadence.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from bot.storage.links import active_chat_addresses
from bot.storage.pauses import chat_pause, pause_chat, resume_chat
from content.dates import LOCAL_TZ, format_date_long
from content.plan import Plan
from handlers.commands import N_, Command, HelpLine
from handlers.context import ChatUnit, Turn
from handlers.events import Reply

MAX_PAUSE_DAYS = 30
EVERYONE = ("tatca", "all")
Chat = tuple[str, str]  # (channel, chat id)


def _today(turn: Turn, plans: Sequence[Plan]) -> date:
    tz = plans[0].tz if plans else LOCAL_TZ
    return turn.now.astimezone(tz).date()


async def _admin_chats(turn: Turn, targets: Sequence[str]) -> tuple[list[Chat], list[str]] | str:
    """The chats of the units an admin named, and their names; or what was wrong."""
    _ = turn._
    chats: dict[Chat, None] = {}
    names: dict[str, None] = {}
    unknown: list[str] = []
    plans = await turn.admin_plans()
    for target in targets:
        token = target.strip().lower()
        found = False
        for plan in plans:
            if token in EVERYONE:
                units = plan.units
            elif token.startswith("tag:"):
                units = plan.units_with_tag(token.removeprefix("tag:"))
            else:
                units = tuple(unit for unit in plan.units if unit.id == token)
            if not units:
                continue
            found = True
            addresses = await active_chat_addresses(turn.session, plan.id)
            for unit in units:
                names[unit.name] = None
                for address in addresses.get(unit.id, ()):
                    chats[(address.channel, address.id)] = None
        if not found:
            unknown.append(target)
    if unknown:
        return _("Không có đơn vị %(units)s trong kế hoạch bạn quản lý.") % {
            "units": ", ".join(unknown)
        }
    return list(chats), list(names)


async def _which(turn: Turn, targets: Sequence[str]) -> tuple[list[Chat], str, bool] | Reply:
    """(chats, how to name them, whether a unit paused its own chat) or the answer why
    nothing can be paused here."""
    _ = turn._
    event = turn.event
    admin = await turn.is_admin()
    if targets:
        if not (admin and turn.private):
            return Reply(text=_("Chỉ quản trị viên, nhắn riêng với Loa, mới chọn được đơn vị."))
        found = await _admin_chats(turn, targets)
        if isinstance(found, str):
            return Reply(text=found)
        chats, names = found
        if not chats:
            return Reply(text=_("Các đơn vị này chưa liên kết nhóm chat nào."))
        return chats, _("nhóm của %(units)s") % {"units": ", ".join(names)}, False
    if await turn.chat_units():
        here = _("cuộc trò chuyện này") if turn.private else _("nhóm này")
        return [(event.channel, event.chat_id)], here, not admin
    if admin and turn.private:
        return Reply(
            text=_(
                "Hãy ghi đơn vị cần tạm dừng, ví dụ /tamdung 5 phong-a, /tamdung 5 tag:xa "
                "hoặc /tamdung 5 tatca."
            )
        )
    return Reply(
        text=_(
            "Nơi này chưa liên kết với đơn vị nào nên không có nhắc việc để tạm dừng. "
            "Gửi /lienket MÃ với mã do quản trị viên cấp."
        )
    )


async def on_pause(turn: Turn) -> list[Reply]:
    _ = turn._
    args = turn.event.args
    usage = _("Cách dùng: /tamdung N (N ngày, từ 1 đến %(max)d), ví dụ /tamdung 5.") % {
        "max": MAX_PAUSE_DAYS
    }
    if not args or not args[0].isascii() or not args[0].isdigit():
        return [Reply(text=usage)]
    days = int(args[0])
    if not 1 <= days <= MAX_PAUSE_DAYS:
        return [Reply(text=usage)]
    which = await _which(turn, args[1:])
    if isinstance(which, Reply):
        return [which]
    chats, label, own = which
    units = await turn.chat_units()
    today = _today(turn, [cu.plan for cu in units] or await turn.admin_plans())
    last = today + timedelta(days=days - 1)
    for channel, chat_id in chats:
        await pause_chat(
            turn.session, channel, chat_id, today, last, by=turn.event.user_address, now=turn.now
        )
    until = format_date_long(last, turn.locale)
    text = "\n".join(
        [
            _("⏸ Tạm dừng nhắc việc ở %(where)s đến hết %(until)s.")
            % {"where": label, "until": until},
            _(
                "Hết thời gian này Loa tự nhắc lại, bắt đầu bằng danh sách việc còn mở; "
                "muốn nhắc lại sớm hơn, gõ /tieptuc."
            ),
        ]
    )
    if own:
        await _tell_admins(turn, units, today, last)
    return [Reply(text=text)]


async def _tell_admins(turn: Turn, units: Sequence[ChatUnit], first: date, last: date) -> None:
    _ = turn._
    event = turn.event
    plans = {cu.plan.id: cu.plan for cu in units}
    for plan in plans.values():
        names = ", ".join(cu.unit.name for cu in units if cu.plan.id == plan.id)
        text = _(
            "⏸ %(units)s tạm dừng nhắc việc ở nhóm chat của mình đến hết %(until)s (%(person)s)."
        ) % {
            "units": names,
            "until": format_date_long(last, turn.locale),
            "person": event.user_name,
        }
        await turn.notify_admins(
            plan, text, f"pause/{event.channel}:{event.chat_id}/{first.isoformat()}/{last}"
        )


async def on_resume(turn: Turn) -> list[Reply]:
    _ = turn._
    which = await _which(turn, turn.event.args)
    if isinstance(which, Reply):
        return [which]
    chats, label, _own = which
    units = await turn.chat_units()
    today = _today(turn, [cu.plan for cu in units] or await turn.admin_plans())
    resumed = 0
    for channel, chat_id in chats:
        pause = await chat_pause(turn.session, channel, chat_id)
        if pause is None or pause[1] < today:
            continue
        await resume_chat(
            turn.session, channel, chat_id, today, by=turn.event.user_address, now=turn.now
        )
        resumed += 1
    if not resumed:
        return [Reply(text=_("Nhắc việc ở %(where)s không bị tạm dừng.") % {"where": label})]
    return [
        Reply(
            text=_(
                "▶️ Loa nhắc việc lại ở %(where)s từ hôm nay, bắt đầu bằng danh sách việc còn mở."
            )
            % {"where": label}
        )
    ]


COMMANDS = (
    Command(
        "tamdung",
        "pause",
        on_pause,
        menu=N_("Tạm dừng nhắc việc N ngày, ví dụ /tamdung 5"),
        staff_help=HelpLine(
            N_("SỐ_NGÀY"), N_("tạm dừng nhắc việc ở nhóm này vài ngày (tối đa 30)")
        ),
        admin_help=HelpLine(
            N_("SỐ_NGÀY ĐƠN_VỊ"), N_("tạm dừng nhắc việc của đơn vị (tag:THẺ, tatca) vài ngày")
        ),
    ),
    Command(
        "tieptuc",
        "resume",
        on_resume,
        menu=N_("Nhắc việc lại ngay sau khi tạm dừng"),
        staff_help=HelpLine("", N_("nhắc việc lại ngay, trước khi hết thời gian tạm dừng")),
        admin_help=HelpLine(N_("ĐƠN_VỊ"), N_("nhắc việc lại cho đơn vị đã tạm dừng")),
    ),
)
