"""Database tables. Every timestamp is stored in UTC and read back time-zone aware."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Column, DateTime, Index, UniqueConstraint, text
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from bot.domain.enums import (
    ActorRole,
    AttachmentKind,
    Disposition,
    EventKind,
    GridLevel,
    LinkKind,
    NotifyMode,
    StaffRole,
    SupervisionLevel,
)
from bot.domain.lifecycle import IssueStatus, Rating


class UTCDateTime(TypeDecorator):
    """SQLite drops the zone of a datetime; store UTC and hand back aware values everywhere."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_column(*, nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


def telegram_id(*, primary_key: bool = False, index: bool = False, nullable: bool = True) -> Any:
    # Telegram ids exceed 32 bits; PostgreSQL needs BIGINT for them.
    return Field(
        default=None,
        sa_column=Column(BigInteger, primary_key=primary_key, index=index, nullable=nullable),
    )


class Grid(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True, max_length=32)
    name: str = Field(max_length=100)
    level: GridLevel
    parent_id: int | None = Field(default=None, foreign_key="grid.id", index=True)
    position: int = 0


class Category(SQLModel, table=True):
    """An entry of the service list (服务清单)."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True, max_length=32)
    name: str = Field(max_length=50)
    description: str = ""
    position: int = 0
    # 办理时限 offered first when an issue of this category is triaged (working days).
    default_deadline_days: int | None = None


class Staff(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    role: StaffRole = StaffRole.WORKER
    grid_id: int = Field(foreign_key="grid.id", index=True)
    phone: str | None = None
    telegram_user_id: int | None = telegram_id(index=True)


class User(SQLModel, table=True):
    """Anyone who has talked to the bot in a private chat."""

    id: int = telegram_id(primary_key=True, nullable=False)
    full_name: str = Field(default="", max_length=200)
    username: str | None = None
    locale: str | None = None  # None: the configured default
    phone: str | None = None
    last_grid_id: int | None = Field(default=None, foreign_key="grid.id")
    created_at: datetime = utc_column(nullable=False)


class GroupChat(SQLModel, table=True):
    """A Telegram group bound to a grid: the online mirror of the grid's WeChat group."""

    chat_id: int = telegram_id(primary_key=True, nullable=False)
    title: str = ""
    grid_id: int = Field(foreign_key="grid.id", unique=True)
    bound_by: int = telegram_id(nullable=False)
    bound_at: datetime = utc_column(nullable=False)


