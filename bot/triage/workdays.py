"""Working-day arithmetic on the Chinese public-holiday calendar (法定节假日 and 调休).

The calendar comes from `chinesecalendar`, which follows the State Council's yearly notice (it is
published late in the year before). For a year the installed package does not know yet, the
deadlines still have to work: they count Monday to Friday without the fixed-date holidays (元旦,
劳动节, 国庆), and a warning in the log asks for an upgrade. The lunar-calendar holidays and the
调休 days of such a year are not known, so those deadlines are provisional.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta, tzinfo

import chinese_calendar

log = logging.getLogger(__name__)

FIRST_COVERED_YEAR = 2004
FIXED_HOLIDAYS = {(1, 1), (5, 1), (10, 1), (10, 2), (10, 3)}  # the same dates every year
_warned: set[int] = set()


class HolidayCalendarUnavailable(ValueError):
    """The holiday calendar does not reach back to this year."""

    def __init__(self, day: date) -> None:
        super().__init__(f"the holiday calendar does not cover {day.year}; upgrade the chinesecalendar package")
        self.day = day


def is_working_day(day: date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        if day.year < FIRST_COVERED_YEAR:
            raise HolidayCalendarUnavailable(day) from None
    if day.year not in _warned:
        _warned.add(day.year)
        log.warning(
            "chinesecalendar does not know %s yet: counting Monday to Friday without the fixed-date "
            "holidays; upgrade the package once the State Council's notice is out",
            day.year,
        )
    return day.weekday() < 5 and (day.month, day.day) not in FIXED_HOLIDAYS


def add_working_days(start: date, days: int) -> date:
    """The `days`-th working day after `start` (start itself never counts)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def previous_working_day(day: date) -> date:
    day -= timedelta(days=1)
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def working_days_between(after: date, until: date) -> int:
    """Working days d with after < d <= until (0 when until is not after `after`)."""
    count = 0
    day = after
    while day < until:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


END_OF_DAY = time(23, 59, 59)


def end_of_day(day: date, tz: tzinfo) -> datetime:
    """A deadline falls due at the end of its day, local time."""
    return datetime.combine(day, END_OF_DAY, tzinfo=tz)


def deadline_after(now: datetime, working_days: int, tz: tzinfo) -> datetime:
    """ "3 working days" from now: the end of the third working day after today."""
    return end_of_day(add_working_days(now.astimezone(tz).date(), working_days), tz)
