"""Which sender delivers which chat, when several instances share one outbox.

A sender takes a chat by its head: the chat's oldest pending row. It locks the due heads no one
holds (`FOR UPDATE SKIP LOCKED` on PostgreSQL: two senders scanning at once never take the same
head, and neither waits for the other) and, in the same transaction, leases the chat's first
pending rows to itself (`claimed_by`, `lease_until`). Another sender skips a chat whose head is
leased, so a chat's rows go to one sender at a time and in order; rows queued behind a lease wait
until the holder has sent what it holds, then whoever scans first takes the new head. The holder
renews its leases while it runs and gives them back when it stops; a dead instance's leases run
out and its chats are taken over, the rows it had sent but not yet recorded sent again (at most
the sender's MAX_UNRECORDED).

On SQLite the same statements run without the lock clause (SQLite has one writer at a time, and
Gridline runs one instance on it). Leases are compared with each instance's clock: instances must
agree on the time to well within LEASE (NTP does).
"""

from __future__ import annotations

import os
import secrets
import socket
from datetime import datetime, timedelta

from sqlalchemy import func, or_, update
from sqlmodel import col, select

from storage.database import Database
from storage.models import OutboxMessage, OutboxStatus

LEASE = timedelta(seconds=60)
PER_CHAT = 20  # rows of one chat leased at a time (a group's 20 take a minute at 20 a minute)


def sender_id(channel: str) -> str:
    """Unique per sender object: host, process and a random part (two senders in one process differ)."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{channel}:{secrets.token_hex(4)}"[:64]


class Claims:
    """The leases of one sender on its channel's rows."""

    def __init__(self, db: Database, channel: str, *, owner: str | None = None, lease: timedelta = LEASE) -> None:
        self.db = db
        self.channel = channel
        self.owner = owner or sender_id(channel)
        self.lease = lease
        self.renewed_at: datetime | None = None
        # Bumped when a renewal comes after the leases ran out: another instance may have taken
        # their chats meanwhile, so rows handed out before must not be sent (bot.outbox.sender).
        self.epoch = 0

    def _free(self, now: datetime):  # noqa: ANN202 - a SQL condition
        """A head this sender may take: no lease, a lease run out, or its own."""
        return or_(
            col(OutboxMessage.lease_until).is_(None),
            col(OutboxMessage.lease_until) <= now,
            col(OutboxMessage.claimed_by) == self.owner,
        )

    async def claim(
        self, now: datetime, *, chats: int, skip: set[int] | frozenset[int] = frozenset(), chat_id: int | None = None
    ) -> dict[int, list[OutboxMessage]]:
        """Lease the first PER_CHAT pending rows of up to `chats` chats whose head is due and free,
        oldest head first, leaving out the chats in `skip` (or only `chat_id`); their rows by chat."""
        mine = [col(OutboxMessage.channel) == self.channel, col(OutboxMessage.status) == OutboxStatus.PENDING]
        if chat_id is not None:
            mine.append(col(OutboxMessage.chat_id) == chat_id)
        heads = select(func.min(OutboxMessage.id)).where(*mine).group_by(col(OutboxMessage.chat_id))
        due_heads = (
            select(OutboxMessage.chat_id)
            .where(col(OutboxMessage.id).in_(heads), col(OutboxMessage.next_attempt_at) <= now, self._free(now))
            .order_by(col(OutboxMessage.id))
            .limit(chats)
            .with_for_update(skip_locked=True)
        )
        if skip:
            due_heads = due_heads.where(col(OutboxMessage.chat_id).not_in(skip))
        async with self.db.transaction() as s:
            taken = list((await s.exec(due_heads)).all())
            if not taken:
                return {}
            rank = func.row_number().over(partition_by=col(OutboxMessage.chat_id), order_by=col(OutboxMessage.id))
            ranked = select(col(OutboxMessage.id), rank.label("rank")).where(
                *mine, col(OutboxMessage.chat_id).in_(taken)
            )
            first = ranked.subquery()
            leased = (
                update(OutboxMessage)
                .where(col(OutboxMessage.id).in_(select(first.c.id).where(first.c.rank <= PER_CHAT)))
                .values(claimed_by=self.owner, lease_until=now + self.lease)
                .returning(OutboxMessage)
                .execution_options(synchronize_session=False)
            )
            rows = sorted((await s.exec(leased)).scalars().all(), key=lambda row: row.id or 0)  # type: ignore[call-overload]
        by_chat: dict[int, list[OutboxMessage]] = {}
        for row in rows:
            by_chat.setdefault(row.chat_id, []).append(row)
        return by_chat

    async def anything_due(self, now: datetime) -> bool:
        query = select(OutboxMessage.id).where(
            col(OutboxMessage.channel) == self.channel,
            col(OutboxMessage.status) == OutboxStatus.PENDING,
            col(OutboxMessage.next_attempt_at) <= now,
            self._free(now),
        )
        async with self.db.session() as s:
            return (await s.exec(query.limit(1))).first() is not None

    def held_until(self) -> datetime | None:
        """Every lease this sender holds lasts at least until then (claims come after a renewal)."""
        return None if self.renewed_at is None else self.renewed_at + self.lease

    def renewal_due(self, now: datetime) -> bool:
        return self.renewed_at is None or now - self.renewed_at >= self.lease / 3

    async def renew(self, now: datetime) -> None:
        """Extend every lease this sender holds (its rows still pending)."""
        held_until = self.held_until()
        if held_until is not None and now >= held_until:
            self.epoch += 1
        async with self.db.transaction() as s:
            await s.exec(
                update(OutboxMessage)  # type: ignore[call-overload]
                .where(
                    col(OutboxMessage.claimed_by) == self.owner,
                    col(OutboxMessage.status) == OutboxStatus.PENDING,
                )
                .values(lease_until=now + self.lease)
            )
        self.renewed_at = now

    async def release(self) -> None:
        """Give back what this sender holds (at a clean stop), for the other instances to take at once."""
        async with self.db.transaction() as s:
            await s.exec(
                update(OutboxMessage)  # type: ignore[call-overload]
                .where(
                    col(OutboxMessage.claimed_by) == self.owner,
                    col(OutboxMessage.status) == OutboxStatus.PENDING,
                )
                .values(claimed_by=None, lease_until=None)
            )
        self.renewed_at = None


async def take_over_all(db: Database) -> None:
    """On SQLite there is one instance: rows left leased were leased by its previous run (killed
    before it could give them back), and are its own to send at once."""
    async with db.transaction() as s:
        await s.exec(
            update(OutboxMessage)  # type: ignore[call-overload]
            .where(col(OutboxMessage.claimed_by).is_not(None), col(OutboxMessage.status) == OutboxStatus.PENDING)
            .values(claimed_by=None, lease_until=None)
        )
