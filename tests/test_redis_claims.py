"""Update claims across instances (Redis): one instance handles an update; a copy delivered to
another waits for it and is dropped; a dead instance's claim runs out and the update is handled."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from storage.redis_client import connect
from storage.update_claims import Claim, RedisUpdateClaims


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = connect("redis://127.0.0.1:6379/0")
    try:
        yield client
    finally:
        await client.aclose()


async def test_one_instance_handles_an_update(redis: Redis) -> None:
    prefix = f"test:{uuid.uuid4().hex}"
    a, b = RedisUpdateClaims(redis, prefix=prefix), RedisUpdateClaims(redis, prefix=prefix)
    assert await a.claim(1) is Claim.MINE
    copy = asyncio.create_task(b.claim(1))  # Telegram delivered it again, to the other instance
    await asyncio.sleep(0.3)
    assert not copy.done()  # waits while the first is handling it
    await a.done(1)
    assert await asyncio.wait_for(copy, 5) is Claim.DONE
    assert await b.claim(2) is Claim.MINE  # other updates are not held up


async def test_a_dead_instances_claim_runs_out(redis: Redis) -> None:
    prefix = f"test:{uuid.uuid4().hex}"
    dead = RedisUpdateClaims(redis, prefix=prefix, lease_ms=300)
    assert await dead.claim(5) is Claim.MINE  # ... and the process is killed here
    alive = RedisUpdateClaims(redis, prefix=prefix)
    assert await asyncio.wait_for(alive.claim(5), 5) is Claim.MINE
    await alive.done(5)
    assert await alive.claim(5) is Claim.DONE
