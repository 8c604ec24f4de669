"""Telegram's flood limits, applied to every outgoing message (outbox and direct answers alike).

About 30 messages a second in all, 1 a second to one private chat, 20 a minute to one group.
Only methods that post a new message count; edits and callback answers are not paced.

Telegram (and the fake in the tests) judge a sliding window: each bucket is sized by
`bot.outbox.pacing.window_limiter` so that no window is exceeded. The buckets come from a `Pacing`:
in this process (one instance), or in Redis, shared by every instance of the bot (REDIS_URL), since
the limits are the token's.
A group's direct answers first pass a smaller bucket of their own (reserve.py), so part of the
group's budget is kept for cards.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import Response, TelegramMethod
from cachetools import LRUCache

from bot.outbox.pacing import LocalPacing, Pacing, Window
from bot.telegram.reserve import GroupReserve

# The overall limit keeps pacing.MARGIN. One chat's messages are few and far between, so a wide
# margin there costs nothing overall and keeps a 429 (and its whole-second wait) away; the overall
# limit is what bounds throughput.
CHAT_MARGIN = 0.9
# The overall bucket holds a few messages (5% of a second's worth): with room for one only, every
# late wake-up of the event loop would be time lost for good.
GLOBAL_BURST_SHARE = 0.05
GROUP_BURST = 4  # a card and its photos go out together; the rest of the minute is paced evenly

PACED_METHODS = {
    "sendMessage",
    "sendPhoto",
    "sendMediaGroup",
    "sendVoice",
    "sendLocation",
    "sendDocument",
    "sendContact",
    "sendVideo",
    "sendAudio",
    "sendAnimation",
    "sendSticker",
    "copyMessage",
    "forwardMessage",
}


@dataclass(frozen=True)
class FloodLimits:
    global_per_second: float = 30
    private_per_second: float = 1
    group_per_minute: float = 20

    def scaled(self, factor: float) -> FloodLimits:
        return FloodLimits(
            self.global_per_second * factor, self.private_per_second * factor, self.group_per_minute * factor
        )


class FloodLimiter(BaseRequestMiddleware):
    def __init__(
        self,
        limits: FloodLimits,
        *,
        chats_tracked: int = 50_000,
        pacing: Pacing | None = None,
        reserve: GroupReserve | None = None,
    ) -> None:
        self.limits = limits
        self.pacing = pacing or LocalPacing()
        self.reserve = reserve  # a group's direct answers: a bucket of their own first
        self._global = self.pacing.window(
            "global", limits.global_per_second, 1, burst=max(1, round(limits.global_per_second * GLOBAL_BURST_SHARE))
        )
        self._chats: LRUCache[int, Window] = LRUCache(maxsize=chats_tracked)

    def _chat_limiter(self, chat_id: int) -> Window:
        limiter = self._chats.get(chat_id)
        if limiter is None:
            # Negative ids are groups and channels; positive ids are private chats.
            if chat_id < 0:
                limiter = self.pacing.window(
                    f"chat:{chat_id}", self.limits.group_per_minute, 60, burst=GROUP_BURST, margin=CHAT_MARGIN
                )
            else:
                limiter = self.pacing.window(f"chat:{chat_id}", self.limits.private_per_second, 1, margin=CHAT_MARGIN)
            self._chats[chat_id] = limiter
        return limiter

    async def __call__(
        self, make_request: NextRequestMiddlewareType[Any], bot: Bot, method: TelegramMethod[Any]
    ) -> Response[Any]:
        chat_id = getattr(method, "chat_id", None)
        if method.__api_method__ in PACED_METHODS and isinstance(chat_id, int):
            # A media group counts as one message per item.
            chat = self._chat_limiter(chat_id)
            count = len(getattr(method, "media", None) or [None])
            if self.reserve is not None:
                await self.reserve.direct(chat_id, count)
            for _ in range(count):
                await chat.acquire()
                await self._global.acquire()
        return await make_request(bot, method)
