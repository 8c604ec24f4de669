"""回访 figures for the 挂图作业 (/stats): per unit, the answers given in the period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.enums import Disposition
from bot.followthrough.notices import Answer
from bot.ledger.stats import Unit
from storage.models import Issue, Lookback


@dataclass(frozen=True)
class LookbackFigures:
    name: str
    solved: int = 0
    not_solved: int = 0
    unsure: int = 0

    @property
    def answered(self) -> int:
        return self.solved + self.not_solved + self.unsure

    @property
    def solved_rate(self) -> float | None:
        """已解决 among the answers (None when nobody answered)."""
        return self.solved / self.answered if self.answered else None


async def lookback_figures(s: AsyncSession, unit: Unit, *, start: datetime, end: datetime) -> LookbackFigures:
    """The latest answer of each issue of the unit answered in [start, end)."""
    if unit.department_id is not None:
        scope = and_(col(Issue.department_id) == unit.department_id, col(Issue.disposition) == Disposition.ASSIGN)
    else:
        scope = col(Issue.grid_id).in_(unit.grid_ids)
    rows = (
        await s.exec(
            select(Lookback.answer, func.count())
            .join(Issue, col(Issue.id) == Lookback.issue_id)
            .where(scope, col(Lookback.answered_at) >= start, col(Lookback.answered_at) < end)
            .group_by(col(Lookback.answer))
        )
    ).all()
    counts = {answer: int(n) for answer, n in rows if answer}
    return LookbackFigures(
        unit.name,
        counts.get(Answer.SOLVED.value, 0),
        counts.get(Answer.NOT_SOLVED.value, 0),
        counts.get(Answer.UNSURE.value, 0),
    )
