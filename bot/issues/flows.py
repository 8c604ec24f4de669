"""What handlers call: each flow is one transaction — check who may act, change the issue,
record it on the timeline, queue every message it causes — then wakes the outbox sender."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import access
from bot.access import NotAllowed
from bot.clock import Clock
from bot.domain.enums import ActorRole, EventKind, LinkKind
from bot.domain.lifecycle import Action, IssueStatus, Rating, transition
from bot.domain.notices import (
    CitizenReplied,
    IssueAnswered,
    IssueClaimed,
    IssueRated,
    IssueReceived,
    IssueResolved,
    Notifier,
)
from bot.followthrough.reopen import reopen_for_rework
from bot.i18n import Translator
from bot.issues import service
from bot.issues.draft import IssueDraft
from bot.issues.facts import IssueFacts, issue_facts
from bot.issues.reference import period_of
from bot.issues.service import Actor
from bot.triage import service as triage
from bot.triage.routing import ChatRole
from storage.database import Database
from storage.models import Issue, IssueEvent, IssueSubmission


@dataclass(frozen=True)
class IssueSummary:
    id: int
    ref: str
    status: IssueStatus
    created_at: datetime
    description: str


# Writes of a caller's own about a new issue, in the issue's transaction (IssueFlows.submit).
Alongside = Callable[[AsyncSession, IssueSummary], Awaitable[None]]


@dataclass(frozen=True)
class Timeline:
    """An issue with its timeline, for whoever shows it."""

    issue: Issue
    facts: IssueFacts
    events: list[IssueEvent]


@dataclass(frozen=True)
class LinkedIssue:
    issue_id: int
    kind: LinkKind
    user_id: int | None


def summary_of(issue: Issue) -> IssueSummary:
    assert issue.id is not None
    return IssueSummary(issue.id, issue.ref, issue.status, issue.created_at, issue.description)


def _submission_key(draft: IssueDraft, citizen: Actor) -> str:
    """A review's key is the citizen's: no one else can reach their issue through it."""
    return f"{citizen.id}:{draft.submission}"


def _shown(issue: Issue, citizen: Actor) -> Actor:
    """An anonymous report keeps the citizen's name off the timeline the group sees."""
    return Actor(citizen.role, citizen.id, None) if issue.anonymous else citizen


