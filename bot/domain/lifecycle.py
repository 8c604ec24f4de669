"""The issue lifecycle as a pure state machine (no Telegram, no database).

    received ──claim──▶ in_progress ──resolve──▶ resolved ──rate 满意/基本满意──▶ closed
        │                                ▲            │
        └────────────resolve─────────────┘            └──rate 不满意──▶ reopened ──claim──▶ in_progress

研判 on any open issue: triage (立即办理 / 交办督办) → in_progress, explain (宣传解释) → resolved;
escalate (上报) and send back (退回) move it to another level, received there again.

Follow-through (bot/followthrough): staff close an open issue as a duplicate of another
(mark_duplicate → closed); the 回访 look-back reopens a resolved or closed one the citizen says is
not solved (lookback_reopen → reopened, for 重办).

Answers from the grid and replies from the citizen are recorded on the timeline without
changing the status; they are refused once the issue is closed.
"""

from __future__ import annotations

from enum import StrEnum


class IssueStatus(StrEnum):
    RECEIVED = "received"  # 已受理: waiting for a grid worker to claim it
    IN_PROGRESS = "in_progress"  # 办理中: claimed by a worker
    RESOLVED = "resolved"  # 已办结: waiting for the citizen's rating
    CLOSED = "closed"  # 已评价: rated 满意 or 基本满意
    REOPENED = "reopened"  # 重新办理: rated 不满意, back with the grid


class Action(StrEnum):
    CLAIM = "claim"
    ANSWER = "answer"
    CITIZEN_REPLY = "citizen_reply"
    RESOLVE = "resolve"
    RATE_SATISFIED = "rate_satisfied"
    RATE_BASIC = "rate_basic"
    RATE_UNSATISFIED = "rate_unsatisfied"
    # 研判 and the three levels (bot/triage):
    TRIAGE = "triage"  # 立即办理 or 交办督办: a deadline and someone responsible
    EXPLAIN = "explain"  # 宣传解释: answered with an explanation, the citizen may rate it
    ESCALATE = "escalate"  # 上报 one level up, to be assessed there
    SEND_BACK = "send_back"  # 退回 one level down, with a note
    MARK_DUPLICATE = "mark_duplicate"  # 重复件: closed, its citizen follows the original
    LOOKBACK_REOPEN = "lookback_reopen"  # 回访 "没解决": back for 重办


class Rating(StrEnum):
    SATISFIED = "satisfied"  # 满意
    BASIC = "basic"  # 基本满意
    UNSATISFIED = "unsatisfied"  # 不满意

    @property
    def points(self) -> int:
        """The scores of the source documents: 满意 100, 基本满意 60, 不满意 0."""
        return {Rating.SATISFIED: 100, Rating.BASIC: 60, Rating.UNSATISFIED: 0}[self]

    @property
    def action(self) -> Action:
        return {
            Rating.SATISFIED: Action.RATE_SATISFIED,
            Rating.BASIC: Action.RATE_BASIC,
            Rating.UNSATISFIED: Action.RATE_UNSATISFIED,
        }[self]


class IllegalTransition(Exception):
    """An action that the issue's current status does not allow."""

    def __init__(self, status: IssueStatus, action: Action) -> None:
        super().__init__(f"cannot {action} an issue that is {status}")
        self.status = status
        self.action = action


S, A = IssueStatus, Action
OPEN = (S.RECEIVED, S.IN_PROGRESS, S.REOPENED)

TRANSITIONS: dict[tuple[IssueStatus, Action], IssueStatus] = {
    **{(s, A.CLAIM): S.IN_PROGRESS for s in (S.RECEIVED, S.REOPENED)},
    **{(s, A.RESOLVE): S.RESOLVED for s in OPEN},
    **{(s, A.ANSWER): s for s in (*OPEN, S.RESOLVED)},
    **{(s, A.CITIZEN_REPLY): s for s in (*OPEN, S.RESOLVED)},
    **{(s, A.TRIAGE): S.IN_PROGRESS for s in OPEN},
    **{(s, A.EXPLAIN): S.RESOLVED for s in OPEN},
    **{(s, A.ESCALATE): S.RECEIVED for s in OPEN},
    **{(s, A.SEND_BACK): S.RECEIVED for s in OPEN},
    (S.RESOLVED, A.RATE_SATISFIED): S.CLOSED,
    (S.RESOLVED, A.RATE_BASIC): S.CLOSED,
    (S.RESOLVED, A.RATE_UNSATISFIED): S.REOPENED,
    **{(s, A.MARK_DUPLICATE): S.CLOSED for s in OPEN},
    **{(s, A.LOOKBACK_REOPEN): S.REOPENED for s in (S.RESOLVED, S.CLOSED)},
}


def transition(status: IssueStatus, action: Action) -> IssueStatus:
    """The status after `action`, or IllegalTransition when the status does not allow it."""
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        raise IllegalTransition(status, action) from None


def allowed_actions(status: IssueStatus) -> set[Action]:
    return {action for (state, action) in TRANSITIONS if state == status}


def is_open(status: IssueStatus) -> bool:
    """Open issues are the grid's to work on."""
    return status in OPEN
