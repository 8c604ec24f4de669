"""The 🟡 job: once an open issue has used 70 % (WARNING_YELLOW_PERCENT) of its time limit, its
cards turn yellow and the responsible person is told — once per deadline, so a rerun, a restart
or a catch-up run repeats nothing, and an approved extension (a new deadline) can warn again.
Red needs no job of its own: the overdue alerts (bot/triage/scheduled.py) turn the cards 🔴."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel import col, select

from bot.domain.notices import TimeLimitWarning
from bot.domain.overdue import is_open_clause
from bot.domain.warnings import Light
from bot.i18n import Line, line
from bot.jobs.occurrence import job_transaction
from bot.jobs.spec import JobSpec
from bot.triage.scheduled import _mark, _send_without_waiting
from storage.models import Issue, SupervisionMark

if TYPE_CHECKING:
    from bot.services import Services

YELLOW = "yellow"


async def warn_yellow(services: Services, now: datetime) -> Line:
    thresholds = services.thresholds
    warned = 0
    async with job_transaction(services) as s:  # of several instances firing it, one commits
        query = (
            select(Issue)
            .where(is_open_clause(), col(Issue.deadline).is_not(None), col(Issue.deadline) >= now)
            .order_by(col(Issue.deadline), col(Issue.id))
        )
        # Those warned of their current deadline already are skipped before any arithmetic.
        marks = select(SupervisionMark.subject, SupervisionMark.key).where(SupervisionMark.kind == YELLOW)
        warned_before = {(subject, key) for subject, key in (await s.exec(marks)).all()}
        for issue in (await s.exec(query)).all():
            assert issue.deadline is not None
            if (f"issue:{issue.id}", issue.deadline.isoformat()) in warned_before:
                continue
            if thresholds.of_issue(issue, now) == Light.NONE:
                continue
            if await _mark(s, kind=YELLOW, subject=f"issue:{issue.id}", key=issue.deadline.isoformat(), now=now):
                await services.audience.notify(s, TimeLimitWarning(issue=issue, now=now))
                warned += 1
        await _send_without_waiting(s, services)
    return line("job-warn-yellow", issues=warned)


JOBS = [
    JobSpec(
        "warn-yellow",
        "🟡 once 70% of an issue's time limit is used: the card turns yellow, the responsible person is told",
        warn_yellow,
        schedule={"hour": "8-20", "minute": "*/15"},
    ),
]
