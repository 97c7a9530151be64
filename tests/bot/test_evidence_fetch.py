"""Evidence files are downloaded into Loa's store through the real channel adapters
against the fake Bot APIs over HTTP: kept under their SHA-256 once, retried through
502s, refused (and the chat told) when too large, of a type Loa does not keep, or when
the plan's store is full; jobs a dead process left are taken up again."""

from __future__ import annotations

import hashlib
import io
import time
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlmodel import select

from bot.channels.telegram import TelegramChannel
from bot.channels.zalo import ZaloChannel
from bot.config import Config
from bot.storage import evidence as jobs
from bot.storage.chat_settings import set_chat_language
from bot.storage.db import Database
from bot.storage.files import FileStore
from bot.storage.models import EvidenceFile, OutboxMessage
from content.clock import FixedClock
from content.evidence import EvidenceLimits
from scheduler.evidence import EvidenceFetcher
from tests.bot.telegram_harness import (
    COMMANDS,
    GROUP,
    RecordingHandlers,
    telegram_config,
)
from tests.conftest import NOW, PLAN_V1
from tests.fakes import FakeTelegram, TelegramLimits
from tests.fakes.zalo_api import FakeZalo

ITEM = "ke-hoach-thu/ke-hoach/2026-02-27/van-phong"


def jpeg(side: int = 40, color: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (side, side), color).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
async def tg():
    async with FakeTelegram(limits=TelegramLimits.off()) as fake:
        fake.add_chat(GROUP, "supergroup")
        yield fake


@pytest.fixture
async def telegram(tg: FakeTelegram, database: Database):
    channel = TelegramChannel(telegram_config(tg), database, RecordingHandlers(database), COMMANDS)
    await channel.start()
    yield channel
    await channel.stop()


async def queue(database: Database, file_ref: str, kind: str = "photo", channel: str = "telegram"):
    ref = f"telegram-{kind}:{file_ref}" if channel == "telegram" else file_ref
    async with database.session() as session:
        await jobs.want(
            session,
            plan_id="ke-hoach-thu",
            item_key=ITEM,
            unit_id="van-phong",
            files=[jobs.WantedFile(ref, file_ref, kind)],
            channel=channel,
            chat_id=str(GROUP),
            sent_by="telegram:501",
            now=NOW,
        )
    return ref


async def rows(database: Database) -> list[EvidenceFile]:
    async with database.session() as session:
        return list((await session.exec(select(EvidenceFile))).all())


async def notices(database: Database) -> list[OutboxMessage]:
    async with database.session() as session:
        result = await session.exec(select(OutboxMessage).where(OutboxMessage.kind == "notice"))
        return list(result.all())


def fetcher(database, channels, tmp_path: Path, clock=None, **limits) -> EvidenceFetcher:
    return EvidenceFetcher(
        database,
        channels,
        FileStore(tmp_path / "evidence"),
        clock or FixedClock(NOW),
        "worker-1",
        limits=EvidenceLimits(**limits) if limits else None,
        extra_admins=(),
    )


async def test_a_photo_sent_as_evidence_is_kept_under_its_sha256(
    database, store, tg, telegram, tmp_path
) -> None:
    await store(PLAN_V1)
    data = jpeg()
    [photo, *_] = tg.world.photo_sizes(data)
    await queue(database, photo["file_id"])

    report = await fetcher(database, {"telegram": telegram}, tmp_path).run()

    digest = hashlib.sha256(data).hexdigest()
    [row] = await rows(database)
    assert (report.stored, row.status, row.sha256, row.extension) == (1, "stored", digest, "jpg")
    assert row.size == len(data) and row.media_type == "image/jpeg"
    kept = tmp_path / "evidence" / digest[:2] / f"{digest}.jpg"
    assert kept.read_bytes() == data
    assert [call.method for call in tg.requests][-1] == "getFile"
    assert tg.counters["downloads"] == 1


