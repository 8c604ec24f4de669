"""SIGKILL in the middle of a large fan-out: after a restart every queued message is delivered,
and only messages in flight at the kill may arrive twice.

The bot runs as a real process (`gridline run` from this venv) against the in-test fake Bot API.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import col, select

from bot.outbox.sender import MAX_UNRECORDED
from bot.sandbox.botapi import FakeTelegram
from storage.database import Database
from storage.models import OutboxMessage, OutboxStatus
from tests.harness import TOKEN

CHATS = 500
MESSAGES = 1000
FIRST_CHAT = 7_000_000


async def _start(env: dict[str, str], log: Path) -> asyncio.subprocess.Process:
    gridline = Path(sys.executable).with_name("gridline")
    return await asyncio.create_subprocess_exec(
        str(gridline),
        "run",
        env=env,
        stdout=log.open("ab"),
        stderr=asyncio.subprocess.STDOUT,
    )


async def _wait(predicate, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def _delivered(fake: FakeTelegram) -> Counter[str]:
    return Counter(c.text for c in fake.requests if c.method == "sendMessage" and c.ok and c.text.startswith("#"))


async def test_sigkill_mid_fanout_loses_nothing(tmp_path: Path, fake: FakeTelegram) -> None:
    for i in range(CHATS):
        fake.user(FIRST_CHAT + i, f"群众{i}")
    url = f"sqlite:///{tmp_path / 'crash.db'}"
    db = Database(url)
    await db.create_all()
    now = datetime.now(UTC)
    async with db.transaction() as s:
        for n in range(MESSAGES):
            s.add(
                OutboxMessage(
                    chat_id=FIRST_CHAT + n % CHATS,
                    method="sendMessage",
                    params={"text": f"#{n}"},
                    created_at=now,
                    next_attempt_at=now,
                )
            )
    await db.dispose()

    env = {
        **os.environ,
        "BOT_TOKEN": TOKEN,
        "DATABASE_URL": url,
        "TELEGRAM_API_BASE": fake.base_url,
        "FLOOD_GLOBAL_PER_SECOND": "1000",
        "FLOOD_PRIVATE_PER_SECOND": "1000",
        "FLOOD_GROUP_PER_MINUTE": "60000",
    }
    log = tmp_path / "bot.log"
    bot = await _start(env, log)
    try:
        await _wait(lambda: sum(_delivered(fake).values()) >= MESSAGES // 4, 60, "a quarter delivered")
    finally:
        bot.send_signal(signal.SIGKILL)
        await bot.wait()
    in_flight_requests = sum(1 for c in fake.requests if c.method == "sendMessage" and not c.done)
    before = _delivered(fake)

    # Sent before the kill but not recorded as sent: these are the ones that may go out again.
    db = Database(url)
    async with db.session() as s:
        pending = {
            r.params["text"]
            for r in (
                await s.exec(
                    select(OutboxMessage)
                    .where(OutboxMessage.status == OutboxStatus.PENDING)
                    .order_by(col(OutboxMessage.id))
                )
            ).all()
        }
    await db.dispose()
    unrecorded = sum(1 for text in before if text in pending)

    bot = await _start(env, log)
    try:
        await _wait(lambda: len(_delivered(fake)) >= MESSAGES, 60, "every message delivered")
        await asyncio.sleep(0.5)  # anything still to come would be a duplicate too
    finally:
        bot.send_signal(signal.SIGTERM)
        await asyncio.wait_for(bot.wait(), 20)

    delivered = _delivered(fake)
    duplicates = sum(n - 1 for n in delivered.values())
    print(
        f"\nSIGKILL after {sum(before.values())} of {MESSAGES} deliveries: {unrecorded} sent but not yet recorded "
        f"({in_flight_requests} requests open); after restart all {len(delivered)} delivered, "
        f"{duplicates} duplicates"
    )
    assert set(delivered) == {f"#{n}" for n in range(MESSAGES)}  # nothing lost
    assert duplicates <= unrecorded + in_flight_requests  # only what was in flight
    # And that is small: the sender keeps at most MAX_UNRECORDED deliveries under way or waiting
    # for their commit.
    assert unrecorded <= MAX_UNRECORDED and duplicates <= MAX_UNRECORDED
    assert "Traceback" not in log.read_text(errors="replace")
