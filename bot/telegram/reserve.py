"""Part of each group's 20 messages a minute is kept for the outbox (cards and their follow-ups).

Direct answers to a group (a command's reply, a button's follow-up message) pass a bucket of their
own, sized to the group's limit less the reserve, before the group's bucket that every message
shares (flood.py): however many people talk to the bot in a group, at least the reserve is left
for cards, while cards alone may still use the whole budget. The outbox transport marks its
requests (`outbox_sends`); everything else sent to a group counts as a direct answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from cachetools import LRUCache

from bot.outbox.pacing import LocalPacing, Pacing, Window

# Set for the duration of one outbox delivery: the task that delivers it sees it, no other task does.
_FROM_OUTBOX: ContextVar[bool] = ContextVar("gridline_from_outbox", default=False)
DIRECT_BURST = 2  # a reply and a second message at once; the rest of the minute evenly


@contextmanager
def outbox_sends() -> Iterator[None]:
    token = _FROM_OUTBOX.set(True)
    try:
        yield
    finally:
        _FROM_OUTBOX.reset(token)


class GroupReserve:
    """The direct answers' buckets, one per group: `group_per_minute - reserve_per_minute` each."""

    def __init__(
        self,
        *,
        group_per_minute: float,
        reserve_per_minute: float,
        margin: float,
        pacing: Pacing | None = None,
        chats_tracked: int = 50_000,
    ) -> None:
        self.direct_per_minute = group_per_minute - reserve_per_minute
        self.margin = margin
        self.pacing = pacing or LocalPacing()  # shared by the instances, like the group's own bucket
        self._chats: LRUCache[int, Window] = LRUCache(maxsize=chats_tracked)

    async def direct(self, chat_id: int, count: int = 1) -> None:
        """Wait for room for `count` direct messages to the group; outbox deliveries pass at once."""
        if _FROM_OUTBOX.get() or chat_id >= 0:
            return
        bucket = self._chats.get(chat_id)
        if bucket is None:
            bucket = self.pacing.window(
                f"chat:{chat_id}:direct", self.direct_per_minute, 60, burst=DIRECT_BURST, margin=self.margin
            )
            self._chats[chat_id] = bucket
        for _ in range(count):
            await bucket.acquire()
