"""A real browser for the sandbox's page: the system Chromium driven by Playwright.

Playwright's own browser download is never used: the Chromium comes from the system's packages
(`apt-get install chromium`, as .ci/run does). Without one, the browser tests are skipped and say why.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def chromium_path() -> str | None:
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured if Path(configured).exists() else None
    return next((found for name in CANDIDATES if (found := shutil.which(name))), None)


needs_chromium = pytest.mark.skipif(
    chromium_path() is None,
    reason="no Chromium found (install it with `apt-get install chromium`, or set CHROMIUM_PATH)",
)


async def launch() -> AsyncIterator[object]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        try:
            yield browser
        finally:
            await browser.close()
