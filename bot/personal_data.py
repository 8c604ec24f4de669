"""A citizen's personal data: the full phone number for the responsible person (recorded on the
timeline), and the citizen's own rights under the Personal Information Protection Law (个人信息
保护法): a copy of their data, and its erasure (issues stay, anonymised, for the statistics)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import col, delete, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import access
from bot.clock import Clock
from bot.domain.enums import ActorRole, EventKind
from bot.issues import service
from bot.issues.flows import NotAllowed
from bot.issues.service import Actor
from bot.privacy import ERASED_CITIZEN
from storage.database import Database
from storage.models import (
    Deputy,
    DeputyContact,
    DeputyMessageLink,
    FsmRecord,
    Issue,
    IssueAttachment,
    IssueEvent,
    IssueFollower,
    IssueSubmission,
    MessageLink,
    OutboxMessage,
    OutboxStatus,
    UnreachableChat,
    User,
)


class PersonalData:
    def __init__(self, db: Database, clock: Clock, admins: frozenset[int] = frozenset()) -> None:
        self.db = db
        self.clock = clock
        self.admins = admins

    async def reveal_phone(self, *, issue_id: int, chat_id: int, viewer: Actor) -> tuple[str, str | None]:
        """(ref, full phone) for the issue's responsible person in a group holding its card."""
        async with self.db.transaction() as s:
            issue = await service.get_issue(s, issue_id)
            # The role check of every other action on the card: a revoked role opens nothing.
            await access.check_holds(
                s, issue, chat_id=chat_id, user_id=viewer.id or 0, roles=access.WORK_ROLES, admins=self.admins
            )
            if issue.assignee_id is None or issue.assignee_id != viewer.id:
                raise NotAllowed(f"user {viewer.id} is not responsible for issue {issue_id}")
            if issue.phone:
                await service.record(s, issue=issue, kind=EventKind.PHONE_VIEWED, actor=viewer, now=self.clock.now())
            return issue.ref, issue.phone

    async def issue_count(self, user_id: int) -> int:
        async with self.db.session() as s:
            return len((await s.exec(select(Issue.id).where(Issue.citizen_id == user_id))).all())

    async def export(self, user_id: int) -> dict[str, Any]:
        """Everything we hold about the citizen, as plain data."""
        async with self.db.session() as s:
            user = await s.get(User, user_id)
            issues = list(
                (await s.exec(select(Issue).where(Issue.citizen_id == user_id).order_by(col(Issue.id)))).all()
            )
            result: dict[str, Any] = {
                "exported_at": self.clock.now().isoformat(),
                "profile": _plain(user, exclude={"last_grid_id"}) if user else None,
                "issues": [],
                "deputy_messages": await _deputy_messages(s, user_id),
                # 关注: the issues of others they follow (bot/followthrough).
                "following": list(
                    (
                        await s.exec(
                            select(Issue.ref)
                            .join(IssueFollower, col(IssueFollower.issue_id) == Issue.id)
                            .where(IssueFollower.user_id == user_id)
                            .order_by(col(IssueFollower.id))
                        )
                    ).all()
                ),
            }
            for issue in issues:
                assert issue.id is not None
                events = await service.timeline(s, issue.id)
                files = (await s.exec(select(IssueAttachment).where(IssueAttachment.issue_id == issue.id))).all()
                result["issues"].append(
                    {
                        **_plain(issue, exclude={"citizen_id", "assignee_id", "grid_id", "category_id"}),
                        "timeline": [_plain(e, exclude={"id", "issue_id", "actor_id"}) for e in events],
                        "attachments": [{"kind": a.kind.value, "file_id": a.file_id} for a in files],
                    }
                )
        return result

    async def erase(self, user_id: int) -> int:
        """Erase the citizen's personal data; their issues stay, anonymised. Returns how many."""
        async with self.db.transaction() as s:
            issue_ids = [i for i in (await s.exec(select(Issue.id).where(Issue.citizen_id == user_id))).all()]
            if issue_ids:
                await s.exec(
                    update(Issue)
                    .where(col(Issue.id).in_(issue_ids))
                    .values(citizen_id=ERASED_CITIZEN, phone=None, latitude=None, longitude=None, anonymous=True)
                )
                # What the citizen said stays (it is the case the grid worked on); who said it goes.
                citizen_events = (col(IssueEvent.issue_id).in_(issue_ids)) & (
                    IssueEvent.actor_role == ActorRole.CITIZEN
                )
                await s.exec(update(IssueEvent).where(citizen_events).values(actor_id=None, actor_name=None))
                # Photos and voice the citizen sent may show them or their home.
                own_events = select(IssueEvent.id).where(citizen_events)
                await s.exec(
                    delete(IssueAttachment).where(
                        col(IssueAttachment.issue_id).in_(issue_ids),
                        col(IssueAttachment.event_id).is_(None) | col(IssueAttachment.event_id).in_(own_events),
                    )
                )
            await s.exec(delete(IssueFollower).where(col(IssueFollower.user_id) == user_id))
            # The keys of the reviews they confirmed begin with their id (bot.issues.flows).
            await s.exec(delete(IssueSubmission).where(col(IssueSubmission.key).startswith(f"{user_id}:")))
            await s.exec(delete(MessageLink).where(col(MessageLink.chat_id) == user_id))
            await _erase_deputy_messages(s, user_id)
            await s.exec(
                delete(OutboxMessage).where(
                    col(OutboxMessage.chat_id) == user_id,
                    OutboxMessage.status == OutboxStatus.PENDING,
                    OutboxMessage.channel == "telegram",  # a WeCom robot's id is not a person's
                )
            )
            await s.exec(delete(UnreachableChat).where(col(UnreachableChat.chat_id) == user_id))
            await s.exec(delete(FsmRecord).where(col(FsmRecord.key).contains(f":{user_id}:")))
            await s.exec(delete(User).where(col(User.id) == user_id))
        return len(issue_ids)