class Department(SQLModel, table=True):
    """A 职能部门 of a township or the county, working from its own group or through liaisons."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True, max_length=32)
    name: str = Field(max_length=100)
    grid_id: int = Field(foreign_key="grid.id", index=True)  # the level it belongs to
    chat_id: int | None = telegram_id(index=True)
    liaison_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    position: int = 0


class Issue(SQLModel, table=True):
    # The ledger: open issues of a set of holding grids, by deadline.
    __table_args__ = (Index("ix_issue_ledger", "holder_grid_id", "status", "deadline"),)

    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(unique=True, index=True, max_length=20)
    citizen_id: int = telegram_id(index=True, nullable=False)
    grid_id: int = Field(foreign_key="grid.id", index=True)
    category_id: int = Field(foreign_key="category.id")
    description: str
    phone: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    status: IssueStatus = Field(default=IssueStatus.RECEIVED, index=True)
    assignee_id: int | None = telegram_id()
    assignee_name: str | None = None
    resolution_note: str | None = None
    rating: Rating | None = None
    rating_comment: str | None = None
    reopen_count: int = 0
    # 研判 and the three levels: the grid whose level holds the issue now (its own grid at first),
    # the disposition, the department it is assigned to, and the deadline (办理时限).
    holder_grid_id: int | None = Field(default=None, foreign_key="grid.id")
    disposition: Disposition | None = None
    department_id: int | None = Field(default=None, foreign_key="department.id")
    deadline: datetime | None = utc_column()
    created_at: datetime = utc_column(nullable=False, index=True)
    updated_at: datetime = utc_column(nullable=False)
    resolved_at: datetime | None = utc_column()
    rated_at: datetime | None = utc_column()
    # Follow-through (issue 18): when the current time limit started (the 70 % yellow warning is
    # measured from here), 督办 level (普通 / 黄牌 / 红牌), and the SLA moments beside created_at
    # (received) and resolved_at: first acknowledged (claim or 研判), last reopened, closed.
    deadline_set_at: datetime | None = utc_column()
    # A plain string (bot.domain.enums.SupervisionLevel's values), so adding it needs no enum type.
    supervision_level: str = Field(
        default=SupervisionLevel.NORMAL.value, max_length=10, sa_column_kwargs={"server_default": "normal"}
    )
    acknowledged_at: datetime | None = utc_column()
    reopened_at: datetime | None = utc_column()
    closed_at: datetime | None = utc_column()
    # 督办: the deputy supervising this issue (issue 4); shown on the card and the ledger.
    supervised_by_deputy_id: int | None = Field(default=None, foreign_key="deputy.id", index=True)
    # Reported anonymously: the group (and deputies) never see the citizen's name.
    anonymous: bool = False
    # 重复件: closed as a duplicate of this issue (its citizen follows that one).
    duplicate_of_id: int | None = Field(default=None, foreign_key="issue.id")


class IssueFollower(SQLModel, table=True):
    """A citizen who follows someone else's issue (👍 at intake, or closed as its duplicate) and
    gets its progress pushes; the card shows how many."""

    __table_args__ = (UniqueConstraint("issue_id", "user_id", name="uq_issuefollower"),)

    id: int | None = Field(default=None, primary_key=True)
    issue_id: int = Field(foreign_key="issue.id", index=True)
    user_id: int = telegram_id(index=True, nullable=False)
    at: datetime = utc_column(nullable=False)


class Lookback(SQLModel, table=True):
    """回访 / 回头看: the citizen asked, N days after the issue was resolved, whether it is solved.

    One row per issue, written in the transaction that queues the question, so the job asks once
    whatever restarts happen. 不清楚 asks once more (`asks` 2) at `next_ask_at`."""

    id: int | None = Field(default=None, primary_key=True)
    issue_id: int = Field(foreign_key="issue.id", unique=True)
    asks: int = 1
    asked_at: datetime = utc_column(nullable=False)
    next_ask_at: datetime | None = utc_column(index=True)  # 不清楚: when to ask again
    answer: str | None = Field(default=None, max_length=12)  # bot.followthrough.lookback.Answer
    answered_at: datetime | None = utc_column()
    reason: str | None = None  # 没解决: why


class IssueSubmission(SQLModel, table=True):
    """The review a citizen confirmed (确认提交), once: a second press of the same review (after a
    crash cut the first short, or delivered twice) finds its issue instead of making another."""

    key: str = Field(primary_key=True, max_length=64)
    issue_id: int = Field(foreign_key="issue.id", index=True)


class IssueAttachment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    issue_id: int = Field(foreign_key="issue.id", index=True)
    event_id: int | None = Field(default=None, foreign_key="issueevent.id")
    kind: AttachmentKind
    file_id: str


class IssueEvent(SQLModel, table=True):
    """One line of an issue's timeline: who did what, when."""

    id: int | None = Field(default=None, primary_key=True)
    issue_id: int = Field(foreign_key="issue.id", index=True)
    at: datetime = utc_column(nullable=False)
    kind: EventKind
    actor_role: ActorRole
    actor_id: int | None = telegram_id()
    actor_name: str | None = None
    text: str | None = None


class MessageLink(SQLModel, table=True):
    """Which issue a Telegram message belongs to, so a reply to it finds its issue."""

    __table_args__ = (Index("ix_messagelink_chat_message", "chat_id", "message_id"),)

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = telegram_id(nullable=False)
    message_id: int
    issue_id: int = Field(foreign_key="issue.id", index=True)
    kind: LinkKind
    # For a resolve prompt: the worker it was addressed to.
    user_id: int | None = telegram_id()
    created_at: datetime = utc_column(nullable=False)


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # permanently: blocked chat, removed robot, or a request the service refuses


