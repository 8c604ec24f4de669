"""aiogram FSM storage in the database, so a half-finished report survives a bot restart.

Writes go straight to the database; reads are served from a bounded in-process cache that
the writes keep current. That is exact while one bot process owns the conversations, which is
how Gridline runs (one long-polling or webhook process per bot token).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, KeyBuilder, StateType, StorageKey
from cachetools import LRUCache

from storage.database import Database
from storage.models import FsmRecord

_Record = tuple[str | None, dict[str, Any]]


def _now() -> datetime:
    return datetime.now(UTC)


class SqlStorage(BaseStorage):
    def __init__(
        self,
        db: Database,
        *,
        key_builder: KeyBuilder | None = None,
        cache_size: int = 10_000,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self._db = db
        self._keys = key_builder or DefaultKeyBuilder(with_destiny=True)
        self._cache: LRUCache[str, _Record] = LRUCache(maxsize=cache_size)
        self._clock = clock

    async def _load(self, key: str) -> _Record:
        if key in self._cache:
            return self._cache[key]
        async with self._db.session() as session:
            row = await session.get(FsmRecord, key)
        record: _Record = (row.state, dict(row.data)) if row else (None, {})
        self._cache[key] = record
        return record

    async def _save(self, key: str, state: str | None, data: dict[str, Any]) -> None:
        # Round-trip through JSON now, so a value that cannot be stored fails in the handler
        # that put it there rather than later in some other update.
        data = json.loads(json.dumps(data, ensure_ascii=False))
        async with self._db.transaction() as session:
            row = await session.get(FsmRecord, key)
            if state is None and not data:
                if row is not None:
                    await session.delete(row)
            elif row is None:
                session.add(FsmRecord(key=key, state=state, data=data, updated_at=self._clock()))
            else:
                row.state, row.data, row.updated_at = state, data, self._clock()
                session.add(row)
        self._cache[key] = (state, data)

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
        self._cache.clear()
