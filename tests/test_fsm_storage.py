"""The FSM storage's group commit: updates finishing together share one transaction."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import event

from storage.database import Database
from storage.fsm import SqlStorage, forget_before


def _key(user_id: int) -> StorageKey:
    return StorageKey(bot_id=1, chat_id=user_id, user_id=user_id)


async def test_concurrent_flushes_share_a_commit_and_all_land(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'fsm.db'}")
    await db.create_all()
    commits = 0

    def count(_connection: object) -> None:
        nonlocal commits
        commits += 1

    event.listen(db.engine.sync_engine, "commit", count)
    storage = SqlStorage(db)
    written: list[int] = []

    async def along(_connection: object) -> None:
        written.append(1)

    async def update(user_id: int) -> None:
        await storage.set_state(_key(user_id), f"Form:step{user_id}")
        await storage.flush(along=along)

    await asyncio.gather(*(update(user_id) for user_id in range(1, 21)))
    assert commits < 20
    assert len(written) == commits  # once per commit, not once per flush

    fresh = SqlStorage(db)  # reads the database, not the cache
    assert [await fresh.get_state(_key(user_id)) for user_id in range(1, 21)] == [
        f"Form:step{user_id}" for user_id in range(1, 21)
    ]
    await db.dispose()


async def test_a_failed_commit_fails_every_flush_in_it_and_keeps_the_changes(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'fsm.db'}")
    await db.create_all()
    storage = SqlStorage(db)

    async def broken(_connection: object) -> None:
        raise RuntimeError("disk full")

    await storage.set_state(_key(1), "Form:a")
    results = await asyncio.gather(storage.flush(along=broken), storage.flush(), return_exceptions=True)
    assert all(isinstance(result, RuntimeError) for result in results)

    await storage.flush()  # the next flush writes what failed
    assert await SqlStorage(db).get_state(_key(1)) == "Form:a"
    await db.dispose()


async def test_close_waits_for_a_commit_under_way(tmp_path: Path) -> None:
    """An update cancelled at shutdown while its flush waits: its state is still written before close ends."""
    db = Database(f"sqlite:///{tmp_path / 'fsm.db'}")
    await db.create_all()
    storage = SqlStorage(db)
    await storage.set_state(_key(1), "Form:a")
    waiting = asyncio.create_task(storage.flush())
    while storage._pending:  # until the commit has taken the change and is writing it
        await asyncio.sleep(0)
    waiting.cancel()
    await storage.close()
    with sqlite3.connect(tmp_path / "fsm.db") as other:  # not through the pool, which would wait
        assert other.execute("SELECT state FROM fsmrecord").fetchall() == [("Form:a",)]
    await db.dispose()


async def test_a_conversation_left_alone_longer_than_kept_is_forgotten(tmp_path: Path) -> None:
    """A report's draft may hold a phone number: after `keep` untouched it reads as empty, from the
    cache and from the database alike, and forget_before (the drafts-prune job) deletes its row."""
    db = Database(f"sqlite:///{tmp_path / 'fsm.db'}")
    await db.create_all()
    now = datetime(2026, 12, 1, 9, tzinfo=UTC)
    clock = [now]
    keep = timedelta(days=30)
    storage = SqlStorage(db, clock=lambda: clock[0], keep=keep)
    for user_id in (1, 2):
        await storage.set_state(_key(user_id), "ReportForm:phone")
        await storage.set_data(_key(user_id), {"phone": "13800000000"})
    await storage.flush()

    clock[0] = now + timedelta(days=20)
    await storage.set_data(_key(2), {"phone": "13900000000"})  # user 2 goes on: kept
    await storage.flush()

    clock[0] = now + timedelta(days=31)
    assert (await storage.get_state(_key(1)), await storage.get_data(_key(1))) == (None, {})
    assert await storage.get_state(_key(2)) == "ReportForm:phone"
    fresh = SqlStorage(db, clock=lambda: clock[0], keep=keep)  # read from the database
    assert (await fresh.get_state(_key(1)), await fresh.get_data(_key(1))) == (None, {})
    assert await fresh.get_data(_key(2)) == {"phone": "13900000000"}
    assert await SqlStorage(db).get_state(_key(1)) == "ReportForm:phone"  # still stored until pruned

    assert await forget_before(db, clock[0] - keep) == 1
    with sqlite3.connect(tmp_path / "fsm.db") as other:
        assert [row[0] for row in other.execute("SELECT data FROM fsmrecord")] == ['{"phone": "13900000000"}']
    await db.dispose()
