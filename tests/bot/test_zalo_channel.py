"""The Zalo channel against a fake Zalo Bot API over real HTTP: what users receive, how
platform failures reach the outbox, what the handlers get from users' updates, and
what never happens (a token in a log, a forged webhook stored, an update handled twice)."""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.channels import zalo_quota
from bot.channels.ratelimit import RateLimiter
from bot.channels.zalo import WEBHOOK_PATH, ZaloChannel
from bot.channels.zalo_content import DOCUMENT_NOTE, PHOTO_NOTE, TEXT_LIMIT
from bot.channels.zalo_quota import AlertText
from bot.channels.zalo_updates import to_event, unwrap_update
from bot.config import Config
from bot.storage import outbox
from bot.storage.db import Database
from bot.storage.models import Confirmation, InboundEvent, OutboxMessage
from bot.storage.send_counts import count_sent, sent_in_month
from bot.web import WebServer
from content.clock import FixedClock
from content.due import DueMessage
from content.i18n import translator
from handlers.context import HandlerContext, TurnHook
from handlers.events import Event, Reply
from handlers.router import handle
from scheduler.delivery import ChannelDown, Outgoing, Rejected, RetryLater
from scheduler.dispatcher import Dispatcher
from tests.bot.telegram_harness import RecordingHandlers
from tests.fakes import FakeZalo
from tests.fakes._common import wait_until

FIXTURES = Path(__file__).parents[1] / "fixtures" / "zalo"
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 2, 3, 7, 31, tzinfo=LOCAL)
USER = "6ede9afa66b88fe6d6a9"
GROUP = "f18c2e6a9b0d47c3e5a1"
MEMBER = "a3f1c07be25d49e8b6c2"
SECRET = "loa-zalo-webhook-secret-0123456789"


def fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def paragraphs(count: int, size: int) -> str:
    """`count` paragraphs of about `size` characters each, every one distinct."""
    return "\n\n".join(
        f"Đoạn {n}: " + " ".join(["tuyên truyền"] * (size // 13)) for n in range(1, count + 1)
    )


def chain(error: BaseException) -> str:
    """An exception with everything it was raised from or during, as text."""
    texts = []
    seen: BaseException | None = error
    while seen is not None:
        texts += [str(seen), repr(seen)]
        seen = seen.__cause__ or seen.__context__
    return "\n".join(texts)


class Alerts:
    """Stands in for the app's alert_admins(text, key); keeps the text as a Vietnamese
    admin reads it (and as an English one does, in `english`)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.english: list[str] = []

    async def __call__(self, text: AlertText, key: str) -> None:
        self.calls.append((text(translator("vi")), key))
        self.english.append(text(translator("en")))


@pytest.fixture
async def zalo() -> AsyncIterator[FakeZalo]:
    async with FakeZalo(seed=11) as fake:
        yield fake


@pytest.fixture
def alerts() -> Alerts:
    return Alerts()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def make_channel(
    zalo: FakeZalo,
    database: Database,
    handlers: RecordingHandlers,
    alerts: Alerts,
    clock: FixedClock,
) -> Callable[..., ZaloChannel]:
    """make_channel(**config changes): a channel on the fake, without Loa's pacing."""

    def make(secret: str | None = None, **changes: Any) -> ZaloChannel:
        config = Config(
            **{
                "zalo_token": zalo.token,
                "zalo_api_url": zalo.url,
                "zalo_monthly_quota": 3000,
                **changes,
            },
        )
        return ZaloChannel(
            config,
            database,
            handlers,
            clock,
            secret,
            alerts,
            limiter=RateLimiter(10000, 10000, 10000),
        )

    return make


@asynccontextmanager
async def started(channel: ZaloChannel, web: WebServer | None = None) -> AsyncIterator[ZaloChannel]:
    await channel.start(web)
    try:
        yield channel
    finally:
        await channel.stop()


@pytest.fixture
async def channel(make_channel: Callable[..., ZaloChannel]) -> AsyncIterator[ZaloChannel]:
    async with started(make_channel()) as running:
        yield running


@pytest.fixture
async def web() -> AsyncIterator[WebServer]:
    server = WebServer()
    await server.start("127.0.0.1", 0)
    yield server
    await server.stop()


@pytest.fixture
async def hooked(
    make_channel: Callable[..., ZaloChannel], web: WebServer
) -> AsyncIterator[ZaloChannel]:
    """A channel in webhook mode, its webhook on a local WebServer."""
    channel = make_channel(SECRET, webhook_base_url=f"http://127.0.0.1:{web.port}")
    async with started(channel, web) as running:
        yield running


async def inbound_count(database: Database) -> int:
    async with database.session() as session:
        result = await session.exec(select(func.count()).select_from(InboundEvent))
        return int(result.scalar_one())


async def processed(database: Database, count: int) -> None:
    """Wait until `count` stored updates have been handled."""

    async def done() -> bool:
        async with database.session() as session:
            result = await session.exec(
                select(func.count())
                .select_from(InboundEvent)
                .where(InboundEvent.processed_at.is_not(None))
            )
            return int(result.scalar_one()) >= count

    loop = asyncio.get_running_loop()
    deadline = loop.time() + 5
    while not await done():
        assert loop.time() < deadline, f"{count} update(s) were not handled"
        await asyncio.sleep(0.02)


# --- updates to events ------------------------------------------------------------------------


def test_a_private_text_becomes_a_message_from_that_person() -> None:
    event = to_event(fixture("text_private"), NOW)
    assert event == Event(
        channel="zalo",
        chat_id=USER,
        chat_type="private",
        user_id=USER,
        user_name="Nguyễn Thị Lan",
        kind="message",
        received_at=NOW,
        text="xong",
        message_id="2d758cb5e222177a4e35",
        quotes_bot=False,
    )
    assert event.chat_address == f"zalo:{USER}"


def test_xong_2_in_a_group_quotes_the_bot() -> None:
    event = to_event(fixture("group_quote_xong"), NOW)
    assert event is not None
    assert (event.chat_id, event.chat_type, event.user_id) == (GROUP, "group", MEMBER)
    assert (event.kind, event.text, event.quotes_bot) == ("message", "xong 2", True)
    assert event.user_name == "Trần Văn Minh"
    # Zalo does not say which message was quoted: the handlers read the latest digest.
    assert event.reply_to_message_id is None


def test_an_image_brings_its_url_as_evidence_and_its_caption_as_text() -> None:
    event = to_event(fixture("image"), NOW)
    assert event is not None
    assert event.kind == "message"
    assert event.text == "xong 1 - băng rôn đã treo ở cổng UBND"
    assert event.evidence == ("https://photo-stal-1.zadn.vn/2026/02/03/bangron_ubnd_1280.jpg",)


def test_withheld_content_is_an_unsupported_event_without_text() -> None:
    event = to_event(fixture("unsupported"), NOW)
    assert event is not None
    assert (event.kind, event.text, event.evidence) == ("unsupported", "", ())
    assert (event.user_id, event.chat_type, event.user_name) == (
        "d27b9e05f4a8c13e6b90",
        "private",
        "",
    )


def test_a_wrapped_webhook_body_is_unwrapped_and_its_command_read() -> None:
    body = fixture("webhook_wrapped")
    update = unwrap_update(body)
    assert update == body["result"]
    assert unwrap_update(update) == update  # the bare form as it is
    event = to_event(update, NOW)
    assert event is not None
    assert (event.kind, event.command, event.args) == ("command", "tiendo", ())
    for not_an_update in ({"ok": True, "result": []}, [body], {"ok": False}):
        assert unwrap_update(not_an_update) is None


def test_commands_after_a_mention_stickers_links_and_bots() -> None:
    def event_for(text: str, **message: Any) -> Event | None:
        update = fixture("group_quote_xong")
        update["message"] = {**update["message"], "text": text, **message}
        return to_event(update, NOW)

    mentioned = event_for("@Loa /xong 1 3")
    assert mentioned is not None
    assert (mentioned.command, mentioned.args) == ("xong", ("1", "3"))
    linked = event_for("xong 2 https://baolaocai.vn/bai-viet-123.html, cảm ơn")
    assert linked is not None and linked.evidence == ("https://baolaocai.vn/bai-viet-123.html",)
    bot = event_for("xong", **{"from": {"id": "b0", "display_name": "Bot", "is_bot": True}})
    assert bot is None
    sticker = fixture("text_private") | {"event_name": "message.sticker.received"}
    event = to_event(sticker, NOW)
    assert event is not None and event.kind == "unsupported"
    assert to_event(fixture("text_private") | {"event_name": "message.future.kind"}, NOW) is None


# --- start ------------------------------------------------------------------------------------


async def test_polling_start_checks_the_token_and_clears_any_webhook(
    zalo: FakeZalo, channel: ZaloChannel
) -> None:
    assert channel.account_name == "bot.LoaTest"
    assert channel.health() == {"running": True, "mode": "polling", "alive": True}
    methods = [call.method for call in zalo.requests]
    assert methods[:2] == ["getMe", "deleteWebhook"]


async def test_webhook_start_registers_the_url_and_secret(
    zalo: FakeZalo, hooked: ZaloChannel, web: WebServer
) -> None:
    assert zalo.webhook_url == f"http://127.0.0.1:{web.port}{WEBHOOK_PATH}"
    assert zalo.webhook_secret == SECRET
    assert hooked.health()["mode"] == "webhook"
    assert not any(call.method == "getUpdates" for call in zalo.requests)


async def test_a_webhook_secret_zalo_would_refuse_is_caught_at_start(
    zalo: FakeZalo, make_channel: Callable[..., ZaloChannel], web: WebServer
) -> None:
    channel = make_channel("short", webhook_base_url=f"http://127.0.0.1:{web.port}")
    with pytest.raises(ChannelDown, match="8 to 256"):
        await channel.start(web)
    assert zalo.requests == []


# --- the token never shows ------------------------------------------------------------------


async def test_a_rejected_token_stops_start_with_a_clear_line_and_no_token(
    zalo: FakeZalo, make_channel: Callable[..., ZaloChannel], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    zalo.revoke_token()
    channel = make_channel()
    with pytest.raises(ChannelDown, match="LOA_ZALO_TOKEN") as raised:
        await channel.start()
    assert "401" in str(raised.value)
    assert zalo.token not in chain(raised.value)
    assert zalo.token not in caplog.text
    assert not channel.running


async def test_network_errors_name_no_url_and_no_token(
    zalo: FakeZalo, channel: ZaloChannel, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await zalo.stop()  # nobody answers any more: connection refused
    with pytest.raises(RetryLater) as raised:
        await channel.deliver(Outgoing(USER, "Nhắc việc"))
    assert raised.value.per_chat is False  # the network fails every chat alike
    assert "ClientConnectorError" in str(raised.value)
    assert zalo.token not in chain(raised.value)
    assert "/bot" not in chain(raised.value)  # no URL at all
    await wait_until(  # the poller meets the dead server too
        lambda: "getUpdates failed" in caplog.text, within=5, describe=lambda: caplog.text
    )
    assert zalo.token not in caplog.text
    assert "/bot" not in caplog.text


async def test_a_revoked_token_stops_polling_and_sending_with_a_clear_line(
    zalo: FakeZalo, channel: ZaloChannel, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    zalo.revoke_token()
    zalo.text_message(USER, "xin chào")  # ends the long poll in flight; the next one is a 401
    await wait_until(
        lambda: "polling stopped" in caplog.text, within=5, describe=lambda: caplog.text
    )
    assert not channel.running
    assert channel.health()["alive"] is False
    polls = [call for call in zalo.requests if call.method == "getUpdates"]
    assert polls[-1].status == 401
    await asyncio.sleep(1.5)
    assert [call for call in zalo.requests if call.method == "getUpdates"] == polls
    with pytest.raises(ChannelDown) as raised:
        await channel.deliver(Outgoing(USER, "Nhắc việc"))
    assert zalo.token not in chain(raised.value)
    assert "LOA_ZALO_TOKEN" in caplog.text
    assert zalo.token not in caplog.text


# --- delivering ---------------------------------------------------------------------------------


async def test_deliver_sends_the_text_and_returns_the_message_id(
    zalo: FakeZalo, channel: ZaloChannel
) -> None:
    ids = await channel.deliver(Outgoing(GROUP, "🔔 NHẮC VIỆC — Phòng Người có công"))
    [sent] = zalo.sent
    assert (sent.chat_id, sent.method, sent.text) == (
        GROUP,
        "sendMessage",
        "🔔 NHẮC VIỆC — Phòng Người có công",
    )
    assert ids == [sent.message_id]


async def test_a_long_text_is_split_at_paragraphs_in_order(
    zalo: FakeZalo, channel: ZaloChannel
) -> None:
    text = paragraphs(5, 900)
    assert len(text) > 2 * TEXT_LIMIT
    ids = await channel.deliver(Outgoing(GROUP, text))
    assert len(zalo.sent) == len(ids) == 3
    bodies = [record.text or "" for record in zalo.sent]
    assert all(len(body) <= TEXT_LIMIT for body in bodies)
    assert "\n\n".join(bodies) == text  # cut only where a paragraph ends, nothing lost
    assert [body.split(":")[0] for body in bodies] == ["Đoạn 1", "Đoạn 3", "Đoạn 5"]


async def test_a_photo_goes_by_url_with_the_text_as_caption(
    zalo: FakeZalo, channel: ZaloChannel
) -> None:
    url = "https://photo-stal-1.zadn.vn/2026/02/03/pano.jpg"
    await channel.deliver(Outgoing(GROUP, "Pano tuyên truyền", photo=url))
    [sent] = zalo.sent
    assert (sent.method, sent.photo, sent.caption) == ("sendPhoto", url, "Pano tuyên truyền")
    await channel.deliver(Outgoing(GROUP, paragraphs(3, 900), photo=url))
    photo, rest = zalo.sent[1:]
    assert photo.method == "sendPhoto" and photo.caption and photo.caption.startswith("Đoạn 1")
    assert rest.method == "sendMessage" and rest.text and rest.text.startswith("Đoạn 3")


async def test_a_telegram_file_cannot_go_to_zalo_so_the_text_says_so(
    zalo: FakeZalo, channel: ZaloChannel
) -> None:
    await channel.deliver(Outgoing(GROUP, "Ảnh hoạt động tuần này", photo="AgACAgUAAxkBAAIB"))
    await channel.deliver(
        Outgoing(GROUP, "Kế hoạch chi tiết", document="https://sldtbxh.laocai.gov.vn/kh.pdf")
    )
    await channel.deliver(Outgoing(GROUP, "Mẫu báo cáo", document="BQACAgUAAxkBAAIC"))
    assert [record.method for record in zalo.sent] == ["sendMessage"] * 3
    assert [record.text for record in zalo.sent] == [
        f"Ảnh hoạt động tuần này\n\n{PHOTO_NOTE}",
        "Kế hoạch chi tiết\n\n📎 https://sldtbxh.laocai.gov.vn/kh.pdf",
        f"Mẫu báo cáo\n\n{DOCUMENT_NOTE}",
    ]


async def test_an_empty_message_is_rejected_without_a_call(
    zalo: FakeZalo, channel: ZaloChannel
) -> None:
    with pytest.raises(Rejected):
        await channel.deliver(Outgoing(GROUP, "  \n "))
    assert not any(call.method.startswith("send") for call in zalo.requests)


# --- errors reach the outbox as what to do -------------------------------------------------------


@pytest.mark.parametrize("status", [403, 500, 502])
async def test_passing_faults_are_retried_later_for_that_chat(
    zalo: FakeZalo, channel: ZaloChannel, status: int
) -> None:
    zalo.fail_next(1, status=status)
    with pytest.raises(RetryLater) as raised:
        await channel.deliver(Outgoing(GROUP, "Nhắc việc"))
    assert raised.value.retry_after is None  # the dispatcher's backoff
    assert raised.value.per_chat is True
    assert zalo.sent == []
    await channel.deliver(Outgoing(GROUP, "Nhắc việc"))
    assert len(zalo.sent) == 1


async def test_a_bad_request_is_rejected_for_good(zalo: FakeZalo, channel: ZaloChannel) -> None:
    zalo.fail_next(1, status=400)
    with pytest.raises(Rejected, match="400"):
        await channel.deliver(Outgoing(GROUP, "Nhắc việc"))


async def test_quota_exceeded_pauses_the_whole_channel_and_alerts_the_admins_once(
    zalo: FakeZalo, channel: ZaloChannel, alerts: Alerts
) -> None:
    zalo.monthly_quota = 0
    chats = [GROUP, "0a0a0a0a0a0a0a0a0a01", "0a0a0a0a0a0a0a0a0a02"]
    failures = await asyncio.gather(
        *(channel.deliver(Outgoing(chat, "Nhắc việc")) for chat in chats),
        return_exceptions=True,
    )
    assert all(isinstance(failure, RetryLater) for failure in failures), failures
    assert all(failure.per_chat is False for failure in failures)  # type: ignore[union-attr]
    # One pause of a minute for the channel, however many requests met the 429.
    assert max(failure.retry_after for failure in failures) == 60  # type: ignore[union-attr]
    zalo.monthly_quota = None
    calls = len(zalo.requests)
    with pytest.raises(RetryLater) as again:
        await channel.deliver(Outgoing(USER, "Tin khác, chat khác"))
    assert again.value.per_chat is False and 0 < (again.value.retry_after or 0) <= 60
    sends = [call for call in zalo.requests[calls:] if call.method != "getUpdates"]
    assert sends == []  # paused: Zalo is not asked again before the pause ends
    [(text, key)] = alerts.calls
    assert "vượt hạn mức (lỗi 429)" in text and "tạm dừng gửi qua Zalo 1 phút" in text
    assert key == "zalo-429/2026-02-03"


# --- a split text that fails half-way ---------------------------------------------------------


async def enqueue_long(database: Database, text: str) -> int:
    async with database.session() as session:
        await outbox.enqueue(
            session,
            [
                DueMessage(
                    key="digest/test/2026-02-03",
                    channel="zalo",
                    chat_id=GROUP,
                    kind="digest",
                    text=text,
                    not_before=NOW - timedelta(minutes=1),
                    payload={"date": "2026-02-03", "unit_id": "phong-nguoi-co-cong"},
                )
            ],
            NOW,
        )
        row = (await session.exec(select(OutboxMessage))).scalar_one()
        assert row.id is not None
        return row.id


async def outbox_row(database: Database, row_id: int) -> OutboxMessage:
    async with database.session() as session:
        row = await session.get(OutboxMessage, row_id)
        assert row is not None
        return row


async def test_a_split_text_failing_half_way_resumes_without_repeating_a_part(
    zalo: FakeZalo,
    database: Database,
    make_channel: Callable[..., ZaloChannel],
    clock: FixedClock,
) -> None:
    text = paragraphs(5, 900)
    row_id = await enqueue_long(database, text)
    first = make_channel()
    async with started(first):
        dispatcher = Dispatcher(database, {"zalo": first}, clock, "worker-1")
        zalo.hold()
        sending = asyncio.create_task(dispatcher.dispatch())
        await wait_until(lambda: zalo.gate.waiting == 1, within=5, describe=zalo.describe_requests)
        zalo.fail_next(1, status=502)  # the held first part is past this; the second is not
        zalo.release()
        report = await sending
    assert (report.sent, report.retried) == (0, 1)
    assert [record.text[:6] for record in zalo.sent if record.text] == ["Đoạn 1"]
    row = await outbox_row(database, row_id)
    assert row.status == "pending"
    assert row.payload["parts_sent"] == [zalo.sent[0].message_id]

    # A new process (another channel and dispatcher) picks the row up at its retry time.
    clock.advance(timedelta(seconds=30))
    second = make_channel()
    async with started(second):
        report = await Dispatcher(database, {"zalo": second}, clock, "worker-2").dispatch()
    assert report.sent == 1
    bodies = [record.text or "" for record in zalo.sent]
    assert "\n\n".join(bodies) == text  # every part once, in order
    assert zalo.duplicates() == []
    row = await outbox_row(database, row_id)
    assert row.status == "sent"
    assert row.message_ids == [record.message_id for record in zalo.sent]


async def test_a_long_reply_goes_through_the_outbox_and_resumes_at_the_part_that_failed(
    zalo: FakeZalo,
    channel: ZaloChannel,
    handlers: RecordingHandlers,
    database: Database,
    clock: FixedClock,
) -> None:
    text = paragraphs(5, 900)
    handlers.respond = lambda event: [Reply(text=text)]
    zalo.hold()
    zalo.text_message(USER, "/tiendo")
    await wait_until(lambda: zalo.gate.waiting == 1, within=5, describe=zalo.describe_requests)
    zalo.fail_next(1, status=500)
    zalo.release()
    await processed(database, 1)

    async def waiting_reply() -> OutboxMessage | None:
        async with database.session() as session:
            row = (await session.exec(select(OutboxMessage))).scalar_one()
            return row if row.status == "pending" else None

    row = None
    while row is None:
        row = await waiting_reply()
        await asyncio.sleep(0.02)
    assert row.kind == "reply" and re.fullmatch(r"reply/zalo/[^/]+/1", row.key)
    assert row.payload["parts_sent"] == [zalo.sent[0].message_id]
    clock.advance(timedelta(seconds=2))  # the outbox's retry time: the channel wakes then
    await zalo.wait_for_messages(3, USER)
    assert "\n\n".join(record.text or "" for record in zalo.sent) == text
    assert zalo.duplicates() == []


# --- polling ------------------------------------------------------------------------------------


async def test_polling_handles_each_update_once_though_zalo_repeats_it(
    zalo: FakeZalo, channel: ZaloChannel, handlers: RecordingHandlers, database: Database
) -> None:
    zalo.redeliver = True  # getUpdates hands every update out twice
    update = zalo.text_message(GROUP, "xong 2", user_id=MEMBER, chat_type="GROUP")
    [event] = await handlers.wait_for(1)
    assert (event.chat_id, event.text, event.quotes_bot) == (GROUP, "xong 2", True)
    served = await zalo.wait_for_request("getUpdates", 2)
    assert len(served) == 2  # the same update, twice
    # A third poll means the poller is done with the repeat.
    await wait_until(
        lambda: sum(call.method == "getUpdates" for call in zalo.requests) >= 3,
        within=5,
        describe=zalo.describe_requests,
    )
    await processed(database, 1)
    assert await inbound_count(database) == 1
    assert handlers.events == [event]
    assert event.message_id == update["message"]["message_id"]


async def test_polling_drops_an_update_of_the_wrong_shape_and_goes_on(
    zalo: FakeZalo,
    channel: ZaloChannel,
    handlers: RecordingHandlers,
    database: Database,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Once stuck in the poller's retry list, this update kept every later one waiting.
    zalo.inject_update({"event_name": "message.text.received", "message": [1]})
    zalo.text_message(USER, "/tiendo")
    [event] = await handlers.wait_for(1)
    assert event.command == "tiendo"
    await processed(database, 1)
    assert await inbound_count(database) == 1
    assert "refused an update of the wrong shape (message: Input should be" in caplog.text


async def test_polling_asks_with_a_string_timeout_and_takes_408_as_nothing_new(
    zalo: FakeZalo,
    make_channel: Callable[..., ZaloChannel],
    handlers: RecordingHandlers,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.channels.zalo")
    zalo.fail_next(3, status=408, methods=["getUpdates"])  # three empty polls in a row
    async with started(make_channel()):
        await wait_until(
            lambda: sum(call.status == 408 for call in zalo.requests) == 3,
            within=10,
            describe=zalo.describe_requests,
        )
        zalo.text_message(USER, "/nhiemvu")
        [event] = await handlers.wait_for(1)
    assert (event.kind, event.command) == ("command", "nhiemvu")
    polls = [call for call in zalo.requests if call.method == "getUpdates"]
    assert len(polls) >= 4
    assert all(call.params == {"timeout": "30"} for call in polls)
    gaps = [later.at - earlier.at for earlier, later in itertools.pairwise(polls)]
    # Never more than one getUpdates a second (less a margin for the network's jitter).
    assert min(gaps) >= 0.9
    assert "getUpdates failed" not in caplog.text  # 408 is not an error


async def test_an_update_seen_before_a_restart_is_not_handled_again(
    zalo: FakeZalo,
    database: Database,
    make_channel: Callable[..., ZaloChannel],
    handlers: RecordingHandlers,
) -> None:
    update = zalo.updates.text(GROUP, "xong 1", user_id=MEMBER, chat_type="GROUP")
    async with started(make_channel()):
        zalo.inject_update(update)
        await handlers.wait_for(1)
        await processed(database, 1)
    async with started(make_channel()):  # a new process, the same database
        zalo.inject_update(json.loads(json.dumps(update)))  # Zalo hands it out once more
        zalo.text_message(USER, "/tiendo")
        await handlers.wait_for(2)
        await processed(database, 2)
    assert [event.text for event in handlers.events] == ["xong 1", "/tiendo"]


async def test_replies_go_back_to_the_chat_and_a_notice_becomes_a_message(
    zalo: FakeZalo, channel: ZaloChannel, handlers: RecordingHandlers
) -> None:
    handlers.respond = lambda event: [
        Reply(notice="Đã ghi nhận."),
        Reply(text="✅ Đã ghi nhận việc 2 của Phòng Người có công"),
        Reply(text="Thông báo cho quản trị viên", chat_id=USER),
    ]
    zalo.text_message(GROUP, "xong 2", user_id=MEMBER, chat_type="GROUP")
    await zalo.wait_for_messages(3)
    # In order within each chat; the chats side by side.
    assert [record.text for record in zalo.sent_to(GROUP)] == [
        "Đã ghi nhận.",
        "✅ Đã ghi nhận việc 2 của Phòng Người có công",
    ]
    assert [record.text for record in zalo.sent_to(USER)] == ["Thông báo cho quản trị viên"]


async def test_withheld_content_gets_a_polite_answer_and_records_nothing(
    zalo: FakeZalo, database: Database, make_channel: Callable[..., ZaloChannel], clock: FixedClock
) -> None:
    context = HandlerContext(database=database, clock=clock)
    channel = make_channel()
    channel.on_event = lambda event, finish=None: handle(event, context, finish)
    async with started(channel):
        zalo.unsupported_message("d27b9e05f4a8c13e6b90")
        [answer] = await zalo.wait_for_messages(1)
    assert answer.chat_id == "d27b9e05f4a8c13e6b90"
    assert answer.text and answer.text.startswith("Xin lỗi, Loa chưa đọc được loại tin nhắn này")
    async with database.session() as session:
        assert (await session.exec(select(Confirmation))).first() is None


# --- webhook -------------------------------------------------------------------------------------


async def test_webhook_updates_wrapped_or_bare_are_handled(
    zalo: FakeZalo, hooked: ZaloChannel, handlers: RecordingHandlers, database: Database
) -> None:
    zalo.text_message(USER, "/tiendo")
    await handlers.wait_for(1)
    zalo.webhook_wrap = False
    zalo.text_message(GROUP, "xong 2", user_id=MEMBER, chat_type="GROUP")
    first, second = await handlers.wait_for(2)
    assert (first.command, second.text) == ("tiendo", "xong 2")
    await wait_until(lambda: len(zalo.deliveries) == 2, within=5, describe=lambda: "")
    assert [delivery.status for delivery in zalo.deliveries] == [200, 200]
    assert "result" in zalo.deliveries[0].body and "result" not in zalo.deliveries[1].body
    assert await inbound_count(database) == 2


async def test_a_redelivered_webhook_update_is_handled_once(
    zalo: FakeZalo, hooked: ZaloChannel, handlers: RecordingHandlers, database: Database
) -> None:
    zalo.redeliver = True
    zalo.text_message(GROUP, "xong 2", user_id=MEMBER, chat_type="GROUP")
    await wait_until(lambda: len(zalo.deliveries) == 2, within=5, describe=lambda: "")
    await processed(database, 1)
    assert [delivery.status for delivery in zalo.deliveries] == [200, 200]
    assert len(handlers.events) == 1
    assert await inbound_count(database) == 1


@pytest.mark.parametrize("secret", ["forged-secret-0000", None, SECRET[:-1], ""])
async def test_a_forged_webhook_is_refused_and_nothing_is_stored(
    zalo: FakeZalo,
    hooked: ZaloChannel,
    handlers: RecordingHandlers,
    database: Database,
    secret: str | None,
) -> None:
    status = await zalo.post_forged(fixture("group_quote_xong"), secret=secret)
    assert status == 403
    await asyncio.sleep(0.2)
    assert handlers.events == []
    assert await inbound_count(database) == 0


async def test_a_webhook_body_that_is_no_update_is_a_bad_request(
    zalo: FakeZalo, hooked: ZaloChannel, database: Database
) -> None:
    async with aiohttp.ClientSession() as http:
        for body in (b"not json", b'{"ok": true}'):
            async with http.post(
                zalo.webhook_url, data=body, headers={"X-Bot-Api-Secret-Token": SECRET}
            ) as response:
                assert response.status == 400
    assert await inbound_count(database) == 0


async def test_a_webhook_update_is_stored_before_the_200(
    zalo: FakeZalo, hooked: ZaloChannel, database: Database
) -> None:
    release = asyncio.Event()

    async def slow(event: Event, finish: TurnHook | None = None) -> list[Reply]:
        await release.wait()
        return []

    hooked.on_event = slow
    body = fixture("webhook_wrapped")
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            zalo.webhook_url or "", json=body, headers={"X-Bot-Api-Secret-Token": SECRET}
        ) as response,
    ):
        assert response.status == 200
    async with database.session() as session:
        [stored] = (await session.exec(select(InboundEvent))).scalars()
    assert stored.event_key == "5f8d2a61c09e47b3d1a8"
    assert stored.payload == body["result"]
    assert stored.processed_at is None  # answered while the handlers still work on it
    release.set()
    await processed(database, 1)


# --- the monthly quota ---------------------------------------------------------------------------


async def test_admins_are_warned_at_80_percent_and_when_only_the_reserve_is_left(
    zalo: FakeZalo,
    make_channel: Callable[..., ZaloChannel],
    alerts: Alerts,
    database: Database,
    clock: FixedClock,
    handlers: RecordingHandlers,
) -> None:
    async with started(make_channel(zalo_monthly_quota=20, zalo_quota_reserve=2)) as channel:
        for n in range(15):
            await channel.deliver(Outgoing(GROUP, f"Tin {n}"))
        assert alerts.calls == []
        handlers.respond = lambda event: [Reply(text="Tiến độ: 2/5 việc")]
        zalo.text_message(USER, "/tiendo")  # replies count too
        await zalo.wait_for_messages(16)
        await wait_until(lambda: alerts.calls, within=5, describe=lambda: "no alert")
        [(text, key)] = alerts.calls
        assert text.startswith("⚠️ Loa đã gửi 16/20 tin Zalo trong tháng 02/2026 (80% hạn mức)")
        # An admin who chose English (/language en) reads it in English.
        assert alerts.english[0].startswith(
            "⚠️ Loa has sent 16/20 Zalo messages in 02/2026 (80% of the quota)"
        )
        assert key == "zalo-quota/2026-02/80"
        for n in (16, 17):
            await channel.deliver(Outgoing(GROUP, f"Tin {n}"))
        text, key = alerts.calls[1]
        assert "18/20 tin Zalo trong tháng 02/2026: đã hết hạn mức. Loa giữ 2 tin cuối" in text
        assert key == "zalo-quota/2026-02/100"

        # The reserve: posts wait (no request made), alerts still go.
        requests = len(zalo.requests)
        with pytest.raises(RetryLater, match="kept for alerts") as held:
            await channel.deliver(Outgoing(GROUP, "Tin 18"))
        assert held.value.per_chat and held.value.retry_after == 3600
        assert [call.method for call in zalo.requests[requests:]] in ([], ["getUpdates"])
        await channel.deliver(Outgoing(USER, "⚠️ cảnh báo", kind="alert"))
        assert zalo.sent[-1].text == "⚠️ cảnh báo"
        assert len(alerts.calls) == 2  # each threshold is told once
        assert await sent_in_month(database, "zalo", clock.now()) == 19

        clock.set(datetime(2026, 3, 1, 0, 5, tzinfo=LOCAL))  # a new month starts at zero
        await channel.deliver(Outgoing(GROUP, "Tin tháng 3"))
        assert await sent_in_month(database, "zalo", clock.now()) == 1
        assert len(alerts.calls) == 2


async def test_a_quota_warning_goes_before_the_posts_that_wait_and_uses_the_reserve(
    zalo: FakeZalo,
    make_channel: Callable[..., ZaloChannel],
    database: Database,
    clock: FixedClock,
) -> None:
    """An admin only on Zalo learns of the quota on Zalo, at once: the warning is an
    alert, claimed before the broadcast rows still waiting, and sent from the reserve."""
    admin = "ad0000000000000000a1"

    async def alert_admins(text: AlertText, key: str) -> None:  # as LoaApp does, for one admin
        due = DueMessage(key, "zalo", admin, "alert", text(translator("vi")), clock.now())
        async with database.session() as session:
            await outbox.enqueue(session, [due], clock.now())

    chats = [f"0b{n:018d}" for n in range(30)]
    async with database.session() as session:
        await outbox.enqueue(
            session,
            [DueMessage(f"post/{chat}", "zalo", chat, "broadcast", "Tin", NOW) for chat in chats],
            NOW,
        )
    channel = make_channel(zalo_monthly_quota=20, zalo_quota_reserve=2)
    channel.quota.alert_admins = alert_admins
    async with started(channel):
        dispatcher = Dispatcher(database, {"zalo": channel}, clock, "worker", batch_size=10)
        report = await dispatcher.dispatch()
    assert report.sent == 18 + 2  # the budget (20 less the reserve), then both warnings
    sent = [(record.chat_id, record.text or "") for record in zalo.sent]
    assert sorted(chat for chat, _ in sent[:18]) == chats[:18]  # chats go side by side
    # Claimed before the ten posts that were still waiting, sent from the reserve:
    assert [chat for chat, _ in sent[18:]] == [admin, admin]
    assert "16/20 tin Zalo" in sent[18][1] and "18/20 tin Zalo" in sent[19][1]
    async with database.session() as session:
        waiting = (
            await session.exec(select(OutboxMessage).where(OutboxMessage.status == "pending"))
        ).scalars()
        assert sorted(row.chat_id for row in waiting) == chats[18:]


def sends_asked(zalo: FakeZalo) -> int:
    return sum(1 for call in zalo.requests if call.method in zalo.send_methods)


async def test_after_a_429_pause_one_message_finds_out_before_the_rest_are_sent(
    zalo: FakeZalo,
    make_channel: Callable[..., ZaloChannel],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(zalo_quota, "QUOTA_PAUSE", (0.2, 0.4))
    chats = [f"0c{n:018d}" for n in range(5)]
    zalo.monthly_quota = 0  # every send meets a 429
    async with started(make_channel()) as channel:
        with pytest.raises(RetryLater):
            await channel.deliver(Outgoing(GROUP, "Tin"))
        await asyncio.sleep(0.25)  # the pause is over, the quota is not back
        sends = sends_asked(zalo)
        results = await asyncio.gather(
            *(channel.deliver(Outgoing(chat, "Tin")) for chat in chats), return_exceptions=True
        )
        assert all(isinstance(result, RetryLater) for result in results)
        assert sends_asked(zalo) == sends + 1  # one probe, not a burst of five 429s
        zalo.monthly_quota = None  # the quota is back
        await asyncio.sleep(0.45)
        await asyncio.gather(*(channel.deliver(Outgoing(chat, "Tin")) for chat in chats))
    assert sorted(record.chat_id for record in zalo.sent) == chats


async def test_the_quota_counts_every_part_of_a_split_message(
    channel: ZaloChannel, database: Database, clock: FixedClock
) -> None:
    await channel.deliver(Outgoing(GROUP, paragraphs(5, 900)))
    assert await sent_in_month(database, "zalo", clock.now()) == 3


async def test_concurrent_senders_lose_no_count_and_cross_each_threshold_once(
    database: Database,
) -> None:
    results = await asyncio.gather(
        *(count_sent(database, "zalo", 1, NOW, (8, 10)) for _ in range(25))
    )
    assert sorted(count for count, _ in results) == list(range(1, 26))
    crossings = sorted(crossed for _, crossed in results if crossed is not None)
    assert crossings == [8, 10]
    assert await sent_in_month(database, "zalo", NOW) == 25
    assert await sent_in_month(database, "telegram", NOW) == 0
