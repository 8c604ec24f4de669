"""Each occurrence of a scheduled job runs once, however many instances fire it.

Every instance runs APScheduler and fires every job. The database decides which run counts: the
first statement of the job's unit of work inserts the occurrence's key (job name + the schedule's
slot, e.g. duty-day 2026-12-10T08:30+08:00) into a table where it is the primary key. The
first instance to insert it goes on, and its messages commit with the key; the others' inserts
wait for that commit (PostgreSQL's unique index, SQLite's single writer), then find the key taken
and end without committing anything. If the first run fails and rolls back, its key goes with it
and the next run (another instance's, or the next slot's catch-up) does the work.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import JobRun

if TYPE_CHECKING:
    from apscheduler.triggers.cron import CronTrigger

    from bot.services import Services


@dataclass(frozen=True)
class Occurrence:
    job: str
    slot: str  # the scheduled time it belongs to, local, to the minute


class AlreadyRun(Exception):
    def __init__(self, occurrence: Occurrence) -> None:
        super().__init__(f"{occurrence.job} {occurrence.slot}: already run")
        self.occurrence = occurrence


# The occurrence the running job claims in its unit of work (set by the runner, per task).
_CLAIM: ContextVar[Occurrence | None] = ContextVar("job_occurrence", default=None)


def claiming(occurrence: Occurrence | None) -> None:
    _CLAIM.set(occurrence)


def slot(trigger: CronTrigger, now: datetime) -> datetime | None:
    """The latest time the schedule fired at or before `now` (None if it never has in two years):
    the run at 08:30:00.2 and a catch-up run at 11:00 both belong to the 08:30 slot."""
    back = timedelta(minutes=1)
    while back < timedelta(days=800):
        fired = trigger.get_next_fire_time(None, now - back)
        if fired is not None and fired <= now:
            while (later := trigger.get_next_fire_time(None, fired + timedelta(seconds=1))) and later <= now:
                fired = later
            return fired
        back *= 2
    return None


def occurrence_of(name: str, trigger: CronTrigger, now: datetime) -> Occurrence | None:
    fired = slot(trigger, now)
    return None if fired is None else Occurrence(name, fired.isoformat(timespec="minutes"))


@asynccontextmanager
async def job_transaction(services: Services) -> AsyncIterator[AsyncSession]:
    """The job's unit of work. When the runner claims an occurrence, its key is the first thing
    written: AlreadyRun (and nothing committed) when another run of it committed first."""
    occurrence = _CLAIM.get()
    _CLAIM.set(None)  # the job's first unit of work carries the key (each job has one)
    async with services.db.transaction() as s:
        if occurrence is not None and not await _take(s, occurrence, services):
            raise AlreadyRun(occurrence)
        yield s


async def _take(s: AsyncSession, occurrence: Occurrence, services: Services) -> bool:
    dialect = postgresql if not services.db.is_sqlite else sqlite
    statement = (
        dialect.insert(JobRun)
        .values(job=occurrence.job, slot=occurrence.slot, at=services.clock.now())
        .on_conflict_do_nothing(index_elements=["job", "slot"])
    )
    result = await (await s.connection()).execute(statement)
    return result.rowcount == 1
