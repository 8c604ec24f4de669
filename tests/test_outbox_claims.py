"""Several outbox senders on one database (several instances): they share the work, every message
goes once and a chat's messages in order, and a dead sender's chats are taken over when its lease
runs out."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from bot.outbox.claims import LEASE, Claims
from bot.outbox.queue import enqueue
from bot.outbox.sender import OutboxSender
from bot.outbox.transport import Delivery, Sent
from storage.database import Database
from storage.models import OutboxMessage, OutboxStatus
from tests.conftest import postgres_database

START = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime = START) -> None:
        self.moment = now

    def now(self) -> datetime:
        return self.moment


class Recorder:
    """A transport shared by the senders: logs who sent what, and whether two senders ever worked
    on one chat at the same moment."""

    channel = "telegram"

    def __init__(self) -> None:
        self.log: list[tuple[str, int, int]] = []  # (sender, chat, row id), in the order sent
        self.busy: dict[int, str] = {}
        self.overlaps: list[tuple[int, str, str]] = []

    def for_sender(self, name: str) -> Transport:
        return Transport(self, name)


class Transport:
    channel = "telegram"

    def __init__(self, recorder: Recorder, name: str) -> None:
        self.recorder = recorder
        self.name = name

    async def deliver(self, row: OutboxMessage) -> Delivery:
        assert row.id is not None
        other = self.recorder.busy.get(row.chat_id)
        if other is not None and other != self.name:
            self.recorder.overlaps.append((row.chat_id, other, self.name))
        self.recorder.busy[row.chat_id] = self.name
        await asyncio.sleep(random.uniform(0, 0.003))
        self.recorder.log.append((self.name, row.chat_id, row.id))
        self.recorder.busy.pop(row.chat_id, None)
        return Sent()


@pytest.fixture(params=["sqlite", "postgresql"])
async def databases(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[list[Database]]:
    """Three instances' databases: on PostgreSQL three engines (as three processes would have), on
    SQLite the one engine of its single instance."""
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'outbox.db'}")
        await db.create_all()
        yield [db, db, db]
        await db.dispose()
        return
    async with postgres_database() as url:
        dbs = [Database(url) for _ in range(3)]
        await dbs[0].create_all()
        yield dbs
        for db in dbs:
            await db.dispose()


async def queue(db: Database, messages: list[tuple[int, str]], now: datetime) -> None:
    async with db.transaction() as s:
        for chat_id, text in messages:
            enqueue(s, chat_id=chat_id, method="sendMessage", params={"text": text}, now=now)


async def all_rows(db: Database) -> list[OutboxMessage]:
    async with db.session() as s:
        return list((await s.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))).all())


async def test_three_senders_share_the_outbox_once_each_in_order(databases: list[Database]) -> None:
    clock = Clock()
    recorder = Recorder()
    senders = [
        OutboxSender(
            transport=recorder.for_sender(f"s{i}"),
            db=db,
            clock=clock,
            max_workers=4,  # so no sender takes every chat in its first scan
            poll_interval=0.05,
            reads_on=lambda chat_id: chat_id < 0,  # groups read on, as Telegram's sender does
        )
        for i, db in enumerate(databases)
    ]
    chats = [*range(1, 25), -1, -2, -3]
    tasks = [asyncio.create_task(sender.run()) for sender in senders]
    try:
        for wave in range(6):  # queued while the senders run: rows land behind others' leases
            await queue(databases[0], [(chat, f"{chat}-{wave}-{n}") for chat in chats for n in range(3)], clock.now())
            for sender in senders:
                sender.wake()
            await asyncio.sleep(0.05)
        total = 6 * 3 * len(chats)
        for _ in range(600):
            if len(recorder.log) >= total:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)  # anything sent twice would show now
    finally:
        for sender in senders:
            await sender.stop()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    rows = await all_rows(databases[0])
    assert len(rows) == total
    sent_ids = [row_id for _, _, row_id in recorder.log]
    assert sorted(sent_ids) == [row.id for row in rows]  # every message once
    for chat in chats:
        assert [row_id for _, c, row_id in recorder.log if c == chat] == [row.id for row in rows if row.chat_id == chat]
    assert recorder.overlaps == []  # never two senders on one chat at once
    by_sender = {name: sum(1 for n, _, _ in recorder.log if n == name) for name in ("s0", "s1", "s2")}
    assert all(count > 0 for count in by_sender.values()), by_sender  # the work was shared
    assert {row.status for row in rows} == {OutboxStatus.SENT}
    assert {row.claimed_by for row in rows} >= {s.claims.owner for s in senders}


async def test_a_dead_senders_chats_are_taken_over_when_its_lease_runs_out(databases: list[Database]) -> None:
    clock = Clock()
    await queue(databases[0], [(7, "一"), (7, "二"), (8, "三")], clock.now())
    dead = Claims(databases[1], "telegram")
    await dead.renew(clock.now())
    taken = await dead.claim(clock.now(), chats=10)
    assert sorted(taken) == [7, 8]  # then the instance dies: nothing sent, nothing given back
    await queue(databases[0], [(7, "四")], clock.now())  # queued behind the dead sender's lease

    recorder = Recorder()
    survivor = OutboxSender(transport=recorder.for_sender("alive"), db=databases[2], clock=clock, poll_interval=0.05)
    await survivor.claims.renew(clock.now())
    assert await survivor.claims.claim(clock.now(), chats=10) == {}  # the lease holds: hands off
    clock.moment += LEASE - timedelta(seconds=1)
    assert await survivor.claims.claim(clock.now(), chats=10) == {}
    clock.moment += timedelta(seconds=2)  # the lease ran out
    await survivor.drain(timeout=10)
    rows = await all_rows(databases[0])
    assert [row_id for _, c, row_id in recorder.log if c == 7] == [row.id for row in rows if row.chat_id == 7]
    assert sorted(row_id for _, _, row_id in recorder.log) == [row.id for row in rows]
    assert all(row.status == OutboxStatus.SENT and row.claimed_by == survivor.claims.owner for row in rows)


async def test_a_stopped_sender_gives_its_chats_back_at_once(databases: list[Database]) -> None:
    clock = Clock()
    await queue(databases[0], [(9, "一"), (9, "二")], clock.now())
    recorder = Recorder()
    leaving = OutboxSender(transport=recorder.for_sender("leaving"), db=databases[1], clock=clock)
    await leaving.claims.renew(clock.now())
    assert sorted(await leaving.claims.claim(clock.now(), chats=10)) == [9]
    await leaving.stop()  # a clean stop (SIGTERM) releases the lease
    other = Claims(databases[2], "telegram")
    assert [row.id for row in (await other.claim(clock.now(), chats=10))[9]] == [
        row.id for row in await all_rows(databases[0])
    ]


class Stalling(Transport):
    """Its first delivery stalls past the lease; meanwhile `during` runs (another instance acts)."""

    def __init__(self, recorder: Recorder, name: str, during: Any) -> None:
        super().__init__(recorder, name)
        self.during = during

    async def deliver(self, row: OutboxMessage) -> Delivery:
        if self.during is not None:
            during, self.during = self.during, None
            await during()
        return await super().deliver(row)


async def test_a_sender_whose_lease_ran_out_mid_chat_sends_no_more_of_it(databases: list[Database]) -> None:
    """Stalled past its lease (a long pause, the database out of reach), a sender stops: another
    instance may have taken the chat, and its later messages would go twice or out of order. Only
    the message under way when the lease ran out can go twice."""
    clock = Clock()
    await queue(databases[0], [(5, "一"), (5, "二"), (5, "三")], clock.now())
    recorder = Recorder()
    other = OutboxSender(transport=recorder.for_sender("other"), db=databases[2], clock=clock)

    async def stall() -> None:
        clock.moment += LEASE * 2
        await other._start_due_workers()  # the other instance takes the chat: its lease ran out
        await stalled._start_due_workers()  # the stalled one's loop comes back: renews its (lost) leases

    stalled = OutboxSender(transport=Stalling(recorder, "stalled", stall), db=databases[1], clock=clock)
    await stalled._start_due_workers()
    await asyncio.gather(*stalled._workers.values())  # its worker stops once its lease is lost
    await other.drain(timeout=10)
    rows = await all_rows(databases[0])
    first, *later = [row.id for row in rows]
    sent_by = {name: [row_id for n, _, row_id in recorder.log if n == name] for name in ("stalled", "other")}
    assert sent_by == {"stalled": [first], "other": [first, *later]}  # the later ones never by the stalled one
