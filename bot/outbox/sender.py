"""Delivers the outbox of one channel: at least once, in order within a chat.

One sender per channel; its transport (bot.outbox.transport) turns a row into the channel's
request(s), paces them to the channel's limits and answers with a Delivery — this module imports
no channel SDK. One worker task per chat with due messages, so a slow group (20 a minute) never
holds up a citizen's private chat. A row is marked sent only after the service accepted it: a
crash between the two sends that one message again on restart, and nothing is ever lost.

What the transport answers: RetryAfter waits exactly as long as asked; Retry (network errors,
timeouts, 5xx) backs off exponentially (with jitter) and gives up only after a day; Gone fails
the chat's pending messages and marks it unreachable (the `on_chat_gone` hook tells
administrators when it is a group); Refused fails the one message with the service's reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from enum import Enum, auto
from typing import Any

from sqlalchemy import bindparam, insert
from sqlmodel import col, delete, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock
from bot.outbox.claims import Claims
from bot.outbox.transport import Gone, Refused, Retry, RetryAfter, Sent, Transport
from storage.database import Database
from storage.models import DeputyMessageLink, MessageLink, OutboxMessage, OutboxStatus, UnreachableChat

log = logging.getLogger(__name__)

_MARK_SENT = (  # built once: it runs for every group of deliveries
    update(OutboxMessage)
    .where(col(OutboxMessage.id).in_(bindparam("ids", expanding=True)))
    .values(
        status=bindparam("sent"),
        sent_at=bindparam("now"),
        attempts=col(OutboxMessage.attempts) + 1,
        last_error=None,
    )
)
SCAN_GAP = 0.02
# Deliveries under way or sent but not yet committed as sent: what a crash could send twice.
# Workers wait (for the group commit, or for deliveries to end) rather than start more.
MAX_UNRECORDED = 50
# Called in the transaction that marks a chat unreachable, the first time it does.
ChatGoneHook = Callable[[AsyncSession, int, str, datetime], Awaitable[None]]


class Outcome(Enum):
    DONE = auto()  # sent, or failed for good: go on with the chat's next message
    LATER = auto()  # retry this message later; the chat's later messages wait behind it
    CHAT_GONE = auto()  # Gone: nothing more goes to this chat


class OutboxSender:
    """Delivers the rows of `transport.channel`.

    `reads_on(chat_id)`: a slow chat (a Telegram group, a WeCom robot: 20 a minute) whose worker
    reads on by itself rather than wait for the next scan. `remember_unreachable`: record a gone
    chat in UnreachableChat (keyed by the Telegram chat id, so for Telegram only) and call
    `on_chat_gone` the first time; without it, `on_chat_gone` is called at every Gone.
    """

    def __init__(
        self,
        *,
        transport: Transport,
        db: Database,
        clock: Clock,
        poll_interval: float = 1.0,
        max_workers: int = 256,
        give_up_after: timedelta = timedelta(days=1),
        max_backoff: float = 300.0,
        on_chat_gone: ChatGoneHook | None = None,
        reads_on: Callable[[int], bool] | None = None,
        remember_unreachable: bool = True,
        claims: Claims | None = None,
    ) -> None:
        self.transport = transport
        self.channel = transport.channel
        self.db = db
        self.clock = clock
        self.poll_interval = poll_interval
        self.give_up_after = give_up_after
        self.max_backoff = max_backoff
        self.on_chat_gone = on_chat_gone
        self.reads_on = reads_on or (lambda _chat_id: False)
        self.remember_unreachable = remember_unreachable
        # The rows this sender holds (several instances share the outbox: bot.outbox.claims).
        self.claims = claims or Claims(db, transport.channel)
        self._unreachable: set[int] | None = None  # loaded on first use
        self._acks: list[tuple[OutboxMessage, list[int], asyncio.Future[None]]] = []
        self._flusher: asyncio.Task[None] | None = None
        self._chat_acks: dict[int, list[asyncio.Future[None]]] = {}
        self._unrecorded = 0
        self._in_flight = 0
        self._room = asyncio.Event()  # set when a delivery ends or is recorded
        self._wake = asyncio.Event()
        self.max_workers = max_workers
        self._parked: dict[int, datetime] = {}  # chat -> when its oldest message is due again
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
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.poll_interval)
            # Coalesce wake-ups (every finished worker sends one) so a busy outbox is not rescanned
            # hundreds of times a second; a new message waits this long at most.
            await asyncio.sleep(SCAN_GAP)
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
        if self._flusher is not None:  # deliveries already made are recorded before the database closes
            await asyncio.gather(self._flusher, return_exceptions=True)
        try:  # what it still holds is for the other instances to take now, not when the lease runs out
            await self.claims.release()
        except Exception:
            log.exception("outbox: giving back the %s sender's leases failed", self.channel)

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
            if not self._workers and not await self.claims.anything_due(self.clock.now()):
                return
            await asyncio.sleep(0.05)
        raise TimeoutError("outbox not drained")

    # -- scheduling ------------------------------------------------------------------------------

    async def _due_rows(self, chats: int) -> dict[int, list[OutboxMessage]]:
        """Due rows of up to `chats` chats that have no worker here, oldest first, by chat, leased to
        this sender (bot.outbox.claims): one statement hands the workers their first rows, so a busy
        outbox costs one round trip per scan rather than one per chat. A chat whose oldest message
        waits for a retry is skipped (parked in memory, and not due in the query either)."""
        now = self.clock.now()
        for chat_id in [c for c, until in self._parked.items() if until <= now]:
            del self._parked[chat_id]
        return await self.claims.claim(now, chats=chats, skip=set(self._workers) | set(self._parked))

    async def _start_due_workers(self) -> None:
        now = self.clock.now()
        if self.claims.renewal_due(now):  # before any claim, and every LEASE/3 while running
            await self.claims.renew(now)
        free = self.max_workers - len(self._workers)
        if free <= 0 or self._stopping:
            return
        epoch = self.claims.epoch  # read before the rows are leased: a later renewal may void them
        for chat_id, rows in (await self._due_rows(free)).items():
            if chat_id not in self._workers:
                self._workers[chat_id] = asyncio.create_task(
                    self._chat_worker(chat_id, rows, epoch), name=f"outbox-{self.channel}-{chat_id}"
                )

    async def _chat_worker(self, chat_id: int, rows: list[OutboxMessage], epoch: int) -> None:
        """Send the chat's rows in order; the next scan, when this worker ends, finds any more.

        A group's worker reads on by itself (`reads_on`): at 20 a minute a group is the slowest chat
        to serve, so it should not wait for the scan to come round to its later rows.
        """
        try:
            while (
                rows and await self._send_rows(chat_id, rows, epoch) and self.reads_on(chat_id) and not self._stopping
            ):
                await self._acked(chat_id)  # what was sent must read as sent before reading on
                epoch = self.claims.epoch
                rows = await self._next_rows(chat_id)
        except Exception:
            log.exception("outbox: worker for chat %s failed", chat_id)
        finally:
            try:
                await self._acked(chat_id)  # no new worker may read this chat's rows before that
            except Exception:
                log.exception("outbox: recording deliveries to chat %s failed", chat_id)
            self._workers.pop(chat_id, None)
            self._wake.set()  # rescan: more may have been queued for this chat meanwhile

    async def _next_rows(self, chat_id: int) -> list[OutboxMessage]:
        return (await self.claims.claim(self.clock.now(), chats=1, chat_id=chat_id)).get(chat_id, [])

    async def _send_rows(self, chat_id: int, rows: list[OutboxMessage], epoch: int) -> bool:
        """True if all went (sent or failed for good); False if the chat must wait or is gone."""
        for row in rows:
            if row.next_attempt_at > self.clock.now():
                self._parked[chat_id] = row.next_attempt_at
                return False
            if self._stopping:
                return False
            if not self._still_held(epoch):
                log.warning("outbox: %s lease on chat %s ran out; left to whoever takes it", self.channel, chat_id)
                return False
            if row.target_kind is not None:
                await self._acked(chat_id)  # it replies to or edits a message just sent
            while self._in_flight + self._unrecorded >= MAX_UNRECORDED:
                self._room.clear()
                await self._room.wait()
            self._in_flight += 1
            try:
                outcome = await self._deliver(row)
            finally:
                self._in_flight -= 1
                self._room.set()
            if outcome is not Outcome.DONE:
                return False
        return True

    def _still_held(self, epoch: int) -> bool:
        """The lease outlasts the next delivery (a margin for it), and has not run out since the rows
        were leased: past that, another instance may have taken the chat, and sending would repeat
        or reorder its messages."""
        if self.claims.epoch != epoch:
            return False
        held_until = self.claims.held_until()
        return held_until is None or self.clock.now() < held_until - self.claims.lease / 4

    # -- one message -----------------------------------------------------------------------------

    async def _deliver(self, row: OutboxMessage) -> Outcome:
        delivery = await self.transport.deliver(row)
        match delivery:
            case Sent(message_ids=message_ids):
                self._sent(row, message_ids)
                return Outcome.DONE
            case RetryAfter(seconds=seconds, error=error):
                # Exactly as long as the service asks: the row is due then, and a timer wakes the loop.
                await self._retry(row, delay=seconds, error=error, count=False)
                asyncio.get_running_loop().call_later(seconds, self.wake)
                return Outcome.LATER
            case Retry(error=error):
                if self.clock.now() - row.created_at > self.give_up_after:
                    await self._fail(row, f"gave up: {error}")
                    return Outcome.DONE
                delay = min(self.max_backoff, 2 ** min(row.attempts, 20)) * random.uniform(0.8, 1.2)
                await self._retry(row, delay=delay, error=error, count=True)
                asyncio.get_running_loop().call_later(delay, self.wake)
                return Outcome.LATER
            case Gone(error=error):
                await self._chat_gone(row, error)
                return Outcome.CHAT_GONE
            case Refused(error=error):
                await self._fail(row, error)
                return Outcome.DONE
        raise TypeError(f"not a Delivery: {delivery!r}")

    def _sent(self, row: OutboxMessage, message_ids: list[int]) -> None:
        """Record a delivery, without waiting for the commit.

        Deliveries finishing together share one transaction (a group commit): a commit per
        message, waited for before the next, would make the database, not the service, the limit.
        Until its commit a message counts as in flight (a crash sends it again); the chat's
        worker waits for its commits before it ends or sends something that refers to them.
        """
        done = asyncio.get_running_loop().create_future()
        self._acks.append((row, message_ids, done))
        self._unrecorded += 1
        self._chat_acks.setdefault(row.chat_id, []).append(done)
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush_acks(), name="outbox-acks")

    async def _acked(self, chat_id: int) -> None:
        pending = self._chat_acks.pop(chat_id, [])
        if pending:
            await asyncio.gather(*pending)

    async def _flush_acks(self) -> None:
        while self._acks:
            batch, self._acks = self._acks, []
            try:
                await self._record_sent([(row, message_ids) for row, message_ids, _ in batch])
            except Exception as error:
                for *_, done in batch:
                    done.set_exception(error)
                continue
            finally:
                self._unrecorded -= len(batch)
                self._room.set()
            for *_, done in batch:
                done.set_result(None)

    async def _record_sent(self, batch: list[tuple[OutboxMessage, list[int]]]) -> None:
        """Core statements, not the ORM: this runs for every delivery, a few hundred times a
        second when the outbox is busy, and a unit of work of the ORM cost several times the SQL."""
        now = self.clock.now()
        unreachable = await self._unreachable_chats()  # before the transaction: one connection
        came_back = {row.chat_id for row, _ in batch if row.chat_id in unreachable}
        issue_links: list[dict[str, Any]] = []
        contact_links: list[dict[str, Any]] = []
        for row, message_ids in batch:
            if row.link_kind is None:
                continue
            for message_id in message_ids:
                link = {"chat_id": row.chat_id, "message_id": message_id, "kind": row.link_kind, "created_at": now}
                if row.issue_id is not None:
                    issue_links.append({**link, "issue_id": row.issue_id, "user_id": None})
                if row.contact_id is not None:  # a citizen↔deputy conversation
                    contact_links.append({**link, "contact_id": row.contact_id})
        async with self.db.begin() as connection:
            await connection.execute(
                _MARK_SENT, {"ids": [row.id for row, _ in batch], "now": now, "sent": OutboxStatus.SENT}
            )
            if came_back:  # unblocked, or the bot was added back to the group
                await connection.execute(delete(UnreachableChat).where(col(UnreachableChat.chat_id).in_(came_back)))
            if issue_links:
                await connection.execute(insert(MessageLink), issue_links)
            if contact_links:
                await connection.execute(insert(DeputyMessageLink), contact_links)
        unreachable -= came_back

    async def _retry(self, row: OutboxMessage, *, delay: float, error: str, count: bool) -> None:
        log.info("outbox: %s message %s to %s retried in %.1fs: %s", self.channel, row.id, row.chat_id, delay, error)
        due = self.clock.now() + timedelta(seconds=delay)
        self._parked[row.chat_id] = due
        async with self.db.transaction() as s:
            await s.exec(
                update(OutboxMessage)
                .where(col(OutboxMessage.id) == row.id)
                .values(
                    next_attempt_at=due,
                    attempts=row.attempts + (1 if count else 0),
                    last_error=error[:500],
                )
            )

    async def _fail(self, row: OutboxMessage, error: str) -> None:
        log.warning("outbox: %s message %s to %s failed: %s", self.channel, row.id, row.chat_id, error)
        async with self.db.transaction() as s:
            await s.exec(
                update(OutboxMessage)
                .where(col(OutboxMessage.id) == row.id)
                .values(status=OutboxStatus.FAILED, attempts=row.attempts + 1, last_error=error[:500])
            )

    async def _chat_gone(self, row: OutboxMessage, error: str) -> None:
        """Blocked by the user, removed from the group, the robot deleted: stop sending there."""
        log.warning("outbox: %s chat %s unreachable: %s", self.channel, row.chat_id, error)
        known = await self._unreachable_chats()
        async with self.db.transaction() as s:
            await s.exec(
                update(OutboxMessage)
                .where(
                    col(OutboxMessage.channel) == self.channel,
                    OutboxMessage.chat_id == row.chat_id,
                    OutboxMessage.status == OutboxStatus.PENDING,
                )
                .values(status=OutboxStatus.FAILED, last_error=f"unreachable: {error}"[:500])
            )
            now = self.clock.now()
            first = not self.remember_unreachable or await s.get(UnreachableChat, row.chat_id) is None
            if first and self.remember_unreachable:
                s.add(UnreachableChat(chat_id=row.chat_id, since=now, reason=error[:200]))
            if first and self.on_chat_gone is not None:
                await self.on_chat_gone(s, row.chat_id, error, now)
        known.add(row.chat_id)
        self.wake()  # the hook may have queued notices

    async def _unreachable_chats(self) -> set[int]:
        if not self.remember_unreachable:
            return set()  # nothing recorded, so nothing comes back
        if self._unreachable is None:
            async with self.db.session() as s:
                self._unreachable = {int(c) for c in (await s.exec(select(UnreachableChat.chat_id))).all()}
        return self._unreachable
