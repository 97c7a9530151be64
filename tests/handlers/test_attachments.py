"""A broadcast's stored file as each channel takes it, when the dispatcher sends the
outbox rows that name it: Telegram gets the bytes, Zalo the address to fetch them
from, and without LOA_PUBLIC_URL Zalo gets the text alone."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Literal

from PIL import Image

from bot.channels.zalo_content import plan_parts
from bot.storage import outbox
from bot.storage.db import Database
from bot.storage.files import FileStore
from content.clock import FixedClock
from content.due import DueMessage
from content.evidence import content_name
from content.payloads import StoredFile
from handlers.attachments import Attachments
from scheduler.delivery import FileUpload, Outgoing
from scheduler.dispatcher import Dispatcher
from tests.conftest import NOW
from tests.scheduler.test_engine import RecordingChannel

PUBLIC = "https://loa.so-vidu.gov.vn"


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (0, 90, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


def _kept(
    store: FileStore,
    data: bytes,
    extension: str,
    name: str,
    kind: Literal["photo", "document"] = "photo",
) -> StoredFile:
    """`data` put in the store, described as an outbox row names it."""
    sha = content_name(data)
    store.put(data, sha, extension)
    return {"sha256": sha, "extension": extension, "name": name, "kind": kind}


async def _send(
    database: Database, store: FileStore, stored: StoredFile, public_url: str | None
) -> dict[str, Outgoing]:
    messages = [
        DueMessage(
            key=f"broadcast/1/u/{channel}",
            channel=channel,
            chat_id=chat,
            kind="broadcast",
            text="Tin có tệp",
            not_before=NOW,
            payload={"broadcast_id": 1, "file": dict(stored)},
        )
        for channel, chat in (("telegram", "-1001"), ("zalo", "abc123"))
    ]
    async with database.session() as session:
        await outbox.enqueue(session, messages, NOW)
    clock = FixedClock(NOW + timedelta(seconds=1))
    channels = {"telegram": RecordingChannel("telegram"), "zalo": RecordingChannel("zalo")}
    dispatcher = Dispatcher(
        database,
        channels,  # type: ignore[arg-type]
        clock,
        "w",
        attach=Attachments(database, clock, store, public_url),
    )
    assert (await dispatcher.dispatch()).sent == 2
    return {name: channel.sent[0] for name, channel in channels.items()}


async def test_telegram_gets_the_photos_bytes_and_zalo_its_address(
    database: Database, tmp_path: Path
):
    store, data = FileStore(tmp_path), _jpeg()
    stored = _kept(store, data, "jpg", "hop.jpg")
    sha = stored["sha256"]
    sent = await _send(database, store, stored, PUBLIC)
    assert sent["telegram"].upload == FileUpload("hop.jpg", data, "photo", key=f"{sha}.jpg")
    url = f"{PUBLIC}/tep/{sha}.jpg"
    assert sent["zalo"].photo == url and sent["zalo"].upload is None
    [call] = plan_parts(sent["zalo"])
    assert call.method == "sendPhoto" and call.body["photo"] == url
    assert call.body["caption"] == "Tin có tệp"


async def test_zalo_gets_a_documents_address_in_the_text(database: Database, tmp_path: Path):
    store, data = FileStore(tmp_path), b"%PDF-1.4\n%%EOF\n"
    stored = _kept(store, data, "pdf", "cv.pdf", "document")
    sha = stored["sha256"]
    sent = await _send(database, store, stored, PUBLIC)
    assert sent["telegram"].upload == FileUpload("cv.pdf", data, "document", key=f"{sha}.pdf")
    [call] = plan_parts(sent["zalo"])
    assert f"{PUBLIC}/tep/{sha}.pdf" in call.body["text"]


async def test_without_a_public_address_or_a_kept_file_the_text_goes_alone(
    database: Database, tmp_path: Path
):
    store = FileStore(tmp_path)
    stored = _kept(store, _jpeg(), "jpg", "a.jpg")
    sent = await _send(database, store, stored, None)
    assert sent["telegram"].upload is not None
    assert sent["zalo"].photo is None and sent["zalo"].upload is None
    assert [part.method for part in plan_parts(sent["zalo"])] == ["sendMessage"]


async def test_a_file_gone_from_the_store_leaves_the_text(database: Database, tmp_path: Path):
    stored: StoredFile = {"sha256": "c" * 64, "extension": "jpg", "name": "a.jpg", "kind": "photo"}
    sent = await _send(database, FileStore(tmp_path), stored, PUBLIC)
    assert sent["telegram"].upload is None and sent["zalo"].photo is None
    assert sent["telegram"].text == "Tin có tệp"
