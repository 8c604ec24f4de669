"""Typed callback data. Bump a prefix's version digit when its fields change shape."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters import Filter
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery

from bot.domain.lifecycle import Rating


class PressOf(Filter):
    """A router's root filter: only presses of its own kinds of button reach its handlers.

    A press passes most routers on its way, and each handler there would parse its data into a
    model to test it; a prefix test at the router's door settles it once."""

    def __init__(self, *kinds: type[CallbackData]) -> None:
        self.prefixes = tuple(f"{kind.__prefix__}{kind.__separator__}" for kind in kinds)

    async def __call__(self, query: CallbackQuery) -> bool:
        return query.data is not None and query.data.startswith(self.prefixes)


class MenuAction(StrEnum):
    REPORT = "report"
    MY_ISSUES = "my"
    SERVICES = "services"
    HELP = "help"
    HOME = "home"
    DEPUTIES = "dep"  # 找代表


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
    TRIAGE = "triage"  # 研判
    ESCALATE = "escalate"  # 上报
    SEND_BACK = "send_back"  # 退回


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


class DeputyAction(StrEnum):
    WRITE = "write"  # a citizen picks a deputy to write to (id: deputy)
    CONVERT = "conv"  # 转为诉求 (id: the citizen's message)
    SUPERVISE = "sup"  # 督办 (id: issue)
    DETAIL = "det"  # an issue's timeline (id: issue)
    MODE = "mode"  # /settings (value: NotifyMode)
    VISIT = "visit"  # 记录走访
    MATTER = "matter"  # a matter collected on a visit becomes an issue (id: matter)
    NEXT = "next"  # skip / done within the visit form


class DeputyCb(CallbackData, prefix="dp1"):
    action: DeputyAction
    id: int = 0
    value: str = ""


class TriageStep(StrEnum):
    EXPLAIN = "ex"  # 宣传解释: ask for the explanation
    HANDLE = "hd"  # 立即办理: choose a deadline
    HANDLE_DEADLINE = "hdd"  # value: deadline token; choose the responsible person
    PERSON = "hp"  # value: "<deadline token>_<telegram id>"
    ASSIGN = "as"  # 交办督办: choose a department
    DEPARTMENT = "asd"  # value: department id; choose a deadline
    ASSIGN_DEADLINE = "asdd"  # value: "<department id>_<deadline token>"
    HANDLE_DATES = "hdc"  # 指定日期: the calendar of working days, for 立即办理
    ASSIGN_DATES = "asc"  # the same for 交办督办; value: department id
    CANCEL = "x"


class TriageCb(CallbackData, prefix="tg1"):
    """The 研判 menu under a card. A deadline token is "3" (working days) or "D20261130" (a date)."""

    step: TriageStep
    issue_id: int
    value: str = ""


class LedgerCb(CallbackData, prefix="lg1"):
    """A page of /ledger; the scope is worked out again from the chat and the presser."""

    page: int


class PrivacyAction(StrEnum):
    EXPORT = "export"
    ERASE = "erase"  # asks for confirmation
    ERASE_CONFIRMED = "erase_ok"


class PrivacyCb(CallbackData, prefix="pv1"):
    action: PrivacyAction


class PhoneCb(CallbackData, prefix="ph1"):
    """The responsible person asks for the citizen's full number."""

    issue_id: int
