"""How fast are the ledger page and the Excel export on a large county?

    python -m bench.bench_ledger [--issues 100000] [--grids 200] [--keep DB-FILE]

Seeds a temporary SQLite database (bulk inserts through the same tables the bot uses) with one
county, its townships (10, fewer for a small --grids) and villages (200 grids in all),
departments, and N issues spread over a year in every state, then times:

  * the /ledger page (8 rows, open issues by deadline with counts) for the county (every grid),
    the township and the village with the most open issues — each the median of 20 runs after
    one warm-up, checked against the open issues seeded;
  * `gridline export ledger` (all issues to an .xlsx file).

Targets (issue 3): a ledger page under 200 ms, the export under 20 s. The export also prints its
CPU time: on a shared machine the wall time mostly measures the other processes.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, insert
from sqlmodel import SQLModel

from bot.clock import Clock
from bot.domain.enums import Disposition, GridLevel
from bot.domain.lifecycle import OPEN, IssueStatus, Rating
from bot.i18n import Translator
from bot.ledger import service as ledger
from bot.ledger.ledger import Ledger
from bot.triage import service as triage
from storage.database import Database
from storage.models import Category, Department, Grid, Issue

PAGE_TARGET_MS = 200
EXPORT_TARGET_S = 20
TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


class FixedClock(Clock):
    def now(self) -> datetime:
        return NOW


def seed(path: Path, *, issues: int, grids: int) -> dict[str, tuple[int, int]]:
    """Bulk inserts with the synchronous driver: a few seconds for 100,000 issues. Returns the grid
    timed at each level (the township and the village with the most open issues: a small seed
    leaves many villages empty) and how many open issues its ledger must count."""
    if grids < 3:
        raise SystemExit("--grids: at least 3 (the county, a township, a village)")
    engine = create_engine(f"sqlite:///{path}")
    SQLModel.metadata.create_all(engine)
    rng = random.Random(3)
    townships = min(10, (grids - 1) // 2)  # 10, or fewer so every township has a village
    villages = grids - 1 - townships
    with engine.begin() as connection:
        connection.execute(
            insert(Grid), [{"id": 1, "code": "C", "name": "样本县", "level": GridLevel.COUNTY.name, "position": 0}]
        )
        connection.execute(
            insert(Grid),
            [
                {
                    "id": 2 + n,
                    "code": f"T{n:02d}",
                    "name": f"第{n + 1}镇",
                    "level": GridLevel.TOWNSHIP.name,
                    "parent_id": 1,
                    "position": 1 + n,
                }
                for n in range(townships)
            ],
        )
        village_ids = list(range(2 + townships, 2 + townships + villages))
        connection.execute(
            insert(Grid),
            [
                {
                    "id": v,
                    "code": f"V{v:04d}",
                    "name": f"第{v}村",
                    "level": GridLevel.VILLAGE.name,
                    "parent_id": 2 + (v % townships),
                    "position": v,
                }
                for v in village_ids
            ],
        )
        connection.execute(
            insert(Category),
            [
                {"id": 1 + n, "code": f"c{n}", "name": name, "description": "", "position": n}
                for n, name in enumerate(["矛盾纠纷", "环境卫生", "道路交通", "水电气暖", "社会保障"])
            ],
        )
        connection.execute(
            insert(Department),
            [
                {
                    "id": 1 + n,
                    "code": f"D{n}",
                    "name": f"部门{n}",
                    "grid_id": 1 + n % (townships + 1),
                    "liaison_ids": [],
                    "position": n,
                }
                for n in range(30)
            ],
        )
        statuses = [
            IssueStatus.RECEIVED,
            IssueStatus.IN_PROGRESS,
            IssueStatus.RESOLVED,
            IssueStatus.CLOSED,
            IssueStatus.CLOSED,
            IssueStatus.CLOSED,
            IssueStatus.REOPENED,
        ]
        batch = []
        open_by_holder: dict[int, int] = {}
        for n in range(issues):
            village = rng.choice(village_ids)
            created = NOW - timedelta(minutes=rng.randrange(365 * 24 * 60))
            status = rng.choice(statuses)
            escalated = rng.random() < 0.1
            holder = 2 + (village % townships) if escalated else village
            deadline = created + timedelta(days=rng.randrange(1, 15)) if status != IssueStatus.RECEIVED else None
            disposition = rng.choice([Disposition.HANDLE, Disposition.ASSIGN]) if deadline else None
            resolved = (
                created + timedelta(days=rng.randrange(1, 20))
                if status in (IssueStatus.RESOLVED, IssueStatus.CLOSED)
                else None
            )
            if status in OPEN:
                open_by_holder[holder] = open_by_holder.get(holder, 0) + 1
            batch.append(
                {
                    "ref": f"GL-{n:08d}",
                    "citizen_id": 10_000 + n % 5000,
                    "grid_id": village,
                    "holder_grid_id": holder,
                    "category_id": 1 + n % 5,
                    "description": "小区门口的垃圾三天没人清运了，" * rng.randrange(1, 6),
                    "status": status.name,
                    "assignee_name": "王芳" if disposition == Disposition.HANDLE else None,
                    "disposition": disposition.name if disposition else None,
                    "department_id": 1 + n % 30 if disposition == Disposition.ASSIGN else None,
                    "deadline": deadline,
                    "created_at": created,
                    "updated_at": created,
                    "resolved_at": resolved,
                    "rating": rng.choice(list(Rating)).name if status == IssueStatus.CLOSED else None,
                    "reopen_count": 0,
                }
            )
            if len(batch) == 10_000:
                connection.execute(insert(Issue), batch)
                batch = []
        if batch:
            connection.execute(insert(Issue), batch)
    engine.dispose()
    township_ids = range(2, 2 + townships)
    below = {t: [t, *(v for v in village_ids if 2 + (v % townships) == t)] for t in township_ids}

    def open_in(ids: list[int]) -> int:
        return sum(open_by_holder.get(i, 0) for i in ids)

    township = max(township_ids, key=lambda t: (open_in(below[t]), -t))
    village = max(village_ids, key=lambda v: (open_in([v]), -v))
    return {
        "county": (1, sum(open_by_holder.values())),
        "township": (township, open_in(below[township])),
        "village": (village, open_in([village])),
    }


async def time_pages(db: Database, grid_ids: dict[str, tuple[int, int]]) -> dict[str, float]:
    results = {}
    for label, (grid_id, expected) in grid_ids.items():
        async with db.session() as s:
            scope = ledger.Scope(label, tuple(await triage.subtree_ids(s, grid_id)))
            timings = []
            for run in range(21):
                start = time.perf_counter()
                page = await ledger.ledger_page(s, scope, now=NOW, page=run % 3)
                elapsed = time.perf_counter() - start
                if run:  # the first run warms the caches
                    timings.append(elapsed)
            shown = max(0, min(expected - page.page * page.page_size, page.page_size))
            assert page.total == expected and len(page.rows) == shown, label
        results[f"{label} ({page.total} open)"] = statistics.median(timings) * 1000
    return results


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--issues", type=int, default=100_000)
    parser.add_argument("--grids", type=int, default=200)
    parser.add_argument("--keep", type=Path, help="Keep the seeded database at this path.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = args.keep or Path(folder) / "bench.db"
        path.unlink(missing_ok=True)
        start = time.perf_counter()
        grid_ids = seed(path, issues=args.issues, grids=args.grids)
        print(f"seeded {args.issues:,} issues across {args.grids} grids in {time.perf_counter() - start:.1f} s")
        db = Database(f"sqlite:///{path}")
        try:
            pages = await time_pages(db, grid_ids)
            out = Path(folder) / "ledger.xlsx"
            start, cpu = time.perf_counter(), time.process_time()
            count = await Ledger(db=db, clock=FixedClock(), tz=TZ, translator=Translator()).export(out)
            export_s, export_cpu = time.perf_counter() - start, time.process_time() - cpu
        finally:
            await db.dispose()
        print("ledger page, median of 20:")
        ok = True
        for label, ms in pages.items():
            ok &= ms < PAGE_TARGET_MS
            print(f"  {label:<28} {ms:8.1f} ms   (target < {PAGE_TARGET_MS} ms)")
        ok &= export_s < EXPORT_TARGET_S
        print(
            f"export of {count:,} issues: {export_s:.1f} s wall, {export_cpu:.1f} s CPU, "
            f"{out.stat().st_size / 1e6:.1f} MB   (target < {EXPORT_TARGET_S} s)"
        )
        if export_cpu < export_s * 0.8:
            print(f"  (the machine was busy: this process got {export_cpu / export_s:.0%} of a core)")
        print("all targets met" if ok else "TARGET MISSED")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
