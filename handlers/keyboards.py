"""Keyboard builders: pure functions from data to markup."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup
from aiogram.filters.callback_data import CallbackData
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Translate
from bot.issues.lifecycle import Action, IssueStatus, Rating, allowed_actions
from bot.organisation.service import CategoryView, GridView
from handlers.callbacks import (
    CardAction,
    CardCb,
    EditField,
    MenuAction,
    MenuCb,
    MyIssuesCb,
    PhoneCb,
    PrivacyAction,
    PrivacyCb,
    RateCb,
    RatingCommentCb,
    ReportCb,
    ReportStep,
)


def _button(text: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def _nav_row(t: Translate, *, back: bool = True) -> list[InlineKeyboardButton]:
    row = [_button(t("btn-back"), ReportCb(step=ReportStep.BACK))] if back else []
    row.append(_button(t("btn-cancel"), ReportCb(step=ReportStep.CANCEL)))
    return row


def main_menu(t: Translate) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [_button(t("menu-report"), MenuCb(action=MenuAction.REPORT))],
            [
                _button(t("menu-my-issues"), MenuCb(action=MenuAction.MY_ISSUES)),
                _button(t("menu-services"), MenuCb(action=MenuAction.SERVICES)),
            ],
            [_button(t("menu-help"), MenuCb(action=MenuAction.HELP))],
        ]
    )


def back_to_menu(t: Translate) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_button(t("btn-menu"), MenuCb(action=MenuAction.HOME))]])


def grid_choices(t: Translate, grids: Sequence[GridView], step: ReportStep, *, back: bool) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for grid in grids:
        builder.add(_button(grid.name, ReportCb(step=step, value=str(grid.id))))
    builder.adjust(2)
    builder.row(*_nav_row(t, back=back))
    return builder.as_markup()


def remembered_grid(t: Translate, grid_name: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [_button(t("btn-keep-grid", grid=grid_name), ReportCb(step=ReportStep.KEEP_GRID))],
            [_button(t("btn-other-grid"), ReportCb(step=ReportStep.OTHER_GRID))],
            _nav_row(t, back=False),
        ]
    )


def resume_draft(t: Translate) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [_button(t("btn-resume"), ReportCb(step=ReportStep.RESUME))],
            [_button(t("btn-restart"), ReportCb(step=ReportStep.RESTART))],
        ]
    )


def category_choices(t: Translate, categories: Sequence[CategoryView]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for category in categories:
        builder.add(_button(category.name, ReportCb(step=ReportStep.CATEGORY, value=str(category.id))))
    builder.adjust(2)
    builder.row(*_nav_row(t))
    return builder.as_markup()


def describe_controls(t: Translate, *, ready: bool) -> InlineKeyboardMarkup:
    rows = [[_button(t("btn-next"), ReportCb(step=ReportStep.NEXT))]] if ready else []
    rows.append(_nav_row(t))
    return InlineKeyboardMarkup(inline_keyboard=rows)


def phone_controls(t: Translate) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[_button(t("btn-skip-phone"), ReportCb(step=ReportStep.SKIP_PHONE))], _nav_row(t)]
    )


def share_contact(t: Translate) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=t("btn-share-phone"), request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
        input_field_placeholder=t("phone-placeholder"),
    )


def review(t: Translate, *, anonymous: bool = False) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [_button(t("btn-confirm"), ReportCb(step=ReportStep.CONFIRM))],
            [_button(t("btn-edit"), ReportCb(step=ReportStep.EDIT)),
             _button(t("btn-anonymous-on" if anonymous else "btn-anonymous-off"), ReportCb(step=ReportStep.ANONYMOUS))],
            _nav_row(t),
        ]
    )


def edit_fields(t: Translate) -> InlineKeyboardMarkup:
    fields = [
        (EditField.GRID, "edit-grid"),
        (EditField.CATEGORY, "edit-category"),
        (EditField.DESCRIPTION, "edit-description"),
        (EditField.PHONE, "edit-phone"),
    ]
    builder = InlineKeyboardBuilder()
    for field, key in fields:
        builder.add(_button(t(key), ReportCb(step=ReportStep.EDIT, value=field.value)))
    builder.adjust(2)
    builder.row(*_nav_row(t))
    return builder.as_markup()


CARD_BUTTONS = [
    (CardAction.CLAIM, Action.CLAIM, "btn-claim"),
    (CardAction.RESOLVE, Action.RESOLVE, "btn-resolve"),
]


def issue_card(t: Translate, issue_id: int, status: IssueStatus) -> InlineKeyboardMarkup:
    """Only the buttons the issue's status allows; 详情 always."""
    allowed = allowed_actions(status)
    row = [_button(t(key), CardCb(action=a, issue_id=issue_id)) for a, action, key in CARD_BUTTONS if action in allowed]
    row.append(_button(t("btn-detail"), CardCb(action=CardAction.DETAIL, issue_id=issue_id)))
    return InlineKeyboardMarkup(inline_keyboard=[row])


def rating(t: Translate, issue_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                _button(t("rating-satisfied"), RateCb(issue_id=issue_id, rating=Rating.SATISFIED)),
                _button(t("rating-basic"), RateCb(issue_id=issue_id, rating=Rating.BASIC)),
                _button(t("rating-unsatisfied"), RateCb(issue_id=issue_id, rating=Rating.UNSATISFIED)),
            ]
        ]
    )


def rating_comment(t: Translate, issue_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_button(t("btn-no-comment"), RatingCommentCb(issue_id=issue_id))]])


def my_issues(t: Translate, items: Sequence[tuple[int, str]], *, page: int, has_more: bool) -> InlineKeyboardMarkup:
    """items: (issue id, button label)."""
    rows = [[_button(label, MyIssuesCb(page=page, issue_id=issue_id))] for issue_id, label in items]
    paging = []
    if page > 0:
        paging.append(_button(t("btn-prev-page"), MyIssuesCb(page=page - 1)))
    if has_more:
        paging.append(_button(t("btn-next-page"), MyIssuesCb(page=page + 1)))
    if paging:
        rows.append(paging)
    rows.append([_button(t("btn-menu"), MenuCb(action=MenuAction.HOME))])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def issue_detail(t: Translate, *, page: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_button(t("btn-back-to-list"), MyIssuesCb(page=page))]])


def timeline_actions(t: Translate, issue_id: int) -> InlineKeyboardMarkup:
    """Under an issue's timeline in the group: the full phone number, for the responsible person."""
    return InlineKeyboardMarkup(inline_keyboard=[[_button(t("btn-reveal-phone"), PhoneCb(issue_id=issue_id))]])


def privacy(t: Translate) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[
        [_button(t("btn-privacy-export"), PrivacyCb(action=PrivacyAction.EXPORT))],
        [_button(t("btn-privacy-erase"), PrivacyCb(action=PrivacyAction.ERASE))],
    ])


def privacy_erase_confirm(t: Translate) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[
        [_button(t("btn-privacy-erase-confirm"), PrivacyCb(action=PrivacyAction.ERASE_CONFIRMED))],
        [_button(t("btn-menu"), MenuCb(action=MenuAction.HOME))],
    ])
