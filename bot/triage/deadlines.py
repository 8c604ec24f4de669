"""The deadlines the 研判 menu offers, and the only ones a flow accepts.

One function (`offered`) computes the choices: the keyboard shows them and the flows check a chosen
deadline against them, so forged callback data (or any other channel) cannot set a deadline of
2099-12-31 and escape the overdue alerts and escalation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from bot.access import NotAllowed
from bot.triage.workdays import add_working_days, end_of_day

DEFAULT_DEADLINE_DAYS = 3
DEADLINE_PRESETS = (1, 3, 5, 10)  # working days, besides the category's default
CALENDAR_DAYS = 20  # working days offered by 📅 指定日期


@dataclass(frozen=True)
class Deadline:
    """Either a number of working days from now, or a calendar date (neither: the default)."""

    working_days: int | None = None
    day: date | None = None


@dataclass(frozen=True)
class DeadlineChoices:
    """What the picker offers on `today` for an issue whose category gives `default_days`."""

    today: date
    default_days: int
    days: tuple[int, ...]
    dates: tuple[date, ...]  # the next working days, weekends, holidays and 调休 accounted for

    def check(self, deadline: Deadline) -> Deadline:
        """The deadline, if offered; NotAllowed otherwise. A date may also be today: a calendar
        shown the day before offered it."""
        if deadline.day is not None:
            if deadline.working_days is None and (deadline.day == self.today or deadline.day in self.dates):
                return deadline
        elif deadline.working_days is None or deadline.working_days in self.days:
            return deadline
        raise NotAllowed(f"a deadline of {deadline.day or deadline.working_days} is not on offer")

    def due(self, deadline: Deadline, tz: tzinfo) -> datetime:
        """When an offered deadline falls due (the end of its day, local time)."""
        self.check(deadline)
        day = deadline.day or add_working_days(self.today, deadline.working_days or self.default_days)
        return end_of_day(day, tz)


def offered(*, today: date, default_days: int | None) -> DeadlineChoices:
    default = default_days or DEFAULT_DEADLINE_DAYS
    return DeadlineChoices(
        today=today,
        default_days=default,
        days=tuple(sorted({*DEADLINE_PRESETS, default})),
        dates=tuple(add_working_days(today, n) for n in range(1, CALENDAR_DAYS + 1)),
    )
