"""Queued outbox rows are part of their unit of work: written in order with it, seen by its later
statements, gone with its rollback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import col, func, select

from bot.outbox.queue import enqueue
from storage.database import Database
from storage.models import OutboxMessage, OutboxStatus

NOW = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)


async def _database(url: str) -> Database:
    database = Database(url)
    await database.create_all()
    return database


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await _database(f"sqlite:///{tmp_path / 'outbox.db'}")
    yield database
    await database.dispose()


def _queue(session: object, chat_id: int, text: str) -> None:
    enqueue(session, chat_id=chat_id, method="sendMessage", params={"text": text}, now=NOW)  # type: ignore[arg-type]


async def _texts(db: Database) -> list[tuple[int, str]]:
    async with db.session() as s:
        rows = (await s.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))).all()
    return [(row.chat_id, row.params["text"]) for row in rows]


async def test_rows_are_written_at_commit_in_the_order_queued(db: Database) -> None:
    async with db.transaction() as s:
        _queue(s, 5, "一")
        _queue(s, -100200, "卡片")
        _queue(s, 5, "二")
    assert await _texts(db) == [(5, "一"), (-100200, "卡片"), (5, "二")]
    async with db.session() as s:
        row = (await s.exec(select(OutboxMessage))).first()
    assert row is not None and row.status == OutboxStatus.PENDING and row.attempts == 0
    assert row.next_attempt_at == NOW


async def test_a_later_statement_of_the_unit_of_work_sees_them(db: Database) -> None:
    async with db.transaction() as s:
        _queue(s, 5, "一")
        with s.no_autoflush:  # written before the statement even so
            count = (await s.exec(select(func.count()).select_from(OutboxMessage))).one()
        assert count == 1
        _queue(s, 5, "二")
    assert await _texts(db) == [(5, "一"), (5, "二")]


async def test_a_rollback_takes_them_away(db: Database) -> None:
    before = await _texts(db)
    with pytest.raises(RuntimeError):
        async with db.transaction() as s:
            _queue(s, 5, "一")
            await s.exec(select(OutboxMessage))  # written already, inside the transaction
            _queue(s, 5, "二")  # still queued
            raise RuntimeError("the change failed")
    assert await _texts(db) == before
    async with db.transaction() as s:
        _queue(s, 5, "三")
    assert await _texts(db) == [*before, (5, "三")]
    async with db.session() as s:  # a session that goes on after a rollback
        await s.begin()
        _queue(s, 5, "四")
        await s.rollback()
        _queue(s, 5, "五")
        await s.commit()
    assert await _texts(db) == [*before, (5, "三"), (5, "五")]


async def test_the_same_on_postgresql(postgres_url: str) -> None:
    database = await _database(postgres_url)
    try:
        await test_a_later_statement_of_the_unit_of_work_sees_them(database)
        await test_a_rollback_takes_them_away(database)
    finally:
        await database.dispose()


async def test_a_commit_wakes_the_senders_of_the_channels_it_queued_for(db: Database) -> None:
    woken: list[frozenset[str]] = []
    db.on_queued.append(woken.append)
    async with db.transaction() as s:
        _queue(s, 5, "一")
    async with db.transaction() as s:
        enqueue(s, channel="wecom", chat_id=1, method="markdown", params={"content": "卡片"}, now=NOW)
        _queue(s, 5, "二")
    async with db.transaction():
        pass  # queued nothing: nobody is woken
    assert woken == [frozenset({"telegram"}), frozenset({"telegram", "wecom"})]
