"""Where an issue is and who may act on it, as plain rules over the grid hierarchy.

Three levels (DOMAIN.md §1): small matters stay with the village/community grid, ordinary ones go
to the township/street, major ones to the county. 上报 moves an issue one level up from the level
that holds it; 退回 moves it one level down again, towards the grid it was reported in.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.domain.enums import GridLevel
from bot.domain.lifecycle import IssueStatus, is_open


@dataclass(frozen=True)
class Level:
    """One grid on the way from the county down to the issue's own grid."""

    grid_id: int
    level: GridLevel
    name: str


class ChatRole(StrEnum):
    HOLDER = "holder"  # the group of the level that holds the issue: triage, escalate, resolve
    DEPARTMENT = "department"  # the assigned department's group: reply and resolve
    OBSERVER = "observer"  # a group that held it before (a lower level): sees where it is
    NONE = "none"


class CardButton(StrEnum):
    CLAIM = "claim"
    TRIAGE = "triage"
    RESOLVE = "resolve"
    ESCALATE = "escalate"
    SEND_BACK = "send_back"
    EXTEND = "extend"  # 延期申请 (issue 18)
    DETAIL = "detail"


class NoLevel(LookupError):
    """There is no level above (the county) or below (the issue's own grid) to move to."""


def escalation_target(path: list[Level], acting_grid_id: int) -> Level:
    """The level above the one that acts. `path` runs county first, down to the issue's grid."""
    index = _index(path, acting_grid_id)
    if index == 0:
        raise NoLevel("the county is the top level")
    return path[index - 1]


def send_back_target(path: list[Level], acting_grid_id: int) -> Level:
    """The level below the one that acts, on the way back to the issue's own grid."""
    index = _index(path, acting_grid_id)
    if index == len(path) - 1:
        raise NoLevel("the issue is already at its own grid")
    return path[index + 1]


def _index(path: list[Level], grid_id: int) -> int:
    for index, level in enumerate(path):
        if level.grid_id == grid_id:
            return index
    raise NoLevel(f"grid {grid_id} is not on the issue's path")


def may_escalate(path: list[Level], acting_grid_id: int) -> bool:
    return _index(path, acting_grid_id) > 0 if any(lv.grid_id == acting_grid_id for lv in path) else False


def may_send_back(path: list[Level], acting_grid_id: int) -> bool:
    ids = [lv.grid_id for lv in path]
    return acting_grid_id in ids and ids.index(acting_grid_id) < len(ids) - 1


def card_buttons(
    status: IssueStatus, role: ChatRole, *, escalate: bool, send_back: bool, extend: bool = False
) -> list[CardButton]:
    """The buttons a card shows in a chat with this role (the server checks again on every press).
    `extend`: the issue has a deadline, so its responsible person may ask for more time."""
    if role in (ChatRole.OBSERVER, ChatRole.NONE) or not is_open(status):
        return [CardButton.DETAIL]
    more = [CardButton.EXTEND] if extend else []
    if role == ChatRole.DEPARTMENT:
        return [CardButton.RESOLVE, *more, CardButton.DETAIL]
    buttons = [CardButton.CLAIM] if status in (IssueStatus.RECEIVED, IssueStatus.REOPENED) else []
    buttons += [CardButton.TRIAGE, CardButton.RESOLVE]
    if escalate:
        buttons.append(CardButton.ESCALATE)
    if send_back:
        buttons.append(CardButton.SEND_BACK)
    return [*buttons, *more, CardButton.DETAIL]
