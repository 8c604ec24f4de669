"""An update Telegram delivers twice is handled once.

Telegram redelivers what it believes unconfirmed — after a crash, a timeout of the webhook, or a
polling offset that was never sent. Each update id is written to the database once it has been
handled; ids handled in the last two days are kept in memory (loaded at the first update after a
start), so checking costs nothing and recording is one statement. Given the FSM storage, the record
shares its transaction with the update's conversation state (and, under load, with those of the
other updates finishing meanwhile: a group commit), so a crash keeps both or neither. An update
whose handling was cut short by a crash was never recorded, so it is handled again when it comes
back: a crash must not swallow a citizen's message.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import TelegramObject, Update
from cachetools import LRUCache
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.clock import Clock
from storage.database import Database
from storage.fsm import SqlStorage
from storage.models import ProcessedUpdate
from storage.update_claims import Claim, RedisUpdateClaims

log = logging.getLogger(__name__)

KEEP = timedelta(days=2)
table = ProcessedUpdate.__table__  # type: ignore[attr-defined]
PRUNE_EVERY = 1000  # updates


class UpdateDedupe(BaseMiddleware):
    def __init__(
        self, db: Database, clock: Clock, *, remember: int = 200_000, storage: SqlStorage | None = None
    ) -> None:
        self.db = db
        self.clock = clock
        self.storage = storage
        self._in_flight: set[int] = set()
        self._handled: LRUCache[int, bool] = LRUCache(maxsize=remember)
        self._remember = remember
        self._loaded = False
        self._recorded = 0
        self._unrecorded: list[dict[str, Any]] = []
        insert = sqlite_insert if db.is_sqlite else pg_insert
        self._insert = insert(table).values(done=True).on_conflict_do_nothing(index_elements=["update_id"])

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        if not self._loaded:
            await self._load()
        update_id = event.update_id
        if update_id in self._in_flight or update_id in self._handled:
            log.info("update %s delivered again: ignored", update_id)
            return UNHANDLED
        self._in_flight.add(update_id)
        try:
            return await handler(event, data)
        finally:
            self._in_flight.discard(update_id)
            self._handled[update_id] = True
            await self._record(update_id)

    async def _load(self) -> None:
        """The ids handled before this start (the window in which Telegram may send them again)."""
        since = self.clock.now() - KEEP
        query = (
            select(table.c.update_id)
            .where(table.c.received_at >= since)
            .order_by(table.c.update_id.desc())
            .limit(self._remember)
        )
        async with self.db.connect() as connection:
            ids = (await connection.execute(query)).scalars().all()
        for update_id in reversed(ids):
            self._handled[update_id] = True
        self._loaded = True

    async def _record(self, update_id: int) -> None:
        self._unrecorded.append({"update_id": update_id, "received_at": self.clock.now()})
        if self.storage is not None:
            await self.storage.flush(along=self._write)
            return
        async with self.db.begin() as connection:
            await self._write(connection)

    async def _write(self, connection: AsyncConnection) -> None:
        """Every id waiting to be recorded, in one statement."""
        # Core statements on a bare connection: this runs for every update, and the ORM's
        # bookkeeping would cost more than the statement itself.
        rows, self._unrecorded = self._unrecorded, []
        if not rows:
            return
        try:
            if self._recorded // PRUNE_EVERY != (self._recorded + len(rows)) // PRUNE_EVERY or not self._recorded:
                now = rows[-1]["received_at"]
                await connection.execute(delete(table).where(table.c.received_at < now - KEEP))
            await connection.execute(self._insert, rows)
        except Exception:
            self._unrecorded = rows + self._unrecorded  # tried again with the next update's
            raise
        self._recorded += len(rows)


class SharedUpdateDedupe(BaseMiddleware):
    """The same guarantee across instances sharing one bot token, through Redis (REDIS_URL): an
    update is handled by one instance, once; while one handles it, a copy delivered to another waits
    for it to finish (or for a dead instance's lease to run out, and then handles it)."""

    def __init__(self, claims: RedisUpdateClaims) -> None:
        self.claims = claims

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        if await self.claims.claim(event.update_id) is Claim.DONE:
            log.info("update %s delivered again: ignored", event.update_id)
            return UNHANDLED
        try:
            return await handler(event, data)
        finally:
            await self.claims.done(event.update_id)
