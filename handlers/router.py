"""The one entry point of the handlers: an Event in, the Replies out.

Each event is handled inside one database session: everything it changes is
committed together, or, if anything fails, nothing is (the person is told that
something went wrong). Commands are declared by their feature modules
(handlers/commands.py says how); ALL_COMMANDS puts them together.
"""

from __future__ import annotations

import logging

from bot.storage.contacts import note_private_chat
from content.buttons import unpack
from content.i18n import Translator
from handlers import (
    broadcast,
    calendar,
    confirm,
    contacts,
    language,
    linking,
    pause,
    privacy,
    progress,
    replies,
    reports,
    tasks,
    web_login,
)
from handlers import help as help_texts
from handlers.commands import N_, Command, by_name
from handlers.context import HandlerContext, Turn, TurnHook, units_of
from handlers.events import Event, Reply

log = logging.getLogger(__name__)


async def _on_help(turn: Turn) -> list[Reply]:
    return [Reply(text=await help_texts.help_text(turn, ALL_COMMANDS))]


# The order of Telegram's command menu; /huongdan is the router's own: it lists the rest.
ALL_COMMANDS: tuple[Command, ...] = (
    *confirm.COMMANDS,
    *tasks.COMMANDS,
    *progress.COMMANDS,
    *reports.COMMANDS,
    *calendar.COMMANDS,
    *pause.COMMANDS,
    *linking.COMMANDS,
    *contacts.COMMANDS,
    *broadcast.COMMANDS,
    *privacy.COMMANDS,
    *language.COMMANDS,
    *web_login.COMMANDS,
    Command("huongdan", "help", _on_help, menu=N_("Hướng dẫn sử dụng")),
)
COMMANDS_BY_NAME = by_name(ALL_COMMANDS)


def find_command(name: str | None) -> Command | None:
    """The command typed, by its name or English alias, in any case."""
    return COMMANDS_BY_NAME.get((name or "").lower())


async def _on_button(turn: Turn) -> list[Reply]:
    pressed = unpack(turn.event.button_data)
    if pressed is not None and pressed.action in ("ok", "na", "undo"):
        return await confirm.on_button(turn)
    if pressed is not None and pressed.action == "ask":
        return await replies.on_ask_button(turn)
    if pressed is not None and pressed.action in ("bc:send", "bc:cancel"):
        return await broadcast.on_button(turn)
    return [Reply(notice=turn._("Nút này không còn hiệu lực."))]


async def _on_message(turn: Turn) -> list[Reply]:
    dialogue = await broadcast.active_dialogue(turn)
    if dialogue is not None:
        return await broadcast.on_message(turn, dialogue)
    answered = await replies.on_message(turn)
    if answered is not None:
        return answered
    # In a group, anything else is conversation between people: stay quiet.
    return [Reply(text=help_texts.private_hint(turn))] if turn.private else []


async def _dispatch(turn: Turn) -> list[Reply]:
    event = turn.event
    if turn.private and event.user_id:
        # Platforms refuse a bot's first message to a person: note who wrote first, so
        # contact reminders go only to them (scheduler/contact_reminders.py).
        await note_private_chat(turn.session, event.user_address, turn.now)
    if event.kind == "member":
        return await linking.on_member(turn)
    if event.kind == "unsupported":
        return [Reply(text=help_texts.unsupported(turn))]
    if event.kind == "button":
        return await _on_button(turn)
    if event.kind == "command":
        command = find_command(event.command)
        if command is None:
            # In a group a bare unknown command may be meant for another bot: answer
            # only when it replies to one of Loa's messages.
            addressed = turn.private or event.quotes_bot
            return [Reply(text=help_texts.unknown_command(turn))] if addressed else []
        return await command.handler(turn)
    return await _on_message(turn)


async def handle(event: Event, ctx: HandlerContext, finish: TurnHook | None = None) -> list[Reply]:
    """What `event` does; the replies to show, in order.

    `finish` (the channel's: store the replies, mark the update handled) runs with the
    replies in the same transaction as what the event changed; when handling failed,
    on its own with the apology."""
    turn: Turn | None = None
    try:
        async with ctx.database.session() as session:
            view = await ctx.chat_view(session, event)
            turn = Turn(
                event=event,
                ctx=ctx,
                session=session,
                now=ctx.clock.now(),
                locale=await ctx.locale_for(session, event, view),
                known_units=units_of(view),
            )
            replies = await _dispatch(turn)
            if finish is not None:
                await finish(session, replies)
    except Exception:
        log.exception(
            "handling %s %s in %s failed", event.kind, event.command or "", event.chat_address
        )
        replies = _apology(event, turn._ if turn is not None else ctx.translate)
        if finish is not None:
            async with ctx.database.session() as session:
                await finish(session, replies)  # it would fail again: do not handle it twice
        return replies
    if turn.wake_requested:
        ctx.wake()
    return replies


def _apology(event: Event, _: Translator) -> list[Reply]:
    sorry = _("Xin lỗi, đã có lỗi nên Loa chưa làm được việc này. Hãy thử lại sau ít phút.")
    if event.kind == "member":
        return []  # the bot may no longer be in that chat
    if event.kind == "button":
        return [Reply(notice=sorry)]
    return [Reply(text=sorry)]
