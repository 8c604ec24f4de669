"""An update Telegram delivers twice is handled once.

Telegram redelivers what it believes unconfirmed — after a crash, a timeout of the webhook, or a
polling offset that was never sent. Each update id is claimed in the database before handling
and marked done after, so the guard holds across restarts. An update claimed but never finished
(the process died while handling it) is handled again when it comes back: a crash must not
swallow a citizen's message.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import TelegramObject, Update
from sqlmodel import col, delete, update

from bot.clock import Clock
from storage.database import Database
from storage.models import ProcessedUpdate

log = logging.getLogger(__name__)

KEEP = timedelta(days=2)
PRUNE_EVERY = 1000  # updates


class UpdateDedupe(BaseMiddleware):
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self._in_flight: set[int] = set()
        self._claims = 0

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        update_id = event.update_id
        if update_id in self._in_flight or not await self._claim(update_id):
            log.info("update %s delivered again: ignored", update_id)
            return UNHANDLED
        self._in_flight.add(update_id)
        try:
            return await handler(event, data)
        finally:
            self._in_flight.discard(update_id)
            async with self.db.transaction() as s:
                await s.exec(update(ProcessedUpdate).where(col(ProcessedUpdate.update_id) == update_id).values(done=True))

    async def _claim(self, update_id: int) -> bool:
        now = self.clock.now()
        self._claims += 1
        async with self.db.transaction() as s:
            if self._claims % PRUNE_EVERY == 1:
                await s.exec(delete(ProcessedUpdate).where(col(ProcessedUpdate.received_at) < now - KEEP))
            seen = await s.get(ProcessedUpdate, update_id)
            if seen is None:
                s.add(ProcessedUpdate(update_id=update_id, received_at=now))
                return True
            return not seen.done  # claimed by a process that died while handling it
