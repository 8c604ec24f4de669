"""The 回访 job: asks each citizen, LOOKBACK_DAYS after their issue was resolved, whether the
problem is solved — once per issue (and once more after 不清楚), across reruns and restarts:
the Lookback row is written in the transaction that queues the question."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.i18n import Line, line
from bot.jobs.spec import JobSpec
from bot.triage.scheduled import _send_without_waiting

if TYPE_CHECKING:
    from bot.services import Services


async def ask_lookbacks(services: Services, now: datetime) -> Line:
    first, again = await services.followthrough.ask_due(now)
    if first or again:
        async with services.db.transaction() as s:
            await _send_without_waiting(s, services)  # a run for a later `now` (jobs run --now)
    return line("job-lookback", first=first, again=again)


JOBS = [
    JobSpec(
        name="lookback",
        description="回访: ask citizens whether their resolved issue is solved (LOOKBACK_DAYS after)",
        run=ask_lookbacks,
        # In the daytime only: a question at night is a question unanswered.
        schedule={"hour": "9-19", "minute": 15},
    )
]
