from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.config import Settings
from bot.fonts import WEIGHTS, cjk_font_path
from bot.sandbox.botapi import FakeTelegram
from tests.harness import RunningBot, make_settings


@pytest.fixture(scope="session", autouse=True)
def cjk_fonts() -> None:
    """Cut the CJK fonts before the first test: on a fresh machine that is a minute of CPU, which a
    test waiting 20 s for its /stats chart must not pay (the bot cuts them in the background)."""
    for weight in WEIGHTS:
        cjk_font_path(weight)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(bot_username="gridline_test_bot") as server:
        yield server


@pytest.fixture
def settings(tmp_path: Path, fake: FakeTelegram) -> Settings:
    return make_settings(tmp_path, fake)


@asynccontextmanager
async def postgres_database() -> AsyncIterator[str]:
    """A fresh database on the local PostgreSQL server (127.0.0.1:5432), dropped afterwards."""
    import uuid

    import asyncpg

    server = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    name = f"gridline_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(server)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield server.rsplit("/", 1)[0] + f"/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    async with postgres_database() as url:
        yield url


@pytest.fixture
async def running(settings: Settings, fake: FakeTelegram) -> AsyncIterator[RunningBot]:
    bot = RunningBot(settings, fake)
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()
