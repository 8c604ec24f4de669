"""What happened, as the flows and jobs say it: typed notices, handed to one `Notifier`.

A flow changes an issue and then emits one notice, in the same transaction; it does not know who
is told, nor through which channel (Telegram, a WeCom group robot, ...). `bot/notify/audience.py`
decides who hears of each notice; each channel renders what it is given.

No Telegram and no database here: the issue travels as the row the flow holds (typed only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from bot.domain.enums import EventKind
from bot.domain.lifecycle import Rating

if TYPE_CHECKING:
    from sqlmodel.ext.asyncio.session import AsyncSession

    from storage.models import Deputy, DeputyContact, Issue, IssueAttachment


class Urgency(StrEnum):
    """How a change reads to those who follow an issue from afar (deputies of its constituency)."""

    SUBMITTED = "submitted"
    ESCALATED = "escalated"  # 上报
    OVERDUE = "overdue"  # 超期
    UNSATISFIED = "unsatisfied"  # rated 不满意
    RED_CARD = "red-card"  # 红牌督办: every deputy of the constituency at once (issue 18)
    STEP = "step"  # any other step: claimed, answered, resolved, rated...


@dataclass(frozen=True, kw_only=True)
class IssueNotice:
    """Something happened to one issue. `issue` is the row as the flow left it."""

    issue: Issue
    now: datetime


@dataclass(frozen=True, kw_only=True)
class IssueReceived(IssueNotice):
    files: list[IssueAttachment] | None = None  # the new issue's attachments, when at hand


@dataclass(frozen=True, kw_only=True)
class CitizenReplied(IssueNotice):
    text: str | None
    photo: str | None


@dataclass(frozen=True, kw_only=True)
class IssueRated(IssueNotice):
    """满意 / 基本满意 closes it; 不满意 has reopened it (`issue.status` says which)."""

    rating: Rating


@dataclass(frozen=True, kw_only=True)
class IssueClaimed(IssueNotice):
    pass


@dataclass(frozen=True, kw_only=True)
class IssueAnswered(IssueNotice):
    text: str | None
    photo: str | None
    department: str | None = None  # answered by the assigned department, not the grid


@dataclass(frozen=True, kw_only=True)
class IssueResolved(IssueNotice):
    note: str
    photo: str | None
    by: str


@dataclass(frozen=True, kw_only=True)
class IssueExplained(IssueNotice):
    """宣传解释: the explanation is the answer; the citizen may still rate it."""

    note: str
    by: str


@dataclass(frozen=True, kw_only=True)
class IssueHandled(IssueNotice):
    """立即办理: a deadline and a responsible person (`issue.assignee_name`, `issue.deadline`)."""

    where: str


@dataclass(frozen=True, kw_only=True)
class IssueAssigned(IssueNotice):
    """交办督办 to a department of the level, with a deadline."""

    department_id: int
    department: str
    liaison_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class IssueMoved(IssueNotice):
    """上报 (up, `automatic` for 超期上报) or 退回 (down) to another level, with a note."""

    event: EventKind  # ESCALATED, AUTO_ESCALATED or SENT_BACK
    note: str
    where: str

    @property
    def escalated(self) -> bool:
        return self.event != EventKind.SENT_BACK


@dataclass(frozen=True, kw_only=True)
class IssueSupervised(IssueNotice):
    """督办 by a deputy: the holding group and the responsible person are told."""

    deputy_name: str
    deputy_level: str


@dataclass(frozen=True, kw_only=True)
class ContactAsked(IssueNotice):
    """转为诉求 made the issue with the citizen's name and phone hidden; the citizen is asked
    whether the grid may see them."""

    deputy_name: str


@dataclass(frozen=True, kw_only=True)
class ContactShared(IssueNotice):
    """The citizen agreed: the cards show the (masked) phone, the timeline the name."""


@dataclass(frozen=True, kw_only=True)
class DeadlinePassed(IssueNotice):
    """Once per deadline: those who follow the issue hear that it is now overdue."""


# -- follow-through (issue 18): warnings, 延期申请, 督办 levels ---------------------------------------


@dataclass(frozen=True, kw_only=True)
class TimeLimitWarning(IssueNotice):
    """70 % of the time limit used (🟡), once per deadline: the cards show it, the responsible person hears it."""


@dataclass(frozen=True, kw_only=True)
class ExtensionRequested(IssueNotice):
    """延期申请: the approving level (its group, or the administrators) gets a card to decide on."""

    request_id: int
    days: int
    reason: str
    requester: str
    new_deadline: datetime
    approver_chat_id: int | None  # None: the administrators, in their private chats


@dataclass(frozen=True, kw_only=True)
class ExtensionDecided(IssueNotice):
    """Approved (the citizen hears the new date) or refused; the requester hears either."""

    approved: bool
    requester_id: int
    by: str
    days: int
    reason: str = ""  # why it was refused


@dataclass(frozen=True, kw_only=True)
class SupervisionRaised(IssueNotice):
    """督办 raised to 黄牌 or 红牌 (`issue.supervision_level`) with a reason; a 红牌 reaches the
    county group and the constituency's deputies at once."""

    reason: str
    by: str


class AlertKind(StrEnum):
    DUE_SOON = "remind-due-soon"
    OVERDUE = "remind-overdue"


@dataclass(frozen=True, kw_only=True)
class DeadlineAlerts:
    """A supervision run's due-soon or overdue alerts: the people and groups working on each
    issue are told, gathered so that many issues make one message, not a flood."""

    kind: AlertKind
    issues: list[Issue]
    now: datetime


@dataclass(frozen=True, kw_only=True)
class UnitDigest:
    """The 09:00 numbers of a grid's level and below (`grid_id`) or a department's assigned work."""

    day: date
    numbers: dict[str, int]
    now: datetime
    grid_id: int | None = None
    department_id: int | None = None
    name: str = ""


# -- deputies --------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class CitizenWroteToDeputy:
    """A citizen's message (or follow-up) to a deputy, through the 代表码. A deputy not linked yet
    has it kept; the station staff hear of it."""

    deputy: Deputy
    contact: DeputyContact
    text: str
    citizen_name: str
    first: bool
    now: datetime


@dataclass(frozen=True, kw_only=True)
class DeputyAnswered:
    deputy: Deputy
    contact: DeputyContact
    text: str
    now: datetime


@dataclass(frozen=True, kw_only=True)
class PersonalNote:
    """A message a job wrote for one person (a duty-day reminder, a digest, a quarter's points),
    already in their language. `visit_button`: with 记录走访 (the duty day); `file`: an attachment."""

    user_id: int
    text: str
    now: datetime
    visit_button: bool = False
    file: tuple[str, bytes] | None = None  # (file name, content)
    caption: str = ""
    locale: str | None = None


Notice = IssueNotice | DeadlineAlerts | UnitDigest | CitizenWroteToDeputy | DeputyAnswered | PersonalNote


class Notifier(Protocol):
    """Where flows and jobs hand their notices, inside the transaction of the change: what it
    queues is committed, or rolled back, with the change."""

    async def notify(self, session: AsyncSession, notice: Notice) -> None: ...
