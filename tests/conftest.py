from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings
from tests.fake_telegram import FakeTelegram
from tests.harness import RunningBot, make_settings


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(bot_username="gridline_test_bot") as server:
        yield server


@pytest.fixture
def settings(tmp_path: Path, fake: FakeTelegram) -> Settings:
    return make_settings(tmp_path, fake)


@pytest.fixture
async def running(settings: Settings, fake: FakeTelegram) -> AsyncIterator[RunningBot]:
    bot = RunningBot(settings, fake)
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()
