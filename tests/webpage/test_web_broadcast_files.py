"""A photo or document sent with a web broadcast: kept in Loa's file store, named by
hash in the outbox (never its bytes), uploaded to Telegram, fetched by Zalo from a URL
that serves only files a broadcast names; bad files refused with nothing changed."""

from __future__ import annotations

import io
import time
from pathlib import Path

from aiohttp import FormData
from PIL import Image
from sqlmodel import select

from bot.storage.evidence import stored_hashes
from bot.storage.files import FileStore
from bot.storage.models import Broadcast, OutboxMessage
from content.evidence import content_name
from tests.webpage.conftest import WebWorld, serve

TELEGRAM_CHAT, ZALO_CHAT = "-1001", "abc123"


def photo(width: int = 64, height: int = 48, kind: str = "JPEG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, kind)
    return buffer.getvalue()


def _form(csrf: str, file: tuple[str, bytes] | None = None, **fields: str) -> FormData:
    form = FormData(quote_fields=False)  # as browsers send names: UTF-8, not %-encoded
    values = {"csrf": csrf, "plan": "ke-hoach-thu", "text": "Tin có ảnh", "all": "1", **fields}
    for name, value in values.items():
        form.add_field(name, value)
    if file is not None:
        form.add_field("file", file[1], filename=file[0], content_type="application/octet-stream")
    return form


async def _rows(world: WebWorld) -> dict[str, OutboxMessage]:
    async with world.database.session() as session:
        rows = (await session.exec(select(OutboxMessage))).all()
    return {row.chat_id: row for row in rows if row.kind == "broadcast"}


async def _broadcasts(world: WebWorld) -> list[Broadcast]:
    async with world.database.session() as session:
        return list((await session.exec(select(Broadcast))).all())


def _stored(evidence: Path) -> list[Path]:
    return sorted(path for path in evidence.rglob("*") if path.is_file())


async def test_a_photo_is_previewed_then_sent_to_every_chat_by_its_hash(world: WebWorld):
    await world.sign_in()
    csrf = await world.csrf("/gui-tin")
    data = photo()
    sha = content_name(data)
    preview = await world.client.post("/gui-tin/xem-truoc", data=_form(csrf, ("ảnh họp.jpg", data)))
    page = await preview.text()
    assert preview.status == 200 and "ảnh họp.jpg" in page
    assert f'src="/gui-tin/tep/{sha}.jpg"' in page and f'value="{sha}"' in page
    shown = await world.client.get(f"/gui-tin/tep/{sha}.jpg")
    assert shown.status == 200 and await shown.read() == data
    assert (await world.client.get(f"/tep/{sha}.jpg")).status == 404  # not sent yet

    carried = _form(csrf, file_sha256=sha, file_extension="jpg", file_name="ảnh họp.jpg")
    sent = await world.client.post("/gui-tin/gui", data=carried)
    assert sent.status == 200 and "Kèm ảnh: ảnh họp.jpg" in await sent.text()
    rows = await _rows(world)
    described = {"sha256": sha, "extension": "jpg", "name": "ảnh họp.jpg", "kind": "photo"}
    assert rows[TELEGRAM_CHAT].payload["file"] == described
    assert rows[ZALO_CHAT].payload["file"] == described
    assert all(len(str(row.payload)) < 2000 for row in rows.values())  # no bytes inside
    [broadcast] = await _broadcasts(world)
    assert (broadcast.content_kind, broadcast.file_sha256) == ("photo", sha)

    stranger = await serve(world.database, world.clock, world.evidence)  # no session
    try:
        fetched = await stranger.get(f"/tep/{sha}.jpg")
        assert fetched.status == 200 and await fetched.read() == data
        assert fetched.headers["Content-Type"] == "image/jpeg"
        assert (await stranger.get(f"/tep/{sha}.png")).status == 404
        assert (await stranger.get(f"/gui-tin/tep/{sha}.jpg", allow_redirects=False)).status == 303
    finally:
        await stranger.close()


async def test_a_document_goes_with_its_name(world: WebWorld):
    await world.sign_in()
    csrf = await world.csrf("/gui-tin")
    pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    sent = await world.client.post("/gui-tin/gui", data=_form(csrf, ("Công văn 12.pdf", pdf)))
    assert sent.status == 200
    rows = await _rows(world)
    assert rows[TELEGRAM_CHAT].payload["file"]["kind"] == "document"
    assert rows[TELEGRAM_CHAT].payload["file"]["name"] == "Công văn 12.pdf"
    fetched = await world.client.get(f"/tep/{content_name(pdf)}.pdf")
    assert await fetched.read() == pdf and "inline" in fetched.headers["Content-Disposition"]


async def test_a_file_of_another_kind_is_refused_in_vietnamese_and_nothing_changes(
    world: WebWorld,
):
    await world.sign_in()
    csrf = await world.csrf("/gui-tin")
    for name, data, said in (
        ("virus.jpg", b"MZ\x90\x00" + b"\x00" * 200, "chỉ gửi kèm được ảnh JPG, PNG"),
        ("hoat-hinh.gif", b"GIF89a" + b"\x00" * 200, "chỉ gửi kèm được ảnh JPG, PNG"),
        ("trong.png", b"", "trống"),
        ("dai.png", photo(4000, 150, "PNG"), "quá lớn hoặc quá dài"),
    ):
        refused = await world.client.post("/gui-tin/gui", data=_form(csrf, (name, data)))
        assert refused.status == 422 and said in await refused.text(), name
    assert await _rows(world) == {} and await _broadcasts(world) == []
    assert [path.name for path in _stored(world.evidence)] == []


async def test_a_refused_replacement_keeps_the_file_chosen_before(world: WebWorld):
    await world.sign_in()
    csrf = await world.csrf("/gui-tin")
    data = photo()
    sha = content_name(data)
    await world.client.post("/gui-tin/xem-truoc", data=_form(csrf, ("dau.jpg", data)))
    carried = {"file_sha256": sha, "file_extension": "jpg", "file_name": "dau.jpg"}
    refused = await world.client.post(
        "/gui-tin/xem-truoc", data=_form(csrf, ("sai.jpg", b"not a photo"), **carried)
    )
    page = await refused.text()
    assert refused.status == 422 and "«sai.jpg» không gửi được" in page
    assert f'name="file_sha256" value="{sha}"' in page and "dau.jpg" in page


async def test_an_oversize_photo_or_upload_gets_a_clear_page_and_changes_nothing(
    world: WebWorld,
):
    await world.sign_in()
    csrf = await world.csrf("/gui-tin")
    big = photo() + b"\x00" * (10 * 1024 * 1024)  # a JPEG padded past Telegram's 10 MB
    refused = await world.client.post("/gui-tin/xem-truoc", data=_form(csrf, ("to.jpg", big)))
    assert (
        refused.status == 422
        and "nặng 10,0 MB, quá mức 10,0 MB cho một ảnh" in await refused.text()
    )
    huge = b"%PDF-1.4\n" + b"0" * (22 * 1024 * 1024)
    too_large = await world.client.post("/gui-tin/gui", data=_form(csrf, ("lon.pdf", huge)))
    assert too_large.status == 413 and "20 MB" in await too_large.text()
    assert await _rows(world) == {} and _stored(world.evidence) == []


async def test_a_forged_or_vanished_file_reference_is_refused(world: WebWorld):
    await world.sign_in()
    csrf = await world.csrf("/gui-tin")
    for sha, extension in (("../../etc/passwd", "jpg"), ("a" * 64, "jpg"), ("b" * 64, "exe")):
        refused = await world.client.post(
            "/gui-tin/gui", data=_form(csrf, file_sha256=sha, file_extension=extension)
        )
        assert refused.status == 422 and "hãy chọn lại tệp" in await refused.text()
    assert await _rows(world) == {}


async def test_without_a_public_address_zalo_gets_the_text_with_a_note_and_the_sender_is_told(
    world: WebWorld, tmp_path: Path
):
    private = await serve(world.database, world.clock, world.evidence, public_url=None)
    try:
        world.client, public = private, world.client
        await world.sign_in()
        csrf = await world.csrf("/gui-tin")
        data = photo()
        preview = await private.post("/gui-tin/xem-truoc", data=_form(csrf, ("anh.jpg", data)))
        page = await preview.text()
        assert "Zalo sẽ chỉ nhận nội dung tin" in page and "LOA_PUBLIC_URL" in page
        await private.post("/gui-tin/gui", data=_form(csrf, ("anh.jpg", data)))
        world.client = public
    finally:
        await private.close()
    rows = await _rows(world)
    assert "file" in rows[TELEGRAM_CHAT].payload and "file" not in rows[ZALO_CHAT].payload
    assert "không gửi được qua Zalo" in rows[ZALO_CHAT].text
    assert "anh.jpg" in rows[ZALO_CHAT].text and "không gửi được" not in rows[TELEGRAM_CHAT].text


async def test_the_daily_sweep_keeps_a_broadcasts_file_but_not_an_unsent_preview(
    world: WebWorld,
):
    await world.sign_in()
    csrf = await world.csrf("/gui-tin")
    sent, previewed = photo(), photo(32, 32)
    await world.client.post("/gui-tin/gui", data=_form(csrf, ("gui.jpg", sent)))
    await world.client.post("/gui-tin/xem-truoc", data=_form(csrf, ("bo.jpg", previewed)))
    async with world.database.session() as session:
        keep = await stored_hashes(session)
    assert content_name(sent) in keep and content_name(previewed) not in keep
    store = FileStore(world.evidence)
    assert store.sweep(keep, older_than=time.time() + 1) == 1
    assert store.has(content_name(sent), "jpg") and not store.has(content_name(previewed), "jpg")


async def test_an_upload_without_the_forms_token_is_refused_before_anything_is_kept(
    world: WebWorld,
):
    await world.sign_in()
    refused = await world.client.post("/gui-tin/gui", data=_form("forged", ("anh.jpg", photo())))
    assert refused.status == 403
    assert _stored(world.evidence) == [] and await _rows(world) == {}
