"""Reopening for 重办 (rated 不满意, or 没解决 at the 回访): one rule for both ways back."""

from __future__ import annotations

from datetime import datetime, tzinfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.triage.workdays import deadline_after
from storage.models import Category, Issue

# 重办 gets the category's 办理时限 afresh, else this many working days (the triage default).
REWORK_DEFAULT_DAYS = 3


async def reopen_for_rework(s: AsyncSession, issue: Issue, *, now: datetime, tz: tzinfo) -> None:
    """Back to the holding level, unassigned. The rejected resolution's time is on the timeline;
    `resolved_at` is cleared so the issue counts as open work, and is set again when it is
    resolved again. An issue that had a deadline gets a new one from today: the old one has
    usually passed already, and the rework is supervised like any other assignment."""
    issue.reopen_count += 1
    issue.reopened_at = now  # SLA: the reopen rate, and the time of the last reopening
    issue.closed_at = None
    issue.assignee_id = issue.assignee_name = None
    issue.resolved_at = None
    if issue.deadline is not None:
        issue.deadline_set_at = now  # the 🟡 share of the time limit counts from the new deadline's start
        category = await s.get(Category, issue.category_id)
        days = (category.default_deadline_days if category else None) or REWORK_DEFAULT_DAYS
        issue.deadline = deadline_after(now, days, tz)
