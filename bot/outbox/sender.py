"""Delivers the outbox: at least once, in order within a chat, paced by the FloodLimiter.

One worker task per chat with due messages, so a slow group (20 a minute) never holds up a
citizen's private chat. A row is marked sent only after Telegram accepted it: a crash between
the two sends that one message again on restart, and nothing is ever lost.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import random
from datetime import timedelta
from enum import Enum, auto
from typing import Any

import aiogram.methods
from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import TelegramMethod
from aiogram.types import BufferedInputFile, Message, MessageId
from sqlmodel import col, func, select, update

from bot.clock import Clock
from bot.deputies.service import remember_contact_message
from bot.issues import service
from storage.database import Database
from storage.models import OutboxMessage, OutboxStatus, UnreachableChat

log = logging.getLogger(__name__)

METHODS: dict[str, type[TelegramMethod[Any]]] = {
    cls.__api_method__: cls
    for cls in (getattr(aiogram.methods, name) for name in aiogram.methods.__all__)
    if isinstance(getattr(cls, "__api_method__", None), str)
}
NOT_MODIFIED = "message is not modified"


class Outcome(Enum):
    DONE = auto()  # sent, or failed for good: go on with the chat's next message
    LATER = auto()  # retry this message later; the chat's later messages wait behind it
    CHAT_GONE = auto()  # 403: nothing more goes to this chat


class OutboxSender:
    def __init__(
        self,
        *,
        bot: Bot,
        db: Database,
        clock: Clock,
        poll_interval: float = 1.0,
        max_workers: int = 64,
        max_attempts: int = 12,
        max_backoff: float = 300.0,
    ) -> None:
        self.bot = bot
        self.db = db
        self.clock = clock
        self.poll_interval = poll_interval
        self.max_attempts = max_attempts
        self.max_backoff = max_backoff
        self._wake = asyncio.Event()
        self._slots = asyncio.Semaphore(max_workers)
        self._workers: dict[int, asyncio.Task[None]] = {}
        self._stopping = False

    def wake(self) -> None:
        """Called after a transaction that queued messages commits."""
        self._wake.set()

    async def run(self) -> None:
        while not self._stopping:
            try:
                await self._start_due_workers()
            except Exception:  # a database hiccup must not end delivery for good
                log.exception("outbox: scanning for due messages failed")
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.poll_interval)
            except TimeoutError:
                pass
            self._wake.clear()

    async def stop(self, grace: float = 5.0) -> None:
        self._stopping = True
        self._wake.set()
        workers = list(self._workers.values())
        if workers:
            _, pending = await asyncio.wait(workers, timeout=grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

    async def settled(self, chat_id: int, timeout: float = 3.0) -> None:
        """Wait for the chat's delivery in progress, if any, to finish and record its messages.

        A reply can arrive a moment after a message went out but before the sender stored which
        issue that message belongs to; whoever looks the reply up waits for this first.
        """
        worker = self._workers.get(chat_id)
        if worker is not None:
            await asyncio.wait({worker}, timeout=timeout)

    async def drain(self, timeout: float = 30.0) -> None:
        """Wait until nothing is due (used by the CLI and benchmarks)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while asyncio.get_running_loop().time() < deadline:
            await self._start_due_workers()
            if not self._workers and not await self._due_chats():
                return
            await asyncio.sleep(0.05)
        raise TimeoutError("outbox not drained")

    # -- scheduling ------------------------------------------------------------------------------

    async def _due_chats(self) -> list[int]:
        """Chats whose oldest pending message is due."""
        heads = (
            select(OutboxMessage.chat_id, func.min(OutboxMessage.id).label("head"))
            .where(OutboxMessage.status == OutboxStatus.PENDING)
            .group_by(col(OutboxMessage.chat_id))
            .subquery()
        )
        query = (
            select(OutboxMessage.chat_id)
            .join(heads, col(OutboxMessage.id) == heads.c.head)
            .where(col(OutboxMessage.next_attempt_at) <= self.clock.now())
            .order_by(heads.c.head)
        )
        async with self.db.session() as s:
            return [int(chat_id) for chat_id in (await s.exec(query)).all()]

    async def _start_due_workers(self) -> None:
        for chat_id in await self._due_chats():
            if chat_id not in self._workers and not self._stopping:
                task = asyncio.create_task(self._chat_worker(chat_id), name=f"outbox-{chat_id}")
                self._workers[chat_id] = task

    async def _chat_worker(self, chat_id: int) -> None:
        try:
            async with self._slots:
                while not self._stopping:
                    row = await self._head(chat_id)
                    if row is None or row.next_attempt_at > self.clock.now():
                        return
                    outcome = await self._deliver(row)
                    if outcome is not Outcome.DONE:
                        return
        except Exception:
            log.exception("outbox: worker for chat %s failed", chat_id)
        finally:
            self._workers.pop(chat_id, None)
            self._wake.set()  # rescan: more may have been queued for this chat meanwhile

    async def _head(self, chat_id: int) -> OutboxMessage | None:
        query = (
            select(OutboxMessage)
            .where(OutboxMessage.chat_id == chat_id, OutboxMessage.status == OutboxStatus.PENDING)
            .order_by(col(OutboxMessage.id))
            .limit(1)
        )
        async with self.db.session() as s:
            return (await s.exec(query)).first()

    # -- one message -----------------------------------------------------------------------------

    async def _requests(self, row: OutboxMessage) -> list[TelegramMethod[Any]]:
        """The Bot API call(s) for a row, with reply and edit targets filled in now."""
        params = {**_uploads(row.params), "chat_id": row.chat_id}
        cls = METHODS[row.method]
        if row.target_kind is None or row.issue_id is None:
            return [cls.model_validate(params)]
        async with self.db.session() as s:
            targets = await service.links(s, issue_id=row.issue_id, chat_id=row.chat_id, kind=row.target_kind)
        if row.method.startswith("edit"):
            return [cls.model_validate({**params, "message_id": link.message_id}) for link in targets]
        if targets:
            params["reply_parameters"] = {"message_id": targets[-1].message_id, "allow_sending_without_reply": True}
        return [cls.model_validate(params)]

    async def _deliver(self, row: OutboxMessage) -> Outcome:
        try:
            requests = await self._requests(row)
            results = [await self._call(request, edit=row.method.startswith("edit")) for request in requests]
        except TelegramRetryAfter as error:
            await self._retry(row, delay=float(error.retry_after), error=str(error), count=False)
            return Outcome.LATER
        except TelegramForbiddenError as error:
            await self._chat_gone(row, str(error))
            return Outcome.CHAT_GONE
        except TelegramBadRequest as error:
            await self._fail(row, f"400: {error.message}")
            return Outcome.DONE
        except (TelegramNetworkError, TelegramServerError, TimeoutError) as error:
            if row.attempts + 1 >= self.max_attempts:
                await self._fail(row, f"gave up: {error}")
                return Outcome.DONE
            delay = min(self.max_backoff, 2 ** row.attempts) * random.uniform(0.8, 1.2)
            await self._retry(row, delay=delay, error=str(error), count=True)
            return Outcome.LATER
        except (TelegramAPIError, ValueError) as error:  # refused for good, e.g. a malformed request
            await self._fail(row, str(error))
            return Outcome.DONE
        await self._sent(row, results)
        return Outcome.DONE

    async def _call(self, request: TelegramMethod[Any], *, edit: bool) -> Any:
        try:
            return await self.bot(request)
        except TelegramBadRequest as error:
            if edit:  # an unchanged or deleted card needs no edit; the others still get theirs
                if NOT_MODIFIED not in error.message:
                    log.warning("outbox: edit skipped: %s", error.message)
                return None
            raise

    async def _sent(self, row: OutboxMessage, results: list[Any]) -> None:
        now = self.clock.now()
        async with self.db.transaction() as s:
            await s.exec(
                update(OutboxMessage)
                .where(col(OutboxMessage.id) == row.id)
                .values(status=OutboxStatus.SENT, sent_at=now, attempts=row.attempts + 1, last_error=None)
            )
            if row.link_kind is not None and row.issue_id is not None:
                for message_id in _message_ids(results):
                    service.remember_message(
                        s, chat_id=row.chat_id, message_id=message_id, issue_id=row.issue_id,
                        kind=row.link_kind, now=now,
                    )
            if row.link_kind is not None and row.contact_id is not None:
                for message_id in _message_ids(results):
                    remember_contact_message(s, chat_id=row.chat_id, message_id=message_id,
                                             contact_id=row.contact_id, kind=row.link_kind, now=now)

    async def _retry(self, row: OutboxMessage, *, delay: float, error: str, count: bool) -> None:
        log.info("outbox: message %s to %s retried in %.1fs: %s", row.id, row.chat_id, delay, error)
        async with self.db.transaction() as s:
            await s.exec(
                update(OutboxMessage)
                .where(col(OutboxMessage.id) == row.id)
                .values(
                    next_attempt_at=self.clock.now() + timedelta(seconds=delay),
                    attempts=row.attempts + (1 if count else 0),
                    last_error=error[:500],
                )
            )

    async def _fail(self, row: OutboxMessage, error: str) -> None:
        log.warning("outbox: message %s to %s failed: %s", row.id, row.chat_id, error)
        async with self.db.transaction() as s:
            await s.exec(
                update(OutboxMessage)
                .where(col(OutboxMessage.id) == row.id)
                .values(status=OutboxStatus.FAILED, attempts=row.attempts + 1, last_error=error[:500])
            )

    async def _chat_gone(self, row: OutboxMessage, error: str) -> None:
        """Blocked by the user, or removed from the group: stop sending there."""
        log.warning("outbox: chat %s unreachable: %s", row.chat_id, error)
        async with self.db.transaction() as s:
            await s.exec(
                update(OutboxMessage)
                .where(OutboxMessage.chat_id == row.chat_id, OutboxMessage.status == OutboxStatus.PENDING)
                .values(status=OutboxStatus.FAILED, last_error=f"unreachable: {error}"[:500])
            )
            if await s.get(UnreachableChat, row.chat_id) is None:
                s.add(UnreachableChat(chat_id=row.chat_id, since=self.clock.now(), reason=error[:200]))


def _uploads(params: dict[str, Any]) -> dict[str, Any]:
    """A file queued with the message ({"upload": base64, "filename": ...}) is sent as an upload."""
    return {
        key: BufferedInputFile(base64.b64decode(value["upload"]), filename=str(value.get("filename", "file")))
        if isinstance(value, dict) and "upload" in value else value
        for key, value in params.items()
    }


def _message_ids(results: list[Any]) -> list[int]:
    ids: list[int] = []
    for result in results:
        items = result if isinstance(result, list) else [result]
        ids += [item.message_id for item in items if isinstance(item, Message | MessageId)]
    return ids
