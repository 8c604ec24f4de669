"""What the follow-through flows and the 回访 job emit (see bot/domain/notices.py for the idea):
`bot/notify/audience.py` decides who hears of each."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.domain.notices import IssueNotice


class Answer(StrEnum):
    """The citizen's answer at the 回访: 问题解决了吗？"""

    SOLVED = "solved"  # 已解决
    NOT_SOLVED = "not_solved"  # 没解决: reopened for 重办, with a reason
    UNSURE = "unsure"  # 不清楚: asked once more later


@dataclass(frozen=True, kw_only=True)
class IssueFollowed(IssueNotice):
    """A citizen follows the issue (👍 at intake): its cards show one more 关注."""


@dataclass(frozen=True, kw_only=True)
class IssueDuplicated(IssueNotice):
    """`issue` was closed as a duplicate of `original`; its citizen follows the original now."""

    original_ref: str
    original_id: int
    by: str


@dataclass(frozen=True, kw_only=True)
class LookbackDue(IssueNotice):
    """Time for the 回访 question (`ask` 1, or 2 after a 不清楚)."""

    ask: int


@dataclass(frozen=True, kw_only=True)
class LookbackAnswered(IssueNotice):
    """The citizen answered the 回访; for 没解决 the issue is reopened (`issue.status` says so)."""

    answer: Answer
    reason: str | None = None
