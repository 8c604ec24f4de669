"""Routing between the three levels, without Telegram or a database."""

import pytest

from bot.domain.enums import GridLevel
from bot.domain.lifecycle import IssueStatus
from bot.triage.routing import (
    CardButton,
    ChatRole,
    Level,
    NoLevel,
    card_buttons,
    escalation_target,
    may_escalate,
    may_send_back,
    send_back_target,
)

COUNTY = Level(1, GridLevel.COUNTY, "城口县")
TOWNSHIP = Level(2, GridLevel.TOWNSHIP, "葛城街道")
VILLAGE = Level(3, GridLevel.VILLAGE, "南大街社区")
PATH = [COUNTY, TOWNSHIP, VILLAGE]


def test_escalation_goes_up_one_level_at_a_time() -> None:
    assert escalation_target(PATH, VILLAGE.grid_id) == TOWNSHIP
    assert escalation_target(PATH, TOWNSHIP.grid_id) == COUNTY
    with pytest.raises(NoLevel):
        escalation_target(PATH, COUNTY.grid_id)
    assert may_escalate(PATH, VILLAGE.grid_id) and not may_escalate(PATH, COUNTY.grid_id)


def test_sending_back_goes_down_towards_the_issues_grid() -> None:
    assert send_back_target(PATH, COUNTY.grid_id) == TOWNSHIP
    assert send_back_target(PATH, TOWNSHIP.grid_id) == VILLAGE
    with pytest.raises(NoLevel):
        send_back_target(PATH, VILLAGE.grid_id)
    assert may_send_back(PATH, COUNTY.grid_id) and not may_send_back(PATH, VILLAGE.grid_id)


def test_an_unrelated_grid_cannot_move_the_issue() -> None:
    with pytest.raises(NoLevel):
        escalation_target(PATH, 99)
    assert not may_escalate(PATH, 99) and not may_send_back(PATH, 99)


def test_buttons_follow_the_role_of_the_chat() -> None:
    holder = card_buttons(IssueStatus.RECEIVED, ChatRole.HOLDER, escalate=True, send_back=False)
    assert holder == [CardButton.CLAIM, CardButton.TRIAGE, CardButton.RESOLVE, CardButton.ESCALATE, CardButton.DETAIL]
    working = card_buttons(IssueStatus.IN_PROGRESS, ChatRole.HOLDER, escalate=False, send_back=True)
    assert working == [CardButton.TRIAGE, CardButton.RESOLVE, CardButton.SEND_BACK, CardButton.DETAIL]
    assert card_buttons(IssueStatus.IN_PROGRESS, ChatRole.DEPARTMENT, escalate=True, send_back=True) == [
        CardButton.RESOLVE,
        CardButton.DETAIL,
    ]
    assert card_buttons(IssueStatus.RECEIVED, ChatRole.OBSERVER, escalate=True, send_back=True) == [CardButton.DETAIL]
    assert card_buttons(IssueStatus.CLOSED, ChatRole.HOLDER, escalate=True, send_back=True) == [CardButton.DETAIL]