async def test_502s_make_the_download_wait_and_try_again_until_it_is_kept(
    database, store, tg, telegram, tmp_path
) -> None:
    await store(PLAN_V1)
    [photo, *_] = tg.world.photo_sizes(jpeg())
    await queue(database, photo["file_id"])
    clock = FixedClock(NOW)
    work = fetcher(database, {"telegram": telegram}, tmp_path, clock)
    tg.fail_next(1, status=502, methods=["getFile"])
    tg.fail_next(1, status=502, methods=["file"])

    first = await work.run()
    [row] = await rows(database)
    assert (first.retried, row.status, row.attempts) == (1, "pending", 1)
    assert row.next_attempt_at > NOW
    assert (await work.run()).retried == 0  # not before its time
    clock.set(row.next_attempt_at)
    second = await work.run()
    [row] = await rows(database)
    assert (second.retried, row.status, row.attempts) == (1, "pending", 2)
    clock.set(row.next_attempt_at)
    third = await work.run()
    [row] = await rows(database)
    assert (third.stored, row.status) == (1, "stored")
    assert tg.stats()["server_errors"] == 2


async def test_a_file_over_the_limit_is_refused_and_the_chat_is_told(
    database, store, tg, telegram, tmp_path
) -> None:
    await store(PLAN_V1)
    [photo, *_] = tg.world.photo_sizes(jpeg(400))
    await queue(database, photo["file_id"])

    report = await fetcher(database, {"telegram": telegram}, tmp_path, max_file_bytes=1000).run()

    [row] = await rows(database)
    assert (report.refused, row.status, row.refusal) == (1, "refused", "too_large")
    [notice] = await notices(database)
    assert (notice.channel, notice.chat_id) == ("telegram", str(GROUP))
    assert "Xây dựng kế hoạch tuyên truyền" in notice.text and "Văn phòng Sở" in notice.text
    assert "lớn hơn 0,0 MB" in notice.text
    assert "vẫn được ghi nhận" in notice.text
    assert tg.counters["downloads"] == 0  # getFile told the size: nothing downloaded


async def test_a_document_that_is_not_an_office_or_pdf_file_is_refused(
    database, store, tg, telegram, tmp_path
) -> None:
    await store(PLAN_V1)
    document = tg.world.document("ghi-chu.pdf", b"just some text, not a PDF at all")
    await queue(database, document["file_id"], kind="document")

    await fetcher(database, {"telegram": telegram}, tmp_path).run()

    [row] = await rows(database)
    assert (row.status, row.refusal) == ("refused", "type")
    [notice] = await notices(database)
    assert "chỉ lưu ảnh và tài liệu" in notice.text
    assert not list((tmp_path / "evidence").rglob("*.pdf"))


async def test_a_full_plan_store_refuses_new_files_and_tells_the_admins_once(
    database, store, tg, telegram, tmp_path
) -> None:
    await store(PLAN_V1)
    first, second = jpeg(color="red"), jpeg(color="blue")
    for data in (first, second):
        [photo, *_] = tg.world.photo_sizes(data)
        await queue(database, photo["file_id"])
    work = fetcher(database, {"telegram": telegram}, tmp_path, max_plan_bytes=len(first) + 10)

    report = await work.run()

    assert (report.stored, report.refused) == (1, 1)
    assert sorted(row.refusal or "" for row in await rows(database)) == ["", "plan_full"]
    told = {(n.chat_id, n.key.split("/")[0]) for n in await notices(database)}
    assert told == {(str(GROUP), "evidence-refused"), ("111", "evidence-plan-full")}


