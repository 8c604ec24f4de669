"""The job catalogue: every area's jobs (bot/jobs/spec.py says what a job is), by name."""

from __future__ import annotations

from bot import drafts
from bot.deputies import scheduled as deputy_jobs
from bot.followthrough import scheduled as followthrough_jobs
from bot.followup import scheduled as followup_jobs
from bot.jobs.spec import JobSpec
from bot.outbox import scheduled as outbox_jobs
from bot.triage import scheduled as supervision_jobs


def catalogue() -> dict[str, JobSpec]:
    """Every job, by name. Each area lists its jobs in its own `scheduled.py`."""
    specs = [
        *outbox_jobs.JOBS,
        *drafts.JOBS,
        *supervision_jobs.JOBS,
        *deputy_jobs.JOBS,
        *followthrough_jobs.JOBS,
        *followup_jobs.JOBS,
    ]
    return {spec.name: spec for spec in specs}
