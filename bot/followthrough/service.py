"""Storage operations for the follow-through: similar open issues, followers, the 回访 rows.
Every function takes an explicit session and never commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.lifecycle import OPEN, IssueStatus
from bot.domain.similarity import Likeness, distance_m
from bot.privacy import ERASED_CITIZEN
from storage.models import Issue, IssueFollower, Lookback

WINDOW = timedelta(days=30)  # open issues received this recently are offered as possible duplicates
RADIUS_M = 250  # with a location on both sides, only issues this close
MAX_SUGGESTIONS = 5
MIN_SIMILARITY = 0.15  # below this, two descriptions are about different things (cosine of bigrams)
SCANNED = 200  # newest open issues of the grid and category looked at


@dataclass(frozen=True)
class Suggestion:
    id: int
    ref: str
    description: str
    created_at: datetime
    score: float  # text similarity, 0 when ranked by recency


# The columns it needs, not Issue objects (up to 200 rows at every report's 下一步), built once.
_OPEN_ALIKE = (
    select(Issue.id, Issue.ref, Issue.description, Issue.created_at, Issue.citizen_id, Issue.latitude, Issue.longitude)
    .where(
        col(Issue.grid_id) == bindparam("grid"),
        col(Issue.category_id) == bindparam("category"),
        col(Issue.status).in_(OPEN),
        col(Issue.created_at) >= bindparam("since"),
    )
    .order_by(col(Issue.created_at).desc(), col(Issue.id).desc())
    .limit(SCANNED)
)


async def similar_open(
    s: AsyncSession,
    *,
    grid_id: int,
    category_id: int,
    text: str,
    location: tuple[float, float] | None,
    now: datetime,
    exclude_issue: int | None = None,
    exclude_citizen: int | None = None,
) -> list[Suggestion]:
    """Up to 5 open issues of the grid and category from the last 30 days that may be the same
    matter: within 250 m when both have a location; ranked by text similarity when there is text
    (those sharing too little are left out), else newest first."""
    rows = await s.exec(_OPEN_ALIKE, params={"grid": grid_id, "category": category_id, "since": now - WINDOW})
    found: list[Suggestion] = []
    alike = Likeness(text) if text else None
    for issue in rows.all():
        if issue.id == exclude_issue or (exclude_citizen is not None and issue.citizen_id == exclude_citizen):
            continue
        if not _near(location, issue.latitude, issue.longitude):
            continue
        score = alike(issue.description) if alike else 0.0
        if text and score < MIN_SIMILARITY:
            continue
        found.append(Suggestion(issue.id, issue.ref, issue.description, issue.created_at, score))
    # Python's sort is stable: equal scores keep the newest first.
    found.sort(key=lambda item: item.score, reverse=True)
    return found[:MAX_SUGGESTIONS]


def _near(location: tuple[float, float] | None, latitude: float | None, longitude: float | None) -> bool:
    """Within RADIUS_M, when both sides have a location (an issue without one may still be it)."""
    if location is None or latitude is None or longitude is None:
        return True
    return distance_m(location, (latitude, longitude)) <= RADIUS_M


async def follow(s: AsyncSession, *, issue_id: int, user_id: int, now: datetime) -> bool:
    """The citizen follows the issue; False when they already did."""
    exists = await s.exec(
        select(IssueFollower.id).where(IssueFollower.issue_id == issue_id, IssueFollower.user_id == user_id)
    )
    if exists.first() is not None:
        return False
    # One citizen's presses are handled one at a time (aiogram's per-user event lock); the unique
    # constraint stands behind that.
    s.add(IssueFollower(issue_id=issue_id, user_id=user_id, at=now))
    return True


# Built once: asked for every card and every push (a statement built anew pays for its cache key).
_FOLLOWERS = (
    select(IssueFollower.user_id)
    .where(col(IssueFollower.issue_id) == bindparam("issue"), IssueFollower.user_id != ERASED_CITIZEN)
    .order_by(col(IssueFollower.id))
)
_FOLLOWER_COUNT = (
    select(func.count()).select_from(IssueFollower).where(col(IssueFollower.issue_id) == bindparam("issue"))
)


async def followers(s: AsyncSession, issue_id: int) -> list[int]:
    return [int(u) for u in (await s.exec(_FOLLOWERS, params={"issue": issue_id})).all()]


async def follower_count(s: AsyncSession, issue_id: int) -> int:
    return int((await s.exec(_FOLLOWER_COUNT, params={"issue": issue_id})).one())


# -- 回访 -------------------------------------------------------------------------------------------

LOOKBACK_STATUSES = (IssueStatus.RESOLVED, IssueStatus.CLOSED)
# An issue resolved longer ago than LOOKBACK_DAYS plus this is not asked any more (a bot that was
# down for weeks, or a database older than the 回访, does not flood citizens with old questions).
LOOKBACK_LATEST = timedelta(days=30)


async def first_asks_due(s: AsyncSession, *, now: datetime, after: timedelta, limit: int) -> list[Issue]:
    """Resolved or closed issues whose citizen has not been asked yet, resolved `after` ago or more."""
    asked = select(Lookback.issue_id)
    query = (
        select(Issue)
        .where(
            col(Issue.status).in_(LOOKBACK_STATUSES),
            col(Issue.resolved_at) <= now - after,
            col(Issue.resolved_at) > now - after - LOOKBACK_LATEST,
            Issue.citizen_id != ERASED_CITIZEN,
            col(Issue.id).not_in(asked),
        )
        .order_by(col(Issue.resolved_at), col(Issue.id))
        .limit(limit)
    )
    return list((await s.exec(query)).all())


async def second_asks_due(s: AsyncSession, *, now: datetime, limit: int) -> list[Lookback]:
    """不清楚 answers whose second question is due."""
    query = (
        select(Lookback)
        .join(Issue, col(Issue.id) == Lookback.issue_id)
        .where(
            col(Lookback.next_ask_at) <= now,
            Lookback.asks == 1,
            col(Issue.status).in_(LOOKBACK_STATUSES),
            Issue.citizen_id != ERASED_CITIZEN,
        )
        .order_by(col(Lookback.next_ask_at), col(Lookback.id))
        .limit(limit)
    )
    return list((await s.exec(query)).all())


async def lookback_of(s: AsyncSession, issue_id: int, *, for_update: bool = False) -> Lookback | None:
    query = select(Lookback).where(Lookback.issue_id == issue_id)
    if for_update:
        query = query.with_for_update()
    return (await s.exec(query)).first()
