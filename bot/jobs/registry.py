"""The job catalogue: name, schedule (cron fields in the configured time zone) and the function."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.i18n import Line

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.services import Services

# A job returns one line saying what it did (bot/locales/*/jobs.ftl), for the log, `gridline jobs
# run` and the sandbox's clock.
JobFunc = Callable[["Services", datetime], Awaitable[Line]]


@dataclass(frozen=True)
class JobSpec:
    name: str
    description: str
    run: JobFunc
    # CronTrigger fields, e.g. {"hour": 9}; or a function of the settings, for a configurable time.
    schedule: dict[str, Any] | Callable[[Settings], dict[str, Any]] = field(default_factory=dict)
    # Run once when the bot starts, so a run missed while it was down is made up.
    catch_up: bool = True


def catalogue() -> dict[str, JobSpec]:
    """Every job, by name. Each area lists its jobs in its own `scheduled.py`."""
    from bot import drafts
    from bot.deputies import scheduled as deputy_jobs
    from bot.followthrough import scheduled as followthrough_jobs
    from bot.followup import scheduled as followup_jobs
    from bot.outbox import scheduled as outbox_jobs
    from bot.triage import scheduled as supervision_jobs

    specs = [
        *outbox_jobs.JOBS,
        *drafts.JOBS,
        *supervision_jobs.JOBS,
        *deputy_jobs.JOBS,
        *followthrough_jobs.JOBS,
        *followup_jobs.JOBS,
    ]
    return {spec.name: spec for spec in specs}
