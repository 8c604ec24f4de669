"""Long polling that keeps every update it takes until it has been handled.

aiogram's own loop confirms an update to Telegram (by asking past it) as soon as it has started a
task for it, so an update still being handled when the process dies is gone for good, and its
shutdown does not wait for those tasks. Here each batch is first written to the inbox
(storage/inbox.py), then confirmed by the next getUpdates; an update leaves the inbox once handled.
At start, what the last run left there is handled first (the update dedupe drops those that had
finished), and a stop waits for every running handler before the dispatcher shuts down (its shutdown
hooks close the storage; the database is closed after that).

Confirming only after handling would work without a table, but Telegram answers at most 100 updates
after the offset: one slow handler then hides everything newer, and the bot idles under load
(bench_report: 2.62x the echo bot's cost per update, 2.34x with the offset moving at once).

Telegram allows one poller per bot token and answers 409 Conflict to the other: that is said once,
in one line, and polling goes on retrying (the other may be an old process still shutting down).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramConflictError
from aiogram.methods import GetUpdates, Response
from aiogram.types import Update
from aiogram.utils.backoff import Backoff, BackoffConfig

from bot.telegram.reach import POLLING_BACKOFF, reason
from storage.inbox import Inbox

log = logging.getLogger(__name__)

RUNNING_LIMIT = 1000  # updates handled at once at most; beyond that they wait at Telegram
CONFLICT = (
    "another process is polling this bot (Telegram answered 409 Conflict): long polling is the "
    "single-instance mode; run several instances with `gridline run --webhook` behind one URL"
)


class RawUpdates(GetUpdates):
    """getUpdates answered as plain data: kept in the inbox as Telegram sent them, and parsed only
    when new (after a crash Telegram may send again what the inbox already holds)."""

    __returning__ = list[dict[str, Any]]


_ANSWER = Response[list[dict[str, Any]]]  # held: pydantic keeps a parametrised generic only weakly


class InFlight:
    """Updates taken from Telegram: the newest id, those being handled, those handled since last kept."""

    def __init__(self) -> None:
        self.running: dict[int, asyncio.Task[Any]] = {}
        self.highest = -1  # every update up to this one was taken
        self.handled: list[int] = []
        self.finished = asyncio.Event()

    def is_new(self, update: dict[str, Any]) -> bool:
        return int(update["update_id"]) > self.highest

    def start(self, update: Update, handling: asyncio.Task[Any]) -> None:
        self.highest = max(self.highest, update.update_id)
        self.running[update.update_id] = handling
        handling.add_done_callback(lambda _: self._done(update.update_id))

    def _done(self, update_id: int) -> None:
        self.running.pop(update_id, None)
        self.handled.append(update_id)
        self.finished.set()

    def offset(self) -> int | None:
        """Past every update taken (None before the first: Telegram's own)."""
        return self.highest + 1 if self.highest >= 0 else None

    def take_handled(self) -> list[int]:
        handled, self.handled = self.handled, []
        return handled

    async def one_finished(self) -> None:
        """Until a handler finishes. (Not asyncio.wait_for: on Python 3.11 it can swallow the
        polling's cancellation when both happen at once.)"""
        self.finished.clear()
        waiter = asyncio.ensure_future(self.finished.wait())
        try:
            await asyncio.wait({waiter})
        finally:
            waiter.cancel()

    async def drain(self) -> None:
        while self.running:
            await asyncio.gather(*self.running.values(), return_exceptions=True)


class InboxDispatcher(Dispatcher):
    """aiogram's Dispatcher with a polling loop that keeps updates in `inbox` until handled.
    `api_base` names the Bot API in the one line logged per failed attempt."""

    def __init__(self, *, inbox: Inbox, api_base: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.inbox = inbox
        self.api_base = api_base

    async def _polling(
        self,
        bot: Bot,
        polling_timeout: int = 30,
        handle_as_tasks: bool = True,
        backoff_config: BackoffConfig = POLLING_BACKOFF,
        allowed_updates: list[str] | None = None,
        tasks_concurrency_limit: int | None = None,
        **kwargs: Any,
    ) -> None:
        user = await bot.me()
        log.info("polling for @%s (id %s)", user.username, bot.id)
        backoff = Backoff(config=backoff_config)
        request_timeout = int(bot.session.timeout + polling_timeout) if bot.session.timeout else None
        taken = InFlight()
        conflicted = failed = False

        def handle(raws: list[dict[str, Any]]) -> None:
            for raw in raws:
                update = Update.model_validate(raw, context={"bot": bot})
                taken.start(update, asyncio.create_task(self._process_update(bot=bot, update=update, **kwargs)))

        try:
            left = await self.inbox.pending()
            if left:
                log.info("handling %d update(s) taken before the last stop", len(left))
                handle(left)
            while True:
                if len(taken.running) >= RUNNING_LIMIT:
                    await taken.one_finished()
                    continue
                method = RawUpdates(offset=taken.offset(), timeout=polling_timeout, allowed_updates=allowed_updates)
                try:
                    updates = await bot(method, request_timeout=request_timeout)
                except TelegramConflictError:
                    if not conflicted:
                        log.error(CONFLICT)
                    conflicted = True
                    await backoff.asleep()
                    continue
                except Exception as error:  # noqa: BLE001 - the network or Telegram: retried, never fatal
                    self._retrying("cannot reach %s: %s", self.api_base, error, backoff)
                    failed = True
                    await backoff.asleep()
                    continue
                fresh = [raw for raw in updates if taken.is_new(raw)]
                handled = taken.take_handled()
                try:
                    await self.inbox.keep(fresh, handled=handled)
                except Exception as error:  # noqa: BLE001 - not kept, so not confirmed: asked for again
                    taken.handled[:0] = handled
                    self._retrying("cannot keep updates in %s: %s", "the database", error, backoff)
                    failed = True
                    await backoff.asleep()
                    continue
                if failed or conflicted:
                    log.info("polling again")
                    failed = conflicted = False
                backoff.reset()
                handle(fresh)  # confirmed to Telegram by the next getUpdates: they are kept
        finally:
            # Stopped (cancelled): the handlers under way finish before the dispatcher shuts down.
            await asyncio.shield(self._stop(taken))
            log.info("polling stopped for @%s", user.username)

    @staticmethod
    def _retrying(what: str, where: str, error: Exception, backoff: Backoff) -> None:
        log.warning(
            what + " (attempt %d, next in %.0f s)", where, reason(error), backoff.counter + 1, backoff.next_delay
        )

    async def _stop(self, taken: InFlight) -> None:
        await taken.drain()
        try:
            await self.inbox.keep([], handled=taken.take_handled())
        except Exception as error:  # noqa: BLE001 - left in the inbox: skipped by the dedupe at the next start
            log.warning("handled updates not cleared from the inbox: %s", reason(error))
