"""The office's web page end to end: headless Chromium (Selenium and Debian's
chromium-driver) against the real `loa run` process and the fake Telegram (and Zalo)
servers.

The admin signs in with `loa login-link`, reads the overview, confirms an overdue item
on a unit's behalf, uploads a plan with an error and then a good one, and sends a
broadcast that reaches the units' groups on the fake Telegram server, following its
delivery report as it refreshes. `/dangnhap` in the admin's private chat answers with
a link to the same page. A second test sends a broadcast with a photo to groups on
both platforms: Telegram receives the photo's bytes once (sendPhoto, then the other
groups by its file id), Zalo an address under LOA_PUBLIC_URL that serves the same
bytes; then the pages are switched to English.

With LOA_WEB_SCREENSHOTS=DIR the test saves a screenshot of each page into DIR
(docs/web/ holds the committed ones: `LOA_WEB_SCREENSHOTS=docs/web pytest
tests/e2e/test_web_e2e.py`).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession
from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from tests.e2e.harness import LoaProcess, free_port, loa_env, run_loa_async
from tests.e2e.web_browser import PHONE, Browser
from tests.fakes import FakeZalo
from tests.fakes.telegram_api import FakeTelegram

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "content" / "plans" / "sample-sldtbxh-laocai-2026.yaml"
TOKEN = "123456:E2E-web-token-not-real"
ADMIN = 123456789  # the sample plan's admin on Telegram
GROUPS = (-1001234567890, -1001234567891, -1001234567892)  # its units' Telegram groups
LOADED = "2026-02-02T07:00:00+07:00"
NOW = "2026-03-03T09:00:00+07:00"  # Thứ Ba 03/03/2026: some items are overdue
WAIT = 60.0


def sample_on_telegram() -> str:
    """The sample plan with its Zalo chats left out (this test runs Telegram only): the
    units that had only Zalo show as units without a linked chat."""
    text = SAMPLE.read_text(encoding="utf-8")
    text = re.sub(r",\s*zalo:[0-9a-f]+(?=\])", "", text)
    return re.sub(r"\n\s*channels: \[zalo:[0-9a-f]+\]", "", text)


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram(TOKEN)
    await server.start()
    for group in GROUPS:
        server.add_chat(group, "supergroup", title=f"Nhóm {group}")
    server.add_user(ADMIN, "Văn phòng")
    yield server
    await server.stop()


@pytest.fixture
async def zalo() -> AsyncIterator[FakeZalo]:
    async with FakeZalo(seed=5) as fake:
        yield fake


def _web_env(tmp_path: Path, telegram: FakeTelegram, **more: str) -> tuple[str, dict[str, str]]:
    """(the web page's address, the environment of `loa run` serving it)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = loa_env(
        LOA_DATABASE_URL=f"sqlite:///{tmp_path / 'loa.db'}",
        LOA_NOW=NOW,
        LOA_TICK_SECONDS="0.5",
        LOA_LISTEN=f"127.0.0.1:{port}",
        LOA_PUBLIC_URL=base,
        LOA_TELEGRAM_TOKEN=TOKEN,
        LOA_TELEGRAM_API_URL=telegram.url,
        **more,
    )
    return base, env


