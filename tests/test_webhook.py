"""`gridline run --webhook`: the webhook is registered with a secret, and requests without it are refused."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import aiohttp

from bot.app import Gridline
from bot.sandbox.botapi import FakeTelegram
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
