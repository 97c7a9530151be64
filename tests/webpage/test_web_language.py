"""The pages in English: chosen with the link in every page's foot (remembered in a
cookie, signed in or not), or the site's language (LOA_LANGUAGE)."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from tests.webpage.conftest import WebWorld, serve

UNIT = "/ke-hoach/ke-hoach-thu/don-vi/van-phong"
ITEM = "ke-hoach-thu/ke-hoach/2026-02-27/van-phong"


async def _choose(client: TestClient, code: str, back: str) -> None:
    chosen = await client.get(f"/ngon-ngu/{code}", params={"next": back}, allow_redirects=False)
    assert chosen.status == 303 and chosen.headers["Location"] == back


async def test_the_foot_link_turns_the_pages_into_english_with_english_dates(world: WebWorld):
    await world.sign_in()
    vietnamese = await (await world.client.get("/lich")).text()
    assert '<html lang="vi">' in vietnamese and "Ngày lễ, kỷ niệm 60 ngày tới" in vietnamese
    assert 'href="/ngon-ngu/en?next=%2Flich"' in vietnamese and ">English<" in vietnamese

    await _choose(world.client, "en", "/lich")
    english = await (await world.client.get("/lich")).text()
    assert '<html lang="en">' in english
    assert "Anniversaries in the next 60 days" in english and "Calendar" in english
    assert "Ngày lễ" not in english and "Lịch" not in english
    assert "What Loa keeps about you" in english and ">Tiếng Việt<" in english
    assert any(day in english for day in ("Monday", "Tuesday", "Wednesday", "Thursday"))
    assert "Thứ" not in english

    await _choose(world.client, "vi", "/lich")
    assert "Ngày lễ, kỷ niệm 60 ngày tới" in await (await world.client.get("/lich")).text()


async def test_a_unit_page_in_english_shows_when_an_item_was_confirmed_in_english(
    world: WebWorld,
):
    await world.sign_in()
    await _choose(world.client, "en", UNIT)
    csrf = await world.csrf(UNIT)
    await world.client.post(
        UNIT + "/xac-nhan", data={"csrf": csrf, "item": ITEM, "action": "confirm", "note": "ok"}
    )
    page = await (await world.client.get(UNIT)).text()
    assert "09:01 Monday, 02/03/2026" in page  # when it was confirmed, in English
    assert "Thứ Hai" not in page


async def test_refusals_and_the_sign_in_page_follow_the_choice_too(world: WebWorld):
    await _choose(world.client, "en", "/dangnhap")
    assert "Sign in to Loa's web page" in await (await world.client.get("/dangnhap")).text()
    refused = await world.client.get("/dangnhap/guess")
    assert refused.status == 403 and "This link is wrong" in await refused.text()


async def test_the_switch_goes_back_only_to_a_page_of_this_site(world: WebWorld):
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        response = await world.client.get(
            "/ngon-ngu/en", params={"next": target}, allow_redirects=False
        )
        assert response.headers["Location"] == "/", target
    unknown = await world.client.get("/ngon-ngu/xx", allow_redirects=False)
    assert "loa_lang" not in unknown.cookies


async def test_a_site_set_to_english_speaks_english_until_a_browser_chooses(world: WebWorld):
    english = await serve(world.database, world.clock, world.evidence, language="en")
    try:
        page = await english.get("/dangnhap")
        assert '<html lang="en">' in await page.text()
        await _choose(english, "vi", "/dangnhap")
        assert '<html lang="vi">' in await (await english.get("/dangnhap")).text()
    finally:
        await english.close()
