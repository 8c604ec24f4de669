"""A destination that moved to a new id (a Telegram group upgraded to a supergroup): its queued
messages follow it (no channel SDK here)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import OutboxMessage, OutboxStatus


async def move_chat(
    session: AsyncSession, *, channel: str, old_chat_id: int, new_chat_id: int, failed_since: datetime, now: datetime
) -> int:
    """Re-address the chat's pending rows, and requeue those that failed since `failed_since` (a
    send refused before the move was known, by this or an older version): nothing is lost, in the
    original order (the ids do not change). Returns how many rows now go to the new id."""
    mine = (col(OutboxMessage.channel) == channel, OutboxMessage.chat_id == old_chat_id)
    pending = await session.exec(
        update(OutboxMessage)
        .where(*mine, OutboxMessage.status == OutboxStatus.PENDING)
        .values(chat_id=new_chat_id, next_attempt_at=now)
    )
    failed = await session.exec(
        update(OutboxMessage)
        .where(*mine, OutboxMessage.status == OutboxStatus.FAILED, col(OutboxMessage.created_at) >= failed_since)
        .values(chat_id=new_chat_id, status=OutboxStatus.PENDING, next_attempt_at=now)
    )
    return int(pending.rowcount or 0) + int(failed.rowcount or 0)  # type: ignore[attr-defined]
