"""How long does the duty-day run take for a county-sized roster?

    python -m bench.bench_duty_day [--deputies 5000] [--issues 20000] [--villages 400]

Builds a fresh SQLite database (a county of townships and villages, linked deputies whose
constituencies are one to three grids, issues in every status, many past their deadline), then
times the `duty-day` job at 08:30 on the 10th: computing every deputy's figures and queueing the
reminders.
Target: under 10 s for 5,000 deputies, and exactly one reminder each. A second run (a restart)
must queue nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlmodel import func, select

from bot.app import prepare_database
from bot.config import Settings
from bot.domain.enums import GridLevel
from bot.domain.lifecycle import IssueStatus
from bot.jobs.registry import catalogue
from bot.jobs.scheduler import run_job
from bot.services import Services
from storage.models import Category, Deputy, DeputyGrid, Grid, Issue, OutboxMessage, Station


async def populate(services: Services, *, deputies: int, issues: int, villages: int, now: datetime) -> None:
    rng = random.Random(4)
    async with services.db.transaction() as s:
        county = (await s.exec(select(Grid).where(Grid.level == GridLevel.COUNTY))).first()
        assert county is not None
        townships = [
            Grid(code=f"T{i:03d}", name=f"第{i}镇", level=GridLevel.TOWNSHIP, parent_id=county.id, position=i)
            for i in range(villages // 20 or 1)
        ]
        s.add_all(townships)
        await s.flush()
        grids = [
            Grid(
                code=f"V{i:04d}",
                name=f"第{i}村",
                level=GridLevel.VILLAGE,
                parent_id=townships[i % len(townships)].id,
                position=1000 + i,
            )
            for i in range(villages)
        ]
        s.add_all(grids)
        stations = [Station(code=f"S{i:03d}", name=f"第{i}联络站") for i in range(50)]  # all on the default 10th
        s.add_all(stations)
        await s.flush()
        category = (await s.exec(select(Category))).first()
        assert category is not None
        rows = [
            Deputy(
                code=f"B{i:05d}",
                name=f"代表{i}",
                level="县",
                station_id=stations[i % 50].id,
                telegram_user_id=10_000_000 + i,
            )
            for i in range(deputies)
        ]
        s.add_all(rows)
        await s.flush()
        every = [*grids, *townships]
        for deputy in rows:
            for grid in rng.sample(every, rng.randint(1, 3)):
                s.add(DeputyGrid(deputy_id=deputy.id, grid_id=grid.id))
        statuses = list(IssueStatus)
        made = []
        for i in range(issues):
            created = now - timedelta(days=rng.randint(0, 90))
            made.append(
                Issue(
                    ref=f"GL-B-{i:06d}",
                    citizen_id=1,
                    grid_id=rng.choice(grids).id,
                    category_id=category.id,
                    description="路灯坏了",
                    status=rng.choice(statuses),
                    deadline=created + timedelta(days=rng.randint(1, 30)),
                    created_at=created,
                    updated_at=created,
                )
            )
        s.add_all(made)


async def main(deputies: int, issues: int, villages: int) -> int:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(_env_file=None, database_url=f"sqlite:///{Path(folder) / 'bench.db'}")
        services = Services.build(settings)
        try:
            await prepare_database(services)
            now = datetime(2026, 12, 10, 8, 30, tzinfo=settings.tz)
            started = time.perf_counter()
            await populate(services, deputies=deputies, issues=issues, villages=villages, now=now)
            print(
                f"set-up: {deputies} deputies, {villages} villages, {issues} issues in "
                f"{time.perf_counter() - started:.1f} s"
            )
            spec = catalogue()["duty-day"]
            started = time.perf_counter()
            summary = await run_job(spec, services, now)
            elapsed = time.perf_counter() - started
            async with services.db.session() as s:
                queued = (await s.exec(select(func.count()).select_from(OutboxMessage))).one()
            due = deputies
            print(f"duty-day run: {elapsed:.2f} s — {summary}")
            print(f"queued {queued} reminders (expected {due}); target < 10 s: {'OK' if elapsed < 10 else 'MISSED'}")
            started = time.perf_counter()
            again = await run_job(spec, services, now + timedelta(hours=1))
            print(f"rerun after a restart: {time.perf_counter() - started:.2f} s — {again}")
            return 0 if queued == due and elapsed < 10 and "queued 0" in str(again) else 1
        finally:
            await services.db.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deputies", type=int, default=5000)
    parser.add_argument("--issues", type=int, default=20000)
    parser.add_argument("--villages", type=int, default=400)
    args = parser.parse_args()
    raise SystemExit(asyncio.run(main(args.deputies, args.issues, args.villages)))