async def _deputy_messages(s: AsyncSession, user_id: int) -> list[dict[str, Any]]:
    """What the citizen wrote to deputies (有事找代表), and what became of it."""
    query = (
        select(DeputyContact, Deputy.name, Issue.ref)
        .join(Deputy, col(Deputy.id) == DeputyContact.deputy_id)
        .join(Issue, col(Issue.id) == DeputyContact.issue_id, isouter=True)
        .where(DeputyContact.citizen_id == user_id)
        .order_by(col(DeputyContact.id))
    )
    return [
        {**_plain(contact, exclude={"id", "deputy_id", "citizen_id", "issue_id"}), "deputy": name, "issue_ref": ref}
        for contact, name, ref in (await s.exec(query)).all()
    ]


async def _erase_deputy_messages(s: AsyncSession, user_id: int) -> None:
    """The citizen's messages to deputies lose their text (it may hold a phone number) and their
    author; the links in the citizen's chat go, so a deputy's later answer reaches nobody (the
    deputy is told so: the links in the deputy's own chat stay, pointing at the emptied message)."""
    ids = list((await s.exec(select(DeputyContact.id).where(DeputyContact.citizen_id == user_id))).all())
    if not ids:
        return
    await s.exec(delete(DeputyMessageLink).where(col(DeputyMessageLink.chat_id) == user_id))
    # Every relayed copy, sent or waiting, holds the text or the citizen's name.
    await s.exec(delete(OutboxMessage).where(col(OutboxMessage.contact_id).in_(ids)))
    await s.exec(update(DeputyContact).where(col(DeputyContact.id).in_(ids)).values(citizen_id=ERASED_CITIZEN, text=""))


def _plain(row: Any, *, exclude: set[str]) -> dict[str, Any]:
    data = row.model_dump(exclude=exclude)
    return {k: (v.isoformat() if isinstance(v, datetime) else getattr(v, "value", v)) for k, v in data.items()}
