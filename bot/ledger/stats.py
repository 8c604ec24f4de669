"""挂图作业 numbers per grid or department: received, resolved on time, overdue, satisfaction.

Satisfaction follows the source documents: 满意 100, 基本满意 60, 不满意 0 points, averaged; a unit
averaging ≥ 80 is 满意, 60–80 基本满意, below 60 不满意.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import and_, case
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.enums import Disposition
from bot.domain.lifecycle import Rating
from bot.domain.overdue import finished_in_time_clause, finished_late_clause
from bot.triage import service as triage
from storage.models import Grid, Issue


class Tier(StrEnum):
    SATISFIED = "satisfied"
    BASIC = "basic"
    UNSATISFIED = "unsatisfied"


def satisfaction(ratings: list[Rating]) -> tuple[float | None, Tier | None]:
    """The average of the points and its tier; (None, None) when nobody rated."""
    if not ratings:
        return None, None
    average = sum(r.points for r in ratings) / len(ratings)
    return average, tier_of(average)


def tier_of(average: float) -> Tier:
    if average >= 80:
        return Tier.SATISFIED
    if average >= 60:
        return Tier.BASIC
    return Tier.UNSATISFIED


@dataclass(frozen=True)
class Unit:
    """A grid (with everything below it) or a department."""

    name: str
    grid_ids: tuple[int, ...] = ()
    department_id: int | None = None


@dataclass(frozen=True)
class UnitStats:
    name: str
    received: int
    on_time: int
    overdue: int
    satisfaction: float | None
    tier: Tier | None


async def units_below(s: AsyncSession, grid_id: int) -> list[Unit]:
    """A group's units: the grids one level down (or itself at the bottom) and its level's departments."""
    children = (await s.exec(select(Grid).where(Grid.parent_id == grid_id).order_by(col(Grid.position)))).all()
    grids = [g for g in children if g.id is not None] or [await s.get(Grid, grid_id)]
    units = [Unit(g.name, tuple(await triage.subtree_ids(s, g.id))) for g in grids if g is not None and g.id]
    units += [Unit(d.name, department_id=d.id) for d in await triage.departments_of(s, grid_id)]
    return units


async def unit_stats(s: AsyncSession, unit: Unit, *, start: datetime, end: datetime, now: datetime) -> UnitStats:
    if unit.department_id is not None:
        scope = and_(col(Issue.department_id) == unit.department_id, col(Issue.disposition) == Disposition.ASSIGN)
    else:
        scope = col(Issue.grid_id).in_(unit.grid_ids)
    received, in_time, overdue = (
        await s.exec(
            select(
                func.count(),
                func.count(case((finished_in_time_clause(), 1))),
                func.count(case((finished_late_clause(now), 1))),
            )
            .select_from(Issue)
            .where(scope, col(Issue.created_at) >= start, col(Issue.created_at) < end)
        )
    ).one()
    ratings = (
        await s.exec(
            select(Issue.rating).where(
                scope, col(Issue.rating).is_not(None), col(Issue.created_at) >= start, col(Issue.created_at) < end
            )
        )
    ).all()
    average, tier = satisfaction([Rating(r) for r in ratings])
    return UnitStats(unit.name, int(received), int(in_time), int(overdue), average, tier)
