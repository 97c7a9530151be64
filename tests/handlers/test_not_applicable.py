"""Optional items ("… (nếu có)"): a unit answers "không phát sinh" with the 🚫 button or a
reply; the item is closed without counting as done, and it can be undone."""

from __future__ import annotations

from datetime import datetime

from bot.storage.confirmations import active_confirmations, not_applicable_keys
from content.clock import LOCAL_TZ
from scheduler.progress import progress_rows, summary_by_unit
from scheduler.state import plan_state
from tests.handlers.support import KE_HOACH, PLAN_ID, VAN_PHONG, Loa, item_key, texts

# Tuesday 10/03/2026: Phòng Kế hoạch - Tài chính's quarterly "(nếu có)" item is due.
DUE_DAY = datetime(2026, 3, 10, 8, 5, tzinfo=LOCAL_TZ)
BUDGET = item_key("du-tru-kinh-phi/2026-03-10", "phong-ke-hoach-tai-chinh")


async def _marked(loa: Loa) -> frozenset[str]:
    async with loa.database.session() as session:
        return await not_applicable_keys(session, PLAN_ID)


async def test_the_button_closes_an_optional_item_as_not_applicable(loa: Loa) -> None:
    loa.clock.set(DUE_DAY)
    sent = await loa.deliver_digests([KE_HOACH])

    notice, edit = await loa.press("na:1", sent[KE_HOACH], chat_id=KE_HOACH)

    assert BUDGET in await loa.active() and BUDGET in await _marked(loa)
    assert notice.notice is not None and "không phát sinh" in notice.notice
    assert edit.edit_message_id == sent[KE_HOACH]
    assert "1. ➖ Tổng hợp dự trù kinh phí tuyên truyền phát sinh (nếu có)" in edit.text
    assert "— không phát sinh (Nguyễn Văn A, 08:05 10/03)" in edit.text
    assert [b.data for row in edit.buttons for b in row] == ["undo:1"]


async def test_a_reply_says_not_applicable_and_progress_shows_it(loa: Loa) -> None:
    loa.clock.set(DUE_DAY)
    await loa.deliver_digests([KE_HOACH])

    replies = await loa.send("Không phát sinh 1", chat_id=KE_HOACH, quotes_bot=True)

    assert "➖ Đã ghi nhận việc 1 của Phòng Kế hoạch - Tài chính không phát sinh" in texts(replies)
    async with loa.database.session() as session:
        state = await plan_state(session, PLAN_ID)
        confirmations = await active_confirmations(session, PLAN_ID)
    assert state is not None
    rows = progress_rows(state, confirmations, DUE_DAY.date(), unit_id="phong-ke-hoach-tai-chinh")
    assert {row.item_key: row.status for row in rows}[BUDGET] == "not_applicable"
    summary = summary_by_unit(rows)[0]
    assert (summary.done, summary.not_applicable) == (0, 1)
    assert "➖ 1 không phát sinh" in texts(await loa.send("/tiendo", chat_id=KE_HOACH))


async def test_an_item_that_is_not_optional_cannot_be_not_applicable(loa: Loa) -> None:
    sent = await loa.deliver_digests([VAN_PHONG])

    replies = await loa.send("không phát sinh 2", reply_to_message_id=sent[VAN_PHONG])

    assert "Việc 2 không phải việc «nếu có»" in texts(replies)
    assert await loa.active() == {}


async def test_not_applicable_can_be_undone_and_the_item_done_instead(loa: Loa) -> None:
    loa.clock.set(DUE_DAY)
    sent = await loa.deliver_digests([KE_HOACH])
    await loa.press("na:1", sent[KE_HOACH], chat_id=KE_HOACH)

    await loa.send("/hoantac 1", chat_id=KE_HOACH, reply_to_message_id=sent[KE_HOACH])
    assert await loa.active() == {}
    await loa.send("xong 1", chat_id=KE_HOACH, reply_to_message_id=sent[KE_HOACH])

    assert BUDGET in await loa.active()
    assert BUDGET not in await _marked(loa)  # done, this time


async def test_in_their_own_words_a_unit_says_an_optional_item_had_nothing_to_do(loa: Loa) -> None:
    loa.clock.set(DUE_DAY)
    sent = await loa.deliver_digests([KE_HOACH])

    replies = await loa.send(
        "Dạ quý này không phát sinh kinh phí ạ",
        chat_id=KE_HOACH,
        reply_to_message_id=sent[KE_HOACH],
    )

    assert "không phát sinh" in texts(replies)
    assert BUDGET in await _marked(loa)
