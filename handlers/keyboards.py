"""Keyboard builders: pure functions from data to markup."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

from bot.domain.lifecycle import Rating
from bot.i18n import Translate
from bot.organisation.service import CategoryView, GridView
from bot.triage.routing import CardButton
from handlers import followthrough_keyboards
from handlers.callbacks import (
    CardAction,
    CardCb,
    EditField,
    LedgerCb,
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
    TriageCb,
    TriageStep,
)


def _button(text: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def _nav_row(t: Translate, *, back: bool = True) -> list[InlineKeyboardButton]:
    row = [_button(t("btn-back"), ReportCb(step=ReportStep.BACK))] if back else []
    row.append(_button(t("btn-cancel"), ReportCb(step=ReportStep.CANCEL)))
    return row


def _in_rows(buttons: list[InlineKeyboardButton], width: int = 2) -> list[list[InlineKeyboardButton]]:
    # Built directly: aiogram's InlineKeyboardBuilder deep-copies the keyboard on every add().
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]


def main_menu(t: Translate) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [_button(t("menu-report"), MenuCb(action=MenuAction.REPORT))],
            [
                _button(t("menu-my-issues"), MenuCb(action=MenuAction.MY_ISSUES)),
                _button(t("menu-services"), MenuCb(action=MenuAction.SERVICES)),
            ],
            [
                _button(t("menu-deputies"), MenuCb(action=MenuAction.DEPUTIES)),
                _button(t("menu-help"), MenuCb(action=MenuAction.HELP)),
            ],
        ]
    )


def back_to_menu(t: Translate) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_button(t("btn-menu"), MenuCb(action=MenuAction.HOME))]])


def grid_choices(t: Translate, grids: Sequence[GridView], step: ReportStep, *, back: bool) -> InlineKeyboardMarkup:
    choices = [_button(grid.name, ReportCb(step=step, value=str(grid.id))) for grid in grids]
    return InlineKeyboardMarkup(inline_keyboard=[*_in_rows(choices), _nav_row(t, back=back)])


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
    choices = [_button(c.name, ReportCb(step=ReportStep.CATEGORY, value=str(c.id))) for c in categories]
    return InlineKeyboardMarkup(inline_keyboard=[*_in_rows(choices), _nav_row(t)])


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
            [
                _button(t("btn-edit"), ReportCb(step=ReportStep.EDIT)),
                _button(
                    t("btn-anonymous-on" if anonymous else "btn-anonymous-off"), ReportCb(step=ReportStep.ANONYMOUS)
                ),
            ],
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
    choices = [_button(t(key), ReportCb(step=ReportStep.EDIT, value=field.value)) for field, key in fields]
    return InlineKeyboardMarkup(inline_keyboard=[*_in_rows(choices), _nav_row(t)])


CARD_BUTTONS = {
    CardButton.CLAIM: (CardAction.CLAIM, "btn-claim"),
    CardButton.TRIAGE: (CardAction.TRIAGE, "btn-triage"),
    CardButton.RESOLVE: (CardAction.RESOLVE, "btn-resolve"),
    CardButton.ESCALATE: (CardAction.ESCALATE, "btn-escalate"),
    CardButton.SEND_BACK: (CardAction.SEND_BACK, "btn-send-back"),
    CardButton.EXTEND: (CardAction.EXTEND, "btn-extend"),
    CardButton.DETAIL: (CardAction.DETAIL, "btn-detail"),
}


def issue_card(t: Translate, issue_id: int, shown: Sequence[CardButton]) -> InlineKeyboardMarkup:
    """The buttons routing allows in this chat (bot.triage.routing.card_buttons), three a row."""
    buttons = [
        _button(t(key), CardCb(action=action, issue_id=issue_id))
        for action, key in (CARD_BUTTONS[button] for button in shown)
    ]
    return InlineKeyboardMarkup(inline_keyboard=_in_rows(buttons, width=3))


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


def _triage(text: str, step: TriageStep, issue_id: int, **fields: Any) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=TriageCb(step=step, issue_id=issue_id, **fields).pack())


def _deadline(choice: int | date) -> dict[str, Any]:
    return {"day": choice} if isinstance(choice, date) else {"days": choice}


def triage_menu(t: Translate, issue_id: int) -> InlineKeyboardMarkup:
    """The three dispositions of 研判."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [_triage(t("btn-disposition-explain"), TriageStep.EXPLAIN, issue_id)],
            [_triage(t("btn-disposition-handle"), TriageStep.HANDLE, issue_id)],
            [_triage(t("btn-disposition-assign"), TriageStep.ASSIGN, issue_id)],
            [followthrough_keyboards.duplicate_menu_button(t, issue_id)],  # 重复件
            [_triage(t("btn-cancel"), TriageStep.CANCEL, issue_id)],
        ]
    )


