"""Per person in a group: commands and button presses a minute (no Telegram here).

A group may receive 20 messages a minute in all, and every answer to a command costs one: without
a limit, one person repeating /ledger would use up the group's budget and hold back the cards.
Leaky buckets from aiolimiter as in bot.throttle.CitizenThrottle: N at once, then N per minute.
"""

from __future__ import annotations

from enum import StrEnum

from aiolimiter import AsyncLimiter
from cachetools import LRUCache


class GroupAct(StrEnum):
    COMMAND = "command"
    PRESS = "press"


class GroupThrottle:
    def __init__(self, *, commands_per_minute: float, presses_per_minute: float, tracked: int = 50_000) -> None:
        self.per_minute = {GroupAct.COMMAND: commands_per_minute, GroupAct.PRESS: presses_per_minute}
        self._buckets: dict[GroupAct, LRUCache[int, AsyncLimiter]] = {
            act: LRUCache(maxsize=tracked) for act in GroupAct
        }
        self._warned: LRUCache[tuple[GroupAct, int], bool] = LRUCache(maxsize=tracked)

    async def allow(self, act: GroupAct, user_id: int) -> bool:
        rate = self.per_minute[act]
        if rate <= 0:
            return True  # 0 turns the limit off
        buckets = self._buckets[act]
        bucket = buckets.get(user_id)
        if bucket is None:
            bucket = buckets[user_id] = AsyncLimiter(rate, 60)
        if not bucket.has_capacity():
            return False
        await bucket.acquire()  # returns at once: there is capacity
        self._warned.pop((act, user_id), None)  # slowed down again later: told again
        return True

    def should_warn(self, act: GroupAct, user_id: int) -> bool:
        """One polite notice when the limit is reached, then silence until it is kept again."""
        if self._warned.get((act, user_id)):
            return False
        self._warned[(act, user_id)] = True
        return True
