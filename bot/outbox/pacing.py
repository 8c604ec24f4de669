"""Pacing to a sliding-window limit, for every channel's transport (no channel SDK here).

Telegram, WeCom (and the fakes in the tests) judge a sliding window: at most N messages in ANY
span. aiolimiter's leaky bucket lets a full bucket go at once and then refills, which can put
almost twice N into one window. So each bucket holds only a small burst and leaks at the rate that
keeps burst + refills within N per window, a little under the limit for network jitter.
"""

from __future__ import annotations

from aiolimiter import AsyncLimiter

# Stay a little under each limit: requests reach the service a few ms apart from when they left.
MARGIN = 0.99


def window_limiter(limit: float, span: float, *, burst: int = 1, margin: float = MARGIN) -> AsyncLimiter:
    """A leaky bucket that never puts more than `limit` acquisitions into any `span` seconds.

    A bucket of `burst` that leaks `rate` a second admits at most burst - 1 + rate * span in a
    window, so rate = (limit - burst + 1) / span.
    """
    burst = max(1, min(burst, int(limit)))
    rate = (limit - burst + 1) / span * margin
    return AsyncLimiter(burst, burst / rate)
