"""Engine and sessions. Units of work are short: open, change, commit — never across a network call."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Table, event, insert
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.pool import StaticPool
from sqlalchemy.sql.dml import Insert
from sqlmodel import Session
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import Explained
from storage import (
    models,  # noqa: F401 - registers the tables on SQLModel.metadata
    sqlite,
)

ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+pysqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+psycopg2": "postgresql+asyncpg",
}


def async_url(url: str) -> URL:
    """Accept the plain URLs people write (sqlite:///..., postgresql://...) and pick the async driver."""
    parsed = make_url(url)
    return parsed.set(drivername=ASYNC_DRIVERS.get(parsed.drivername, parsed.drivername))


class DatabaseUnavailable(Explained, RuntimeError):
    """The database cannot be opened or created: the message says which and why, in one line."""


def unavailable(url: URL | str, error: BaseException) -> DatabaseUnavailable:
    """What an operator needs from a failed first connection: where (no password), and why."""
    cause = getattr(error, "orig", None) or error  # SQLAlchemy wraps the driver's error
    reason = (getattr(cause, "strerror", None) if isinstance(cause, OSError) else None) or str(cause)
    reason = reason.strip().splitlines()[0] if reason.strip() else type(cause).__name__
    parsed = url if isinstance(url, URL) else make_url(url)
    where = parsed.set(drivername=parsed.get_backend_name()).render_as_string(hide_password=True)
    filename = getattr(cause, "filename", None)
    if filename and str(filename) not in reason:
        reason = f"{reason}: {filename}"
    return DatabaseUnavailable(key="cli-database-unavailable", where=where, reason=reason)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL + NORMAL: a crash of the bot loses no committed row; foreign keys are off by default.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Busy at once: a statement that finds another process holding the lock waits on aiosqlite's
    # thread, not on the event loop's (storage.sqlite).
    cursor.execute("PRAGMA busy_timeout=0")
    cursor.close()


def _make_engine(url: URL) -> AsyncEngine:
    if url.get_backend_name() != "sqlite":
        return create_async_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)
    database = url.database or ""
    # The connection SQLAlchemy's aiosqlite dialect would open, its statements run on the loop's thread.
    args, kwargs = url.get_dialect()().create_connect_args(url)
    creator = sqlite.connector(*args, **kwargs)
    if database in ("", ":memory:"):
        engine = create_async_engine(url, poolclass=StaticPool, async_creator=creator)
    else:
        try:
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise unavailable(url, error) from error
        # One connection: SQLite has a single writer anyway, and serialising the (short) units of
        # work here means a read-check-write in a service can never race another one.
        engine = create_async_engine(url, pool_size=1, max_overflow=0, pool_timeout=60, async_creator=creator)
    event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


_WAKE = "wake_after_commit"


def wake_after_commit(session: Session | AsyncSession, channel: str) -> None:
    """One more message this unit of work queued for `channel`, to be delivered once it commits
    (Database.transaction wakes only the senders of the channels that have something)."""
    queued: dict[str, int] = session.info.setdefault(_WAKE, {})
    queued[channel] = queued.get(channel, 0) + 1


def queued_messages(session: Session | AsyncSession) -> int:
    """How many messages this unit of work has queued so far (a job's summary counts them)."""
    return sum(session.info.get(_WAKE, {}).values())


# -- rows the unit of work only adds ------------------------------------------------------------
# The outbox's messages, the timeline's events, the deputies' notices: a change writes them and
# never reads them back as objects. Built and flushed as ORM objects, a new issue's four of them
# cost more than the rest of the issue; as plain rows, one executemany a table, a fraction.
# Kept, measured: saves 0.1-0.3 ms/update in bench_report (2.25x -> 2.06x, 2.19x -> 2.12x vs session.add)

_QUEUED = "queued_inserts"
_INSERTS: dict[Table, Insert] = {}  # built once a table: a new statement pays for its cache key


