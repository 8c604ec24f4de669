"""SQLite for SQLAlchemy's aiosqlite dialect, with statements run on the event loop's own thread.

A statement of this bot takes a few microseconds in SQLite; sending it to aiosqlite's thread and
back costs far more (a queue, a thread wake-up, a call back into the loop), and every trip lets the
loop run other work while the unit of work holds the one connection — so under load the others
queue for the connection, not for SQLite. Here a statement runs, its rows are fetched and its
cursor closed right where SQLAlchemy asks, and the unit of work does not yield until it is done.

The thread is kept for what may wait: when another process holds the write lock (the CLI importing
an organisation while the bot runs), SQLite answers "busy" at once (busy_timeout is 0 here), and
the same statement is run again on aiosqlite's thread, which then waits up to BUSY_TIMEOUT_MS for
the lock without stopping the loop. Opening and closing the connection stay on the thread too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Generator
from functools import partial
from typing import Any, TypeVar

import aiosqlite

Row = tuple[Any, ...]
_Result = tuple[Any, int, int | None, list[Row]]  # description, rowcount, lastrowid, rows
T = TypeVar("T")

BUSY_TIMEOUT_MS = 30_000  # how long a statement waits (on the thread) for another process's lock


def _run(connection: sqlite3.Connection, sql: str, parameters: Any, many: bool) -> _Result:
    """The whole life of a cursor."""
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


def _is_busy(error: sqlite3.OperationalError) -> bool:
    # SQLITE_BUSY and its extended codes, but not BUSY_SNAPSHOT: a transaction whose snapshot
    # another writer outdated cannot go on by waiting (SQLite itself would not wait either).
    code = getattr(error, "sqlite_errorcode", None)
    return code is not None and code & 0xFF == sqlite3.SQLITE_BUSY and code != sqlite3.SQLITE_BUSY_SNAPSHOT


def _waiting(connection: sqlite3.Connection, call: Callable[[], T]) -> T:
    """On aiosqlite's thread: `call` with SQLite allowed to wait for the lock."""
    connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    try:
        return call()
    finally:
        connection.execute("PRAGMA busy_timeout=0")


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
        self.description, self.rowcount, self.lastrowid, self._rows = await self._connection.call(
            partial(_run, self._connection._conn, sql, parameters, many)
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
    async def call(self, call: Callable[[], T]) -> T:
        """`call` here and now; on aiosqlite's thread, waiting for the lock, if SQLite is busy."""
        try:
            return call()
        except sqlite3.OperationalError as error:
            if not _is_busy(error):
                raise
        return await self._execute(_waiting, self._conn, call)

    def cursor(self) -> Cursor:  # type: ignore[override]
        return Cursor(self)

    # With no transaction open (sqlite3 opens one at the first write), commit and rollback have
    # nothing to do. That is every rollback of a connection the pool gets back after a commit, and
    # the commit of a unit of work that only read.

    async def commit(self) -> None:
        if self._conn.in_transaction:  # `_conn` raises as aiosqlite does once the connection is closed
            await self.call(self._conn.commit)

    async def rollback(self) -> None:
        if self._conn.in_transaction:
            await self.call(self._conn.rollback)


def connector(database: str, **kwargs: Any) -> Callable[[], Connection]:
    """For `create_async_engine(async_creator=...)`: what `aiosqlite.connect(database, **kwargs)`
    does, with a connection the loop's thread may use as well as aiosqlite's (never both at once:
    SQLAlchemy awaits each call before it makes the next)."""

    def connect() -> Connection:
        connect_sqlite = partial(sqlite3.connect, database, **{**kwargs, "check_same_thread": False})
        connection = Connection(connect_sqlite, iter_chunk_size=64)
        connection._thread.daemon = True  # as SQLAlchemy does for aiosqlite's own connections
        return connection

    return connect
