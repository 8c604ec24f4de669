"""The issue state machine, exhaustively: every (status, action) pair is either a listed
transition or refused with IllegalTransition."""

from itertools import product

import pytest

from bot.domain.lifecycle import (
    TRANSITIONS,
    Action,
    IllegalTransition,
    IssueStatus,
    Rating,
    allowed_actions,
    is_open,
    transition,
)

S, A = IssueStatus, Action

EXPECTED = {
    (S.RECEIVED, A.CLAIM): S.IN_PROGRESS,
    (S.RECEIVED, A.RESOLVE): S.RESOLVED,
    (S.RECEIVED, A.ANSWER): S.RECEIVED,
    (S.RECEIVED, A.CITIZEN_REPLY): S.RECEIVED,
    (S.IN_PROGRESS, A.RESOLVE): S.RESOLVED,
    (S.IN_PROGRESS, A.ANSWER): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.CITIZEN_REPLY): S.IN_PROGRESS,
    (S.REOPENED, A.CLAIM): S.IN_PROGRESS,
    (S.REOPENED, A.RESOLVE): S.RESOLVED,
    (S.REOPENED, A.ANSWER): S.REOPENED,
    (S.REOPENED, A.CITIZEN_REPLY): S.REOPENED,
    **{
        (s, a): to
        for s in (S.RECEIVED, S.IN_PROGRESS, S.REOPENED)
        for a, to in (
            (A.TRIAGE, S.IN_PROGRESS),
            (A.EXPLAIN, S.RESOLVED),
            (A.ESCALATE, S.RECEIVED),
            (A.SEND_BACK, S.RECEIVED),
        )
    },
    (S.RESOLVED, A.ANSWER): S.RESOLVED,
    (S.RESOLVED, A.CITIZEN_REPLY): S.RESOLVED,
    (S.RESOLVED, A.RATE_SATISFIED): S.CLOSED,
    (S.RESOLVED, A.RATE_BASIC): S.CLOSED,
    (S.RESOLVED, A.RATE_UNSATISFIED): S.REOPENED,
    **{(s, A.MARK_DUPLICATE): S.CLOSED for s in (S.RECEIVED, S.IN_PROGRESS, S.REOPENED)},
    (S.RESOLVED, A.LOOKBACK_REOPEN): S.REOPENED,
    (S.CLOSED, A.LOOKBACK_REOPEN): S.REOPENED,
}


@pytest.mark.parametrize(("status", "action"), list(product(IssueStatus, Action)))
def test_every_pair_is_allowed_or_refused(status: IssueStatus, action: Action) -> None:
    if (status, action) in EXPECTED:
        assert transition(status, action) == EXPECTED[(status, action)]
    else:
        with pytest.raises(IllegalTransition) as refused:
            transition(status, action)
        assert refused.value.status == status and refused.value.action == action


def test_table_holds_nothing_unexpected() -> None:
    assert TRANSITIONS == EXPECTED


def test_closed_only_reopens_through_the_lookback() -> None:
    assert allowed_actions(S.CLOSED) == {A.LOOKBACK_REOPEN}


def test_claimed_issue_cannot_be_claimed_again() -> None:
    with pytest.raises(IllegalTransition):
        transition(S.IN_PROGRESS, A.CLAIM)


def test_open_statuses() -> None:
    assert {s for s in IssueStatus if is_open(s)} == {S.RECEIVED, S.IN_PROGRESS, S.REOPENED}


def test_rating_points_and_actions() -> None:
    assert [r.points for r in Rating] == [100, 60, 0]
    assert transition(S.RESOLVED, Rating.UNSATISFIED.action) == S.REOPENED
    assert transition(S.RESOLVED, Rating.BASIC.action) == S.CLOSED
