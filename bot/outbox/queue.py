"""Writing to the outbox, inside the caller's transaction (no channel SDK here)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.enums import LinkKind
from storage.database import queue_insert, wake_after_commit
from storage.models import OutboxMessage, OutboxStatus


def enqueue(
    session: AsyncSession,
    *,
    chat_id: int,
    method: str,
    params: dict[str, Any],
    now: datetime,
    issue_id: int | None = None,
    link_kind: LinkKind | None = None,
    target_kind: LinkKind | None = None,
    contact_id: int | None = None,
    channel: str = "telegram",
    batch_key: str | None = None,
) -> None:
    """Queue one Bot API call, or with `channel` one message of another channel ("wecom": `chat_id` is
    the WeComRobot's id, `method` "markdown", `params` {"content": ...}).

    `link_kind`: remember the sent message(s) as this issue's message of that kind.
    `target_kind`: at send time, reply to (send*) or edit (edit*) the issue's message(s) of that kind
    in this chat — their ids are not known yet when the row is written.
    `contact_id` (with `link_kind`): remember the sent message as part of a citizen→deputy conversation.
    `batch_key`: a text message (params "text" or "content") that may go out combined with the later
    ones of the same key still waiting for the chat (bot.outbox.batch), when they come faster than
    the chat takes them.

    The row is written with the others the unit of work queued, in one statement, before its next
    statement or at its commit (storage.database.queue_insert); a rollback drops it with the change.
    The sender keeps the order of a chat's rows, and is woken when the unit of work commits.
    """
    wake_after_commit(session, channel)
    # Every key on every row: the rows of one table are written as a single executemany.
    row = {
        "channel": channel,
        "chat_id": chat_id,
        "method": method,
        "params": params,
        "issue_id": issue_id,
        "link_kind": link_kind,
        "target_kind": target_kind,
        "contact_id": contact_id,
        "batch_key": batch_key,
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "created_at": now,
        "next_attempt_at": now,
    }
    queue_insert(session, _OUTBOX, row)


_OUTBOX = OutboxMessage.__table__  # type: ignore[attr-defined]
