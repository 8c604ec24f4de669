"""The flood limits are the bot token's: three instances pacing through Redis stay, together, within
each sliding window (30 a second overall, 1 a second per private chat), and near the limit."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from bot.outbox.pacing import LocalPacing, Pacing
from bot.outbox.shared_pacing import RedisPacing
from storage.redis_client import connect


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = connect("redis://127.0.0.1:6379/0")
    try:
        yield client
    finally:
        await client.aclose()


def most_in_any_window(times: list[float], span: float) -> int:
    times = sorted(times)
    most, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= span:
            start += 1
        most = max(most, end - start + 1)
    return most


async def _send(pacings: list[Pacing], key: str, limit: float, span: float, count: int, burst: int = 1) -> list[float]:
    """`count` messages from each instance at once; when each was let through."""
    windows = [pacing.window(key, limit, span, burst=burst) for pacing in pacings]
    times: list[float] = []

    async def one(window) -> None:  # type: ignore[no-untyped-def]
        await window.acquire()
        times.append(time.monotonic())

    await asyncio.gather(*(one(window) for window in windows for _ in range(count)))
    return times


async def test_three_instances_share_the_overall_limit(redis: Redis) -> None:
    prefix = f"test:{uuid.uuid4().hex}"
    instances: list[Pacing] = [RedisPacing(redis, prefix=prefix) for _ in range(3)]
    started = time.monotonic()
    times = await _send(instances, "global", 30, 1, 40, burst=2)  # 120 messages at 30 a second
    elapsed = max(times) - started
    assert most_in_any_window(times, 1.0) <= 30
    assert elapsed >= (120 - 30) / 30  # not faster than the limit allows
    assert elapsed <= 120 / (0.9 * 30)  # and at 90% of it or more

    # A private chat: 1 a second, whichever instance sends.
    times = await _send(instances, "chat:42", 1, 1, 1)
    assert most_in_any_window(times, 1.0) == 1 and max(times) - min(times) >= 1.9


async def test_local_buckets_alone_would_exceed_it() -> None:
    """Why they are shared: three processes with a bucket each send three times the limit."""
    instances: list[Pacing] = [LocalPacing() for _ in range(3)]
    times = await _send(instances, "global", 30, 1, 30, burst=2)
    assert most_in_any_window(times, 1.0) > 30
