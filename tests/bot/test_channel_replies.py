"""A turn's replies are outbox rows stored with the turn and sent once it is committed."""

from __future__ import annotations

import contextlib

from sqlmodel import select

from bot.channels.replies import ReplyMessage, TurnReplies
from bot.storage.db import Database
from bot.storage.models import OutboxMessage
from content.clock import FixedClock
from handlers.events import Reply
from scheduler.delivery import Outgoing, PartHook
from scheduler.dispatcher import Dispatcher
from tests.conftest import NOW


class Recording:
    name = "telegram"

    def __init__(self) -> None:
        self.sent: list[str] = []

    async def deliver(self, message: Outgoing, on_part: PartHook | None = None) -> list[str]:
        self.sent.append(message.text)
        return [str(len(self.sent))]


def turn(database: Database, channel: Recording) -> TurnReplies:
    dispatcher = Dispatcher(database, {"telegram": channel}, FixedClock(NOW), "w")
    return TurnReplies(
        dispatcher,
        FixedClock(NOW),
        "telegram",
        "4711",
        lambda replies: [ReplyMessage("-1", reply.text) for reply in replies],
    )


async def test_answers_of_a_turn_rolled_back_are_never_sent(database: Database) -> None:
    """The handlers' transaction failed after the answers were stored: the router runs
    the hook again with its apology, and only that is sent."""
    channel = Recording()
    replies = turn(database, channel)
    with contextlib.suppress(RuntimeError):
        async with database.session() as session:
            await replies.finish(session, [Reply(text="Đã ghi nhận việc 1")])
            raise RuntimeError("the commit failed")
    async with database.session() as session:
        await replies.finish(session, [Reply(text="Xin lỗi, đã có lỗi")])
    await replies.send()
    assert channel.sent == ["Xin lỗi, đã có lỗi"]
    async with database.session() as session:
        rows = (await session.exec(select(OutboxMessage))).all()
    assert [(row.key, row.status) for row in rows] == [("reply/telegram/4711/1", "sent")]


async def test_an_update_handled_again_stores_no_second_answer(database: Database) -> None:
    channel = Recording()
    first, again = turn(database, channel), turn(database, channel)
    for replies in (first, again):
        async with database.session() as session:
            await replies.finish(session, [Reply(text="Tiến độ: 3/5 việc")])
        await replies.send()
    assert channel.sent == ["Tiến độ: 3/5 việc"]
