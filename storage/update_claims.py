"""Which instance handles an update, when several share one bot token (Redis).

Behind one webhook URL any instance may receive an update, and Telegram delivers one again when it
got no answer in time. An update id is claimed with SET NX for a lease while it is handled, then
marked done for two days (Telegram keeps undelivered updates one day). A claim left by an instance
that died expires with its lease, so the update is handled when Telegram delivers it again.
"""

from __future__ import annotations

import asyncio
from enum import Enum

from redis.asyncio import Redis

LEASE_MS = 60_000  # as long as aiogram's per-user lock in Redis: a longer handler is cut short anyway
KEEP_SECONDS = 2 * 24 * 3600
WAIT_STEP = 0.1
BUSY, DONE = b"busy", b"done"


class Claim(Enum):
    MINE = "mine"  # handle it
    DONE = "done"  # handled already (by any instance): drop it


class RedisUpdateClaims:
    def __init__(self, redis: Redis, *, prefix: str, lease_ms: int = LEASE_MS) -> None:
        self.redis = redis
        self.prefix = prefix
        self.lease_ms = lease_ms

    def _key(self, update_id: int) -> str:
        return f"{self.prefix}:update:{update_id}"

    async def claim(self, update_id: int) -> Claim:
        """MINE or DONE; while another instance is handling it, wait for that to end (or its
        lease to run out: then it is ours)."""
        key = self._key(update_id)
        while True:
            if await self.redis.set(key, BUSY, nx=True, px=self.lease_ms):
                return Claim.MINE
            if await self.redis.get(key) == DONE:
                return Claim.DONE
            await asyncio.sleep(WAIT_STEP)

    async def done(self, update_id: int) -> None:
        await self.redis.set(self._key(update_id), DONE, ex=KEEP_SECONDS)
