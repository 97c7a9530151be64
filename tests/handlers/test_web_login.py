"""/dangnhap gives a plan admin or a unit's contact a one-time link to the web page,
only in a private chat; /dangxuat signs them out of every browser."""

from __future__ import annotations

import re
from dataclasses import replace

from sqlmodel import select

from bot.storage.models import WebLogin
from bot.storage.web_auth import live_session, start_session, use_login_link
from tests.handlers.support import ADMIN_TG, NOW, STAFF, Loa, texts

PUBLIC = "https://loa.so-vidu.gov.vn"
ADMIN_PRIVATE = {"chat_id": ADMIN_TG, "chat_type": "private", "user_id": ADMIN_TG}
LINK = re.compile(re.escape(PUBLIC) + r"/dangnhap/([A-Za-z0-9_-]{40,})")


def _with_page(loa: Loa) -> Loa:
    loa.ctx = replace(loa.ctx, public_url=PUBLIC)
    return loa


async def test_an_admin_gets_a_link_that_signs_them_in_once(loa: Loa):
    replies = await _with_page(loa).send("/dangnhap", **ADMIN_PRIVATE)
    found = LINK.search(texts(replies))
    assert found is not None and "10 phút" in texts(replies)
    async with loa.database.session() as session:
        assert await use_login_link(session, found.group(1), NOW) == f"telegram:{ADMIN_TG}"
        assert await use_login_link(session, found.group(1), NOW) == "used"
        # Only the token's digest is stored, never the token itself.
        stored = (await session.exec(select(WebLogin))).all()
    assert [row.token_hash for row in stored] != [found.group(1)]


async def test_in_a_group_no_link_is_given(loa: Loa):
    replies = await _with_page(loa).send("/dangnhap", user_id=ADMIN_TG)
    assert LINK.search(texts(replies)) is None and "trò chuyện riêng" in texts(replies)
    async with loa.database.session() as session:
        assert not (await session.exec(select(WebLogin))).all()


async def test_someone_who_is_neither_admin_nor_contact_gets_no_link(loa: Loa):
    replies = await _with_page(loa).send("/dangnhap", chat_id=STAFF, chat_type="private")
    assert LINK.search(texts(replies)) is None and "chưa là ai" in texts(replies)


async def test_without_a_public_url_the_admin_is_told_the_page_is_off(loa: Loa):
    replies = await loa.send("/dangnhap", **ADMIN_PRIVATE)
    assert "LOA_PUBLIC_URL" in texts(replies) and LINK.search(texts(replies)) is None


async def test_dangxuat_ends_every_browser_session_of_the_person(loa: Loa):
    address = f"telegram:{ADMIN_TG}"
    async with loa.database.session() as session:
        first = await start_session(session, address, NOW)
        second = await start_session(session, address, NOW)
    replies = await loa.send("/dangxuat", **ADMIN_PRIVATE)
    assert "2 trình duyệt" in texts(replies)
    async with loa.database.session() as session:
        assert await live_session(session, first.token, NOW) is None
        assert await live_session(session, second.token, NOW) is None
    assert "không đăng nhập" in texts(await loa.send("/dangxuat", **ADMIN_PRIVATE))
