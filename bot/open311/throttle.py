"""POST requests a minute per API key (OPEN311_POSTS_PER_MINUTE), then 429 with Retry-After.

A leaky bucket from aiolimiter per key, as bot.throttle does per citizen: N at once, then one
more every 60/N seconds. Per process: several `gridline api` or webhook instances each count
their own, so behind a load balancer a key may file N a minute at each of them."""

from __future__ import annotations

import hashlib
import math

from aiolimiter import AsyncLimiter
from cachetools import LRUCache


class PostThrottle:
    def __init__(self, *, per_minute: int, tracked: int = 10_000) -> None:
        self.per_minute = per_minute
        # Keyed by the key's hash (a wrong key has a bucket too): no key is kept in memory as it is.
        self._buckets: LRUCache[str, AsyncLimiter] = LRUCache(maxsize=tracked)

    @property
    def retry_after(self) -> int:
        """Whole seconds until a full bucket has room again: one drains every 60/N seconds."""
        return math.ceil(60 / self.per_minute)

    async def allow(self, api_key: str | None) -> bool:
        """One POST with this key (None or "": with none) now, if the key has room for it."""
        name = hashlib.sha256((api_key or "").encode("utf-8")).hexdigest()
        bucket = self._buckets.get(name)
        if bucket is None:
            bucket = self._buckets[name] = AsyncLimiter(self.per_minute, 60)
        if not bucket.has_capacity():
            return False
        await bucket.acquire()  # returns at once: there is capacity
        return True
