"""aiogram FSM storage in the database, so a half-finished report survives a bot restart.

Reads are served from a bounded in-process cache. Writes land in the cache and a pending set that
`flush()` writes at the end of every update, inside the user's event lock (UpdateDedupe flushes in
the transaction that records the update as handled; FsmFlushMiddleware where no dedupe runs), so an
update's state is in the database before the user's next update is handled. That is exact while
one bot process owns the conversations, which is how Gridline runs (one long-polling or webhook
process per bot token).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from aiogram import BaseMiddleware
from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, KeyBuilder, StateType, StorageKey
from aiogram.types import TelegramObject
from cachetools import LRUCache
from sqlalchemy import bindparam, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.database import Database
from storage.models import FsmRecord

_Record = tuple[str | None, dict[str, Any]]
table = FsmRecord.__table__  # type: ignore[attr-defined]


def _now() -> datetime:
    return datetime.now(UTC)


async def forget_before(db: Database, cutoff: datetime) -> int:
    """Delete the conversations last written before `cutoff`; how many."""
    async with db.begin() as connection:
        result = await connection.execute(delete(table).where(table.c.updated_at < cutoff))
    return result.rowcount


class SqlStorage(BaseStorage):
    def __init__(
        self,
        db: Database,
        *,
        key_builder: KeyBuilder | None = None,
        cache_size: int = 10_000,
        clock: Callable[[], datetime] = _now,
        keep: timedelta | None = None,
    ) -> None:
        """`keep`: a conversation left alone this long is forgotten (a report's draft may hold a
        phone number); the `drafts-prune` job deletes such rows, reads ignore them meanwhile."""
        self._db = db
        self._keys = key_builder or DefaultKeyBuilder(with_destiny=True)
        self._keep = keep
        # Each record with when it was last written (None: nothing stored).
        self._cache: LRUCache[str, tuple[_Record, datetime | None]] = LRUCache(maxsize=cache_size)
        self._pending: dict[str, _Record] = {}
        self._clock = clock
        self._along: dict[Callable[[AsyncConnection], Awaitable[None]], None] = {}  # ordered, no repeats
        self._next: asyncio.Future[None] | None = None  # the commit the next flush waits for
        self._committer: asyncio.Task[None] | None = None
        self._select = select(table.c.state, table.c.data, table.c.updated_at).where(table.c.key == bindparam("key"))
        insert = sqlite_insert if db.is_sqlite else pg_insert
        statement = insert(table)
        self._upsert = statement.on_conflict_do_update(
            index_elements=["key"],
            set_={name: statement.excluded[name] for name in ("state", "data", "updated_at")},
        )

    async def _load(self, key: str) -> _Record:
        if key in self._pending:
            return self._pending[key]
        if key not in self._cache:
            # Core on a bare connection: read once per conversation, but at the first update of each.
            async with self._db.connect() as connection:
                row = (await connection.execute(self._select, {"key": key})).first()
            self._cache[key] = ((row.state, dict(row.data)), row.updated_at) if row else ((None, {}), None)
        record, written = self._cache[key]
        if self._keep is not None and written is not None and written < self._clock() - self._keep:
            return None, {}  # left alone too long: forgotten
        return record

    async def _save(self, key: str, state: str | None, data: dict[str, Any]) -> None:
        # Round-trip through JSON now, so a value that cannot be stored fails in the handler
        # that put it there rather than later in some other update.
        data = json.loads(json.dumps(data, ensure_ascii=False))
        self._cache[key] = ((state, data), self._clock())
        self._pending[key] = (state, data)  # kept apart: the LRU cache may evict before the flush

    async def flush(self, *, along: Callable[[AsyncConnection], Awaitable[None]] | None = None) -> None:
        """Write every pending change (empty records are deleted, the others upserted) and, in the
        same transaction, whatever `along` writes; return once that is committed.

        Flushes that come while a commit is under way share the next one (a group commit): with
        many conversations at once, the database does one transaction for many updates instead
        of one each. `along` is called once per commit however many flushes pass it, and writes
        everything it has waiting.
        """
        if not self._pending and along is None:
            return
        if along is not None:
            self._along[along] = None
        if self._next is None:
            self._next = asyncio.get_running_loop().create_future()
        committed = self._next
        if self._committer is None or self._committer.done():
            self._committer = asyncio.create_task(self._commit_all(), name="fsm-commit")
        await asyncio.shield(committed)  # a cancelled update must not cancel the others' commit

    async def _commit_all(self) -> None:
        while self._next is not None:
            done, self._next = self._next, None
            along, self._along = list(self._along), {}
            try:
                await self._commit(along)
            except Exception as error:
                done.set_exception(error)
                done.exception()  # retrieved: a flush that was cancelled meanwhile leaves no warning
            else:
                done.set_result(None)

    async def _commit(self, along: list[Callable[[AsyncConnection], Awaitable[None]]]) -> None:
        pending, self._pending = self._pending, {}
        now = self._clock()
        gone = [key for key, (state, data) in pending.items() if state is None and not data]
        kept = [
            {"key": key, "state": state, "data": data, "updated_at": now}
            for key, (state, data) in pending.items()
            if state is not None or data
        ]
        try:
            # Core statements on a bare connection: this runs for every update.
            async with self._db.begin() as connection:
                if gone:
                    await connection.execute(delete(table).where(table.c.key.in_(gone)))
                if kept:
                    await connection.execute(self._upsert, kept)
                for write in along:
                    await write(connection)
        except Exception:
            # Keep what failed for the next flush, unless a newer change superseded it.
            self._pending = {**pending, **self._pending}
            raise

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        name = self._keys.build(key)
        _, data = await self._load(name)
        await self._save(name, state.state if isinstance(state, State) else state, data)

    async def get_state(self, key: StorageKey) -> str | None:
        state, _ = await self._load(self._keys.build(key))
        return state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if not isinstance(data, dict):
            raise DataNotDictLikeError(f"Data must be a dict or dict-like object, got {type(data).__name__}")
        name = self._keys.build(key)
        state, _ = await self._load(name)
        await self._save(name, state, dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        _, data = await self._load(self._keys.build(key))
        return json.loads(json.dumps(data))  # a deep copy: callers may mutate it

    async def close(self) -> None:
        await self.flush()
        if self._committer is not None:  # a commit of updates cut short by the shutdown, too
            await asyncio.gather(self._committer, return_exceptions=True)
        self._cache.clear()


class FsmFlushMiddleware(BaseMiddleware):
    """Writes the update's conversation state once, when the update is done (even if it failed).
    For a dispatcher without UpdateDedupe, which does this itself."""

    def __init__(self, storage: SqlStorage) -> None:
        self.storage = storage

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        try:
            return await handler(event, data)
        finally:
            await self.storage.flush()
