"""Long polling that confirms an update to Telegram only once it has been handled.

aiogram's own loop moves the `getUpdates` offset past an update as soon as it has started a task for
it, so an update still being handled when the process dies is gone for good, and its shutdown does
not wait for those tasks. Here the offset stays at the oldest update still being handled: after a
crash Telegram delivers it again (handled ones among the redelivered are dropped by the update
dedupe), and a stop waits for every running handler before the dispatcher shuts down (its shutdown
hooks close the storage; the database is closed after that).

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

log = logging.getLogger(__name__)

# While the oldest update is still being handled, getUpdates answers at once with what was already
# taken: wait this long (or until a handler finishes) before asking again.
RECHECK = 0.2
BATCH = 100  # getUpdates answers at most this many
CONFLICT = (
    "another process is polling this bot (Telegram answered 409 Conflict): long polling is the "
    "single-instance mode; run several instances with `gridline run --webhook` behind one URL"
)


class TakenUpdates(GetUpdates):
    """getUpdates answered as plain data: only the updates not taken before are parsed. While the
    offset waits at the oldest update still being handled, Telegram sends the later ones again;
    parsing each of them again nearly doubled the pydantic work under load (bench_report: 411k
    model inits -> 236k; CPU per update 3.2-3.5 -> 3.0-3.1 ms)."""

    __returning__ = list[dict[str, Any]]


_ANSWER = Response[list[dict[str, Any]]]  # held: pydantic keeps a parametrised generic only weakly


class InFlight:
    """Updates taken from Telegram and not yet handled; what may be confirmed."""

    def __init__(self) -> None:
        self.running: dict[int, asyncio.Task[Any]] = {}
        self.highest = -1  # every update up to this one was taken
        self.finished = asyncio.Event()

    def is_new(self, update: dict[str, Any]) -> bool:
        return int(update["update_id"]) > self.highest

    def start(self, update: Update, handling: asyncio.Task[Any]) -> None:
        self.highest = max(self.highest, update.update_id)
        self.running[update.update_id] = handling
        handling.add_done_callback(lambda _: self._done(update.update_id))

    def _done(self, update_id: int) -> None:
        self.running.pop(update_id, None)
        self.finished.set()

    def offset(self) -> int | None:
        """The oldest unhandled update (Telegram forgets everything below the offset)."""
        if self.running:
            return min(self.running)
        return self.highest + 1 if self.highest >= 0 else None

    async def settle(self, timeout: float, *, oldest: bool = False) -> None:
        """Until a handler finishes (`oldest`: the oldest one, which moves the offset), at most
        `timeout` seconds. (Not asyncio.wait_for: on Python 3.11 it can swallow the polling's
        cancellation when both happen at once.)"""
        if oldest and self.running:
            await asyncio.wait({self.running[min(self.running)]}, timeout=timeout)
            return
        waiter = asyncio.ensure_future(self.finished.wait())
        try:
            await asyncio.wait({waiter}, timeout=timeout)
        finally:
            waiter.cancel()

    async def drain(self) -> None:
        while self.running:
            await asyncio.gather(*self.running.values(), return_exceptions=True)


class ConfirmingDispatcher(Dispatcher):
    """aiogram's Dispatcher with a polling loop that confirms updates only after handling them.
    `api_base` names the Bot API in the one line logged per failed attempt."""

    def __init__(self, *, api_base: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
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
        try:
            while True:
                taken.finished.clear()
                busy = bool(taken.running)
                method = TakenUpdates(
                    offset=taken.offset(), timeout=0 if busy else polling_timeout, allowed_updates=allowed_updates
                )
                try:
                    updates = await bot(method, request_timeout=request_timeout)
                except TelegramConflictError:
                    if not conflicted:
                        log.error(CONFLICT)
                    conflicted = True
                    await backoff.asleep()
                    continue
                except Exception as error:  # noqa: BLE001 - the network or Telegram: retried, never fatal
                    log.warning(
                        "cannot reach %s: %s (attempt %d, next in %.0f s)",
                        self.api_base,
                        reason(error),
                        backoff.counter + 1,
                        backoff.next_delay,
                    )
                    failed = True
                    await backoff.asleep()
                    continue
                if failed or conflicted:
                    log.info("polling again")
                    failed = conflicted = False
                backoff.reset()
                fresh = [Update.model_validate(raw, context={"bot": bot}) for raw in updates if taken.is_new(raw)]
                for update in fresh:
                    handling = asyncio.create_task(self._process_update(bot=bot, update=update, **kwargs))
                    taken.start(update, handling)
                if not fresh and busy:
                    # Nothing new: wait for a handler to finish (or a moment) before asking again. A
                    # full answer of updates already taken shows nothing newer until the offset
                    # moves: then only the oldest handler's end is worth asking again for.
                    await taken.settle(RECHECK, oldest=len(updates) >= BATCH)
        finally:
            # Stopped (cancelled): the handlers under way finish before the dispatcher shuts down.
            await asyncio.shield(taken.drain())
            log.info("polling stopped for @%s", user.username)
