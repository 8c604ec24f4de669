"""Time comes from one place, so jobs and tests can say what "now" is."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


def local_text(moment: datetime, tz: tzinfo) -> str:
    """How times are shown to people: in the configured zone, to the minute."""
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")
