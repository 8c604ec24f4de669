"""Typed callback data. Bump a prefix's version digit when its fields change shape."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Self

from aiogram.filters import Filter
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery
from pydantic import BeforeValidator, PlainSerializer, model_validator

from bot.domain.lifecycle import Rating
from bot.followthrough.notices import Answer


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
    NEW_REPORT = "new"  # 已有人反映过类似问题？ — no, go on with a new report


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
    EXTEND = "extend"  # 延期申请


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
    CONTACT = "contact"  # a citizen lets the grid see their name and phone, or not (id: issue, value: yes/no)


class DeputyCb(CallbackData, prefix="dp1"):
    action: DeputyAction
    id: int = 0
    value: str = ""


class TriageStep(StrEnum):
    EXPLAIN = "ex"  # 宣传解释: ask for the explanation
    HANDLE = "hd"  # 立即办理: choose a deadline
    HANDLE_DEADLINE = "hdd"  # days or day; choose the responsible person
    PERSON = "hp"  # days or day, and responsible_id
    ASSIGN = "as"  # 交办督办: choose a department
    DEPARTMENT = "asd"  # department_id; choose a deadline
    ASSIGN_DEADLINE = "asdd"  # department_id, and days or day
    HANDLE_DATES = "hdc"  # 指定日期: the calendar of working days, for 立即办理
    ASSIGN_DATES = "asc"  # the same for 交办督办; department_id
    CANCEL = "x"


def _compact_date(value: object) -> object:
    """A date travels as YYYYMMDD, eight characters instead of ten."""
    if isinstance(value, str) and re.fullmatch(r"\d{8}", value):
        return datetime.strptime(value, "%Y%m%d").date()
    return value


CompactDate = Annotated[
    date, BeforeValidator(_compact_date), PlainSerializer(lambda day: f"{day:%Y%m%d}", return_type=str)
]

# What each step's button carries besides the issue id ("deadline": `days` or `day`, one of them).
TRIAGE_FIELDS: dict[TriageStep, frozenset[str]] = {
    TriageStep.HANDLE_DEADLINE: frozenset({"deadline"}),
    TriageStep.PERSON: frozenset({"deadline", "responsible_id"}),
    TriageStep.DEPARTMENT: frozenset({"department_id"}),
    TriageStep.ASSIGN_DATES: frozenset({"department_id"}),
    TriageStep.ASSIGN_DEADLINE: frozenset({"department_id", "deadline"}),
}


class TriageCb(CallbackData, prefix="tg2"):
    """The 研判 menu under a card. A deadline is `days` (working days) or `day` (a date).

    Data that does not fit its step (a field missing or extra) does not parse, so no handler takes
    it; whether a well-formed value was on offer is for the handler to check."""

    step: TriageStep
    issue_id: int
    department_id: int | None = None
    days: int | None = None
    day: CompactDate | None = None
    responsible_id: int | None = None

    @model_validator(mode="after")
    def _fits_step(self) -> Self:
        needs = TRIAGE_FIELDS.get(self.step, frozenset())
        has = {name for name in ("department_id", "responsible_id") if getattr(self, name) is not None}
        if self.days is not None or self.day is not None:
            has.add("deadline")
        if has != needs or (self.days is not None and self.day is not None):
            raise ValueError(f"{self.step.name} carries {sorted(needs)}, not {sorted(has)}")
        return self


class LedgerCb(CallbackData, prefix="lg2"):
    """A page of /ledger; the scope is worked out again from the chat and the presser.
    `level`: only the issues of this 督办 level ("" for all; issue 18)."""

    page: int
    level: str = ""


class ExtensionCb(CallbackData, prefix="ex1"):
    """同意 / 不同意 on a 延期申请 card."""

    request_id: int
    approve: bool


class PrivacyAction(StrEnum):
    EXPORT = "export"
    ERASE = "erase"  # asks for confirmation
    ERASE_CONFIRMED = "erase_ok"


class PrivacyCb(CallbackData, prefix="pv1"):
    action: PrivacyAction


class PhoneCb(CallbackData, prefix="ph1"):
    """The responsible person asks for the citizen's full number."""

    issue_id: int


# -- follow-through: duplicates and the 回访 (bot/followthrough) --------------------------------------


class FollowCb(CallbackData, prefix="fw1"):
    """👍 关注: follow this open issue instead of filing the same again."""

    issue_id: int


class DuplicateAction(StrEnum):
    LIST = "list"  # the 研判 menu's 🔁 重复件: the candidates
    PICK = "pick"  # original_id: close the issue as its duplicate


class DuplicateCb(CallbackData, prefix="du1"):
    action: DuplicateAction
    issue_id: int
    original_id: int = 0


class LookbackCb(CallbackData, prefix="lb1"):
    """回访: the answer to question `ask` (1, or 2 after 不清楚)."""

    issue_id: int
    ask: int
    answer: Answer