async def test_the_office_signs_in_confirms_loads_a_plan_and_broadcasts_in_a_browser(
    tmp_path: Path, telegram: FakeTelegram, chromium: WebDriver
) -> None:
    base, env = _web_env(tmp_path, telegram)
    plan_path = tmp_path / "ke-hoach.yaml"
    plan_path.write_text(sample_on_telegram(), encoding="utf-8")
    loaded = await run_loa_async("load", str(plan_path), env={**env, "LOA_NOW": LOADED})
    assert loaded.returncode == 0, loaded.stderr
    shots_dir = os.environ.get("LOA_WEB_SCREENSHOTS")
    shots = Path(shots_dir) if shots_dir else None
    if shots is not None:
        shots.mkdir(parents=True, exist_ok=True)
    browser = Browser(chromium, base, shots)

    async with LoaProcess(env, cwd=tmp_path) as loa:
        await loa.wait_healthy()

        # Without a session every page leads to the sign-in page.
        await browser.open("/")
        assert "/dangnhap" in chromium.current_url
        assert "Nhắn /dangnhap cho Loa" in await browser.text()
        await browser.screenshot("dang-nhap")

        # /dangnhap in the admin's private chat answers with a link to this page.
        telegram.message(ADMIN, "/dangnhap", user_id=ADMIN, chat_type="private")
        [answer] = await telegram.wait_for_messages(1, chat_id=ADMIN, timeout=WAIT)
        assert f"{base}/dangnhap/" in answer.text

        made = await run_loa_async("login-link", f"telegram:{ADMIN}", env=env)
        assert made.returncode == 0, made.stderr
        link = re.search(re.escape(base) + r"/dangnhap/\S+", made.stdout)
        assert link is not None
        await browser.open(link.group(0))
        assert f"telegram:{ADMIN}" in await browser.text()
        await browser.click("#signin")
        await browser.wait_for("table.sortable")

        overview = await browser.text()
        assert "Kế hoạch triển khai thực hiện công tác tuyên truyền năm 2026" in overview
        assert "Đơn vị chưa liên kết nhóm chat" in overview
        assert chromium.find_element(By.CSS_SELECTOR, "svg.chart rect")
        await browser.screenshot("tong-quan")
        await browser.screenshot("tong-quan-dien-thoai", PHONE)

        # Confirm an overdue item of Văn phòng Sở on its behalf, with a note.
        await browser.open("/ke-hoach/sldtbxh-laocai-2026/don-vi/van-phong")
        row = "tr.st-overdue"
        await browser.wait_for(row)
        item = await browser.run(
            lambda d: d.find_element(By.CSS_SELECTOR, row).get_attribute("data-item")
        )
        await browser.click(f"{row} summary")
        await browser.type(f"{row} input[name=note]", "Đơn vị báo qua điện thoại")
        await browser.click(f"{row} button[value=confirm]")
        await browser.wait_for(f'tr.st-done[data-item="{item}"]')
        assert "Đơn vị báo qua điện thoại" in await browser.text(f'tr[data-item="{item}"]')
        await browser.screenshot("don-vi")
        progress = await run_loa_async(
            "progress", "--unit", "van-phong", "--format", "json", env=env
        )
        done = [row for row in json.loads(progress.stdout) if row["status"] == "done"]
        assert item in {row["item_key"] for row in done}

        await browser.open("/lich")
        await browser.wait_for("article.anniversary")
        assert "Kỷ niệm" in await browser.text()
        await browser.run(
            lambda d: [e.click() for e in d.find_elements(By.CSS_SELECTOR, "details")[:2]]
        )
        await browser.run(  # the banner is drawn on request: wait for it
            lambda d: WebDriverWait(d, 20).until(
                lambda d: d.execute_script(
                    "return [...document.querySelectorAll('details[open] img')]"
                    ".every(i => i.complete && i.naturalWidth > 0)"
                )
            )
        )
        await browser.screenshot("lich")

        # A plan with an error is refused by line; the good one shows its diff and loads.
        broken = tmp_path / "ke-hoach-loi.yaml"
        broken.write_text(
            sample_on_telegram().replace("owners: [", "owners: [khong-co-don-vi, ", 1),
            encoding="utf-8",
        )
        await browser.open("/ke-hoach")
        await browser.type("#plan-file", str(broken))
        await browser.click("#check")
        await browser.wait_for("#problems")
        problems = await browser.text("#problems")
        assert "Dòng" in problems and "khong-co-don-vi" in problems
        await browser.screenshot("ke-hoach-loi")
        fixed = tmp_path / "ke-hoach-moi.yaml"
        fixed.write_text(
            sample_on_telegram().replace(
                "title: Kế hoạch triển khai thực hiện công tác tuyên truyền năm 2026",
                "title: Kế hoạch triển khai công tác tuyên truyền năm 2026 (sửa đổi)",
            ),
            encoding="utf-8",
        )
        await browser.open("/ke-hoach")
        await browser.type("#plan-file", str(fixed))
        await browser.click("#check")
        await browser.wait_for("#diff")
        assert "(sửa đổi)" in await browser.text("#diff")
        await browser.screenshot("ke-hoach-thay-doi")
        await browser.click("#apply")
        await browser.wait_for("#loaded")
        assert "Đã nạp lại" in await browser.text("#loaded")

        # A broadcast to every unit reaches the groups; the report follows it live.
        await browser.open("/gui-tin")
        await browser.type("#bc-text", "Đề nghị các đơn vị treo cờ Tổ quốc dịp 26/3.")
        await browser.click("#bc-all")
        await browser.click("#bc-preview")
        await browser.wait_for("#preview")
        assert "treo cờ Tổ quốc" in await browser.text("#preview")
        await browser.screenshot("gui-tin")
        await browser.click("#bc-send")
        for group in GROUPS:
            messages = await _broadcast_to(telegram, group)
            assert any("treo cờ Tổ quốc" in message.text for message in messages), group
        await browser.wait_for('#status[data-done="yes"]', timeout=WAIT)
        assert "Đã gửi xong." in await browser.text("#status")
        await browser.screenshot("bao-cao-gui-tin")

        await browser.click(".signout button")
        await browser.wait_for("main")
        await browser.open("/")
        assert "/dangnhap" in chromium.current_url
    assert telegram.duplicates() == []


