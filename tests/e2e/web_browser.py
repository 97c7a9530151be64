"""Headless Chromium for the web page's end-to-end tests (Selenium with Debian's
chromium and chromium-driver, which .ci/run installs), driven from a thread."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait

DESKTOP = (1280, 900)
PHONE = (390, 844)


class Browser:
    """Chromium driven from a thread: Selenium blocks, and the fake Telegram server
    runs in this test's event loop, which must keep answering the bot meanwhile."""

    def __init__(self, driver: WebDriver, base: str, shots: Path | None) -> None:
        self.driver = driver
        self.base = base
        self.shots = shots

    async def run(self, step: Callable[[WebDriver], Any]) -> Any:
        return await asyncio.to_thread(step, self.driver)

    async def open(self, path: str) -> None:
        await self.run(lambda d: d.get(path if path.startswith("http") else self.base + path))

    async def text(self, css: str = "main") -> str:
        return str(await self.run(lambda d: d.find_element(By.CSS_SELECTOR, css).text))

    async def wait_for(self, css: str, timeout: float = 20.0) -> None:  # noqa: ASYNC109
        await self.run(
            lambda d: WebDriverWait(d, timeout).until(
                ready.presence_of_element_located((By.CSS_SELECTOR, css))
            )
        )

    async def click(self, css: str) -> None:
        await self.run(lambda d: d.find_element(By.CSS_SELECTOR, css).click())

    async def type(self, css: str, text: str) -> None:
        await self.run(lambda d: d.find_element(By.CSS_SELECTOR, css).send_keys(text))

    async def screenshot(self, name: str, size: tuple[int, int] = DESKTOP) -> None:
        if self.shots is None:
            return

        def shoot(driver: WebDriver) -> None:
            driver.set_window_size(*size)
            height = driver.execute_script("return document.documentElement.scrollHeight")
            driver.set_window_size(size[0], min(max(int(height), size[1]), 3000))
            driver.save_screenshot(str(self.shots / f"{name}.png"))
            driver.set_window_size(*DESKTOP)

        await self.run(shoot)
