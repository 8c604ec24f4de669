"""Half-finished conversations are forgotten: a report's draft may hold a citizen's phone number and
description, and one never finished must not be kept for ever. After DRAFT_KEEP_DAYS untouched, a
conversation reads as empty (storage.fsm.SqlStorage; Redis keys expire) and this job deletes it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.i18n import Line, line
from bot.jobs.spec import JobSpec
from storage.fsm import forget_before

if TYPE_CHECKING:
    from bot.services import Services


async def prune_drafts(services: Services, now: datetime) -> Line:
    days = services.settings.draft_keep_days
    forgotten = await forget_before(services.db, now - timedelta(days=days))
    return line("job-drafts-prune", forgotten=forgotten, days=days)


JOBS = [
    JobSpec(
        name="drafts-prune",
        description="Forget conversations untouched for DRAFT_KEEP_DAYS",
        run=prune_drafts,
        schedule={"hour": 3, "minute": 40},
        catch_up=False,
    )
]
