"""The one entry point of the handlers: an Event in, the Replies out.

Each event is handled inside one database session: everything it changes is
committed together, or, if anything fails, nothing is (the person is told that
something went wrong). Commands are Vietnamese without diacritics (Telegram allows
only [a-z0-9_]), each with an English alias.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from content.buttons import unpack
from handlers import broadcast, calendar, confirm, linking, progress, tasks
from handlers import help as help_texts
from handlers.context import HandlerContext, Turn, TurnHook
from handlers.events import Event, Reply

log = logging.getLogger(__name__)

Handler = Callable[[Turn], Awaitable[list[Reply]]]

# (command, Vietnamese description, English description): the order users see in
# Telegram's command menu (setMyCommands).
COMMANDS: list[tuple[str, str, str]] = [
    ("xong", "Báo đã xong việc, ví dụ /xong 2", "Mark an item done, e.g. /done 2"),
    ("hoantac", "Hoàn tác xác nhận nhầm, ví dụ /hoantac 2", "Undo a confirmation, e.g. /undo 2"),
    ("nhiemvu", "Việc đang mở của đơn vị", "Your unit's open items"),
    ("tiendo", "Tiến độ thực hiện", "Progress"),
    ("lich", "Ngày lễ, kỷ niệm 60 ngày tới", "Anniversaries in the next 60 days"),
    ("lienket", "Liên kết nhóm với đơn vị: /lienket MÃ", "Link this chat to a unit: /link CODE"),
    ("guitin", "Gửi tin tới các đơn vị (quản trị viên)", "Broadcast to units (admins)"),
    ("huongdan", "Hướng dẫn sử dụng", "Help"),
    ("huy", "Huỷ thao tác đang làm", "Cancel the current dialogue"),
]

ALIASES: dict[str, str] = {
    "done": "xong",
    "undo": "hoantac",
    "tasks": "nhiemvu",
    "progress": "tiendo",
    "calendar": "lich",
    "link": "lienket",
    "broadcast": "guitin",
    "help": "huongdan",
    "cancel": "huy",
}


async def _link(turn: Turn) -> list[Reply]:
    return await linking.on_link(turn, turn.event.args[0] if turn.event.args else None)


HANDLERS: dict[str, Handler] = {
    "start": linking.on_start,
    "lienket": _link,
    "xong": confirm.on_done_command,
    "hoantac": confirm.on_undo_command,
    "nhiemvu": tasks.on_tasks,
    "lich": calendar.on_calendar,
    "tiendo": progress.on_progress,
    "guitin": broadcast.on_command,
    "huongdan": help_texts.on_help,
    "huy": broadcast.on_cancel,
}


def command_name(command: str | None) -> str:
    name = (command or "").lower()
    return ALIASES.get(name, name)


async def _on_button(turn: Turn) -> list[Reply]:
    pressed = unpack(turn.event.button_data)
    if pressed is not None and pressed.action in ("ok", "undo"):
        return await confirm.on_button(turn)
    if pressed is not None and pressed.action in ("bc:send", "bc:cancel"):
        return await broadcast.on_button(turn)
    return [Reply(notice=turn._("Nút này không còn hiệu lực."))]


async def _on_message(turn: Turn) -> list[Reply]:
    dialogue = await broadcast.active_dialogue(turn)
    if dialogue is not None:
        return await broadcast.on_message(turn, dialogue)
    replies = await confirm.on_message(turn)
    if replies is not None:
        return replies
    # In a group, anything else is conversation between people: stay quiet.
    return [Reply(text=help_texts.private_hint(turn))] if turn.private else []


async def _dispatch(turn: Turn) -> list[Reply]:
    event = turn.event
    if event.kind == "member":
        return await linking.on_member(turn)
    if event.kind == "unsupported":
        return [Reply(text=help_texts.unsupported(turn))]
    if event.kind == "button":
        return await _on_button(turn)
    if event.kind == "command":
        handler = HANDLERS.get(command_name(event.command))
        if handler is None:
            # In a group a bare unknown command may be meant for another bot: answer
            # only when it replies to one of Loa's messages.
            addressed = turn.private or event.quotes_bot
            return [Reply(text=help_texts.unknown_command(turn))] if addressed else []
        return await handler(turn)
    return await _on_message(turn)


async def handle(event: Event, ctx: HandlerContext, finish: TurnHook | None = None) -> list[Reply]:
    """What `event` does; the replies to show, in order.

    `finish` (the channel's "this update is handled") is committed in the same
    transaction as what the event changed, or on its own when handling failed."""
    turn: Turn | None = None
    try:
        async with ctx.database.session() as session:
            turn = Turn(event=event, ctx=ctx, session=session, now=ctx.clock.now())
            replies = await _dispatch(turn)
            if finish is not None:
                await finish(session)
    except Exception:
        log.exception(
            "handling %s %s in %s failed", event.kind, event.command or "", event.chat_address
        )
        if finish is not None:
            async with ctx.database.session() as session:
                await finish(session)  # it would fail again: do not handle it twice
        _ = ctx.translate
        sorry = _("Xin lỗi, đã có lỗi nên Loa chưa làm được việc này. Hãy thử lại sau ít phút.")
        if event.kind == "member":
            return []  # the bot may no longer be in that chat
        if event.kind == "button":
            return [Reply(notice=sorry)]
        return [Reply(text=sorry)]
    if turn.wake_requested:
        ctx.wake()
    return replies
