"""Slowing down a citizen who floods the bot (no Telegram here).

Leaky buckets from aiolimiter, one per citizen and kind: a bucket of N that drains N per
period lets N through at once and then N per period, which is "N a minute" as people mean it.
"""

from __future__ import annotations

from aiolimiter import AsyncLimiter
from cachetools import LRUCache


class CitizenThrottle:
    def __init__(self, *, messages_per_minute: float, reports_per_hour: float, tracked: int = 50_000) -> None:
        self.messages_per_minute = messages_per_minute
        self.reports_per_hour = reports_per_hour
        self._messages: LRUCache[int, AsyncLimiter] = LRUCache(maxsize=tracked)
        self._reports: LRUCache[int, AsyncLimiter] = LRUCache(maxsize=tracked)
        self._warned: LRUCache[int, bool] = LRUCache(maxsize=tracked)

    @staticmethod
    async def _take(buckets: LRUCache[int, AsyncLimiter], user_id: int, rate: float, period: float) -> bool:
        if rate <= 0:
            return True  # 0 turns the limit off
        bucket = buckets.get(user_id)
        if bucket is None:
            bucket = buckets[user_id] = AsyncLimiter(rate, period)
        if not bucket.has_capacity():
            return False
        await bucket.acquire()  # returns at once: there is capacity
        return True

    async def allow_message(self, user_id: int) -> bool:
        allowed = await self._take(self._messages, user_id, self.messages_per_minute, 60)
        if allowed:
            self._warned.pop(user_id, None)
        return allowed

    def should_warn(self, user_id: int) -> bool:
        """Tell a flooding citizen once, not once per message."""
        if self._warned.get(user_id):
            return False
        self._warned[user_id] = True
        return True

    async def allow_report(self, user_id: int) -> bool:
        return await self._take(self._reports, user_id, self.reports_per_hour, 3600)
