"""Engine and sessions. Units of work are short: open, change, commit — never across a network call."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

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
    if database in ("", ":memory:"):
        creator = sqlite.connector(*args, **{**kwargs, "check_same_thread": False})
        engine = create_async_engine(url, poolclass=StaticPool, async_creator=creator)
    else:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        # One connection: SQLite has a single writer anyway, and serialising the (short) units of
        # work here means a read-check-write in a service can never race another one.
        creator = sqlite.connector(*args, **kwargs)
        engine = create_async_engine(url, pool_size=1, max_overflow=0, pool_timeout=60, async_creator=creator)
    event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


# The organisation's rows that one unit of work reads again and again (a new issue's card, push and
# buttons each walk the grid path). The session's identity map holds rows weakly, so a row nobody
# keeps is read from the database again at the next `session.get`.
KEPT_FOR_THE_SESSION = (models.Grid, models.Category)


def remembered(session: Session | AsyncSession, kind: str) -> dict[Any, Any]:
    """Answers kept for one unit of work (in the session's `info`, so they end with it). For what
    does not change inside a flow yet is asked for several times by one change of an issue: the
    organisation's rows, the group holding a grid."""
    return session.info.setdefault(kind, {})  # type: ignore[no-any-return]


class _Session(Session):
    """Keeps the organisation's rows it loaded until the session ends: repeated gets cost no query."""


@event.listens_for(_Session, "loaded_as_persistent")
def _keep(session: Session, instance: object) -> None:
    if isinstance(instance, KEPT_FOR_THE_SESSION):
        session.info.setdefault("kept", []).append(instance)


class Database:
    def __init__(self, url: str) -> None:
        self.url = async_url(url)
        self.engine = _make_engine(self.url)
        self._sessions = async_sessionmaker(
            self.engine, class_=AsyncSession, sync_session_class=_Session, expire_on_commit=False
        )

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    async def create_all(self) -> None:
        """A fresh database gets its tables on first start: no manual migration step."""
        async with self.engine.begin() as connection:
            await connection.run_sync(SQLModel.metadata.create_all)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self._sessions() as session:
            yield session

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A unit of work: committed when the block ends, rolled back if it raises."""
        async with self._sessions() as session, session.begin():
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()
