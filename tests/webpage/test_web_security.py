"""Who gets in, and what a refused request leaves unchanged."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

from sqlmodel import select

from bot.storage.confirmations import active_confirmations
from bot.storage.contacts import add_contact
from bot.storage.models import WebLoginFailure, WebSession
from scheduler.housekeeping import Retention, clean
from tests.webpage.conftest import ADMIN, OTHER_ADMIN, WebWorld, serve

UNIT = "/ke-hoach/ke-hoach-thu/don-vi/van-phong"
ITEM = "ke-hoach-thu/ke-hoach/2026-02-27/van-phong"


async def _sessions(world: WebWorld) -> int:
    async with world.database.session() as session:
        return len((await session.exec(select(WebSession))).all())


async def test_a_browser_without_a_session_is_sent_to_the_sign_in_page(world: WebWorld):
    for path in ("/", UNIT, "/lich", "/ke-hoach", "/gui-tin"):
        response = await world.client.get(path, allow_redirects=False)
        assert response.status == 303 and response.headers["Location"] == "/dangnhap", path
    page = await world.client.get("/dangnhap")
    assert "/dangnhap" in await page.text() and page.status == 200
    assert (await world.client.get("/healthz")).status in (200, 503)
    assert (await world.client.get("/static/loa.css")).status == 200


async def test_a_link_signs_its_admin_in_once_with_an_httponly_samesite_cookie(world: WebWorld):
    link = await world.link()
    opened = await world.client.get(link)
    assert opened.status == 200 and ADMIN in await opened.text()
    assert await _sessions(world) == 0  # opening (a chat's preview) spends nothing
    csrf = await world.csrf(link)
    response = await world.client.post(link, data={"csrf": csrf}, allow_redirects=False)
    assert response.status == 303
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    overview = await world.client.get("/")
    assert "Kế hoạch tuyên truyền thử nghiệm năm 2026" in await overview.text()
    assert "Kế hoạch khác" not in await overview.text()  # not this admin's plan

    again = await world.client.get(link)
    assert again.status == 403 and "đã được dùng" in await again.text()
    assert await _sessions(world) == 1


async def test_expired_forged_and_used_links_are_refused_with_a_clear_page(world: WebWorld):
    expired = await world.link(at=world.clock.now() - timedelta(minutes=11))
    page = await world.client.get(expired)
    assert page.status == 403 and "hết hạn" in await page.text()
    forged = await world.client.get("/dangnhap/not-a-real-token")
    assert forged.status == 403 and "không đúng" in await forged.text()
    assert await _sessions(world) == 0


async def test_a_link_for_another_address_is_refused_while_signed_in(world: WebWorld):
    await world.sign_in(ADMIN)
    other = await world.link(OTHER_ADMIN)
    page = await world.client.get(other)
    assert page.status == 409 and "tài khoản khác" in await page.text()
    assert await _sessions(world) == 1


async def test_the_sign_in_form_without_its_csrf_token_changes_nothing(world: WebWorld):
    link = await world.link()
    await world.client.get(link)
    response = await world.client.post(link, data={})
    assert response.status == 403
    assert await _sessions(world) == 0


async def test_a_form_without_the_sessions_csrf_token_is_refused_and_nothing_changes(
    world: WebWorld,
):
    await world.sign_in()
    for csrf in (None, "wrong"):
        data = {"item": ITEM, "action": "confirm", "note": "thay đơn vị"}
        if csrf:
            data["csrf"] = csrf
        response = await world.client.post(UNIT + "/xac-nhan", data=data)
        assert response.status == 403 and "mã bảo vệ" in await response.text()
    async with world.database.session() as session:
        assert ITEM not in await active_confirmations(session, "ke-hoach-thu")


async def test_another_plans_unit_in_the_url_is_refused(world: WebWorld):
    await world.sign_in(ADMIN)
    page = await world.client.get("/ke-hoach/ke-hoach-khac/don-vi/xa-mot")
    assert page.status == 403
    csrf = await world.csrf()
    response = await world.client.post(
        "/ke-hoach/ke-hoach-khac/don-vi/xa-mot/xac-nhan",
        data={
            "csrf": csrf,
            "item": "ke-hoach-khac/bai-viet/2026-03-20/xa-mot",
            "action": "confirm",
        },
    )
    assert response.status == 403
    async with world.database.session() as session:
        assert not await active_confirmations(session, "ke-hoach-khac")
    assert (await world.client.get("/ke-hoach/ke-hoach-khac/tien-do.xlsx")).status == 403


async def test_an_admin_confirms_and_undoes_on_a_units_behalf_with_a_note(world: WebWorld):
    await world.sign_in()
    csrf = await world.csrf(UNIT)
    response = await world.client.post(
        UNIT + "/xac-nhan",
        data={"csrf": csrf, "item": ITEM, "action": "confirm", "note": "Đơn vị báo qua điện thoại"},
    )
    assert response.status == 200
    assert "Đơn vị báo qua điện thoại" in await response.text()
    async with world.database.session() as session:
        row = (await active_confirmations(session, "ke-hoach-thu"))[ITEM]
    assert row.confirmed_by == ADMIN and row.channel == "web"
    await world.client.post(UNIT + "/xac-nhan", data={"csrf": csrf, "item": ITEM, "action": "undo"})
    async with world.database.session() as session:
        assert ITEM not in await active_confirmations(session, "ke-hoach-thu")


async def test_signing_out_ends_the_session(world: WebWorld):
    await world.sign_in()
    csrf = await world.csrf()
    await world.client.post("/dangxuat", data={"csrf": csrf})
    response = await world.client.get("/", allow_redirects=False)
    assert response.status == 303


async def test_failed_sign_ins_are_rate_limited_but_good_links_are_not(world: WebWorld):
    for _ in range(4):  # an office behind one proxy address signs in again and again
        await world.sign_in()
    statuses = [(await world.client.get("/dangnhap/guess")).status for _ in range(12)]
    assert statuses[:10] == [403] * 10 and statuses[10:] == [429, 429]
    good = await world.link()
    assert (await world.client.get(good)).status == 429  # until the window has passed
    world.clock.advance(timedelta(minutes=5))
    assert (await world.client.get(good)).status == 200


async def test_the_login_limit_holds_across_instances_sharing_the_database(
    world: WebWorld,
) -> None:
    other = await serve(world.database, world.clock, world.evidence)  # a second `loa run`
    try:
        for client in (world.client, other) * 5:  # the guesses spread over both
            assert (await client.get("/dangnhap/guess")).status == 403
        good = await world.link()
        for client in (world.client, other):
            refused = await client.get(good)
            assert refused.status == 429 and refused.headers["Retry-After"] == "300"
    finally:
        await other.close()


async def test_old_login_failures_go_with_the_daily_housekeeping(world: WebWorld) -> None:
    for _ in range(3):
        await world.client.get("/dangnhap/guess")
    later = world.clock.now() + timedelta(days=2)
    done = await clean(world.database, later, Retention())
    assert done["web_login_failures"] == 3
    async with world.database.session() as session:
        assert (await session.exec(select(WebLoginFailure))).all() == []


async def test_a_units_contact_sees_only_that_units_page_and_cannot_act(world: WebWorld):
    contact = "telegram:777"
    async with world.database.session() as session:
        await add_contact(
            session,
            "ke-hoach-thu",
            "van-phong",
            contact,
            "Trần Thị B",
            added_in="telegram:-1001",
            now=world.clock.now(),
        )
    await world.sign_in(contact)
    home = await world.client.get("/", allow_redirects=False)
    assert home.status == 303 and home.headers["Location"] == UNIT
    page = await world.client.get(UNIT)
    assert page.status == 200 and "xac-nhan" not in await page.text()
    assert (await world.client.get("/lich")).status == 200
    assert (await world.client.get("/ke-hoach/ke-hoach-thu/don-vi/phong-a")).status == 403
    for path in ("/ke-hoach", "/gui-tin", "/ke-hoach/ke-hoach-thu/tien-do.xlsx"):
        assert (await world.client.get(path)).status == 403, path
    csrf = await world.csrf(UNIT)
    response = await world.client.post(
        UNIT + "/xac-nhan", data={"csrf": csrf, "item": ITEM, "action": "confirm"}
    )
    assert response.status == 403
    async with world.database.session() as session:
        assert ITEM not in await active_confirmations(session, "ke-hoach-thu")


async def test_the_second_of_two_browsers_pressing_the_same_link_is_refused_and_counted(
    world: WebWorld,
) -> None:
    other = await serve(world.database, world.clock, world.evidence)  # another browser
    try:
        link = await world.link()
        forms = []
        for client in (world.client, other):
            page = await (await client.get(link)).text()
            found = re.search(r'name="csrf" value="([^"]+)"', page)
            assert found is not None
            forms.append({"csrf": found.group(1)})
        first = await world.client.post(link, data=forms[0], allow_redirects=False)
        assert first.status == 303
        second = await asyncio.wait_for(other.post(link, data=forms[1]), timeout=10)
        assert second.status == 403 and "đã được dùng" in await second.text()
        async with world.database.session() as session:
            assert len((await session.exec(select(WebLoginFailure))).all()) == 1
    finally:
        await other.close()
