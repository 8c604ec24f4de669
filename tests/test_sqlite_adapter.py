"""The SQLite connection that runs statements on the loop's thread behaves as aiosqlite's."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from sqlalchemy import text

from storage.database import Database


async def test_statements_rows_counts_and_rollback(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    async with db.engine.begin() as c:
        await c.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)"))
        await c.execute(text("INSERT INTO t (name) VALUES (:name)"), [{"name": "a"}, {"name": "b"}, {"name": "c"}])
        inserted = await c.execute(text("INSERT INTO t (name) VALUES ('d')"))
        assert inserted.lastrowid == 4
        updated = await c.execute(text("UPDATE t SET name = 'x' WHERE id > 2"))
        assert updated.rowcount == 2
        rows = (await c.execute(text("SELECT id, name FROM t ORDER BY id"))).all()
        assert [tuple(r) for r in rows] == [(1, "a"), (2, "b"), (3, "x"), (4, "x")]
        returned = await c.execute(text("INSERT INTO t (name) VALUES ('e') RETURNING id"))
        assert returned.scalar_one() == 5

    async with db.engine.connect() as c:  # not committed: rolled back when the connection goes back
        await c.execute(text("DELETE FROM t"))
    async with db.engine.connect() as c:
        assert (await c.execute(text("SELECT count(*) FROM t"))).scalar_one() == 5
        assert (await c.execute(text("SELECT name FROM t WHERE id = 99"))).first() is None
    await db.dispose()


async def test_a_lock_held_by_another_process_is_waited_for_off_the_loop(tmp_path: Path) -> None:
    """Statements run on the loop's thread, but one that finds the database locked (the CLI writing
    while the bot runs) waits on aiosqlite's thread: the loop goes on meanwhile, and nothing fails."""
    path = tmp_path / "x.db"
    db = Database(f"sqlite:///{path}")
    async with db.engine.begin() as c:
        await c.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)"))

    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    other.execute("INSERT INTO t (name) VALUES ('cli')")
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    async def write() -> None:
        async with db.engine.begin() as c:
            await c.execute(text("INSERT INTO t (name) VALUES ('bot')"))

    running = asyncio.create_task(ticker())
    writing = asyncio.create_task(write())
    await asyncio.sleep(0.3)
    assert not writing.done()  # waiting for the lock...
    assert ticks >= 10  # ...without stopping the loop
    other.execute("COMMIT")
    await asyncio.wait_for(writing, 10)
    running.cancel()
    other.close()
    async with db.engine.connect() as c:
        names = (await c.execute(text("SELECT name FROM t ORDER BY id"))).scalars().all()
    assert names == ["cli", "bot"]
    await db.dispose()
