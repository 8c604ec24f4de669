"""Outbox housekeeping."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlmodel import col, delete

from bot.i18n import Line, line
from bot.jobs.occurrence import job_transaction
from bot.jobs.spec import JobSpec
from storage.models import OutboxMessage, OutboxStatus

if TYPE_CHECKING:
    from bot.services import Services

KEEP_SENT = timedelta(days=30)


async def prune_sent(services: Services, now: datetime) -> Line:
    """Delivered messages are kept a month (for looking into complaints), then dropped."""
    async with job_transaction(services) as s:
        result = await s.exec(
            delete(OutboxMessage).where(
                col(OutboxMessage.status) == OutboxStatus.SENT, col(OutboxMessage.sent_at) < now - KEEP_SENT
            )
        )
    return line("job-outbox-prune", pruned=result.rowcount, days=KEEP_SENT.days)


JOBS = [
    JobSpec(
        name="outbox-prune",
        description="Drop delivered outbox rows older than 30 days",
        run=prune_sent,
        schedule={"hour": 3, "minute": 30},
        catch_up=False,
    )
]
