"""FakeTelegram's limits and injected faults, and webhook delivery, seen from PTB."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import aiohttp
import pytest
import telegram
from telegram.error import BadRequest, Conflict, NetworkError, RetryAfter

from ._common import FakeTimeout, wait_until
from .telegram_api import FakeTelegram
from .telegram_limits import TelegramLimits
from .webhook_receiver import Receiver

GROUP = -1002154839012
OTHER_GROUP = -1002154839013


def seconds(retry_after: int | timedelta) -> float:
    assert isinstance(retry_after, timedelta)
    return retry_after.total_seconds()


async def test_per_chat_limit_answers_429_and_does_not_deliver(
    bot: telegram.Bot, tg: FakeTelegram
) -> None:
    tg.set_limits(chat_burst=1, chat_per_second=1.0)
    tg.add_chat(GROUP, "supergroup")
    tg.add_chat(OTHER_GROUP, "supergroup")
    await bot.send_message(GROUP, "Một")
    with pytest.raises(RetryAfter) as refused:
        await bot.send_message(GROUP, "Hai")
    assert seconds(refused.value.retry_after) == 1
    await bot.send_message(OTHER_GROUP, "Nhóm khác không bị chặn")
    assert [r.text for r in tg.sent] == ["Một", "Nhóm khác không bị chặn"]
    assert tg.stats()["rate_limited"] == 1


async def test_group_per_minute_limit(bot: telegram.Bot, tg: FakeTelegram) -> None:
    tg.set_limits(group_per_minute=2, chat_burst=10)
    tg.add_chat(GROUP, "supergroup")
    await bot.send_message(GROUP, "Một")
    await bot.send_message(GROUP, "Hai")
    with pytest.raises(RetryAfter) as refused:
        await bot.send_message(GROUP, "Ba")
    assert 1 < seconds(refused.value.retry_after) <= 60  # the minute's window, not a second
    assert len(tg.sent) == 2


async def test_global_limit_spans_chats(bot: telegram.Bot, tg: FakeTelegram) -> None:
    tg.set_limits(global_per_second=2)
    for chat_id in (GROUP, OTHER_GROUP, -1002154839014):
        tg.add_chat(chat_id, "supergroup")
    await bot.send_message(GROUP, "Một")
    await bot.send_message(OTHER_GROUP, "Hai")
    with pytest.raises(RetryAfter):
        await bot.send_message(-1002154839014, "Ba")


async def test_storm_of_the_next_k_sends_to_chosen_chats(
    bot: telegram.Bot, tg: FakeTelegram
) -> None:
    tg.add_chat(GROUP, "supergroup")
    tg.add_chat(OTHER_GROUP, "supergroup")
    tg.storm(7, count=2, chat_ids=[GROUP])
    await bot.send_message(OTHER_GROUP, "Không bị ảnh hưởng")
    for _ in range(2):
        with pytest.raises(RetryAfter) as refused:
            await bot.send_message(GROUP, "Bị chặn")
        assert seconds(refused.value.retry_after) == 7
    await bot.send_message(GROUP, "Qua được")
    assert [r.text for r in tg.sent] == ["Không bị ảnh hưởng", "Qua được"]
    assert tg.storm_config is None


async def test_storm_on_every_third_send() -> None:
    tg = FakeTelegram(limits=TelegramLimits.off())
    async with tg, telegram.Bot(tg.token, base_url=f"{tg.url}/bot") as bot:
        tg.add_chat(GROUP, "supergroup")
        tg.storm(3, every=3)
        outcomes = []
        for n in range(6):
            try:
                await bot.send_message(GROUP, f"Tin {n}")
                outcomes.append("ok")
            except RetryAfter:
                outcomes.append("429")
    assert outcomes == ["ok", "ok", "429", "ok", "ok", "429"]


async def test_5xx_injection_then_recovery(bot: telegram.Bot, tg: FakeTelegram) -> None:
    tg.add_chat(GROUP, "supergroup")
    tg.fail_next(2, status=502)
    for _ in range(2):
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(GROUP, "Thử")
    await bot.get_me()  # other methods are untouched by default
    await bot.send_message(GROUP, "Thử")
    assert len(tg.sent) == 1 and tg.stats()["server_errors"] == 2


async def test_lost_answer_delivers_and_a_retry_duplicates(
    bot: telegram.Bot, tg: FakeTelegram
) -> None:
    tg.add_chat(GROUP, "supergroup")
    tg.lose_next(1)
    with pytest.raises(NetworkError):
        await bot.send_message(GROUP, "Nhắc việc")
    await bot.send_message(GROUP, "Nhắc việc")  # a naive retry
    assert tg.duplicates() == [(GROUP, "Nhắc việc", 2)]
    assert tg.stats()["lost"] == 1


async def test_hold_then_release_delivers_in_arrival_order(
    bot: telegram.Bot, tg: FakeTelegram
) -> None:
    tg.add_chat(GROUP, "supergroup")
    tg.set_limits(enabled=False)
    tg.hold()
    sends = []
    for n in range(3):
        sends.append(asyncio.create_task(bot.send_message(GROUP, f"Tin {n}")))
        await wait_until(lambda n=n: tg.gate.waiting == n + 1, within=5, describe=str)
    assert tg.sent == [] and tg.stats()["held"] == 3
    tg.release()
    results = await asyncio.gather(*sends)
    assert [m.text for m in results] == ["Tin 0", "Tin 1", "Tin 2"]
    assert [r.message_id for r in tg.sent] == [1, 2, 3]


async def test_held_request_is_discarded_when_the_client_disconnects(tg: FakeTelegram) -> None:
    tg.add_chat(GROUP, "supergroup")
    tg.hold()
    async with aiohttp.ClientSession() as session:
        with pytest.raises(TimeoutError):
            await session.post(
                f"{tg.url}/bot{tg.token}/sendMessage",
                data={"chat_id": str(GROUP), "text": "Chưa tới nơi"},
                timeout=aiohttp.ClientTimeout(total=0.3),
            )
    await wait_until(lambda: tg.stats()["discarded"] == 1, within=5, describe=tg.describe_requests)
    tg.release()
    assert tg.sent == [] and tg.requests[-1].outcome == "discarded"


async def test_wait_for_messages_times_out_with_a_readable_dump(
    bot: telegram.Bot, tg: FakeTelegram
) -> None:
    tg.add_chat(GROUP, "supergroup")
    await bot.send_message(GROUP, "Chỉ có một tin")
    with pytest.raises(FakeTimeout, match="expected 2 message") as timeout:
        await tg.wait_for_messages(2, chat_id=GROUP, timeout=0.1)
    assert "Chỉ có một tin" in str(timeout.value) and "sendMessage -> 200" in str(timeout.value)


async def test_webhook_delivers_with_the_secret_header(
    bot: telegram.Bot, tg: FakeTelegram, receiver: Receiver
) -> None:
    assert await bot.set_webhook(receiver.url, secret_token="loa-S3cret_token")
    update = tg.message(700000001, "/start abc")
    await wait_until(lambda: receiver.received, within=5, describe=str)
    headers, body = receiver.received[0]
    assert headers["X-Telegram-Bot-Api-Secret-Token"] == "loa-S3cret_token"
    assert body == update
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()
    info = await bot.get_webhook_info()
    assert info.url == receiver.url and info.pending_update_count == 0


async def test_webhook_retries_until_the_bot_accepts(
    bot: telegram.Bot, tg: FakeTelegram, receiver: Receiver
) -> None:
    tg.webhook.retry_delay = 0.01
    receiver.answers = [500, 500]
    await bot.set_webhook(receiver.url)
    tg.message(700000001, "xong")
    await wait_until(lambda: len(receiver.received) == 3, within=5, describe=str)
    assert [d.status for d in tg.webhook.deliveries] == [500, 500, 200]
    info = await bot.get_webhook_info()
    assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"
    assert "X-Telegram-Bot-Api-Secret-Token" not in receiver.received[0][0]


async def test_delete_webhook_returns_to_polling(
    bot: telegram.Bot, tg: FakeTelegram, receiver: Receiver
) -> None:
    with pytest.raises(BadRequest, match=r"(?i)https url must be provided"):
        await bot.set_webhook("http://example.org/hook")
    await bot.set_webhook(receiver.url)
    await bot.delete_webhook()
    tg.message(700000001, "xong")
    assert [u.message.text for u in await bot.get_updates()] == ["xong"]
    assert receiver.received == []


async def test_random_failures_fail_about_the_rate_given_and_deliver_nothing_for_them(
    bot: telegram.Bot, tg: FakeTelegram
) -> None:
    tg.set_limits(enabled=False)
    tg.add_chat(GROUP, "supergroup")
    tg.fail_randomly(0.3, status=502, seed=7)
    failed = 0
    for n in range(200):
        try:
            await bot.send_message(GROUP, f"Tin {n}")
        except NetworkError:
            failed += 1
    assert 40 <= failed <= 80  # 30 % of 200, give or take
    assert len(tg.sent) == 200 - failed
    assert (await bot.get_me()).is_bot  # only the send methods, by default
    tg.faults.clear()
    await bot.send_message(GROUP, "Sau khi hết lỗi")
    assert tg.sent[-1].text == "Sau khi hết lỗi"
