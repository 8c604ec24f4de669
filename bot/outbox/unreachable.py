"""When a grid's group stops accepting messages (the bot was removed), administrators hear of it."""

from __future__ import annotations

from datetime import datetime
from html import escape

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import Translator
from bot.outbox.queue import enqueue
from storage.models import Grid, GroupChat


class GroupGoneNotice:
    """The sender's chat-gone hook: queues a notice to every administrator, in the same transaction."""

    def __init__(self, translator: Translator, admin_ids: frozenset[int]) -> None:
        self.translator = translator
        self.admin_ids = admin_ids

    async def __call__(self, session: AsyncSession, chat_id: int, reason: str, now: datetime) -> None:
        if chat_id > 0:
            return  # a citizen who blocked the bot is their own business
        group = await session.get(GroupChat, chat_id)
        grid = await session.get(Grid, group.grid_id) if group is not None else None
        t = self.translator.bind(None)
        text = t(
            "admin-group-unreachable",
            title=escape(group.title if group and group.title else str(chat_id), quote=False),
            grid=escape(grid.name if grid else "-", quote=False),
            reason=escape(reason[:200], quote=False),
        )
        for admin_id in sorted(self.admin_ids):
            enqueue(
                session, chat_id=admin_id, method="sendMessage", params={"text": text, "parse_mode": "HTML"}, now=now
            )