async def test_refusals_are_written_in_each_chats_language(
    database, store, tg, telegram, tmp_path
) -> None:
    """The group chose English with /language en; the admin's chat follows the plan."""
    await store(PLAN_V1)
    async with database.session() as session:
        await set_chat_language(session, "telegram", str(GROUP), "en", NOW)
    first, second = jpeg(color="red"), jpeg(color="blue")
    for data in (first, second):
        [photo, *_] = tg.world.photo_sizes(data)
        await queue(database, photo["file_id"])

    await fetcher(database, {"telegram": telegram}, tmp_path, max_plan_bytes=len(first) + 10).run()

    texts = {n.chat_id: n.text for n in await notices(database)}
    assert texts[str(GROUP)].startswith("📎 Loa could not keep the evidence file")
    assert texts["111"].startswith("⚠️ Kho minh chứng")  # the plan's language


async def test_the_same_photo_sent_for_two_items_is_stored_once(
    database, store, tg, telegram, tmp_path
) -> None:
    await store(PLAN_V1)
    data = jpeg()
    [photo, *_] = tg.world.photo_sizes(data)
    await queue(database, photo["file_id"])
    async with database.session() as session:
        await jobs.want(
            session,
            plan_id="ke-hoach-thu",
            item_key="ke-hoach-thu/ban-tin/2026-02-25/van-phong",
            unit_id="van-phong",
            files=[jobs.WantedFile("telegram-photo:x", photo["file_id"], "photo")],
            channel="telegram",
            chat_id=str(GROUP),
            sent_by="telegram:501",
            now=NOW,
        )

    await fetcher(database, {"telegram": telegram}, tmp_path, max_plan_bytes=len(data)).run()

    assert [row.status for row in await rows(database)] == ["stored", "stored"]
    assert len(list((tmp_path / "evidence").rglob("*.jpg"))) == 1


async def test_a_job_a_killed_process_left_half_done_is_taken_up_again(
    database, store, tg, telegram, tmp_path
) -> None:
    await store(PLAN_V1)
    [photo, *_] = tg.world.photo_sizes(jpeg())
    await queue(database, photo["file_id"])
    async with database.session() as session:
        [claimed] = await jobs.claim(session, "dead-worker", NOW, ["telegram"])
    assert claimed.status == "fetching"

    report = await fetcher(database, {"telegram": telegram}, tmp_path).run()

    expected = 1 if database.is_sqlite else 0  # PostgreSQL waits for the lease
    assert report.stored == expected


async def test_a_zalo_photo_is_fetched_from_its_url_through_a_failing_image_server(
    database, store, tmp_path
) -> None:
    await store(PLAN_V1)
    async with FakeZalo() as zalo:
        config = Config(zalo_token=zalo.token, zalo_api_url=zalo.url)
        channel = ZaloChannel(config, database, RecordingHandlers(database), FixedClock(NOW), None)
        await channel.start()
        try:
            data = jpeg()
            url = zalo.add_image(data)
            await queue(database, url, channel="zalo")
            clock = FixedClock(NOW)
            work = fetcher(database, {"zalo": channel}, tmp_path, clock)
            zalo.fail_next(1, status=503, methods=["media"])
            assert (await work.run()).retried == 1
            clock.set(NOW + timedelta(minutes=1))
            assert (await work.run()).stored == 1
        finally:
            await channel.stop()
    [row] = await rows(database)
    assert (row.status, row.sha256) == ("stored", hashlib.sha256(data).hexdigest())


async def test_files_no_row_names_are_swept_but_fresh_ones_are_spared(tmp_path) -> None:
    files = FileStore(tmp_path)
    kept = files.put(b"kept", "aa" + "0" * 62, "jpg")
    gone = files.put(b"gone", "bb" + "0" * 62, "jpg")
    fresh = files.put(b"fresh", "cc" + "0" * 62, "jpg")

    removed = files.sweep({"aa" + "0" * 62}, older_than=time.time() + 1)
    assert removed == 2 and kept.exists() and not gone.exists() and not fresh.exists()

    again = files.put(b"again", "dd" + "0" * 62, "jpg")
    assert files.sweep(set(), older_than=time.time() - 60) == 0 and again.exists()
