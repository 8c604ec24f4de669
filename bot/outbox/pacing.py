"""Pacing to a sliding-window limit, for every channel's transport (no channel SDK here).

Telegram, WeCom (and the fakes in the tests) judge a sliding window: at most N messages in ANY
span. aiolimiter's leaky bucket lets a full bucket go at once and then refills, which can put
almost twice N into one window. So each bucket holds only a small burst and leaks at the rate that
keeps burst + refills within N per window, a little under the limit for network jitter.
"""

from __future__ import annotations

from typing import Protocol

from aiolimiter import AsyncLimiter

# Stay a little under each limit: requests reach the service a few ms apart from when they left.
MARGIN = 0.99


def window_limiter(limit: float, span: float, *, burst: int = 1, margin: float = MARGIN) -> AsyncLimiter:
    """A leaky bucket that never puts more than `limit` acquisitions into any `span` seconds.

    A bucket of `burst` that leaks `rate` a second admits at most burst - 1 + rate * span in a
    window, so rate = (limit - burst + 1) / span.
    """
    burst, rate = window_rate(limit, span, burst=burst, margin=margin)
    return AsyncLimiter(burst, burst / rate)


def window_rate(limit: float, span: float, *, burst: int = 1, margin: float = MARGIN) -> tuple[int, float]:
    """The burst and the leak rate (a second) that keep any `span` within `limit`."""
    burst = max(1, min(burst, int(limit)))
    return burst, (limit - burst + 1) / span * margin


class Window(Protocol):
    """One pacing bucket: `acquire` returns when one more message may go."""

    async def acquire(self) -> None: ...


class Pacing(Protocol):
    """Where the buckets live: in this process, or shared by every instance of the bot (Redis)."""

    def window(self, key: str, limit: float, span: float, *, burst: int = 1, margin: float = MARGIN) -> Window: ...


class LocalPacing:
    """Buckets in this process: exact while one process sends for the bot."""

    def window(self, key: str, limit: float, span: float, *, burst: int = 1, margin: float = MARGIN) -> Window:
        return window_limiter(limit, span, burst=burst, margin=margin)
