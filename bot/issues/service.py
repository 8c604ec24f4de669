"""Issue storage operations. Every function takes an explicit session and never commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, func, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.enums import ActorRole, AttachmentKind, EventKind, LinkKind
from bot.domain.lifecycle import Action, IssueStatus, transition
from bot.issues.draft import IssueDraft
from bot.issues.reference import format_ref
from bot.organisation.service import grid_path
from storage.database import queue_insert, write_queued
from storage.models import (
    GroupChat,
    Issue,
    IssueAttachment,
    IssueEvent,
    IssueSubmission,
    MessageLink,
    RefCounter,
    User,
)


@dataclass(frozen=True)
class Actor:
    """Who did something: a citizen, a grid worker, or the system itself."""

    role: ActorRole
    id: int | None = None
    name: str | None = None


class IssueNotFound(LookupError):
    pass


def _take_number(insert: Any) -> Any:
    return (
        insert(RefCounter)
        .values(period=bindparam("period"), value=1)
        .on_conflict_do_update(index_elements=["period"], set_={"value": RefCounter.value + 1})
        .returning(RefCounter.value)
    )


# Built once per dialect: a statement built anew pays for its cache key at every new issue.
_TAKE_NUMBER = {"sqlite": _take_number(sqlite_insert), "postgresql": _take_number(pg_insert)}


async def next_ref(session: AsyncSession, *, period: str) -> str:
    """Atomically take the next number of the month (an upsert, safe under concurrency)."""
    statement = _TAKE_NUMBER[session.bind.dialect.name]
    sequence = (await session.exec(statement, params={"period": period})).scalar_one()  # type: ignore[call-overload]
    return format_ref(period, sequence)


_SUBMITTED = (
    select(Issue)
    .join(IssueSubmission, col(IssueSubmission.issue_id) == col(Issue.id))
    .where(col(IssueSubmission.key) == bindparam("key"))
)  # built once: asked at every 确认提交


async def submitted(session: AsyncSession, *, key: str) -> Issue | None:
    """The issue a confirmed review already made, if any."""
    return (await session.exec(_SUBMITTED, params={"key": key})).first()


async def create_issue(
    session: AsyncSession,
    *,
    draft: IssueDraft,
    citizen_id: int,
    ref: str,
    now: datetime,
    supervisor_deputy_id: int | None = None,
) -> tuple[Issue, list[IssueAttachment]]:
    """The new issue and its files (photos, voice), stored."""
    issue = Issue(
        ref=ref,
        citizen_id=citizen_id,
        anonymous=draft.anonymous,
        supervised_by_deputy_id=supervisor_deputy_id,
        grid_id=draft.grid_id,
        holder_grid_id=draft.grid_id,
        category_id=draft.category_id,
        description=draft.description,
        phone=draft.phone,
        latitude=draft.location[0] if draft.location else None,
        longitude=draft.location[1] if draft.location else None,
        created_at=now,
        updated_at=now,
    )
    session.add(issue)
    await session.flush()
    assert issue.id is not None
    files = [IssueAttachment(issue_id=issue.id, kind=AttachmentKind.PHOTO, file_id=file_id) for file_id in draft.photos]
    if draft.voice:
        files.append(IssueAttachment(issue_id=issue.id, kind=AttachmentKind.VOICE, file_id=draft.voice))
    session.add_all(files)  # written with the rest at the commit; the card is given them directly
    return issue, files


async def get_issue(session: AsyncSession, issue_id: int, *, for_update: bool = False) -> Issue:
    issue = await session.get(Issue, issue_id, with_for_update=for_update)
    if issue is None:
        raise IssueNotFound(issue_id)
    return issue


async def get_issue_by_ref(session: AsyncSession, ref: str) -> Issue | None:
    return (await session.exec(select(Issue).where(Issue.ref == ref.strip().upper()))).first()


def apply(issue: Issue, action: Action, *, now: datetime) -> IssueStatus:
    """Move the issue through the state machine; raises IllegalTransition."""
    issue.status = transition(issue.status, action)
    issue.updated_at = now
    return issue.status


async def name_the_citizen(session: AsyncSession, *, issue_id: int, name: str | None) -> None:
    """The citizen's name on their own lines of the timeline (they agreed to show it)."""
    await session.exec(
        update(IssueEvent)
        .where(col(IssueEvent.issue_id) == issue_id, col(IssueEvent.actor_role) == ActorRole.CITIZEN)
        .values(actor_name=name or None)
    )


