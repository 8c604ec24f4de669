"""Working days on the Chinese holiday calendar: weekends, 国庆 golden week, 调休 Saturdays."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.triage.workdays import (
    HolidayCalendarUnavailable,
    add_working_days,
    deadline_after,
    is_working_day,
    previous_working_day,
    working_days_between,
)

TZ = ZoneInfo("Asia/Shanghai")


def test_weekends_are_skipped() -> None:
    friday = date(2026, 11, 20)
    assert add_working_days(friday, 1) == date(2026, 11, 23)  # Monday
    assert add_working_days(friday, 5) == date(2026, 11, 27)
    assert add_working_days(friday, 0) == friday


def test_national_day_golden_week_is_skipped() -> None:
    # 2026: 10-01..10-07 off; Sunday 09-20 and Saturday 10-10 are 调休 working days.
    assert not is_working_day(date(2026, 10, 1))
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert add_working_days(date(2026, 10, 8), 1) == date(2026, 10, 9)
    assert add_working_days(date(2026, 10, 9), 1) == date(2026, 10, 10)  # 调休 Saturday


def test_adjusted_saturday_is_a_working_day() -> None:
    assert is_working_day(date(2026, 10, 10))
    assert is_working_day(date(2026, 9, 20))  # 调休 Sunday
    assert not is_working_day(date(2026, 10, 11))


def test_counting_back_and_between() -> None:
    assert previous_working_day(date(2026, 11, 23)) == date(2026, 11, 20)
    assert previous_working_day(date(2026, 10, 8)) == date(2026, 9, 30)
    assert working_days_between(date(2026, 11, 20), date(2026, 11, 24)) == 2
    assert working_days_between(date(2026, 11, 24), date(2026, 11, 20)) == 0


def test_deadline_is_the_end_of_the_local_day() -> None:
    now = datetime(2026, 11, 20, 2, 0, tzinfo=ZoneInfo("UTC"))  # Friday 10:00 in Shanghai
    deadline = deadline_after(now, 3, TZ)
    assert deadline.date() == date(2026, 11, 25) and deadline.hour == 23 and deadline.tzinfo == TZ


def test_a_year_the_calendar_does_not_know_yet_counts_weekdays(caplog: pytest.LogCaptureFixture) -> None:
    """Deadlines keep working into a year whose holiday notice the package does not have yet."""
    assert is_working_day(date(2099, 1, 5))  # a Monday
    assert not is_working_day(date(2099, 1, 3))  # a Saturday
    assert not is_working_day(date(2099, 1, 1)) and not is_working_day(date(2099, 10, 2))  # 元旦, 国庆
    assert add_working_days(date(2098, 12, 31), 1) == date(2099, 1, 2)  # Friday the 2nd
    assert "upgrade the package" in caplog.text


def test_years_before_the_calendar_fail_clearly() -> None:
    with pytest.raises(HolidayCalendarUnavailable):
        is_working_day(date(1999, 1, 5))