def queue_insert(session: Session | AsyncSession, table: Table, row: dict[str, Any]) -> None:
    """Add a row to the unit of work. It is written, with the others queued for its table and in
    the order queued, before the session's next ORM statement or at its commit (write_queued); a
    rollback drops it. Queued rows may refer to rows in the database (their ids are known), never
    to each other."""
    queued: dict[Table, list[dict[str, Any]]] = session.info.setdefault(_QUEUED, {})
    queued.setdefault(table, []).append(row)


def write_queued(session: Session) -> None:
    """Write the queued rows now. Runs by itself before every ORM statement and at the commit; a
    Core statement on `session.connection()` that reads those tables calls it first."""
    queued: dict[Table, list[dict[str, Any]]] | None = session.info.pop(_QUEUED, None)
    if not queued:
        return
    connection = session.connection()
    for table, rows in queued.items():
        statement = _INSERTS.get(table)
        if statement is None:
            statement = _INSERTS[table] = insert(table)
        connection.execute(statement, rows)


@event.listens_for(OrmSession, "do_orm_execute")
def _before_statement(state: ORMExecuteState) -> None:
    write_queued(state.session)


@event.listens_for(OrmSession, "before_commit")
def _at_commit(session: OrmSession) -> None:
    write_queued(session)


@event.listens_for(OrmSession, "after_soft_rollback")  # (Gridline uses no savepoints)
def _drop_queued(session: OrmSession, _previous: object) -> None:
    session.info.pop(_QUEUED, None)


class Database:
    def __init__(self, url: str) -> None:
        self.url = async_url(url)
        self.engine = _make_engine(self.url)
        # Called, with the channels it queued for, after a unit of work that queued messages commits.
        self.on_queued: list[Callable[[frozenset[str]], None]] = []
        self._sessions = async_sessionmaker(
            self.engine,
            class_=AsyncSession,
            expire_on_commit=False,
        )

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    async def create_all(self) -> None:
        """A fresh database gets its tables on first start, at the newest schema: no manual step.
        Any other database must be at that schema: SchemaOutOfDate (`gridline db upgrade`) if not."""
        from storage import migrate  # Alembic is loaded when the database is opened, not on import

        async with self.engine.begin() as connection:
            await connection.run_sync(migrate.lock)
            await connection.run_sync(migrate.ensure_current)

    async def upgrade(self) -> tuple[str | None, str | None]:
        """`gridline db upgrade`: bring the database to the newest schema; (revision before, after)."""
        from storage import migrate

        async with self.connect() as connection:
            if self.is_sqlite:  # a migration that copies a table must not trip the foreign keys
                await connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
                await connection.commit()
            try:
                async with connection.begin():
                    await connection.run_sync(migrate.lock)
                    return await connection.run_sync(migrate.upgrade)
            finally:
                if self.is_sqlite:
                    await connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                    await connection.commit()

    # Every unit of work gives its connection back as soon as it ends. SQLAlchemy's own `async with`
    # closes a session or connection in a task of its own (so a cancelled caller cannot abandon the
    # close halfway), and that task runs only after everything else the event loop has ready: under
    # load, the one SQLite connection would sit idle that long after each unit of work while the
    # others queue for it. Here the close runs at once. It cannot be abandoned halfway either: it
    # does not wait on anything (storage.sqlite runs it on the loop's thread; on PostgreSQL a
    # cancelled close is what asyncpg's pool already copes with).

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        session = self._sessions()
        try:
            yield session
        finally:
            await session.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A unit of work: committed when the block ends, rolled back if it raises. When it queued
        outbox messages (`wake_after_commit`), the senders registered in `on_queued` are woken."""
        async with self.session() as session:
            async with session.begin():
                yield session
            channels = frozenset(session.info.pop(_WAKE, ()))
            if channels:
                for wake in self.on_queued:
                    wake(channels)

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[AsyncConnection]:
        """A bare connection, for Core statements on the hot paths (nothing committed unless asked)."""
        connection = await self.engine.connect().start()
        try:
            yield connection
        finally:
            await connection.close()

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncConnection]:
        """A bare connection in a transaction: committed when the block ends, rolled back if it raises."""
        async with self.connect() as connection, connection.begin():
            yield connection

    async def dispose(self) -> None:
        await self.engine.dispose()
