"""A database made before the outbox had channels starts, and its queued rows stay Telegram's."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import select

from storage.database import Database
from storage.models import OutboxMessage


async def test_an_outbox_without_channels_gets_them_at_start(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = Database(f"sqlite:///{path}")
    await db.create_all()
    await db.dispose()
    # The outbox as the previous version made it: no channel column, the old due index.
    with sqlite3.connect(path) as old:
        old.execute("DROP INDEX ix_outbox_channel_due")
        old.execute("ALTER TABLE outboxmessage DROP COLUMN channel")
        old.execute("CREATE INDEX ix_outbox_due ON outboxmessage (status, next_attempt_at)")
        old.execute(
            "INSERT INTO outboxmessage (chat_id, method, params, status, attempts, created_at, next_attempt_at)"
            " VALUES (5, 'sendMessage', '{\"text\": \"hi\"}', 'PENDING', 0, ?, ?)",
            (datetime.now(UTC).isoformat(), datetime.now(UTC).isoformat()),
        )
    db = Database(f"sqlite:///{path}")
    try:
        await db.create_all()
        await db.create_all()  # twice: nothing more to do the second time
        async with db.session() as s:
            rows = (await s.exec(select(OutboxMessage).where(OutboxMessage.channel == "telegram"))).all()
    finally:
        await db.dispose()
    assert [(r.chat_id, r.params) for r in rows] == [(5, {"text": "hi"})]
    with sqlite3.connect(path) as upgraded:
        indexes = {row[1] for row in upgraded.execute("PRAGMA index_list(outboxmessage)")}
    assert "ix_outbox_channel_due" in indexes and "ix_outbox_due" not in indexes
