"""When an issue is overdue (超期): the rule, written once, for Python and for SQL.

An issue given a deadline (办理时限: the end of a working day, local time) is in time up to and
including that moment and late from the first instant after it. An issue without a deadline (not
yet assessed, 待研判) is never overdue. Only the open statuses (`lifecycle.OPEN`: received, in
progress, reopened) are still the grid's to work on.

Callers ask two different questions of that rule, so each has its own name:

* `overdue_now` — is the issue overdue *now*? It is open and its deadline has passed
  (deadline < now). A resolved or closed issue is never overdue now, however late it was. The
  ledger page, the supervision alerts, 超期上报, the 09:00 digests and the deputies' duty-day
  figures count this.
* `finished_late` — was the issue, or will it be, finished after its deadline? A finished
  (resolved or closed) issue is judged by when it was resolved (resolved_at > deadline); an open one
  by `now`, since it can at best be finished now — so for an open issue `finished_late` is
  `overdue_now`. The 挂图作业 statistics' 超期 figure and the ledger export's 超期 column count this;
  `finished_in_time` is the rest of the finished issues (the statistics' 按时办结).

A reopened issue (rated 不满意, or 没解决 at the 回访) has its resolved_at cleared and, if it had a
deadline, a new one (bot/followthrough/reopen.py); being open, it is judged by `now`.

`due_by_clause` is the other side of the line: open, not yet overdue, due by a given time (the
due-soon reminders, the digests' "due today").

Each question has a Python predicate and an SQL clause on `storage.models.Issue`; they agree
(tests/test_overdue.py), and nothing else in the bot decides whether an issue is overdue.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, literal, or_
from sqlmodel import col

from bot.domain.lifecycle import OPEN, IssueStatus
from storage.models import Issue

# -- in Python -------------------------------------------------------------------------------------


def overdue_now(*, status: IssueStatus | str, deadline: datetime | None, now: datetime) -> bool:
    """Open and past its deadline at `now`."""
    return status in OPEN and deadline is not None and deadline < now


def finished_late(
    *, status: IssueStatus | str, deadline: datetime | None, resolved_at: datetime | None, now: datetime
) -> bool:
    """Finished after its deadline; an open issue (or, defensively, a finished one without a
    resolution time) by `now`, i.e. when it is overdue now."""
    if deadline is None:
        return False
    finished = now if status in OPEN or resolved_at is None else resolved_at
    return finished > deadline


def finished_in_time(*, status: IssueStatus | str, deadline: datetime | None, resolved_at: datetime | None) -> bool:
    """Finished (resolved or closed) by its deadline, or finished without one."""
    if status in OPEN or resolved_at is None:
        return False
    return deadline is None or resolved_at <= deadline


# -- in SQL, on storage.models.Issue ---------------------------------------------------------------


def _at(moment: datetime) -> ColumnElement:
    """`moment` as a bound value of the deadline's type (stored in UTC), also where no column
    comparison gives it one (inside coalesce)."""
    return literal(moment, type_=col(Issue.deadline).type)


def is_open_clause() -> ColumnElement[bool]:
    return col(Issue.status).in_(OPEN)


def overdue_now_clause(now: datetime) -> ColumnElement[bool]:
    """`overdue_now` in SQL. The deadline first: most rows fail there, and SQLite stops at the first
    false term (the ledger page counts a county's open issues with it). `is not null` keeps the
    clause's negation two-valued."""
    return and_(col(Issue.deadline) < _at(now), col(Issue.deadline).is_not(None), is_open_clause())


def due_by_clause(now: datetime, until: datetime) -> ColumnElement[bool]:
    """Open, not yet overdue at `now`, and due by `until` (a due-soon reminder, "due today")."""
    deadline = col(Issue.deadline)
    return and_(is_open_clause(), deadline.is_not(None), deadline >= _at(now), deadline <= _at(until))


def finished_late_clause(now: datetime) -> ColumnElement[bool]:
    """`finished_late` in SQL."""
    finished = func.coalesce(col(Issue.resolved_at), _at(now))
    return or_(
        overdue_now_clause(now),
        and_(col(Issue.status).not_in(OPEN), col(Issue.deadline).is_not(None), finished > col(Issue.deadline)),
    )


def finished_in_time_clause() -> ColumnElement[bool]:
    """`finished_in_time` in SQL."""
    return and_(
        col(Issue.status).not_in(OPEN),
        col(Issue.resolved_at).is_not(None),
        or_(col(Issue.deadline).is_(None), col(Issue.resolved_at) <= col(Issue.deadline)),
    )
