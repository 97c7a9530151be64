"""The router: commands and aliases, what is ignored, and failures that leave no trace."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

import handlers.confirm
from bot.storage.db import Database
from bot.storage.settings import get_setting, set_setting
from handlers.commands import menu_entries
from handlers.events import Reply
from handlers.router import ALL_COMMANDS, find_command
from tests.handlers.support import BULLETIN_VP, DICH_VU_ZALO, VAN_PHONG, Loa, texts

SORRY = "Xin lỗi, đã có lỗi nên Loa chưa làm được việc này. Hãy thử lại sau ít phút."


def test_commands_are_valid_telegram_commands_with_menus_in_both_languages() -> None:
    menu = menu_entries(ALL_COMMANDS)
    names = [name for name, _vi, _en in menu]
    assert names[:2] == ["xong", "hoantac"] and "start" not in names
    assert all(re.fullmatch(r"[a-z0-9_]{1,32}", name) for name in names)
    assert ("xong", "Báo đã xong việc, ví dụ /xong 2", "Mark an item done, e.g. /done 2") in menu
    assert all(vietnamese != english for _name, vietnamese, english in menu)
    done = find_command("DONE")
    assert done is not None and done.name == "xong" and find_command("tiendo") is not None
    assert find_command("khongco") is None


async def test_english_alias_does_the_same(loa: Loa) -> None:
    private = {"chat_id": "42", "chat_type": "private", "user_id": "42"}
    assert texts(await loa.send("/help", **private)) == texts(
        await loa.send("/huongdan", **private)
    )


async def test_unsupported_message_gets_a_polite_answer(loa: Loa) -> None:
    replies = await loa.send(kind="unsupported", channel="zalo", chat_id=DICH_VU_ZALO)

    assert texts(replies) == (
        "Xin lỗi, Loa chưa đọc được loại tin nhắn này. Hãy gửi bằng chữ, ví dụ «xong 2»."
    )
    assert await loa.confirmations() == []


async def test_unknown_command(loa: Loa) -> None:
    private = await loa.send("/batdau", chat_id="42", chat_type="private", user_id="42")
    assert texts(private) == "Loa không có lệnh này. Gõ /huongdan để xem các lệnh."
    assert await loa.send("/batdau", chat_id=VAN_PHONG) == []
    quoting = await loa.send("/batdau", chat_id=VAN_PHONG, quotes_bot=True)
    assert texts(quoting) == "Loa không có lệnh này. Gõ /huongdan để xem các lệnh."


async def test_a_failing_handler_leaves_nothing_half_done(
    loa: Loa, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent = await loa.deliver_digests([VAN_PHONG])

    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("renderer broke after the confirmation was written")

    monkeypatch.setattr(handlers.confirm, "render_digest_from_payload", broken)
    replies = await loa.press("ok:1", sent[VAN_PHONG])

    assert [reply.notice for reply in replies] == [SORRY]
    assert await loa.confirmations() == []
    text_replies = await loa.send("/xong 1")
    assert texts(text_replies) == SORRY
    assert BULLETIN_VP not in await loa.active()


class Finish:
    """A channel's end of a turn: writes a marker row in the turn's session and keeps
    the replies it was given (a channel stores them as outbox rows)."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.replies: list[Reply] = []

    async def __call__(self, session: AsyncSession, replies: Sequence[Reply]) -> None:
        await set_setting(session, "handled", "yes")
        self.replies = list(replies)

    async def committed(self) -> bool:
        async with self.database.session() as session:
            return await get_setting(session, "handled") == "yes"


async def test_the_finish_hook_is_committed_with_the_turn(loa: Loa) -> None:
    sent = await loa.deliver_digests([VAN_PHONG])
    finish = Finish(loa.database)

    await loa.press("ok:1", sent[VAN_PHONG], finish)

    assert BULLETIN_VP in await loa.active()
    assert await finish.committed()
    assert finish.replies and finish.replies[-1].notice  # what the channel will show


async def test_a_failing_turn_commits_the_finish_hook_alone(
    loa: Loa, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A handler that fails would fail again: the update is marked handled, while
    nothing the handler wrote is kept."""
    sent = await loa.deliver_digests([VAN_PHONG])

    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("renderer broke after the confirmation was written")

    monkeypatch.setattr(handlers.confirm, "render_digest_from_payload", broken)
    finish = Finish(loa.database)
    replies = await loa.press("ok:1", sent[VAN_PHONG], finish)

    assert [reply.notice for reply in replies] == [SORRY]
    assert await loa.confirmations() == []
    assert await finish.committed()
    assert finish.replies == replies  # the apology is what the channel stores and sends