class OutboxMessage(SQLModel, table=True):
    """A message the system sends on its own, written in the transaction of the change that causes it."""

    # Each channel's sender scans for its own due rows.
    __table_args__ = (Index("ix_outbox_channel_due", "channel", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    # Whose transport delivers it: "telegram" (chat_id a Telegram chat), "wecom" (chat_id a WeComRobot.id).
    channel: str = Field(default="telegram", max_length=16, sa_column_kwargs={"server_default": "telegram"})
    chat_id: int = telegram_id(nullable=False, index=True)
    method: str  # the channel's method name, e.g. "sendMessage" (Bot API) or "markdown" (WeCom)
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # After sending, remember the resulting message(s) as belonging to this issue.
    issue_id: int | None = Field(default=None, foreign_key="issue.id")
    link_kind: LinkKind | None = None
    # Resolved at send time: reply to (or edit) this issue's latest message of that kind in the chat.
    target_kind: LinkKind | None = None
    # After sending, remember the message as belonging to this citizen→deputy conversation.
    contact_id: int | None = Field(default=None, foreign_key="deputycontact.id")
    # Text messages with the same key that wait for the same chat go out as one (bot.outbox.batch).
    batch_key: str | None = Field(default=None, max_length=64)
    status: OutboxStatus = OutboxStatus.PENDING
    attempts: int = 0
    created_at: datetime = utc_column(nullable=False)
    next_attempt_at: datetime = utc_column(nullable=False)
    sent_at: datetime | None = utc_column()
    last_error: str | None = None
    # Which sender holds the row, and until when (bot.outbox.claims): several instances share the
    # outbox, a chat's rows held by one sender at a time; a dead instance's rows are free after this.
    claimed_by: str | None = Field(default=None, max_length=64)
    lease_until: datetime | None = utc_column()


class WeComRobot(SQLModel, table=True):
    """A WeCom (企业微信) group robot (群机器人): where the staff of one grid or one department hear
    from Gridline when Telegram cannot reach them. Send-only; its outbox rows have channel "wecom"
    and chat_id = this id."""

    __table_args__ = (CheckConstraint("(grid_id IS NULL) <> (department_id IS NULL)", name="ck_wecomrobot_one_owner"),)

    id: int | None = Field(default=None, primary_key=True)
    # The webhook key: whoever has it can post to the group. Never logged, shown or stored elsewhere.
    key: str = Field(max_length=64, repr=False)
    grid_id: int | None = Field(default=None, foreign_key="grid.id", unique=True)
    department_id: int | None = Field(default=None, foreign_key="department.id", unique=True)
    added_at: datetime = utc_column(nullable=False)


class UnreachableChat(SQLModel, table=True):
    """A chat that answered 403: the user blocked the bot, or the bot left the group."""

    chat_id: int = telegram_id(primary_key=True, nullable=False)
    since: datetime = utc_column(nullable=False)
    reason: str = ""


class RefCounter(SQLModel, table=True):
    period: str = Field(primary_key=True, max_length=8)
    value: int = 0


class FsmRecord(SQLModel, table=True):
    """Conversation state of one user in one chat (aiogram FSM), kept across restarts."""

    key: str = Field(primary_key=True, max_length=200)
    state: str | None = None
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = utc_column(nullable=False)


# -- deputies (人大代表), invitations and roles ------------------------------------------------------


class Station(SQLModel, table=True):
    """代表联络站: a liaison station; its duty day overrides the default."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True, max_length=32)
    name: str = Field(max_length=100)
    duty_day: int | None = None  # day of month of the 集中履职日


class StationTheme(SQLModel, table=True):
    """每月确定一个主题: a station's theme for one month (period "2026-11")."""

    __table_args__ = (UniqueConstraint("station_id", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    station_id: int = Field(foreign_key="station.id", index=True)
    period: str = Field(max_length=7)
    theme: str = Field(max_length=200)
    set_by: int | None = telegram_id()
    set_at: datetime = utc_column(nullable=False)


class Deputy(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True, max_length=32)  # in the 代表码 link ?start=d_<code>
    name: str = Field(max_length=100)
    level: str = Field(max_length=20)  # 县 / 乡镇 ...
    station_id: int | None = Field(default=None, foreign_key="station.id", index=True)
    duty_day: int | None = None  # overrides the station's and the default
    phone: str | None = None
    telegram_user_id: int | None = telegram_id(index=True)
    notify_mode: NotifyMode = NotifyMode.DEFAULT


class DeputyGrid(SQLModel, table=True):
    """A deputy's constituency (选区): the grids it covers (a township covers its villages)."""

    deputy_id: int = Field(foreign_key="deputy.id", primary_key=True)
    grid_id: int = Field(foreign_key="grid.id", primary_key=True, index=True)


class Invitation(SQLModel, table=True):
    """A one-time, expiring link that ties a Telegram account to a role."""

    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(unique=True, index=True, max_length=64)
    role: str = Field(max_length=20)  # see bot.invitations.service.Role
    target: str = Field(max_length=64)  # deputy id, grid code...
    created_by: str = Field(default="", max_length=100)
    created_at: datetime = utc_column(nullable=False)
    expires_at: datetime = utc_column(nullable=False)
    used_at: datetime | None = utc_column()
    used_by: int | None = telegram_id()


class RoleGrant(SQLModel, table=True):
    """Who holds which role where: what access control asks."""

    __table_args__ = (UniqueConstraint("user_id", "role", "scope"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = telegram_id(index=True, nullable=False)
    role: str = Field(max_length=20)
    scope: str = Field(max_length=64)
    granted_at: datetime = utc_column(nullable=False)
    invitation_id: int | None = Field(default=None, foreign_key="invitation.id")


class DeputyContact(SQLModel, table=True):
    """A citizen's message to a deputy (有事找代表)."""

    id: int | None = Field(default=None, primary_key=True)
    deputy_id: int = Field(foreign_key="deputy.id", index=True)
    citizen_id: int = telegram_id(index=True, nullable=False)
    text: str
    created_at: datetime = utc_column(nullable=False)
    converted_at: datetime | None = utc_column()
    issue_id: int | None = Field(default=None, foreign_key="issue.id")


class DeputyMessageLink(SQLModel, table=True):
    """Which citizen→deputy conversation a message belongs to, so a reply to it finds it."""

    __table_args__ = (Index("ix_deputymessagelink_chat_message", "chat_id", "message_id"),)

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = telegram_id(nullable=False)
    message_id: int
    contact_id: int = Field(foreign_key="deputycontact.id", index=True)
    kind: LinkKind
    created_at: datetime = utc_column(nullable=False)


class IssueNotice(SQLModel, table=True):
    """Something happened to an issue that deputies of its constituency hear about."""

    id: int | None = Field(default=None, primary_key=True)
    issue_id: int = Field(foreign_key="issue.id", index=True)
    grid_id: int = Field(foreign_key="grid.id", index=True)
    kind: str = Field(max_length=20)  # bot.issues.observers.NoticeKind
    at: datetime = utc_column(nullable=False, index=True)


class DeputySend(SQLModel, table=True):
    """A scheduled message to a deputy for a period, sent (or missed) exactly once."""

    __table_args__ = (UniqueConstraint("deputy_id", "kind", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    deputy_id: int | None = Field(default=None, foreign_key="deputy.id", index=True)  # None: to an administrator
    recipient: int | None = telegram_id()  # the administrator's chat, for the quarterly table
    kind: str = Field(max_length=20)  # duty-eve, duty-day, digest, quarter, quarter-admin
    period: str = Field(max_length=10)  # 2026-11, 2026-11-23, 2026Q3
    status: str = Field(max_length=10)  # sent / missed
    at: datetime = utc_column(nullable=False)


class Visit(SQLModel, table=True):
    """记录走访: a logged constituency visit."""

    id: int | None = Field(default=None, primary_key=True)
    deputy_id: int = Field(foreign_key="deputy.id", index=True)
    residents: int = 0
    places: str = ""
    notes: str = ""
    at: datetime = utc_column(nullable=False)


class VisitMatter(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    visit_id: int = Field(foreign_key="visit.id", index=True)
    text: str
    issue_id: int | None = Field(default=None, foreign_key="issue.id")


class PointEntry(SQLModel, table=True):
    """履职积分: one line of a deputy's points ledger."""

    id: int | None = Field(default=None, primary_key=True)
    deputy_id: int = Field(foreign_key="deputy.id", index=True)
    action: str = Field(max_length=30)
    points: int
    at: datetime = utc_column(nullable=False, index=True)
    note: str = ""


class SupervisionMark(SQLModel, table=True):
    """A reminder, alert, escalation or digest already sent: jobs check here so no rerun repeats it.

    subject: "issue:<id>" or "chat:<id>"; key: what makes it unique (a deadline, a local date).
    """

    __table_args__ = (UniqueConstraint("kind", "subject", "key", name="uq_supervision_mark"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)
    subject: str = Field(max_length=40)
    key: str = Field(max_length=40)
    at: datetime = utc_column(nullable=False)


class JobRun(SQLModel, table=True):
    """An occurrence of a scheduled job (its name and the slot it fired for) that ran: the key
    written first in the job's unit of work, so of several instances firing it one commits
    (bot.jobs.occurrence)."""

    job: str = Field(primary_key=True, max_length=40)
    slot: str = Field(primary_key=True, max_length=40)  # 2026-12-10T08:30+08:00
    at: datetime = utc_column(nullable=False)


class ExtensionStatus(StrEnum):
    OPEN = "open"
    APPROVED = "approved"
    REFUSED = "refused"


class ExtensionRequest(SQLModel, table=True):
    """延期申请: the responsible person asks the level above for more working days, with a reason.
    At most one open request per issue (the partial unique index)."""

    __table_args__ = (
        Index(
            "uq_extension_open",
            "issue_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    issue_id: int = Field(foreign_key="issue.id", index=True)
    requested_by: int = telegram_id(nullable=False)
    requester_name: str = Field(default="", max_length=200)
    days: int
    reason: str
    old_deadline: datetime = utc_column(nullable=False)
    new_deadline: datetime = utc_column(nullable=False)  # if approved
    approver_chat_id: int | None = telegram_id()  # the level above's group; None: the administrators
    status: str = Field(default=ExtensionStatus.OPEN.value, max_length=10)  # ExtensionStatus
    created_at: datetime = utc_column(nullable=False)
    decided_at: datetime | None = utc_column()
    decided_by: int | None = telegram_id()
    decided_by_name: str | None = None
    refusal_reason: str | None = Field(default=None, max_length=500)  # required when refused


class ProcessedUpdate(SQLModel, table=True):
    """Telegram update ids already handled, so a redelivered update (after a crash) runs once.

    Kept two days (Telegram keeps undelivered updates one day), pruned as new ones arrive.
    """

    update_id: int = telegram_id(primary_key=True, nullable=False)
    received_at: datetime = utc_column(nullable=False, index=True)
    done: bool = False


class PendingUpdate(SQLModel, table=True):
    """Updates long polling took from Telegram and has not yet seen handled (storage/inbox.py).

    Telegram forgets an update once the next getUpdates asks past it; this row is what brings it
    back after a crash. Deleted in batches once handled; the update dedupe keeps it from running twice.
    """

    update_id: int = telegram_id(primary_key=True, nullable=False)
    raw: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))  # as Telegram sent it


# -- Open311 GeoReport v2 (bot/open311) -----------------------------------------------------------


class ApiKey(SQLModel, table=True):
    """A key that lets a city system (a 12345 platform) file requests through Open311. Only its
    SHA-256 is kept: the key itself is shown once, by `gridline apikey create`. Revoking keeps the
    row (the requests it filed point at it), and its name stays taken."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True, max_length=64)
    key_hash: str = Field(unique=True, index=True, max_length=64, repr=False)
    prefix: str = Field(max_length=16)  # the key's first characters, to tell keys apart in a list
    created_at: datetime = utc_column(nullable=False)
    last_used_at: datetime | None = utc_column()
    revoked_at: datetime | None = utc_column()


class Open311Submission(SQLModel, table=True):
    """An issue filed through Open311: which key filed it, and the reporter's contact as the client
    sent it. Kept for the administrators only: no group, card or API response shows it."""

    issue_id: int = Field(foreign_key="issue.id", primary_key=True)
    api_key_name: str = Field(max_length=64)  # as it was when filed
    # None only for requests filed before revoked keys were kept (migration 0009).
    api_key_id: int | None = Field(default=None, foreign_key="apikey.id", index=True)
    email: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=32)
    name: str | None = Field(default=None, max_length=200)
    created_at: datetime = utc_column(nullable=False)
