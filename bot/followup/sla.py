"""SLA figures (办理时效) of a unit — a grid with everything below it, or a department: median
time to acknowledge (received → first claim or 研判), median time to resolve (received →
resolved), on-time rate (finished by the deadline, of the finished), reopen rate (reopened at
least once, of those ever resolved) and the look-back "solved" rate.

The look-back (回访) rate comes from the `Lookback` row of each issue (bot.followthrough): its
`answer` is "solved" / "not_solved" / "unsure"; 已解决 among the issues whose citizen answered.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.enums import Disposition
from bot.domain.lifecycle import IssueStatus
from bot.domain.overdue import finished_in_time
from bot.i18n import Translate
from bot.ledger.stats import Unit
from bot.text import html
from storage.models import Issue, Lookback

HOUR = 3600.0


@dataclass(frozen=True)
class SlaInput:
    """The moments of one issue that the figures are made of."""

    created_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    deadline: datetime | None
    status: IssueStatus
    reopen_count: int
    lookback_answer: str | None = None  # the citizen's 回访 answer, when recorded


@dataclass(frozen=True)
class SlaFigures:
    name: str
    kind: str  # "grid" or "department"
    received: int
    ack_median_hours: float | None
    resolve_median_hours: float | None
    on_time_rate: float | None  # 0..1
    reopen_rate: float | None  # 0..1
    lookback_solved_rate: float | None  # 0..1; None while no citizen has answered a 回访


def _median_hours(pairs: Iterable[tuple[datetime, datetime | None]]) -> float | None:
    hours = [(end - start).total_seconds() / HOUR for start, end in pairs if end is not None]
    return statistics.median(hours) if hours else None


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


LOOKBACK_SOLVED = "solved"
LOOKBACK_UNSURE = "unsure"


def lookback_solved_rate(items: Sequence[SlaInput]) -> float | None:
    """已解决 among the look-backs answered 已解决 or 没解决 (不清楚 says neither); None without any."""
    answered = [i for i in items if i.lookback_answer not in (None, LOOKBACK_UNSURE)]
    return _rate(sum(1 for i in answered if i.lookback_answer == LOOKBACK_SOLVED), len(answered))


def figures(name: str, kind: str, items: Sequence[SlaInput]) -> SlaFigures:
    finished = [i for i in items if i.status in (IssueStatus.RESOLVED, IssueStatus.CLOSED)]
    in_time = [i for i in finished if finished_in_time(status=i.status, deadline=i.deadline, resolved_at=i.resolved_at)]
    ever_resolved = [i for i in items if i.resolved_at is not None or i.reopen_count > 0]
    return SlaFigures(
        name=name,
        kind=kind,
        received=len(items),
        ack_median_hours=_median_hours((i.created_at, i.acknowledged_at) for i in items),
        resolve_median_hours=_median_hours((i.created_at, i.resolved_at) for i in items),
        on_time_rate=_rate(len(in_time), len(finished)),
        reopen_rate=_rate(sum(1 for i in ever_resolved if i.reopen_count > 0), len(ever_resolved)),
        lookback_solved_rate=lookback_solved_rate(items),
    )


async def unit_figures(s: AsyncSession, unit: Unit, *, start: datetime, end: datetime) -> SlaFigures:
    """The figures of the issues a unit received in [start, end) (as the 挂图作业 counts them)."""
    if unit.department_id is not None:
        scope = and_(col(Issue.department_id) == unit.department_id, col(Issue.disposition) == Disposition.ASSIGN)
    else:
        scope = col(Issue.grid_id).in_(unit.grid_ids)
    query = (
        select(
            Issue.created_at,
            Issue.acknowledged_at,
            Issue.resolved_at,
            Issue.deadline,
            Issue.status,
            Issue.reopen_count,
            Lookback.answer,
        )
        .outerjoin(Lookback, col(Lookback.issue_id) == Issue.id)
        .where(scope, col(Issue.created_at) >= start, col(Issue.created_at) < end)
    )
    items = [
        SlaInput(created, acknowledged, resolved, deadline, IssueStatus(status), int(reopens or 0), answer)
        for created, acknowledged, resolved, deadline, status, reopens, answer in (await s.exec(query)).all()
    ]
    return figures(unit.name, "department" if unit.department_id is not None else "grid", items)


def hours_text(t: Translate, value: float | None) -> str:
    return t("sla-hours", hours=f"{value:.1f}") if value is not None else t("sla-none")


def percent_text(t: Translate, value: float | None) -> str:
    return t("sla-percent", value=f"{value * 100:.0f}") if value is not None else t("sla-none")


def render(t: Translate, *, scope: str, start: str, end: str, units: Sequence[SlaFigures]) -> str:
    """/stats' SLA message (HTML), one line per unit."""
    lines = [t("sla-title", scope=html(scope), start=start, end=end)]
    for unit in units:
        lines.append(
            t(
                "sla-row",
                name=html(unit.name),
                ack=hours_text(t, unit.ack_median_hours),
                resolve=hours_text(t, unit.resolve_median_hours),
                on_time=percent_text(t, unit.on_time_rate),
                reopen=percent_text(t, unit.reopen_rate),
                lookback=percent_text(t, unit.lookback_solved_rate),
            )
        )
    return "\n".join(lines)
