"""Deputy storage operations. Every function takes an explicit session and never commits."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.organisation.service import grid_path
from storage.models import (
    Deputy,
    DeputyContact,
    DeputyGrid,
    DeputyMessageLink,
    Grid,
    PointEntry,
    Station,
    StationTheme,
)


@dataclass(frozen=True)
class DeputyView:
    id: int
    code: str
    name: str
    level: str
    station: str
    duty_day: int
    constituency: str  # grid names, "、"-joined
    linked: bool


class GridTree:
    """The grid hierarchy in memory (a county has hundreds of grids, not millions)."""

    def __init__(self, grids: list[Grid]) -> None:
        self.parent = {g.id: g.parent_id for g in grids}
        self.name = {g.id: g.name for g in grids}
        self.children: dict[int | None, list[int]] = defaultdict(list)
        for g in grids:
            self.children[g.parent_id].append(g.id)  # type: ignore[arg-type]

    @classmethod
    async def load(cls, session: AsyncSession) -> GridTree:
        return cls(list((await session.exec(select(Grid))).all()))

    def below(self, grid_ids: set[int]) -> set[int]:
        """The grids and every grid under them: a township deputy covers its villages."""
        out, todo = set(), list(grid_ids)
        while todo:
            current = todo.pop()
            if current not in out:
                out.add(current)
                todo += self.children.get(current, [])
        return out

    def above(self, grid_id: int) -> set[int]:
        out: set[int] = set()
        current: int | None = grid_id
        while current is not None and current not in out:
            out.add(current)
            current = self.parent.get(current)
        return out


async def constituencies(session: AsyncSession) -> dict[int, set[int]]:
    """deputy id → the grid ids it was elected for (as listed; expand with GridTree.below)."""
    out: dict[int, set[int]] = defaultdict(set)
    for row in (await session.exec(select(DeputyGrid))).all():
        out[row.deputy_id].add(row.grid_id)
    return out


async def covered_grids(session: AsyncSession, deputy_id: int) -> set[int]:
    rows = (await session.exec(select(DeputyGrid.grid_id).where(DeputyGrid.deputy_id == deputy_id))).all()
    return (await GridTree.load(session)).below(set(rows))


# Built once: asked on every change of an issue, and a statement built anew pays for its cache key
# (a walk of the whole nested statement) each time.
_COVERING = (
    select(Deputy)
    .where(
        col(Deputy.id).in_(
            select(DeputyGrid.deputy_id).where(col(DeputyGrid.grid_id).in_(bindparam("grids", expanding=True)))
        )
    )
    .order_by(col(Deputy.id))
)


async def deputies_covering(session: AsyncSession, grid_id: int) -> list[Deputy]:
    """The deputies whose constituency holds this grid (directly or through a township)."""
    # Up the grid's own path rather than through the whole tree: the path is known to the unit of
    # work already (the card and the push walked it).
    above = sorted({grid_id} | {g.id for g in await grid_path(session, grid_id)})
    return list((await session.exec(_COVERING, params={"grids": above})).all())


async def deputy_by_user(session: AsyncSession, user_id: int) -> Deputy | None:
    return (await session.exec(select(Deputy).where(Deputy.telegram_user_id == user_id))).first()


async def deputy_by_code(session: AsyncSession, code: str) -> Deputy | None:
    return (await session.exec(select(Deputy).where(Deputy.code == code.strip()))).first()


def duty_day(deputy: Deputy, station: Station | None, default: int) -> int:
    """The deputy's own day, else the station's, else the county's default."""
    return deputy.duty_day or (station.duty_day if station else None) or default


async def view(session: AsyncSession, deputy: Deputy, *, default_day: int) -> DeputyView:
    assert deputy.id is not None
    station = await session.get(Station, deputy.station_id) if deputy.station_id else None
    rows = (await session.exec(select(DeputyGrid.grid_id).where(DeputyGrid.deputy_id == deputy.id))).all()
    names = [
        g.name
        for g in (await session.exec(select(Grid).where(col(Grid.id).in_(rows)).order_by(col(Grid.position)))).all()
    ]
    return DeputyView(
        deputy.id,
        deputy.code,
        deputy.name,
        deputy.level,
        station.name if station else "",
        duty_day(deputy, station, default_day),
        "、".join(names),
        deputy.telegram_user_id is not None,
    )


async def theme(session: AsyncSession, station_id: int | None, period: str) -> str | None:
    if station_id is None:
        return None
    row = (
        await session.exec(
            select(StationTheme).where(StationTheme.station_id == station_id, StationTheme.period == period)
        )
    ).first()
    return row.theme if row else None


async def find_contact_link(session: AsyncSession, *, chat_id: int, message_id: int) -> DeputyMessageLink | None:
    query = select(DeputyMessageLink).where(
        DeputyMessageLink.chat_id == chat_id, DeputyMessageLink.message_id == message_id
    )
    return (await session.exec(query)).first()


async def contact_of_issue(session: AsyncSession, issue_id: int) -> DeputyContact | None:
    """The citizen's message to a deputy that became this issue (转为诉求), if any."""
    return (await session.exec(select(DeputyContact).where(DeputyContact.issue_id == issue_id))).first()


async def get_contact(session: AsyncSession, contact_id: int, *, for_update: bool = False) -> DeputyContact | None:
    return await session.get(DeputyContact, contact_id, with_for_update=for_update)


def add_points(
    session: AsyncSession, *, deputy_id: int, action: str, points: int, now: datetime, note: str = ""
) -> None:
    if points:
        session.add(PointEntry(deputy_id=deputy_id, action=action, points=points, at=now, note=note[:200]))


async def has_points(session: AsyncSession, *, deputy_id: int, action: str, note: str) -> bool:
    query = select(PointEntry.id).where(
        PointEntry.deputy_id == deputy_id, PointEntry.action == action, PointEntry.note == note
    )
    return (await session.exec(query)).first() is not None
