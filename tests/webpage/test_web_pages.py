"""Every page renders for an admin; a plan with an error is refused by line, a good one
shows its diff and loads; a broadcast is queued for the units' chats."""

from __future__ import annotations

import re

from sqlmodel import select

from bot.storage.models import OutboxMessage
from bot.storage.plan_cache import stored_plan
from tests.conftest import PLAN_V1, PLAN_V2
from tests.webpage.conftest import WebWorld


async def test_every_page_renders_for_an_admin(world: WebWorld):
    await world.sign_in()
    for path in ("/", "/ke-hoach/ke-hoach-thu/don-vi/van-phong", "/lich", "/ke-hoach", "/gui-tin"):
        response = await world.client.get(path)
        assert response.status == 200, (path, await response.text())
    overview = await (await world.client.get("/")).text()
    assert "<svg" in overview and "Phòng A" in overview  # Phòng A has no linked chat
    download = await world.client.get("/ke-hoach/ke-hoach-thu/tien-do.xlsx")
    assert download.status == 200 and (await download.read())[:2] == b"PK"


async def test_a_plan_with_an_error_is_refused_by_line_then_a_good_one_loads(world: WebWorld):
    await world.sign_in()
    csrf = await world.csrf("/ke-hoach")
    broken = PLAN_V2.replace("due: 2026-06-30", "due: 2026-02-30")
    page = await world.client.post(
        "/ke-hoach/kiem-tra", data={"csrf": csrf, "text": broken, "name": "kh.yaml"}
    )
    text = await page.text()
    assert page.status == 422 and "Dòng" in text
    async with world.database.session() as session:
        assert (await stored_plan(session, "ke-hoach-thu")).unit("phong-b")  # unchanged
    page = await world.client.post(
        "/ke-hoach/kiem-tra", data={"csrf": csrf, "text": PLAN_V2, "name": "kh.yaml"}
    )
    text = await page.text()
    assert page.status == 200 and "Phòng C" in text and 'id="apply"' in text
    loaded = await world.client.post(
        "/ke-hoach/ap-dung", data={"csrf": csrf, "text": PLAN_V2, "name": "kh.yaml"}
    )
    assert loaded.status == 200 and "Đã nạp lại" in await loaded.text()
    async with world.database.session() as session:
        assert (await stored_plan(session, "ke-hoach-thu")).unit("phong-c")
    assert PLAN_V1 != PLAN_V2


async def test_a_broadcast_is_previewed_then_queued_for_each_linked_chat(world: WebWorld):
    await world.sign_in()
    csrf = await world.csrf("/gui-tin")
    form = {"csrf": csrf, "plan": "ke-hoach-thu", "text": "Tin thử", "all": "1"}
    preview = await world.client.post("/gui-tin/xem-truoc", data=form)
    assert preview.status == 200 and "Tin thử" in await preview.text()
    sent = await world.client.post("/gui-tin/gui", data=form)
    assert sent.status == 200 and "/gui-tin/" in str(sent.url)
    report = await world.client.get(str(sent.url.path) + "/bao-cao.json")
    counts = (await report.json())["counts"]
    assert counts["waiting"] == 2 and counts["no_chat"] == 1
    async with world.database.session() as session:
        rows = (await session.exec(select(OutboxMessage))).all()
    assert len([row for row in rows if row.kind == "broadcast"]) == 2


async def test_the_calendar_shows_each_anniversarys_post_and_banner(world: WebWorld):
    await world.sign_in()
    page = await (await world.client.get("/lich")).text()
    banners = re.findall(r'src="(/lich/banner/[^"]+)"', page)
    assert banners, page
    image = await world.client.get(banners[0].replace("&amp;", "&"))
    assert image.status == 200 and (await image.read()).startswith(b"\x89PNG")


async def test_the_privacy_notice_is_open_to_anyone_and_linked_from_the_sign_in_page(
    world: WebWorld,
):
    sign_in = await (await world.client.get("/dangnhap")).text()
    assert 'href="/bao-mat"' in sign_in

    notice = await world.client.get("/bao-mat", allow_redirects=False)

    assert notice.status == 200
    text = await notice.text()
    assert "🔒 Loa lưu những gì về bạn" in text
    assert "giữ 30 ngày để không xử lý trùng" in text


async def test_an_upload_over_the_limit_gets_a_clear_page_and_changes_nothing(world: WebWorld):
    await world.sign_in()
    csrf = await world.csrf("/ke-hoach")
    huge = PLAN_V2 + "#" + "x" * (2 * 1024 * 1024) + "\n"

    page = await world.client.post(
        "/ke-hoach/ap-dung", data={"csrf": csrf, "text": huge, "name": "kh.yaml"}
    )

    assert page.status == 413
    assert "Tệp quá lớn" in await page.text()
    async with world.database.session() as session:
        assert (await stored_plan(session, "ke-hoach-thu")).unit("phong-b")  # unchanged
