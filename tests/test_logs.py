"""The token never appears in logs, whatever a library puts into a message or a traceback."""

from __future__ import annotations

import logging

import pytest

from bot.sandbox.botapi import FakeTelegram, Fault
from tests.harness import TOKEN, RunningBot


async def test_token_is_redacted(running: RunningBot, fake: FakeTelegram, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    log = logging.getLogger("aiogram.event")
    url = f"https://api.telegram.org/bot{TOKEN}/sendMessage"
    log.warning("request to %s failed", url)
    try:
        raise RuntimeError(f"connection reset while calling {url}")
    except RuntimeError:
        log.exception("unexpected")
    # And a real run through errors: failing requests are logged by the sender.
    alice = fake.user(1001, "Alice")
    fake.inject(Fault(method="sendMessage", chat_id=alice.id, error_code=500, times=1))
    mark = fake.mark()
    await fake.send_text(alice, "/help")
    await fake.wait_for("sendMessage", chat_id=alice.id, since=mark, ok=False)
    text = caplog.text
    assert "request to https://api.telegram.org/bot<bot-token>/sendMessage failed" in text
    assert "connection reset while calling" in text
    assert TOKEN not in text and TOKEN.split(":")[1] not in text
