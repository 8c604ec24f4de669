"""台账 queries: who sees which issues, the ledger page, and the rows of the export.

Plain data out (no ORM rows), one SELECT with joins per page, so a county's page stays fast at
100,000 issues (bench/bench_ledger.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import and_, case, or_
from sqlalchemy.orm import aliased
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.enums import Disposition
from bot.domain.lifecycle import OPEN, IssueStatus, Rating
from bot.domain.overdue import finished_late, overdue_now_clause
from bot.triage import service as triage
from storage.models import Category, Department, Grid, GroupChat, Issue, Lookback, Staff


@dataclass(frozen=True)
class Scope:
    """What a ledger covers: issues held in these grids, or assigned to this department."""

    title: str
    grid_ids: tuple[int, ...] = ()
    department_id: int | None = None

    def condition(self):  # noqa: ANN201 - a SQLAlchemy expression
        if self.department_id is not None:
            return and_(col(Issue.department_id) == self.department_id, col(Issue.disposition) == Disposition.ASSIGN)
        return col(Issue.holder_grid_id).in_(self.grid_ids)


@dataclass(frozen=True)
class LedgerRow:
    id: int
    ref: str
    created_at: datetime
    grid: str
    category: str
    description: str
    disposition: Disposition | None
    unit: str  # 责任单位: the department, else the grid level holding it
    responsible: str
    deadline: datetime | None
    status: IssueStatus
    resolved_at: datetime | None
    rating: Rating | None
    lookback: str | None = None  # the 回访 answer (bot.followthrough.notices.Answer), if any

    def overdue(self, now: datetime) -> bool:
        """超期: finished after its deadline, or (open) past it now (bot.domain.overdue)."""
        return finished_late(status=self.status, deadline=self.deadline, resolved_at=self.resolved_at, now=now)

    # Follow-through (issue 18): the 督办 level, the time limit's start and the SLA moments.
    supervision_level: str = "normal"
    deadline_set_at: datetime | None = None
    acknowledged_at: datetime | None = None
    reopened_at: datetime | None = None
    closed_at: datetime | None = None
    reopen_count: int = 0
    department: str = ""


@dataclass(frozen=True)
class LedgerPage:
    scope: Scope
    rows: list[LedgerRow]
    total: int
    overdue: int
    page: int
    page_size: int
    level: str = ""  # the 督办 level filtered on, if any (issue 18)

    @property
    def has_more(self) -> bool:
        return (self.page + 1) * self.page_size < self.total


async def scope_of_group(s: AsyncSession, chat_id: int) -> Scope | None:
    group = await s.get(GroupChat, chat_id)
    if group is not None:
        return Scope(await triage.grid_name(s, group.grid_id), tuple(await triage.subtree_ids(s, group.grid_id)))
    dept = await triage.department_of_chat(s, chat_id)
    return Scope(dept.name, department_id=dept.id) if dept else None


async def scopes_of_person(s: AsyncSession, user_id: int, *, admin: bool) -> list[Scope]:
    """The levels an official belongs to (staff records); an administrator sees the whole county."""
    if admin:
        roots = (await s.exec(select(Grid).where(col(Grid.parent_id).is_(None)).order_by(col(Grid.position)))).all()
        grid_ids = [g.id for g in roots if g.id is not None]
    else:
        grid_ids = list(
            dict.fromkeys(
                (
                    await s.exec(select(Staff.grid_id).where(Staff.telegram_user_id == user_id).order_by(col(Staff.id)))
                ).all()
            )
        )
    return [Scope(await triage.grid_name(s, g), tuple(await triage.subtree_ids(s, g))) for g in grid_ids]


def _select():  # noqa: ANN202
    holder = aliased(Grid)
    unit = func.coalesce(Department.name, holder.name)
    return (
        select(
            Issue.id,
            Issue.ref,
            Issue.created_at,
            Grid.name,
            Category.name,
            Issue.description,
            Issue.disposition,
            unit,
            Issue.assignee_name,
            Issue.deadline,
            Issue.status,
            Issue.resolved_at,
            Issue.rating,
            Lookback.answer,
        )
        .join(Grid, col(Grid.id) == Issue.grid_id)
        .join(Category, col(Category.id) == Issue.category_id)
        .outerjoin(holder, holder.id == Issue.holder_grid_id)
        .outerjoin(Department, col(Department.id) == Issue.department_id)
        .outerjoin(Lookback, col(Lookback.issue_id) == Issue.id)
    )


def _row(values: tuple) -> LedgerRow:
    (
        id_,
        ref,
        created,
        grid,
        category,
        description,
        disposition,
        unit,
        responsible,
        deadline,
        status,
        resolved,
        rating,
        lookback,
    ) = values
    return LedgerRow(
        id_,
        ref,
        created,
        grid,
        category,
        description,
        Disposition(disposition) if disposition else None,
        unit or "",
        responsible or "",
        deadline,
        IssueStatus(status),
        resolved,
        Rating(rating) if rating else None,
        lookback,
    )


# The follow-through's columns (issue 18), read after the ledger's own ones.
FOLLOWUP_COLUMNS = (
    Issue.supervision_level,
    Issue.deadline_set_at,
    Issue.acknowledged_at,
    Issue.reopened_at,
    Issue.closed_at,
    Issue.reopen_count,
    Department.name,
)


def _select_all():  # noqa: ANN202
    return _select().add_columns(*FOLLOWUP_COLUMNS)


def _full_row(values: tuple) -> LedgerRow:
    count = len(FOLLOWUP_COLUMNS)
    level, set_at, acknowledged, reopened, closed, reopens, department = values[-count:]
    return replace(
        _row(tuple(values[:-count])),
        supervision_level=level or "normal",
        deadline_set_at=set_at,
        acknowledged_at=acknowledged,
        reopened_at=reopened,
        closed_at=closed,
        reopen_count=int(reopens or 0),
        department=department or "",
    )


async def ledger_page(
    s: AsyncSession, scope: Scope, *, now: datetime, page: int, page_size: int = 8, level: str | None = None
) -> LedgerPage:
    """Open issues by deadline: overdue ones come first, those not yet given a deadline last.

    The page's ids are picked from the ledger index alone (holder, status, deadline: a covering
    index), and only those rows are read in full — a county's 40,000 open issues sort in the index.
    """
    where = and_(scope.condition(), col(Issue.status).in_(OPEN))
    if level:  # only the issues of one 督办 level (issue 18)
        where = and_(where, col(Issue.supervision_level) == level)
    order = (case((col(Issue.deadline).is_(None), 1), else_=0), col(Issue.deadline), col(Issue.id))
    ids = [
        int(i)
        for i in (
            await s.exec(select(Issue.id).where(where).order_by(*order).limit(page_size).offset(page * page_size))
        ).all()
    ]
    rows = [
        _full_row(tuple(r)) for r in (await s.exec(_select_all().where(col(Issue.id).in_(ids)).order_by(*order))).all()
    ]
    total, overdue = (
        await s.exec(
            select(func.count(), func.count(case((overdue_now_clause(now), 1)))).select_from(Issue).where(where)
        )
    ).one()
    return LedgerPage(scope, rows, int(total), int(overdue), page, page_size, level=level or "")


async def export_chunk(
    s: AsyncSession,
    *,
    grid_ids: list[int] | None,
    created_from: datetime | None,
    created_to: datetime | None,
    after: int | None,
    limit: int,
) -> list[LedgerRow]:
    """Issues (open or not) received in the period in the order they came (by id, as 编号 run), the
    next `limit` after issue `after`: keyset paging on the primary key keeps each chunk a short
    query, so an export never holds the database for long."""
    query = _select_all().order_by(col(Issue.id)).limit(limit)
    if grid_ids is not None:
        query = query.where(or_(col(Issue.grid_id).in_(grid_ids), col(Issue.holder_grid_id).in_(grid_ids)))
    if created_from is not None:
        query = query.where(col(Issue.created_at) >= created_from)
    if created_to is not None:
        query = query.where(col(Issue.created_at) < created_to)
    if after is not None:
        query = query.where(col(Issue.id) > after)
    return [_full_row(tuple(values)) for values in (await s.exec(query)).all()]
