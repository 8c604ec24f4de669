"""Storage operations for the follow-through: similar open issues, followers, the 回访 rows.
Every function takes an explicit session and never commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.lifecycle import OPEN, IssueStatus
from bot.domain.similarity import distance_m, similarity
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
    query = (
        select(Issue)
        .where(
            Issue.grid_id == grid_id,
            Issue.category_id == category_id,
            col(Issue.status).in_(OPEN),
            col(Issue.created_at) >= now - WINDOW,
        )
        .order_by(col(Issue.created_at).desc(), col(Issue.id).desc())
        .limit(SCANNED)
    )
    found: list[Suggestion] = []
    for issue in (await s.exec(query)).all():
        assert issue.id is not None
        if issue.id == exclude_issue or (exclude_citizen is not None and issue.citizen_id == exclude_citizen):
            continue
        if not _near(location, issue):
            continue
        score = similarity(text, issue.description) if text else 0.0
        if text and score < MIN_SIMILARITY:
            continue
        found.append(Suggestion(issue.id, issue.ref, issue.description, issue.created_at, score))
    # Python's sort is stable: equal scores keep the newest first.
    found.sort(key=lambda item: item.score, reverse=True)
    return found[:MAX_SUGGESTIONS]


def _near(location: tuple[float, float] | None, issue: Issue) -> bool:
    """Within RADIUS_M, when both sides have a location (an issue without one may still be it)."""
    if location is None or issue.latitude is None or issue.longitude is None:
        return True
    return distance_m(location, (issue.latitude, issue.longitude)) <= RADIUS_M


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


async def followers(s: AsyncSession, issue_id: int) -> list[int]:
    query = (
        select(IssueFollower.user_id)
        .where(IssueFollower.issue_id == issue_id, IssueFollower.user_id != ERASED_CITIZEN)
        .order_by(col(IssueFollower.id))
    )
    return [int(u) for u in (await s.exec(query)).all()]


async def follower_count(s: AsyncSession, issue_id: int) -> int:
    query = select(func.count()).select_from(IssueFollower).where(IssueFollower.issue_id == issue_id)
    return int((await s.exec(query)).one())


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
