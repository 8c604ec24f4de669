"""Scheduled jobs exactly once across instances: several instances (each its own Services and
database engine) fire the same occurrence at the same moment; one run commits, the others commit
nothing and say so in one line."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select, update

from bot.app import prepare_database
from bot.config import Settings
from bot.jobs.occurrence import slot
from bot.jobs.registry import catalogue
from bot.jobs.scheduler import run_job, trigger
from bot.services import Services
from storage.models import Deputy, DeputySend, Grid, GroupChat, JobRun, OutboxMessage
from tests.conftest import postgres_database

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The demo county's deputies; D001 has the default duty day (the 10th).
USERS = {"D001": 7001, "D002": 7002, "D003": 7003, "D004": 7004}
DUTY_DAY = datetime(2026, 12, 10, 8, 30, 0, 200_000, tzinfo=SHANGHAI)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture(params=["sqlite", "postgresql"])
async def instances(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[list[Services]]:
    """Three instances on one database, as three processes would be."""
    async with _url(request.param, tmp_path) as url:
        settings = Settings(_env_file=None, database_url=url, admin_ids=frozenset({9000}))
        instances = [Services.build(settings) for _ in range(3)]
        await prepare_database(instances[0])
        async with instances[0].db.transaction() as s:
            for code, user_id in USERS.items():
                await s.exec(update(Deputy).where(col(Deputy.code) == code).values(telegram_user_id=user_id))
        try:
            yield instances
        finally:
            for services in instances:
                await services.db.dispose()


def _url(backend: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    if backend == "postgresql":
        return postgres_database()

    class Sqlite:
        async def __aenter__(self) -> str:
            return f"sqlite:///{tmp_path / 'jobs.db'}"

        async def __aexit__(self, *_: object) -> None:
            return None

    return Sqlite()


async def reminders(services: Services) -> Counter[int]:
    async with services.db.session() as s:
        return Counter((await s.exec(select(OutboxMessage.chat_id))).all())


async def test_the_duty_day_fired_by_three_instances_at_once_queues_each_reminder_once(
    instances: list[Services], caplog: pytest.LogCaptureFixture
) -> None:
    spec = catalogue()["duty-day"]
    with caplog.at_level(logging.INFO, logger="bot.jobs.scheduler"):
        summaries = [
            str(s)
            for s in await asyncio.gather(*(run_job(spec, services, DUTY_DAY, once=True) for services in instances))
        ]
    assert sorted(summaries) == [
        "occurrence 2026-12-10T08:30+08:00 already run (by another instance, or before)",
        "occurrence 2026-12-10T08:30+08:00 already run (by another instance, or before)",
        "queued 1 reminders, recorded 0 missed",
    ]
    assert await reminders(instances[0]) == Counter({7001: 1})  # D001's day is the 10th
    async with instances[0].db.session() as s:
        assert [(r.job, r.slot) for r in (await s.exec(select(JobRun))).all()] == [
            ("duty-day", "2026-12-10T08:30+08:00")
        ]
        assert len((await s.exec(select(DeputySend))).all()) == 1
    # One line each from the instances that found it taken: no traceback.
    assert [r.levelno for r in caplog.records if "already run" in r.getMessage()] == [logging.INFO] * 2
    assert not any(r.exc_info for r in caplog.records)

    # A catch-up run later that morning (an instance restarting) belongs to the same occurrence.
    late = str(await run_job(spec, instances[1], at(10, 11), once=True))
    assert late == "occurrence 2026-12-10T08:30+08:00 already run (by another instance, or before)"
    assert await reminders(instances[0]) == Counter({7001: 1})


async def test_every_job_fired_by_three_instances_commits_once(instances: list[Services]) -> None:
    """The supervision digest, due-soon, overdue and the deputies' jobs: one run each counts."""
    async with instances[0].db.transaction() as s:
        for n, grid in enumerate((await s.exec(select(Grid))).all()):
            s.add(GroupChat(chat_id=-100 - n, grid_id=grid.id, bound_by=9000, bound_at=at(1, 9)))
    for name in ("daily-digest", "due-soon", "overdue", "auto-escalate", "deputy-digest", "duty-eve"):
        spec = catalogue()[name]
        summaries = await asyncio.gather(
            *(run_job(spec, services, at(12, 20, 30), once=True) for services in instances)
        )
        assert sum("already run" in str(summary) for summary in summaries) == 2, (name, summaries)
    async with instances[0].db.session() as s:
        assert len((await s.exec(select(JobRun))).all()) == 6
    digests = await reminders(instances[0])
    assert set(digests) == {-100 - n for n in range(len(digests))} and len(digests) > 5
    assert set(digests.values()) == {1}  # each group's 09:00 digest once


def test_the_occurrence_is_the_last_slot_the_schedule_fired(tmp_path: Path) -> None:
    services = Services.build(Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'x.db'}"))
    day = trigger(catalogue()["duty-day"], services)
    assert slot(day, at(10, 8, 30)) == at(10, 8, 30)
    assert slot(day, at(10, 11)) == at(10, 8, 30)
    assert slot(day, at(10, 8, 29)) == at(9, 8, 30)
    hourly = trigger(catalogue()["due-soon"], services)  # 08:00 to 20:00 on the hour
    assert slot(hourly, at(10, 13, 59)) == at(10, 13)
    assert slot(hourly, at(10, 7)) == at(9, 20)
    quarterly = trigger(catalogue()["deputy-quarterly"], services)
    assert slot(quarterly, at(10, 9)) == datetime(2026, 10, 1, 9, tzinfo=SHANGHAI)
