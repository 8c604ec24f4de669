"""The overdue rule (bot.domain.overdue): its boundaries, and its SQL clauses agreeing with it on
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.domain.enums import GridLevel
from bot.domain.lifecycle import IssueStatus as S
from bot.domain.overdue import (
    due_by_clause,
    finished_in_time,
    finished_in_time_clause,
    finished_late,
    finished_late_clause,
    overdue_now,
    overdue_now_clause,
)
from storage.database import Database
from storage.models import Category, Grid, Issue

DEADLINE = datetime(2026, 12, 10, 15, 59, 59, tzinfo=UTC)  # 23:59:59 in Shanghai
SECOND = timedelta(seconds=1)
BEFORE, AFTER = DEADLINE - SECOND, DEADLINE + SECOND
FINISHED = (S.RESOLVED, S.CLOSED)


@pytest.mark.parametrize("status", [S.RECEIVED, S.IN_PROGRESS, S.REOPENED])
def test_an_open_issue_is_overdue_only_after_its_deadline(status: S) -> None:
    assert not overdue_now(status=status, deadline=DEADLINE, now=BEFORE)
    assert not overdue_now(status=status, deadline=DEADLINE, now=DEADLINE)  # the deadline itself is in time
    assert overdue_now(status=status, deadline=DEADLINE, now=AFTER)
    assert not overdue_now(status=status, deadline=None, now=AFTER + timedelta(days=365))
    # finished_late judges an open issue by now: the same answers
    for now in (BEFORE, DEADLINE, AFTER):
        assert finished_late(status=status, deadline=DEADLINE, resolved_at=None, now=now) == overdue_now(
            status=status, deadline=DEADLINE, now=now
        )
        assert not finished_in_time(status=status, deadline=DEADLINE, resolved_at=None)


@pytest.mark.parametrize("status", FINISHED)
def test_a_finished_issue_is_never_overdue_now(status: S) -> None:
    for resolved in (BEFORE, AFTER):
        assert not overdue_now(status=status, deadline=DEADLINE, now=AFTER + timedelta(days=30))
        assert finished_late(status=status, deadline=DEADLINE, resolved_at=resolved, now=BEFORE) == (
            resolved > DEADLINE
        )


@pytest.mark.parametrize("status", FINISHED)
def test_a_finished_issue_is_judged_by_when_it_was_resolved(status: S) -> None:
    later = AFTER + timedelta(days=30)
    assert not finished_late(status=status, deadline=DEADLINE, resolved_at=BEFORE, now=later)
    assert not finished_late(status=status, deadline=DEADLINE, resolved_at=DEADLINE, now=later)  # just in time
    assert finished_late(status=status, deadline=DEADLINE, resolved_at=AFTER, now=later)
    assert finished_late(status=status, deadline=DEADLINE, resolved_at=AFTER, now=BEFORE)  # now does not matter
    assert finished_in_time(status=status, deadline=DEADLINE, resolved_at=BEFORE)
    assert finished_in_time(status=status, deadline=DEADLINE, resolved_at=DEADLINE)
    assert not finished_in_time(status=status, deadline=DEADLINE, resolved_at=AFTER)
    # without a deadline: in time, never late
    assert finished_in_time(status=status, deadline=None, resolved_at=later)
    assert not finished_late(status=status, deadline=None, resolved_at=later, now=later)


def test_a_reopened_issue_is_judged_by_now_not_by_the_rejected_resolution() -> None:
    # resolved in time, rated 不满意, still open after the deadline: overdue, not in time
    kept = {"status": S.REOPENED, "deadline": DEADLINE, "resolved_at": BEFORE}
    assert finished_late(**kept, now=AFTER) and overdue_now(status=S.REOPENED, deadline=DEADLINE, now=AFTER)
    assert not finished_in_time(**kept)
    # resolved late, reopened, and the deadline moved on (escalated with a fresh one): not late now
    moved = {"status": S.REOPENED, "deadline": AFTER + timedelta(days=3), "resolved_at": AFTER}
    assert not finished_late(**moved, now=AFTER + SECOND)


def test_the_status_may_come_as_stored_text() -> None:
    assert overdue_now(status="in_progress", deadline=DEADLINE, now=AFTER)
    assert not overdue_now(status="closed", deadline=DEADLINE, now=AFTER)


# -- the SQL clauses say the same on a database ---------------------------------------------------

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Every combination of status, deadline and resolution around DEADLINE.
CASES = [
    (status, deadline, resolved)
    for status in S
    for deadline in (None, BEFORE, DEADLINE, AFTER)
    for resolved in (None, BEFORE, DEADLINE, AFTER)
]
# Moments to judge at: around the deadline, given in UTC and in Shanghai time (stored in UTC).
MOMENTS = [BEFORE, DEADLINE, AFTER, DEADLINE.astimezone(SHANGHAI), AFTER.astimezone(SHANGHAI)]


async def _populated(url: str) -> Database:
    database = Database(url)
    await database.create_all()
    async with database.transaction() as s:
        grid = Grid(code="G", name="南大街社区", level=GridLevel.VILLAGE)
        category = Category(code="C", name="路灯")
        s.add_all([grid, category])
        await s.flush()
        for n, (status, deadline, resolved) in enumerate(CASES):
            s.add(
                Issue(
                    ref=f"GL-T-{n:04d}",
                    citizen_id=1,
                    grid_id=grid.id,
                    holder_grid_id=grid.id,
                    category_id=category.id,
                    description="路灯坏了",
                    status=status,
                    deadline=deadline,
                    resolved_at=resolved,
                    created_at=BEFORE - timedelta(days=5),
                    updated_at=BEFORE - timedelta(days=5),
                )
            )
    return database


async def _matching(db: Database, clause: object) -> set[str]:
    async with db.session() as s:
        return set((await s.exec(select(Issue.ref).where(clause))).all())  # type: ignore[arg-type]


def _refs(predicate) -> set[str]:  # noqa: ANN001
    return {
        f"GL-T-{n:04d}" for n, (status, deadline, resolved) in enumerate(CASES) if predicate(status, deadline, resolved)
    }


async def _check_clauses(url: str) -> None:
    db = await _populated(url)
    try:
        until = DEADLINE + timedelta(hours=1)
        for now in MOMENTS:
            expected_now = _refs(lambda st, d, r, now=now: overdue_now(status=st, deadline=d, now=now))
            expected_late = _refs(
                lambda st, d, r, now=now: finished_late(status=st, deadline=d, resolved_at=r, now=now)
            )
            expected_in_time = _refs(lambda st, d, r: finished_in_time(status=st, deadline=d, resolved_at=r))
            expected_due = _refs(
                lambda st, d, r, now=now: (
                    st in (S.RECEIVED, S.IN_PROGRESS, S.REOPENED)
                    and d is not None
                    and d <= until
                    and not overdue_now(status=st, deadline=d, now=now)
                )
            )
            assert expected_late and expected_in_time and (expected_now or now <= DEADLINE)  # the cases say something
            assert await _matching(db, overdue_now_clause(now)) == expected_now, now
            assert await _matching(db, finished_late_clause(now)) == expected_late, now
            assert await _matching(db, finished_in_time_clause()) == expected_in_time, now
            assert await _matching(db, due_by_clause(now, until)) == expected_due, now
        # at its deadline an open issue is due, not overdue; a second later it is overdue, no longer due
        at_deadline = _refs(lambda st, d, r: st == S.IN_PROGRESS and d == DEADLINE)
        assert at_deadline <= await _matching(db, due_by_clause(DEADLINE, until))
        assert not at_deadline & await _matching(db, overdue_now_clause(DEADLINE))
        assert not at_deadline & await _matching(db, due_by_clause(AFTER, until))
        assert at_deadline <= await _matching(db, overdue_now_clause(AFTER))
    finally:
        await db.dispose()


async def test_the_clauses_agree_with_the_predicates(tmp_path: Path) -> None:
    await _check_clauses(f"sqlite:///{tmp_path / 'overdue.db'}")


async def test_the_clauses_agree_with_the_predicates_on_postgresql(postgres_url: str) -> None:
    await _check_clauses(postgres_url)


async def test_the_ledger_and_the_statistics_count_by_the_rule(tmp_path: Path) -> None:
    from bot.ledger.service import Scope, ledger_page
    from bot.ledger.stats import Unit, unit_stats

    db = await _populated(f"sqlite:///{tmp_path / 'overdue.db'}")
    try:
        async with db.session() as s:
            grid_id = (await s.exec(select(Grid.id))).one()
            page = await ledger_page(s, Scope("南大街社区", (grid_id,)), now=AFTER, page=0, page_size=len(CASES))
            stats = await unit_stats(
                s, Unit("南大街社区", (grid_id,)), start=BEFORE - timedelta(days=6), end=AFTER, now=AFTER
            )
    finally:
        await db.dispose()
    # the page's count and its rows' 超期 marks say the same, reopened issues included
    marked = [row for row in page.rows if row.overdue(AFTER)]
    assert page.total == len(page.rows) and page.overdue == len(marked)
    assert {row.ref for row in marked} == _refs(lambda st, d, r: overdue_now(status=st, deadline=d, now=AFTER))
    assert any(row.status == S.REOPENED and row.resolved_at == BEFORE for row in marked)
    late = _refs(lambda st, d, r: finished_late(status=st, deadline=d, resolved_at=r, now=AFTER))
    in_time = _refs(lambda st, d, r: finished_in_time(status=st, deadline=d, resolved_at=r))
    assert (stats.received, stats.on_time, stats.overdue) == (len(CASES), len(in_time), len(late))