def deadline_choices(
    t: Translate,
    issue_id: int,
    options: Sequence[tuple[int | date, str]],
    step: TriageStep,
    department_id: int | None = None,
    dates: TriageStep | None = None,
    *,
    columns: int = 2,
) -> InlineKeyboardMarkup:
    """options: (working days or a date, label); `dates`: the step of a 📅 指定日期 button.
    department_id: for 交办督办, the department chosen (carried on to every button but cancel)."""
    rows = _in_rows(
        [_triage(label, step, issue_id, department_id=department_id, **_deadline(choice)) for choice, label in options],
        width=columns,
    )
    if dates is not None:
        rows.append([_triage(t("btn-pick-date"), dates, issue_id, department_id=department_id)])
    rows.append([_triage(t("btn-cancel"), TriageStep.CANCEL, issue_id)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def person_choices(
    t: Translate, issue_id: int, deadline: int | date, people: Sequence[tuple[int, str]]
) -> InlineKeyboardMarkup:
    """deadline: working days or a date, as chosen; people: (telegram id, label), the chooser first."""
    rows = _in_rows(
        [
            _triage(label, TriageStep.PERSON, issue_id, responsible_id=user_id, **_deadline(deadline))
            for user_id, label in people
        ]
    )
    rows.append([_triage(t("btn-cancel"), TriageStep.CANCEL, issue_id)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def department_choices(t: Translate, issue_id: int, departments: Sequence[tuple[int, str]]) -> InlineKeyboardMarkup:
    rows = [[_triage(name, TriageStep.DEPARTMENT, issue_id, department_id=dept_id)] for dept_id, name in departments]
    rows.append([_triage(t("btn-cancel"), TriageStep.CANCEL, issue_id)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def ledger_paging(t: Translate, *, page: int, has_more: bool, level: str = "") -> InlineKeyboardMarkup | None:
    row = []
    if page > 0:
        row.append(_button(t("btn-prev-page"), LedgerCb(page=page - 1, level=level)))
    if has_more:
        row.append(_button(t("btn-next-page"), LedgerCb(page=page + 1, level=level)))
    return InlineKeyboardMarkup(inline_keyboard=[row]) if row else None


def timeline_actions(t: Translate, issue_id: int) -> InlineKeyboardMarkup:
    """Under an issue's timeline in the group: the full phone number, for the responsible person."""
    return InlineKeyboardMarkup(inline_keyboard=[[_button(t("btn-reveal-phone"), PhoneCb(issue_id=issue_id))]])


def privacy(t: Translate) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [_button(t("btn-privacy-export"), PrivacyCb(action=PrivacyAction.EXPORT))],
            [_button(t("btn-privacy-erase"), PrivacyCb(action=PrivacyAction.ERASE))],
        ]
    )


def privacy_erase_confirm(t: Translate) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [_button(t("btn-privacy-erase-confirm"), PrivacyCb(action=PrivacyAction.ERASE_CONFIRMED))],
            [_button(t("btn-menu"), MenuCb(action=MenuAction.HOME))],
        ]
    )