async def record(
    session: AsyncSession,
    *,
    issue: Issue,
    kind: EventKind,
    actor: Actor,
    now: datetime,
    text: str | None = None,
    photo: str | None = None,
) -> None:
    """A line on the issue's timeline (queued with the unit of work, see storage.database.queue_insert)."""
    assert issue.id is not None
    row = {
        "issue_id": issue.id,
        "at": now,
        "kind": kind,
        "actor_role": actor.role,
        "actor_id": actor.id,
        "actor_name": actor.name,
        "text": text,
    }
    if photo:  # the photo's row refers to the event: written at once, for its id
        await session.run_sync(write_queued)  # the events before it keep their place
        connection = await session.connection()
        event_id = (await connection.execute(_INSERT_EVENT_FOR_ID, row)).scalar_one()
        session.add(IssueAttachment(issue_id=issue.id, event_id=event_id, kind=AttachmentKind.PHOTO, file_id=photo))
    else:
        queue_insert(session, _EVENTS, row)
    session.add(issue)


_EVENTS = IssueEvent.__table__  # type: ignore[attr-defined]
_INSERT_EVENT_FOR_ID = insert(_EVENTS).returning(_EVENTS.c.id)


async def attachments(session: AsyncSession, issue_id: int) -> list[IssueAttachment]:
    query = (
        select(IssueAttachment)
        .where(IssueAttachment.issue_id == issue_id, col(IssueAttachment.event_id).is_(None))
        .order_by(col(IssueAttachment.id))
    )
    return list((await session.exec(query)).all())


async def timeline(session: AsyncSession, issue_id: int) -> list[IssueEvent]:
    query = select(IssueEvent).where(IssueEvent.issue_id == issue_id).order_by(col(IssueEvent.at), col(IssueEvent.id))
    return list((await session.exec(query)).all())


async def issues_of_citizen(
    session: AsyncSession, *, citizen_id: int, limit: int, offset: int = 0
) -> tuple[list[Issue], int]:
    query = (
        select(Issue)
        .where(Issue.citizen_id == citizen_id)
        .order_by(col(Issue.created_at).desc(), col(Issue.id).desc())
        .limit(limit)
        .offset(offset)
    )
    total = (await session.exec(select(func.count()).select_from(Issue).where(Issue.citizen_id == citizen_id))).one()
    return list((await session.exec(query)).all()), int(total)


async def find_link(session: AsyncSession, *, chat_id: int, message_id: int) -> MessageLink | None:
    query = select(MessageLink).where(MessageLink.chat_id == chat_id, MessageLink.message_id == message_id)
    return (await session.exec(query)).first()


async def links(session: AsyncSession, *, issue_id: int, chat_id: int, kind: LinkKind) -> list[MessageLink]:
    query = (
        select(MessageLink)
        .where(MessageLink.issue_id == issue_id, MessageLink.chat_id == chat_id, MessageLink.kind == kind)
        .order_by(col(MessageLink.id))
    )
    return list((await session.exec(query)).all())


def remember_message(
    session: AsyncSession,
    *,
    chat_id: int,
    message_id: int,
    issue_id: int,
    kind: LinkKind,
    now: datetime,
    user_id: int | None = None,
) -> None:
    session.add(
        MessageLink(
            chat_id=chat_id, message_id=message_id, issue_id=issue_id, kind=kind, user_id=user_id, created_at=now
        )
    )


# Built once: it runs at every new issue. Parameters are not named after the columns they set
# (SQLAlchemy keeps those names for itself).
_REMEMBER_FOR_NEXT_REPORT = (
    update(User)
    .where(col(User.id) == bindparam("citizen"))
    .values(last_grid_id=bindparam("grid"), phone=func.coalesce(bindparam("new_phone"), col(User.phone)))
)


async def remember_for_next_report(session: AsyncSession, *, user_id: int, grid_id: int, phone: str | None) -> None:
    """The grid a citizen reported in, and the phone they gave, are offered the next time. One
    statement on the unit of work's connection: nothing to load, nothing for the ORM to track."""
    connection = await session.connection()
    params = {"citizen": user_id, "grid": grid_id, "new_phone": phone}
    await connection.execute(_REMEMBER_FOR_NEXT_REPORT, params)


async def citizen_locale(session: AsyncSession, citizen_id: int) -> str | None:
    """The language a citizen chose (None: the default)."""
    user = await session.get(User, citizen_id)
    return user.locale if user else None


_BOUND_ON_PATH = select(GroupChat).where(col(GroupChat.grid_id).in_(bindparam("grids", expanding=True)))  # built once


async def holding_group(session: AsyncSession, *, grid_id: int) -> GroupChat | None:
    """The group that works on a grid's issues: the grid's own, else the nearest bound ancestor's
    (one query for the whole path)."""
    path = [g.id for g in reversed(await grid_path(session, grid_id))]  # the grid first
    bound = {g.grid_id: g for g in (await session.exec(_BOUND_ON_PATH, params={"grids": path}))}
    return next((bound[g] for g in path if g in bound), None)


async def card_chats(session: AsyncSession, *, issue_id: int) -> list[int]:
    """The chats where this issue's card stands."""
    query = (
        select(MessageLink.chat_id)
        .where(MessageLink.issue_id == issue_id, MessageLink.kind == LinkKind.CARD)
        .distinct()
    )
    return [int(chat_id) for chat_id in (await session.exec(query)).all()]
