"""Optional enforcement of Telegram's documented broadcast limits.

https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this
about 30 messages/s overall, 1 message/s per private chat, 20 messages/min per
group. Tests that harden delivery turn this on to prove the bot paces itself
and honours ``retry_after``; ``scale`` keeps such tests fast.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

# Methods that create messages and so count against the limits.
FLOOD_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendAudio",
        "sendDocument",
        "sendVideo",
        "sendAnimation",
        "sendVoice",
        "sendVideoNote",
        "sendMediaGroup",
        "sendLocation",
        "sendVenue",
        "sendContact",
        "sendPoll",
        "sendDice",
        "sendSticker",
        "sendPaidMedia",
        "sendInvoice",
        "sendGame",
        "copyMessage",
        "copyMessages",
        "forwardMessage",
        "forwardMessages",
    }
)


@dataclass(frozen=True)
class FloodLimits:
    global_per_second: float = 30
    private_per_second: float = 1
    group_per_minute: float = 20
    scale: float = 1.0  # multiplies every limit (scale=20 -> 600/s, 20/s, 400/min)


class _Window:
    """Sliding window: at most ``limit`` events in any ``span`` seconds."""

    def __init__(self, limit: float, span: float) -> None:
        self.limit = max(1, int(limit))
        self.span = span
        self.events: deque[float] = deque()

    def retry_after(self, now: float, weight: int) -> float | None:
        """Seconds until ``weight`` more events fit, or None if they fit now."""
        while self.events and self.events[0] <= now - self.span:
            self.events.popleft()
        if not self.events:
            return None  # an empty window admits anything (e.g. a big album)
        excess = len(self.events) + weight - self.limit
        if excess <= 0:
            return None
        # The window frees when the excess-th oldest event ages out.
        oldest_needed = self.events[min(excess, len(self.events)) - 1]
        return oldest_needed + self.span - now

    def add(self, now: float, weight: int) -> None:
        self.events.extend([now] * weight)


class FloodGate:
    """Decides whether a send may run now; records it when it may."""

    def __init__(self, limits: FloodLimits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.clock = clock
        self.global_window = _Window(limits.global_per_second * limits.scale, 1.0)
        self.chat_windows: dict[int | str, _Window] = {}

    def _chat_window(self, chat_id: int | str, private: bool) -> _Window:
        window = self.chat_windows.get(chat_id)
        if window is None:
            if private:
                window = _Window(self.limits.private_per_second * self.limits.scale, 1.0)
            else:
                window = _Window(self.limits.group_per_minute * self.limits.scale, 60.0)
            self.chat_windows[chat_id] = window
        return window

    def admit(self, chat_id: int | str | None, private: bool, weight: int = 1) -> int | None:
        """None if admitted (and counted); else retry_after in whole seconds (>= 1)."""
        now = self.clock()
        windows = [self.global_window]
        if chat_id is not None:
            windows.append(self._chat_window(chat_id, private))
        waits = [w for w in (win.retry_after(now, weight) for win in windows) if w is not None]
        if waits:
            return max(1, math.ceil(max(waits)))
        for window in windows:
            window.add(now, weight)
        return None
