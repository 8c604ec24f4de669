"""A work group upgraded to a supergroup gets a new chat id: what was bound to the old id follows it.

Telegram tells us twice, whichever comes first: the migration service message in the group (handled
in handlers/group.py), or a send to the old id refused with the new id (the outbox sender's Moved).
Both are safe to see again: the second finds nothing left under the old id. No Telegram here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import escape

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.outbox.moved import move_chat
from bot.outbox.queue import enqueue
from storage.database import Database
from storage.models import Department, Grid, GroupChat

CHANNEL = "telegram"  # the ids are Telegram's chat ids
REQUEUE_FAILED = timedelta(days=1)  # as the sender: a message older than a day is not sent any more


@dataclass
class Moved:
    grid: str | None = None  # the grid whose work group it is
    departments: list[str] = field(default_factory=list)
    title: str = ""

    @property
    def anything(self) -> bool:
        return self.grid is not None or bool(self.departments)


async def move_bindings(session: AsyncSession, *, old_chat_id: int, new_chat_id: int) -> Moved:
    """The grid group and department groups bound to the old id now name the new one."""
    moved = Moved()
    group = await session.get(GroupChat, old_chat_id)
    if group is not None:
        grid = await session.get(Grid, group.grid_id)
        moved.grid, moved.title = (grid.name if grid else str(group.grid_id)), group.title
        taken = await session.get(GroupChat, new_chat_id)  # an administrator was quicker with /bind
        await session.delete(group)
        await session.flush()  # the grid may be bound once only: the old row goes first
        if taken is None:
            session.add(
                GroupChat(
                    chat_id=new_chat_id,
                    title=group.title,
                    grid_id=group.grid_id,
                    bound_by=group.bound_by,
                    bound_at=group.bound_at,
                )
            )
    for dept in (await session.exec(select(Department).where(Department.chat_id == old_chat_id))).all():
        dept.chat_id = new_chat_id
        session.add(dept)
        moved.departments.append(dept.name)
    return moved


class GroupMigration:
    """Moves a group's bindings and tells the administrators, through the outbox. As the outbox
    sender's `on_chat_moved` hook it runs in the sender's transaction; `migrate` opens its own."""

    def __init__(self, *, db: Database, clock: Clock, translator: Translator, admin_ids: frozenset[int]) -> None:
        self.db = db
        self.clock = clock
        self.translator = translator
        self.admin_ids = admin_ids

    async def migrate(self, *, old_chat_id: int, new_chat_id: int) -> bool:
        """The migration service message: the bindings and the queued messages move. True if a
        binding moved (False when the other path was first, or the group was never bound)."""
        if old_chat_id == new_chat_id:
            return False
        now = self.clock.now()
        async with self.db.transaction() as s:
            await move_chat(
                s,
                channel=CHANNEL,
                old_chat_id=old_chat_id,
                new_chat_id=new_chat_id,
                failed_since=now - REQUEUE_FAILED,
                now=now,
            )
            return await self._move(s, old_chat_id, new_chat_id, now)

    async def __call__(self, session: AsyncSession, old_chat_id: int, new_chat_id: int, now: datetime) -> None:
        await self._move(session, old_chat_id, new_chat_id, now)

    async def _move(self, session: AsyncSession, old_chat_id: int, new_chat_id: int, now: datetime) -> bool:
        moved = await move_bindings(session, old_chat_id=old_chat_id, new_chat_id=new_chat_id)
        if not moved.anything:
            return False
        t = self.translator.bind(None)
        text = t(
            "admin-group-moved",
            title=escape(moved.title or str(old_chat_id), quote=False),
            grid=escape(moved.grid or "-", quote=False),
            departments=escape("、".join(moved.departments) or "-", quote=False),
            old=str(old_chat_id),
            new=str(new_chat_id),
        )
        for admin_id in sorted(self.admin_ids):
            enqueue(
                session, chat_id=admin_id, method="sendMessage", params={"text": text, "parse_mode": "HTML"}, now=now
            )
        return True
