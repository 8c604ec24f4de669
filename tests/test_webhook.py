"""`gridline run --webhook`: the webhook is registered with a secret, and requests without it are refused."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import aiohttp
import pytest

from bot.app import Gridline
from bot.sandbox.botapi import FakeTelegram
from bot.telegram.reach import TelegramUnreachable
from tests.fake_telegram.model import Fault
from tests.harness import make_settings

SECRET = "s3cret-token_for-tests"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_webhook_mode(tmp_path: Path, fake: FakeTelegram) -> None:
    port = _free_port()
    settings = make_settings(
        tmp_path, fake, webhook_url="https://gridline.example.org", webhook_port=port, webhook_secret=SECRET
    )
    app = Gridline(settings)
    mark = fake.mark()
    task = asyncio.create_task(app.run_webhook(handle_signals=False))
    try:
        registered = await fake.wait_for("setWebhook", since=mark)
        assert registered.params["url"] == "https://gridline.example.org/telegram/webhook"
        assert registered.params["secret_token"] == SECRET
        assert fake.webhook_url

        alice = fake.user(1001, "Alice")
        message = fake.new_message(fake.chats[alice.id], alice.to_json(), {"text": "/help"}, by_bot=False)
        url = f"http://127.0.0.1:{port}/telegram/webhook"
        async with aiohttp.ClientSession() as http:
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
                async with http.post(url, json={"update_id": 1, "message": message}, headers=headers) as response:
                    assert response.status == 401
            await fake.assert_nothing("sendMessage", chat_id=alice.id, within=0.3)

            mark = fake.mark()
            headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            async with http.post(url, json={"update_id": 2, "message": message}, headers=headers) as response:
                assert response.status == 200
            await fake.wait_for("sendMessage", chat_id=alice.id, since=mark)
    finally:
        await app.stop()
        await asyncio.wait_for(task, 15)


async def test_a_webhook_telegram_refuses_is_one_line_and_the_port_is_freed(tmp_path: Path, fake: FakeTelegram) -> None:
    """A typo in WEBHOOK_URL: Telegram answers 400 to setWebhook. `gridline run --webhook` says so in
    one line (TelegramUnreachable, which the CLI prints) instead of a traceback, and lets go of its port."""
    port = _free_port()
    settings = make_settings(tmp_path, fake, webhook_url="https://gridlnie.example.org", webhook_port=port)
    refusal = "Bad Request: bad webhook: Failed to resolve host: Name or service not known"
    fake.inject(Fault(method="setWebhook", error_code=400, description=refusal, times=None))
    with pytest.raises(TelegramUnreachable) as refused:
        await asyncio.wait_for(Gridline(settings).run_webhook(handle_signals=False), timeout=30)
    assert str(refused.value) == (
        f"Telegram refuses the webhook https://gridlnie.example.org/telegram/webhook: {refusal} (check WEBHOOK_URL)"
    )
    with socket.socket() as again:  # the web server was closed
        again.bind(("127.0.0.1", port))


async def test_a_network_failure_at_set_webhook_is_retried(tmp_path: Path, fake: FakeTelegram) -> None:
    port = _free_port()
    settings = make_settings(
        tmp_path, fake, webhook_url="https://gridline.example.org", webhook_port=port, telegram_start_retry_seconds=10
    )
    fake.inject(Fault(method="setWebhook", error_code=502, description="Bad Gateway", times=1))
    app = Gridline(settings)
    mark = fake.mark()
    task = asyncio.create_task(app.run_webhook(handle_signals=False))
    calls = await fake.wait_for_count("setWebhook", 2, since=mark, timeout=15)
    assert [c.ok for c in calls] == [False, True]
    await app.stop()
    await asyncio.wait_for(task, timeout=15)
