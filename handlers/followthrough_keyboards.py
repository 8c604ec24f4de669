"""Keyboards of the follow-through: duplicate suggestions, 重复件 candidates, the 回访 question."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.followthrough.notices import Answer
from bot.i18n import Translate
from handlers.callbacks import (
    DuplicateAction,
    DuplicateCb,
    FollowCb,
    LookbackCb,
    ReportCb,
    ReportStep,
    TriageCb,
    TriageStep,
)


def _button(text: str, data: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())  # type: ignore[attr-defined]


def suggestions(t: Translate, refs: Sequence[tuple[int, str]]) -> InlineKeyboardMarkup:
    """refs: (issue id, reference). 👍 one of them, or go on with a new report."""
    rows = [[_button(t("dup-btn-follow", ref=ref), FollowCb(issue_id=issue_id))] for issue_id, ref in refs]
    rows.append([_button(t("dup-btn-new-report"), ReportCb(step=ReportStep.NEW_REPORT))])
    rows.append(
        [
            _button(t("btn-back"), ReportCb(step=ReportStep.BACK)),
            _button(t("btn-cancel"), ReportCb(step=ReportStep.CANCEL)),
        ]
    )
    return InlineKeyboardMarkup(inline_keyboard=rows)


def duplicate_menu_button(t: Translate, issue_id: int) -> InlineKeyboardButton:
    return _button(t("dup-btn-mark"), DuplicateCb(action=DuplicateAction.LIST, issue_id=issue_id))


def originals(t: Translate, issue_id: int, refs: Sequence[tuple[int, str]]) -> InlineKeyboardMarkup:
    rows = [
        [_button(label, DuplicateCb(action=DuplicateAction.PICK, issue_id=issue_id, original_id=original_id))]
        for original_id, label in refs
    ]
    rows.append([_button(t("btn-cancel"), TriageCb(step=TriageStep.CANCEL, issue_id=issue_id))])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def lookback(t: Translate, issue_id: int, ask: int) -> InlineKeyboardMarkup:
    answers = [
        (Answer.SOLVED, "lookback-btn-solved"),
        (Answer.NOT_SOLVED, "lookback-btn-not-solved"),
        (Answer.UNSURE, "lookback-btn-unsure"),
    ]
    return InlineKeyboardMarkup(
        inline_keyboard=[[_button(t(key), LookbackCb(issue_id=issue_id, ask=ask, answer=a)) for a, key in answers]]
    )
