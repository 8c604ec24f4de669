"""The sandbox's clock: wall time moved on by hand, so a duty day or a deadline comes in minutes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class ShiftedClock:
    """Wall time plus an offset that only grows: time in the sandbox never runs backwards, as the
    jobs and the outbox assume of every clock."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def jump_to(self, moment: datetime) -> datetime:
        """Move to `moment` (aware); a moment in the past is refused with ValueError."""
        if moment.tzinfo is None:
            raise ValueError("the moment needs a time zone")
        now = self.now()
        if moment <= now:
            raise ValueError("time only moves forward")
        self.offset += moment - now
        return moment
