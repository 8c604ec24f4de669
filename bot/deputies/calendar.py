"""Dates of the duty day (集中履职日) and of quarters: pure functions, no clock, no database."""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def duty_date(year: int, month: int, day: int) -> date:
    """The duty day of a month; day 31 in a 30-day month is its last day."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def reminder_dates(today: date, day: int, lead_days: int) -> list[tuple[str, date]]:
    """(period, the day its reminder is due) for last, this and next month's duty day."""
    out = []
    for delta in (-1, 0, 1):
        year, month = shift_month(today.year, today.month, delta)
        due = duty_date(year, month, day) - timedelta(days=lead_days)
        out.append((f"{year:04d}-{month:02d}", due))
    return out


def quarter_of(moment: date) -> tuple[int, int]:
    return moment.year, (moment.month - 1) // 3 + 1


def previous_quarter(moment: date) -> tuple[int, int]:
    year, quarter = quarter_of(moment)
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def quarter_months(year: int, quarter: int) -> list[tuple[int, int]]:
    return [(year, 3 * (quarter - 1) + i) for i in (1, 2, 3)]


def quarter_label(year: int, quarter: int) -> str:
    return f"{year}Q{quarter}"
