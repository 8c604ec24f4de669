"""Writing to the outbox, inside the caller's transaction (no Telegram import here)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import event, insert
from sqlalchemy.orm import ORMExecuteState, Session
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import LinkKind, OutboxMessage, OutboxStatus


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
) -> None:
    """Queue one Bot API call.

    `link_kind`: remember the sent message(s) as this issue's message of that kind.
    `target_kind`: at send time, reply to (send*) or edit (edit*) the issue's message(s) of that kind
    in this chat — their ids are not known yet when the row is written.
    `contact_id` (with `link_kind`): remember the sent message as part of a citizen→deputy conversation.

    The row is written with the others the unit of work queued, in one statement, before its next
    statement or at its commit (write_queued); a rollback drops it with the rest of the change.
    """
    session.info.setdefault(_QUEUED, []).append(
        {
            "chat_id": chat_id,
            "method": method,
            "params": params,
            "issue_id": issue_id,
            "link_kind": link_kind,
            "target_kind": target_kind,
            "contact_id": contact_id,
            "status": OutboxStatus.PENDING,
            "attempts": 0,
            "created_at": now,
            "next_attempt_at": now,
        }
    )


# Rows queued by a unit of work, in the order they were queued (the sender keeps that order per chat).
# A new issue queues its card and its push: as ORM objects, building and flushing those two cost
# more than the rest of the issue's rows together; as one Core statement, 0.7-1 ms less per issue.
_QUEUED = "outbox_queued"
_INSERT = insert(OutboxMessage.__table__)  # type: ignore[attr-defined]


def write_queued(session: Session) -> None:
    """Write the rows queued so far. Runs by itself before every ORM statement of the session and at
    its commit; a Core statement on `session.connection()` that reads the outbox calls it first.
    What a row refers to (an issue, a contact) is in the database already: its id is known."""
    rows = session.info.pop(_QUEUED, None)
    if rows:
        session.connection().execute(_INSERT, rows)


@event.listens_for(Session, "do_orm_execute")
def _before_statement(state: ORMExecuteState) -> None:
    write_queued(state.session)


@event.listens_for(Session, "before_commit")
def _at_commit(session: Session) -> None:
    write_queued(session)


@event.listens_for(Session, "after_soft_rollback")  # (Gridline uses no savepoints)
def _drop_queued(session: Session, _previous: object) -> None:
    session.info.pop(_QUEUED, None)


async def enqueue_many(
    session: AsyncSession, messages: list[tuple[int, str, dict[str, Any]]], *, now: datetime
) -> None:
    """Queue (chat id, method, params) for many chats in one bulk insert: a scheduled run that
    writes to thousands of deputies would spend most of its time in the ORM otherwise."""
    if not messages:
        return
    await session.run_sync(write_queued)  # the rows queued one by one go first
    rows = [
        {
            "chat_id": chat_id,
            "method": method,
            "params": params,
            "status": OutboxStatus.PENDING,
            "attempts": 0,
            "created_at": now,
            "next_attempt_at": now,
        }
        for chat_id, method, params in messages
    ]
    await (await session.connection()).execute(insert(OutboxMessage), rows)