class IssueFlows:
    def __init__(
        self,
        *,
        db: Database,
        notifier: Notifier,
        translator: Translator,
        clock: Clock,
        tz: tzinfo,
        settled: Callable[[int], Awaitable[None]] | None = None,
        admins: frozenset[int] = frozenset(),
    ) -> None:
        self.db = db
        self.admins = admins
        # Every change ends with one notice, in its own transaction: who hears of it is decided there.
        self.notifier = notifier
        self.translator = translator
        self.clock = clock
        self.tz = tz
        self._settled = settled

    # -- citizen ---------------------------------------------------------------------------------

    async def submit(
        self,
        *,
        draft: IssueDraft,
        citizen: Actor,
        supervisor_deputy_id: int | None = None,
        alongside: Alongside | None = None,
    ) -> IssueSummary:
        """`supervisor_deputy_id`: a deputy turned a citizen's message into this issue (转为诉求).
        `alongside`: the caller's own rows about the new issue (Open311's record of who filed it),
        written in the issue's transaction: both are kept, or neither. It does not run when the
        draft's submission was confirmed before: the issue it returns has them already."""
        assert citizen.id is not None
        try:
            return await self._submit(
                draft=draft, citizen=citizen, supervisor_deputy_id=supervisor_deputy_id, alongside=alongside
            )
        except IntegrityError:
            # The same review confirmed at the same moment elsewhere (another instance): that one won.
            if draft.submission is None:
                raise
            async with self.db.session() as s:
                issue = await service.submitted(s, key=_submission_key(draft, citizen))
                if issue is None:
                    raise
                return summary_of(issue)

    async def _submit(
        self, *, draft: IssueDraft, citizen: Actor, supervisor_deputy_id: int | None, alongside: Alongside | None
    ) -> IssueSummary:
        assert citizen.id is not None
        async with self.db.transaction() as s:
            if draft.submission is not None:
                done = await service.submitted(s, key=_submission_key(draft, citizen))
                if done is not None:  # confirmed before (a crash cut the answer short): the same issue
                    return summary_of(done)
            now = self.clock.now()
            ref = await service.next_ref(s, period=period_of(now.astimezone(self.tz)))
            issue, files = await service.create_issue(
                s, draft=draft, citizen_id=citizen.id, ref=ref, now=now, supervisor_deputy_id=supervisor_deputy_id
            )
            if draft.submission is not None:
                assert issue.id is not None
                s.add(IssueSubmission(key=_submission_key(draft, citizen), issue_id=issue.id))
            # What follows only adds rows and reads others (the organisation, groups, deputies): it is
            # written in one flush at the commit instead of one before each read.
            with s.no_autoflush:
                await service.record(s, issue=issue, kind=EventKind.SUBMITTED, actor=_shown(issue, citizen), now=now)
                await service.remember_for_next_report(s, user_id=citizen.id, grid_id=draft.grid_id, phone=draft.phone)
                await self.notifier.notify(s, IssueReceived(issue=issue, now=now, files=files))
                summary = summary_of(issue)
            if alongside is not None:
                await alongside(s, summary)
        return summary

    async def citizen_reply(self, *, issue_id: int, citizen: Actor, text: str | None, photo: str | None) -> str:
        async with self.db.transaction() as s:
            now = self.clock.now()
            issue = await self._own_issue(s, issue_id, citizen)
            service.apply(issue, Action.CITIZEN_REPLY, now=now)
            await service.record(
                s,
                issue=issue,
                kind=EventKind.CITIZEN_REPLIED,
                actor=_shown(issue, citizen),
                now=now,
                text=text,
                photo=photo,
            )
            await self.notifier.notify(s, CitizenReplied(issue=issue, now=now, text=text, photo=photo))
            ref = issue.ref
        return ref

    async def check_can_rate(self, *, issue_id: int, citizen: Actor) -> str:
        async with self.db.session() as s:
            issue = await self._own_issue(s, issue_id, citizen)
            transition(issue.status, Rating.SATISFIED.action)
            return issue.ref

    async def rate(self, *, issue_id: int, citizen: Actor, rating: Rating, comment: str | None) -> IssueSummary:
        async with self.db.transaction() as s:
            now = self.clock.now()
            issue = await self._own_issue(s, issue_id, citizen, for_update=True)
            service.apply(issue, rating.action, now=now)
            issue.rating, issue.rating_comment, issue.rated_at = rating, comment, now
            await service.record(
                s,
                issue=issue,
                kind=EventKind.RATED,
                actor=_shown(issue, citizen),
                now=now,
                text=self._rating_line(rating, comment),
            )
            if issue.status == IssueStatus.REOPENED:
                await self._reopen(s, issue=issue, now=now)
            elif issue.status == IssueStatus.CLOSED:
                issue.closed_at = now  # SLA
            await self.notifier.notify(s, IssueRated(issue=issue, now=now, rating=rating))
            summary = summary_of(issue)
        return summary

    async def _reopen(self, s: AsyncSession, *, issue: Issue, now: datetime) -> None:
        """不满意: back to the grid, unassigned, with a new deadline and the citizen's comment on a fresh card."""
        await reopen_for_rework(s, issue, now=now, tz=self.tz)
        await service.record(s, issue=issue, kind=EventKind.REOPENED, actor=Actor(ActorRole.SYSTEM), now=now)

    def _rating_line(self, rating: Rating, comment: str | None) -> str:
        t = self.translator.bind(None)
        label = t(f"rating-{rating.value}")
        return f"{label}：{comment}" if comment else label

    async def my_issues(self, *, citizen_id: int, page: int, page_size: int = 5) -> tuple[list[IssueSummary], bool]:
        async with self.db.session() as s:
            issues, total = await service.issues_of_citizen(
                s, citizen_id=citizen_id, limit=page_size, offset=page * page_size
            )
        return [summary_of(i) for i in issues], (page + 1) * page_size < total

    async def citizen_timeline(self, *, issue_id: int, citizen: Actor) -> Timeline:
        async with self.db.session() as s:
            issue = await self._own_issue(s, issue_id, citizen)
            return await self._timeline(s, issue)

    # -- grid group ------------------------------------------------------------------------------

    async def claim(self, *, issue_id: int, worker: Actor, chat_id: int) -> IssueSummary:
        async with self.db.transaction() as s:
            now = self.clock.now()
            issue = await self.held_issue(
                s, issue_id, chat_id, user_id=worker.id, for_update=True, roles=access.HOLDER_ONLY
            )
            service.apply(issue, Action.CLAIM, now=now)
            issue.assignee_id, issue.assignee_name = worker.id, worker.name
            issue.acknowledged_at = issue.acknowledged_at or now  # SLA: first claim or 研判
            await service.record(s, issue=issue, kind=EventKind.CLAIMED, actor=worker, now=now)
            await self.notifier.notify(s, IssueClaimed(issue=issue, now=now))
            summary = summary_of(issue)
        return summary

    async def answer(self, *, issue_id: int, worker: Actor, chat_id: int, text: str | None, photo: str | None) -> str:
        async with self.db.transaction() as s:
            now = self.clock.now()
            issue = await self.held_issue(s, issue_id, chat_id, user_id=worker.id)
            service.apply(issue, Action.ANSWER, now=now)
            await service.record(s, issue=issue, kind=EventKind.ANSWERED, actor=worker, now=now, text=text, photo=photo)
            dept = await triage.acting_department(s, issue, chat_id)
            await self.notifier.notify(
                s,
                IssueAnswered(issue=issue, now=now, text=text, photo=photo, department=dept.name if dept else None),
            )
            ref = issue.ref
        return ref

    async def check_can_resolve(self, *, issue_id: int, chat_id: int, user_id: int) -> str:
        async with self.db.session() as s:
            issue = await self.held_issue(s, issue_id, chat_id, user_id=user_id)
            transition(issue.status, Action.RESOLVE)
            return issue.ref

    async def remember_prompt(self, *, chat_id: int, message_id: int, issue_id: int, user_id: int) -> None:
        async with self.db.transaction() as s:
            service.remember_message(
                s,
                chat_id=chat_id,
                message_id=message_id,
                issue_id=issue_id,
                kind=LinkKind.RESOLVE_PROMPT,
                now=self.clock.now(),
                user_id=user_id,
            )

    async def resolve(
        self, *, issue_id: int, worker: Actor, chat_id: int, note: str, photo: str | None
    ) -> IssueSummary:
        async with self.db.transaction() as s:
            now = self.clock.now()
            issue = await self.held_issue(s, issue_id, chat_id, user_id=worker.id, for_update=True)
            service.apply(issue, Action.RESOLVE, now=now)
            if issue.assignee_id is None:
                issue.assignee_id, issue.assignee_name = worker.id, worker.name
            issue.resolution_note, issue.resolved_at = note, now
            await service.record(s, issue=issue, kind=EventKind.RESOLVED, actor=worker, now=now, text=note, photo=photo)
            await self.notifier.notify(
                s, IssueResolved(issue=issue, now=now, note=note, photo=photo, by=worker.name or "")
            )
            summary = summary_of(issue)
        return summary

    async def group_timeline(self, *, issue_id: int, chat_id: int, user_id: int) -> Timeline:
        async with self.db.session() as s:
            issue = await self.held_issue(s, issue_id, chat_id, user_id=user_id, roles=access.WATCH_ROLES)
            return await self._timeline(s, issue)

    async def find_link(self, *, chat_id: int, message_id: int) -> LinkedIssue | None:
        """Which issue a message of ours belongs to (a reply to it is about that issue)."""
        link = await self._find_link(chat_id, message_id)
        if link is None and self._settled is not None:
            await self._settled(chat_id)  # it may have been sent a moment ago and not yet recorded
            link = await self._find_link(chat_id, message_id)
        return link

    async def _find_link(self, chat_id: int, message_id: int) -> LinkedIssue | None:
        async with self.db.session() as s:
            link = await service.find_link(s, chat_id=chat_id, message_id=message_id)
        return LinkedIssue(link.issue_id, link.kind, link.user_id) if link else None

    # -- shared checks ---------------------------------------------------------------------------

    async def _own_issue(self, s: AsyncSession, issue_id: int, citizen: Actor, *, for_update: bool = False) -> Issue:
        issue = await service.get_issue(s, issue_id, for_update=for_update)
        if issue.citizen_id != citizen.id:
            raise NotAllowed(f"issue {issue_id} is not citizen {citizen.id}'s")
        return issue

    async def held_issue(
        self,
        s: AsyncSession,
        issue_id: int,
        chat_id: int,
        *,
        user_id: int,
        for_update: bool = False,
        roles: frozenset[ChatRole] = access.WORK_ROLES,
    ) -> Issue:
        issue = await service.get_issue(s, issue_id, for_update=for_update)
        await access.check_holds(s, issue, chat_id=chat_id, user_id=user_id, roles=roles, admins=self.admins)
        return issue

    async def _timeline(self, s: AsyncSession, issue: Issue) -> Timeline:
        assert issue.id is not None
        return Timeline(issue, await issue_facts(s, issue), await service.timeline(s, issue.id))
