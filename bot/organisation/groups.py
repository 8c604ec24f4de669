"""Binding Telegram groups to grids: the group becomes the grid's work group."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel import select

from bot.organisation.service import GridView, grid_by_code, grid_by_id
from storage.database import Database
from storage.models import GroupChat


class BindOutcome(StrEnum):
    BOUND = "bound"
    REBOUND = "rebound"  # the group served another grid before
    UNKNOWN_GRID = "unknown_grid"
    GRID_TAKEN = "grid_taken"  # another group already works for that grid


@dataclass(frozen=True)
class BindResult:
    outcome: BindOutcome
    grid: GridView | None = None
    other_title: str | None = None


class Groups:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def bind(self, *, chat_id: int, title: str, grid_code: str, admin_id: int, now: datetime) -> BindResult:
        async with self.db.transaction() as s:
            grid = await grid_by_code(s, grid_code)
            if grid is None:
                return BindResult(BindOutcome.UNKNOWN_GRID)
            holder = (await s.exec(select(GroupChat).where(GroupChat.grid_id == grid.id))).first()
            if holder is not None and holder.chat_id != chat_id:
                return BindResult(BindOutcome.GRID_TAKEN, grid, holder.title)
            group = await s.get(GroupChat, chat_id)
            outcome = BindOutcome.REBOUND if group is not None and group.grid_id != grid.id else BindOutcome.BOUND
            if group is None:
                group = GroupChat(chat_id=chat_id, title=title, grid_id=grid.id, bound_by=admin_id, bound_at=now)
            group.title, group.grid_id, group.bound_by, group.bound_at = title, grid.id, admin_id, now
            s.add(group)
            return BindResult(outcome, grid)

    async def unbind(self, *, chat_id: int) -> bool:
        async with self.db.transaction() as s:
            group = await s.get(GroupChat, chat_id)
            if group is None:
                return False
            await s.delete(group)
            return True

    async def grid_of(self, chat_id: int) -> GridView | None:
        async with self.db.session() as s:
            group = await s.get(GroupChat, chat_id)
            return await grid_by_id(s, group.grid_id) if group else None
