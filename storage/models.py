"""Database tables. Every timestamp is stored in UTC and read back time-zone aware."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, DateTime, Index
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from bot.issues.lifecycle import IssueStatus, Rating


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


class GridLevel(StrEnum):
    COUNTY = "county"  # 县级
    TOWNSHIP = "township"  # 乡镇（街道）
    VILLAGE = "village"  # 村（社区）


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


class StaffRole(StrEnum):
    WORKER = "worker"  # 网格员
    LEADER = "leader"  # 网格长
    OFFICIAL = "official"  # 乡镇/县级网格工作人员


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


class Issue(SQLModel, table=True):
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
    created_at: datetime = utc_column(nullable=False, index=True)
    updated_at: datetime = utc_column(nullable=False)
    resolved_at: datetime | None = utc_column()
    rated_at: datetime | None = utc_column()
    # Reported anonymously: the group (and deputies) never see the citizen's name.
    anonymous: bool = False


class AttachmentKind(StrEnum):
    PHOTO = "photo"
    VOICE = "voice"


class IssueAttachment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    issue_id: int = Field(foreign_key="issue.id", index=True)
    event_id: int | None = Field(default=None, foreign_key="issueevent.id")
    kind: AttachmentKind
    file_id: str


class EventKind(StrEnum):
    SUBMITTED = "submitted"
    CLAIMED = "claimed"
    ANSWERED = "answered"
    CITIZEN_REPLIED = "citizen_replied"
    RESOLVED = "resolved"
    RATED = "rated"
    REOPENED = "reopened"
    PHONE_VIEWED = "phone_viewed"  # the responsible person looked at the citizen's full number


class ActorRole(StrEnum):
    CITIZEN = "citizen"
    GRID = "grid"
    SYSTEM = "system"


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


class LinkKind(StrEnum):
    CARD = "card"  # the issue card in a group
    CARD_MEDIA = "card_media"  # photos, voice or location posted under the card
    GROUP_RELAY = "group_relay"  # a citizen's reply relayed into the group
    CITIZEN_RELAY = "citizen_relay"  # a grid answer relayed to the citizen
    RESOLVE_PROMPT = "resolve_prompt"  # "reply with the resolution note"
    CITIZEN_PUSH = "citizen_push"  # a progress push to the citizen


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
    FAILED = "failed"  # permanently: blocked chat or a request Telegram refuses


class OutboxMessage(SQLModel, table=True):
    """A message the system sends on its own, written in the transaction of the change that causes it."""

    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = telegram_id(nullable=False, index=True)
    method: str  # a Bot API method name, e.g. "sendMessage"
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # After sending, remember the resulting message(s) as belonging to this issue.
    issue_id: int | None = Field(default=None, foreign_key="issue.id")
    link_kind: LinkKind | None = None
    # Resolved at send time: reply to (or edit) this issue's latest message of that kind in the chat.
    target_kind: LinkKind | None = None
    status: OutboxStatus = OutboxStatus.PENDING
    attempts: int = 0
    created_at: datetime = utc_column(nullable=False)
    next_attempt_at: datetime = utc_column(nullable=False)
    sent_at: datetime | None = utc_column()
    last_error: str | None = None


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



class ProcessedUpdate(SQLModel, table=True):
    """Telegram update ids already handled, so a redelivered update (after a crash) runs once.

    Kept two days (Telegram keeps undelivered updates one day), pruned as new ones arrive.
    """

    update_id: int = telegram_id(primary_key=True, nullable=False)
    received_at: datetime = utc_column(nullable=False, index=True)
    done: bool = False
