"""Typed callback data. Bump a prefix's version digit when its fields change shape."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.issues.lifecycle import Rating


class MenuAction(StrEnum):
    REPORT = "report"
    MY_ISSUES = "my"
    SERVICES = "services"
    HELP = "help"
    HOME = "home"


class MenuCb(CallbackData, prefix="m1"):
    action: MenuAction


class ReportStep(StrEnum):
    TOWNSHIP = "twn"  # value: township grid id
    VILLAGE = "vil"  # value: village grid id
    KEEP_GRID = "keep"  # use the remembered grid
    OTHER_GRID = "other"
    CATEGORY = "cat"  # value: category id
    NEXT = "next"
    SKIP_PHONE = "nophone"
    CONFIRM = "ok"
    EDIT = "edit"  # value: the field to edit (EditField)
    BACK = "back"
    CANCEL = "cancel"
    RESUME = "resume"  # continue an unfinished draft
    RESTART = "restart"  # drop it and start again
    ANONYMOUS = "anon"  # toggle anonymous reporting on the review


class EditField(StrEnum):
    GRID = "grid"
    CATEGORY = "cat"
    DESCRIPTION = "desc"
    PHONE = "phone"


class ReportCb(CallbackData, prefix="r1"):
    step: ReportStep
    value: str = ""


class CardAction(StrEnum):
    CLAIM = "claim"
    RESOLVE = "resolve"
    DETAIL = "detail"


class CardCb(CallbackData, prefix="c1"):
    action: CardAction
    issue_id: int


class RateCb(CallbackData, prefix="rt1"):
    issue_id: int
    rating: Rating


class RatingCommentCb(CallbackData, prefix="rc1"):
    """「不用了」: rate without a comment."""

    issue_id: int


class MyIssuesCb(CallbackData, prefix="my1"):
    page: int = 0
    issue_id: int = 0  # 0: the list; otherwise the issue's timeline


class PrivacyAction(StrEnum):
    EXPORT = "export"
    ERASE = "erase"  # asks for confirmation
    ERASE_CONFIRMED = "erase_ok"


class PrivacyCb(CallbackData, prefix="pv1"):
    action: PrivacyAction


class PhoneCb(CallbackData, prefix="ph1"):
    """The responsible person asks for the citizen's full number."""

    issue_id: int
