"""aiosqlite with one trip to its thread per statement.

aiosqlite runs every sqlite3 call on a thread of its own, and SQLAlchemy's adapter makes four calls
per statement (cursor, execute, fetchall, close): four round trips between the event loop and that
thread, each costing more CPU than a small statement itself. Here a statement is run, its rows
fetched and its cursor closed in one round trip; commit and rollback stay one each, and none when
no transaction is open. Nothing else changes: the same sqlite3 connection, on the same thread,
with the same settings.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Generator
from functools import partial
from typing import Any

import aiosqlite

Row = tuple[Any, ...]
_Result = tuple[Any, int, int | None, list[Row]]  # description, rowcount, lastrowid, rows


def _run(connection: sqlite3.Connection, sql: str, parameters: Any, many: bool) -> _Result:
    """On aiosqlite's thread: the whole life of a cursor."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(sql, parameters)
        else:
            cursor.execute(sql, parameters)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


class Cursor:
    """What SQLAlchemy's aiosqlite adapter uses of an aiosqlite cursor; the rows arrive with execute."""

    arraysize = 1

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self._rows: list[Row] = []

    def __await__(self) -> Generator[Any, None, Cursor]:
        return self
        yield  # a generator that returns at once: `await connection.cursor()` works as in aiosqlite

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def execute(self, sql: str, parameters: Any = ()) -> Cursor:
        return await self._run(sql, parameters, many=False)

    async def executemany(self, sql: str, parameters: Any) -> Cursor:
        return await self._run(sql, parameters, many=True)

    async def _run(self, sql: str, parameters: Any, *, many: bool) -> Cursor:
        self.description, self.rowcount, self.lastrowid, self._rows = await self._connection._execute(
            _run, self._connection._conn, sql, parameters, many
        )
        return self

    async def fetchone(self) -> Row | None:
        return self._rows.pop(0) if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Row]:
        count = size or self.arraysize
        rows, self._rows = self._rows[:count], self._rows[count:]
        return rows

    async def fetchall(self) -> list[Row]:
        rows, self._rows = self._rows, []
        return rows

    async def close(self) -> None:
        self._rows = []


class Connection(aiosqlite.Connection):
    def cursor(self) -> Cursor:  # type: ignore[override]
        return Cursor(self)

    # With no transaction open (sqlite3 opens one at the first write), commit and rollback have
    # nothing to do: no need to ask the thread. That is every rollback of a connection the pool gets
    # back after a commit, and the commit of a unit of work that only read. (Nothing else runs on
    # this connection meanwhile: SQLAlchemy awaits each call before making the next.)

    async def commit(self) -> None:
        if self._connection is not None and not self._connection.in_transaction:
            return
        await super().commit()

    async def rollback(self) -> None:
        if self._connection is not None and not self._connection.in_transaction:
            return
        await super().rollback()


def connector(database: str, **kwargs: Any) -> Callable[[], Connection]:
    """For `create_async_engine(async_creator=...)`: what `aiosqlite.connect(database, **kwargs)` does."""

    def connect() -> Connection:
        connection = Connection(partial(sqlite3.connect, database, **kwargs), iter_chunk_size=64)
        connection._thread.daemon = True  # as SQLAlchemy does for aiosqlite's own connections
        return connection

    return connect
