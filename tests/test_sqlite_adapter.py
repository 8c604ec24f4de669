"""The SQLite connection that runs each statement in one trip to aiosqlite's thread behaves as aiosqlite's."""

from __future__ import annotations

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
