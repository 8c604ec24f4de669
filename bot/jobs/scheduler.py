"""APScheduler wiring. Schedules are cron fields in the configured time zone."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.i18n import Line, line
from bot.jobs.occurrence import AlreadyRun, claiming, occurrence_of
from bot.jobs.registry import catalogue
from bot.jobs.spec import JobSpec

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

# A run may start this late (the process was busy or briefly stopped) and still count; several
# missed runs collapse into one. Longer downtime is covered by the catch-up run at start.
MISFIRE_GRACE_SECONDS = 3600


def trigger(spec: JobSpec, services: Services) -> CronTrigger:
    schedule = spec.schedule(services.settings) if callable(spec.schedule) else spec.schedule
    return CronTrigger(timezone=services.settings.tz, **schedule)


async def run_job(spec: JobSpec, services: Services, now: datetime | None = None, *, once: bool = False) -> Line:
    """Run a job for `now`. `once` (the scheduler's runs): the occurrence it belongs to runs once
    across every instance firing it (bot.jobs.occurrence); without it (`gridline jobs run`), a
    rerun by hand, which the jobs' own records keep from repeating a message."""
    now = now or services.clock.now()
    claiming(occurrence_of(spec.name, trigger(spec, services), now) if once else None)
    try:
        summary = await spec.run(services, now)
    except AlreadyRun as taken:
        summary = line("job-already-run", slot=taken.occurrence.slot)
    finally:
        claiming(None)
    log.info("job %s at %s: %s", spec.name, now.isoformat(), summary)
    return summary


def build_scheduler(services: Services) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(
        timezone=services.settings.tz,
        job_defaults={"coalesce": True, "misfire_grace_time": MISFIRE_GRACE_SECONDS, "max_instances": 1},
    )
    for spec in catalogue().values():
        scheduler.add_job(
            run_job,
            trigger(spec, services),
            args=[spec, services],
            kwargs={"once": True},
            id=spec.name,
            name=spec.name,
        )
    return scheduler


def start_scheduler(scheduler: AsyncIOScheduler, services: Services) -> None:
    """Start, and make up once for whatever was missed while the bot was down."""
    scheduler.start()
    for spec in catalogue().values():
        if spec.catch_up:
            scheduler.add_job(
                run_job,
                args=[spec, services],
                kwargs={"once": True},
                id=f"{spec.name}:catch-up",
                name=f"{spec.name} (catch-up)",
            )
