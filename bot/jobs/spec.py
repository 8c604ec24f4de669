"""What a scheduled job is: name, schedule (cron fields in the configured time zone) and the
function. Each area lists its jobs in its own `scheduled.py`; bot/jobs/registry.py gathers them."""

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
