"""Pacing buckets shared by every instance of the bot, in Redis (REDIS_URL).

Telegram's flood limits are per bot token, not per process: three instances with a bucket each
would send three times too fast. Each bucket is a GCRA (the generic cell rate algorithm, the leaky
bucket kept as one timestamp: the theoretical arrival time of the next message) in a Lua script,
so reading and moving it is atomic across instances and costs one round trip. A caller reserves
its slot and sleeps until it; on Redis's own clock, so the instances' clocks do not matter. The
rate and burst are those of `window_limiter`, so no sliding window is exceeded either.
"""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis

from bot.outbox.pacing import MARGIN, Window, window_rate

JITTER_MARGIN = 0.95

# KEYS[1]: the bucket; ARGV: interval between messages (s), burst tolerance (s).
# Returns the seconds to wait before the reserved slot (0: at once).
RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local at = tat - tolerance
if at < now then at = now end
local next_tat = tat + interval
redis.call('SET', KEYS[1], string.format('%.6f', next_tat), 'PX', math.ceil((next_tat - now) * 1000) + 1000)
return string.format('%.6f', at - now)
"""


class SharedWindow:
    def __init__(self, pacing: RedisPacing, key: str, interval: float, tolerance: float) -> None:
        self.pacing = pacing
        self.key = key
        self.interval = interval
        self.tolerance = tolerance

    async def acquire(self) -> None:
        wait = float(await self.pacing.reserve(keys=[self.key], args=[self.interval, self.tolerance]))
        if wait > 0:
            await asyncio.sleep(wait)


class RedisPacing:
    def __init__(self, redis: Redis, *, prefix: str) -> None:
        self.prefix = prefix
        self.reserve = redis.register_script(RESERVE)

    def window(self, key: str, limit: float, span: float, *, burst: int = 1, margin: float = MARGIN) -> Window:
        if span <= 1:
            # The overall and the private chats' limits: a reserved slot is never lost to a late
            # wake-up, so a burst buys nothing, and without one the wider margin is room for the
            # jitter between reserving a slot and the request reaching Telegram from any instance
            # (at 30 a second, 1.5 messages: 50 ms).
            burst, margin = 1, min(margin, JITTER_MARGIN)
        burst, rate = window_rate(limit, span, burst=burst, margin=margin)
        interval = 1 / rate
        return SharedWindow(self, f"{self.prefix}:pace:{key}", interval, (burst - 1) * interval)
