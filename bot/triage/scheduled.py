"""Supervision (督办) jobs: due-soon reminders, overdue alerts, 超期上报 and the 09:00 digest.

Each derives what is due from the issues and `now`, and writes a SupervisionMark in the same
transaction as the messages it queues: a rerun, a restart or a catch-up run never repeats one.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, and_
from sqlmodel import col, func, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import local_text
from bot.domain.enums import ActorRole, Disposition
from bot.domain.lifecycle import OPEN
from bot.domain.notices import AlertKind, DeadlineAlerts, DeadlinePassed, UnitDigest
from bot.domain.overdue import due_by_clause, overdue_now_clause
from bot.i18n import Line, line
from bot.issues.service import Actor
from bot.jobs.occurrence import job_transaction
from bot.jobs.spec import JobSpec
from bot.triage import service as triage
from bot.triage.routing import NoLevel, escalation_target
from bot.triage.workdays import add_working_days, end_of_day, working_days_between
from storage.database import queued_messages
from storage.models import Department, Issue, OutboxMessage, OutboxStatus, SupervisionMark

if TYPE_CHECKING:
    from bot.services import Services

DUE_SOON, OVERDUE, ESCALATED, DIGEST = "due_soon", "overdue", "escalated", "digest"
PASSED_DEADLINE = "passed_deadline"  # once per deadline: who follows the issue (deputies) hears it
WORKING_HOURS = {"hour": "8-20", "minute": 0}
DIGEST_HOUR = 9
ALERTS_PER_MESSAGE = 15  # issues listed in one gathered alert (Telegram allows 4096 characters)


async def _mark(s: AsyncSession, *, kind: str, subject: str, key: str, now: datetime) -> bool:
    """Record that this was sent; False when it already was (then send nothing)."""
    found = await s.exec(
        select(SupervisionMark.id).where(
            SupervisionMark.kind == kind, SupervisionMark.subject == subject, SupervisionMark.key == key
        )
    )
    if found.first() is not None:
        return False
    s.add(SupervisionMark(kind=kind, subject=subject, key=key, at=now))
    return True


async def _send_without_waiting(s: AsyncSession, services: Services) -> None:
    """A run for a later `now` (jobs run --now) stamps its messages with that time; the sender
    only takes rows that are due, so bring never-tried rows from the future forward to the clock."""
    real_now = services.clock.now()
    await s.exec(
        update(OutboxMessage)  # type: ignore[call-overload]
        .where(
            col(OutboxMessage.status) == OutboxStatus.PENDING,
            col(OutboxMessage.attempts) == 0,
            col(OutboxMessage.next_attempt_at) > real_now,
        )
        .values(next_attempt_at=real_now)
    )


async def _by_deadline(s: AsyncSession, condition: ColumnElement[bool]) -> list[Issue]:
    query = select(Issue).where(condition).order_by(col(Issue.deadline), col(Issue.id))
    return list((await s.exec(query)).all())


async def remind_due_soon(services: Services, now: datetime) -> Line:
    """A reminder N working days (default 1) before the deadline, once per deadline."""
    tz = services.settings.tz
    today = now.astimezone(tz).date()
    horizon = end_of_day(add_working_days(today, services.settings.due_soon_working_days), tz)
    due: list[Issue] = []
    async with job_transaction(services) as s:
        for issue in await _by_deadline(s, due_by_clause(now, horizon)):  # once overdue, the overdue alert speaks
            assert issue.deadline is not None
            if await _mark(s, kind=DUE_SOON, subject=f"issue:{issue.id}", key=issue.deadline.isoformat(), now=now):
                due.append(issue)
        before = queued_messages(s)
        if due:
            await services.audience.notify(s, DeadlineAlerts(kind=AlertKind.DUE_SOON, issues=due, now=now))
        sent = queued_messages(s) - before
        await _send_without_waiting(s, services)
    return line("job-due-soon", sent=sent)


async def alert_overdue(services: Services, now: datetime) -> Line:
    """An alert once a day (local date) for as long as an issue is overdue."""
    day = now.astimezone(services.settings.tz).date().isoformat()
    overdue: list[Issue] = []
    async with job_transaction(services) as s:
        for issue in await _by_deadline(s, overdue_now_clause(now)):
            assert issue.deadline is not None
            if await _mark(s, kind=OVERDUE, subject=f"issue:{issue.id}", key=day, now=now):
                overdue.append(issue)
            if await _mark(
                s, kind=PASSED_DEADLINE, subject=f"issue:{issue.id}", key=issue.deadline.isoformat(), now=now
            ):
                await services.audience.notify(s, DeadlinePassed(issue=issue, now=now))
        before = queued_messages(s)
        if overdue:
            await services.audience.notify(s, DeadlineAlerts(kind=AlertKind.OVERDUE, issues=overdue, now=now))
        sent = queued_messages(s) - before
        await _send_without_waiting(s, services)
    return line("job-overdue", sent=sent)


async def escalate_overdue(services: Services, now: datetime) -> Line:
    """超期上报: overdue for longer than the grace period (working days) → one level up."""
    tz = services.settings.tz
    today = now.astimezone(tz).date()
    grace = services.settings.escalation_grace_working_days
    t = services.translator.bind(None)
    escalated = 0
    async with job_transaction(services) as s:
        for issue in await _by_deadline(s, overdue_now_clause(now)):
            assert issue.deadline is not None
            if working_days_between(issue.deadline.astimezone(tz).date(), today) <= grace:
                continue
            acting = await triage.acting_grid_id(s, issue)
            try:
                escalation_target(await triage.issue_path(s, issue), acting or triage.holder_grid_id(issue))
            except NoLevel:
                continue  # the county holds it: the overdue alerts go on daily
            key = f"{issue.deadline.isoformat()}@{triage.holder_grid_id(issue)}"
            if not await _mark(s, kind=ESCALATED, subject=f"issue:{issue.id}", key=key, now=now):
                continue
            reason = t("auto-escalation-reason", deadline=local_text(issue.deadline, tz), days=str(grace))
            await services.triage.escalate_in(
                s, issue=issue, actor=Actor(ActorRole.SYSTEM), reason=reason, now=now, automatic=True
            )
            escalated += 1
        await _send_without_waiting(s, services)
    return line("job-auto-escalate", issues=escalated)


async def _count(s: AsyncSession, *where: object) -> int:
    return int((await s.exec(select(func.count()).select_from(Issue).where(*where))).one())


async def daily_digest(services: Services, now: datetime) -> Line:
    """09:00 to each group: new, due today, overdue, resolved yesterday — for its level and below.

    The digest due is that of the last 09:00 passed, so a catch-up run at 07:00 sends nothing early.
    """
    tz = services.settings.tz
    local = now.astimezone(tz)
    today = local.date() if local.hour >= DIGEST_HOUR else local.date() - timedelta(days=1)
    start_today = datetime.combine(today, datetime.min.time(), tzinfo=tz)
    start_yesterday = start_today - timedelta(days=1)
    sent = 0
    async with job_transaction(services) as s:
        grids, departments = await services.audience.desks(s)
        for grid_id in sorted(grids):
            if not await _mark(s, kind=DIGEST, subject=f"grid:{grid_id}", key=today.isoformat(), now=now):
                continue
            scope = col(Issue.holder_grid_id).in_(await triage.subtree_ids(s, grid_id))
            numbers = {
                "new": await _count(
                    s, scope, col(Issue.created_at) >= start_yesterday, col(Issue.created_at) < start_today
                ),
                "due_today": await _count(s, scope, due_by_clause(now, end_of_day(today, tz))),
                "overdue": await _count(s, scope, overdue_now_clause(now)),
                "resolved": await _count(
                    s, scope, col(Issue.resolved_at) >= start_yesterday, col(Issue.resolved_at) < start_today
                ),
            }
            name = await triage.grid_name(s, grid_id)
            await services.audience.notify(
                s, UnitDigest(day=today, numbers=numbers, now=now, grid_id=grid_id, name=name)
            )
            sent += 1
        for dept in (await s.exec(select(Department).where(col(Department.id).in_(departments)))).all():
            # A department's desk: what is assigned to it (new = assigned yesterday is not tracked).
            assert dept.id is not None
            if not await _mark(s, kind=DIGEST, subject=f"department:{dept.id}", key=today.isoformat(), now=now):
                continue
            assigned = and_(col(Issue.department_id) == dept.id, col(Issue.disposition) == Disposition.ASSIGN)
            open_ = col(Issue.status).in_(OPEN)
            numbers = {
                "open": await _count(s, assigned, open_),
                "due_today": await _count(s, assigned, due_by_clause(now, end_of_day(today, tz))),
                "overdue": await _count(s, assigned, overdue_now_clause(now)),
                "resolved": await _count(
                    s, assigned, col(Issue.resolved_at) >= start_yesterday, col(Issue.resolved_at) < start_today
                ),
            }
            await services.audience.notify(
                s, UnitDigest(day=today, numbers=numbers, now=now, department_id=dept.id, name=dept.name)
            )
            sent += 1
        await _send_without_waiting(s, services)
    return line("job-daily-digest", groups=sent)


JOBS = [
    JobSpec(
        "due-soon",
        "Remind the responsible person and group a working day before a deadline",
        remind_due_soon,
        schedule=WORKING_HOURS,
    ),
    JobSpec(
        "overdue", "Alert once a day about every overdue issue", alert_overdue, schedule={"hour": "9-20", "minute": 5}
    ),
    JobSpec(
        "auto-escalate",
        "超期上报: escalate issues overdue beyond the grace period",
        escalate_overdue,
        schedule={"hour": "9-20", "minute": 10},
    ),
    JobSpec(
        "daily-digest",
        "09:00 digest to every group: new, due today, overdue, resolved yesterday",
        daily_digest,
        schedule={"hour": DIGEST_HOUR, "minute": 0},
    ),
]