async def _broadcast_to(telegram: FakeTelegram, group: int) -> list[Any]:
    """The group's messages once the broadcast is among them (digests may come first)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT
    while loop.time() < deadline:
        found = telegram.sent_to(group)
        if any("treo cờ Tổ quốc" in message.text for message in found):
            return found
        await asyncio.sleep(0.2)
    return telegram.sent_to(group)


ZALO_GROUPS = tuple(
    re.findall(r"channels: \[(?:telegram:-?\d+, )?zalo:([0-9a-f]+)\]", SAMPLE.read_text())
)


async def _sign_in(browser: Browser, env: dict[str, str]) -> None:
    made = await run_loa_async("login-link", f"telegram:{ADMIN}", env=env)
    assert made.returncode == 0, made.stderr
    link = re.search(re.escape(browser.base) + r"/dangnhap/\S+", made.stdout)
    assert link is not None
    await browser.open(link.group(0))
    await browser.click("#signin")
    await browser.wait_for("table.sortable")


async def _until(found: Callable[[], list[Any]], what: str) -> list[Any]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT
    while not (result := found()):
        assert loop.time() < deadline, f"no {what} within {WAIT}s"
        await asyncio.sleep(0.2)
    return result


async def test_a_broadcast_with_a_photo_reaches_telegram_as_bytes_and_zalo_by_address(
    tmp_path: Path, telegram: FakeTelegram, zalo: FakeZalo, chromium: WebDriver
) -> None:
    base, env = _web_env(tmp_path, telegram, LOA_ZALO_TOKEN=zalo.token, LOA_ZALO_API_URL=zalo.url)
    assert len(ZALO_GROUPS) >= 2
    loaded = await run_loa_async("load", str(SAMPLE), env={**env, "LOA_NOW": LOADED})
    assert loaded.returncode == 0, loaded.stderr
    photo = tmp_path / "treo-co.jpg"
    Image.new("RGB", (640, 360), (200, 16, 46)).save(photo, "JPEG")
    data = photo.read_bytes()
    shots_dir = os.environ.get("LOA_WEB_SCREENSHOTS")
    browser = Browser(chromium, base, Path(shots_dir) if shots_dir else None)

    async with LoaProcess(env, cwd=tmp_path) as loa:
        await loa.wait_healthy()
        await _sign_in(browser, env)

        await browser.open("/gui-tin")
        await browser.type("#bc-text", "Ảnh mẫu treo cờ Tổ quốc dịp 26/3.")
        await browser.click("#bc-all")
        await browser.type("#bc-file", str(photo))
        await browser.click("#bc-preview")
        await browser.wait_for("#bc-attached img")
        assert "treo-co.jpg" in await browser.text("#bc-attached")
        await browser.run(  # the preview shows the photo itself
            lambda d: WebDriverWait(d, 20).until(
                lambda d: d.execute_script(
                    "const i = document.querySelector('#bc-attached img');"
                    "return i.complete && i.naturalWidth === 640"
                )
            )
        )
        await browser.screenshot("gui-tin-kem-anh")
        await browser.click("#bc-send")

        def photos_on_telegram() -> list[Any]:
            sent = [
                message
                for group in GROUPS
                for message in telegram.sent_to(group)
                if message.method == "sendPhoto"
            ]
            return sent if len(sent) == len(GROUPS) else []

        photos = await _until(photos_on_telegram, "sendPhoto in every Telegram group")
        # Uploaded once; the other groups get it by the file id Telegram gave it.
        uploaded = [message for message in photos if message.upload is not None]
        assert len(uploaded) == 1 and uploaded[0].upload is not None
        assert uploaded[0].upload.data == data
        for message in photos:
            assert message.photo == uploaded[0].photo
            assert telegram.world.files[message.photo].data == data
            assert "treo cờ Tổ quốc" in (message.caption or "")

        def photos_on_zalo() -> list[Any]:
            sent = [m for m in zalo.sent if m.method == "sendPhoto" and m.chat_id in ZALO_GROUPS]
            return sent if len(sent) == len(ZALO_GROUPS) else []

        async with ClientSession() as web:  # as Zalo's servers fetch it: no session
            for message in await _until(photos_on_zalo, "sendPhoto in every Zalo group"):
                assert message.photo.startswith(f"{base}/tep/")
                assert "treo cờ Tổ quốc" in (message.caption or "")
                async with web.get(message.photo) as fetched:
                    assert fetched.status == 200 and await fetched.read() == data
        await browser.wait_for('#status[data-done="yes"]', timeout=WAIT)

        # The foot's switch: the same pages, and their dates, in English.
        await browser.click("footer a.language")
        await browser.wait_for("html[lang=en]")
        assert "All sent." in await browser.text("#status")
        await browser.open("/lich")
        await browser.wait_for("article.anniversary")
        calendar = await browser.text()
        assert "Anniversaries in the next 60 days" in calendar and "Thứ" not in calendar
        assert re.search(r"(Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day, \d\d/\d\d/2026", calendar)
        await browser.screenshot("lich-tieng-anh")
    assert telegram.duplicates() == [] and zalo.duplicates() == []
