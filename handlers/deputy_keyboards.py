"""Keyboards of the deputy side: pure functions from data to markup."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.enums import NotifyMode
from bot.i18n import Translate
from handlers.callbacks import DeputyAction, DeputyCb, MenuAction, MenuCb


def _button(text: str, data: DeputyCb | MenuCb) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def deputy_list(t: Translate, deputies: Sequence[tuple[int, str]]) -> InlineKeyboardMarkup:
    rows = [[_button(label, DeputyCb(action=DeputyAction.WRITE, id=deputy_id))] for deputy_id, label in deputies]
    rows.append([_button(t("btn-menu"), MenuCb(action=MenuAction.HOME))])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def inbox(t: Translate, contact_id: int, *, convertible: bool) -> InlineKeyboardMarkup | None:
    if not convertible:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[[_button(t("dep-btn-convert"), DeputyCb(action=DeputyAction.CONVERT, id=contact_id))]]
    )


def issue_push(t: Translate, issue_id: int, *, can_supervise: bool) -> InlineKeyboardMarkup:
    row = (
        [_button(t("dep-btn-supervise"), DeputyCb(action=DeputyAction.SUPERVISE, id=issue_id))] if can_supervise else []
    )
    row.append(_button(t("dep-btn-detail"), DeputyCb(action=DeputyAction.DETAIL, id=issue_id)))
    return InlineKeyboardMarkup(inline_keyboard=[row])


MODES = [
    (NotifyMode.DEFAULT, "dep-mode-default"),
    (NotifyMode.ALL, "dep-mode-all"),
    (NotifyMode.DIGEST, "dep-mode-digest"),
    (NotifyMode.OFF, "dep-mode-off"),
]


def settings(t: Translate, current: NotifyMode) -> InlineKeyboardMarkup:
    rows = [
        [_button(("✅ " if mode == current else "") + t(key), DeputyCb(action=DeputyAction.MODE, value=mode.value))]
        for mode, key in MODES
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def duty_day(t: Translate) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[_button(t("dep-btn-log-visit"), DeputyCb(action=DeputyAction.VISIT))]]
    )


def visit_next(t: Translate, label_key: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_button(t(label_key), DeputyCb(action=DeputyAction.NEXT))]])


def matter(t: Translate, matter_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[_button(t("dep-btn-matter-issue"), DeputyCb(action=DeputyAction.MATTER, id=matter_id))]]
    )


def contact_consent(t: Translate, issue_id: int) -> InlineKeyboardMarkup:
    """A deputy made the citizen's message an issue: may the grid see the citizen's name and phone?"""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                _button(t("btn-contact-share"), DeputyCb(action=DeputyAction.CONTACT, id=issue_id, value="yes")),
                _button(t("btn-contact-keep"), DeputyCb(action=DeputyAction.CONTACT, id=issue_id, value="no")),
            ]
        ]
    )
