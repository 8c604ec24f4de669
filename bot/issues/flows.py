"""What handlers call: each flow is one transaction — check who may act, change the issue,
record it on the timeline, queue every message it causes — then wakes the outbox sender."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot import access
from bot.access import NotAllowed
from bot.clock import Clock
from bot.domain.enums import ActorRole, EventKind, LinkKind
from bot.domain.lifecycle import Action, IssueStatus, Rating, transition
from bot.i18n import Translate
from bot.issues import service
from bot.issues.draft import IssueDraft
from bot.issues.messaging import IssueMessenger, html
from bot.issues.observers import IssueObserver, NoObserver, NoticeKind
from bot.issues.reference import period_of
from bot.issues.service import Actor
from bot.triage import service as triage
from bot.triage.routing import ChatRole
from storage.database import Database
from storage.models import Issue

HOLDER_ONLY = frozenset({ChatRole.HOLDER})
WORK_ROLES = frozenset({ChatRole.HOLDER, ChatRole.DEPARTMENT})  # answer and resolve
WATCH_ROLES = frozenset({ChatRole.HOLDER, ChatRole.DEPARTMENT, ChatRole.OBSERVER})  # 详情


@dataclass(frozen=True)
class IssueSummary:
    id: int
    ref: str
    status: IssueStatus
    created_at: datetime
    description: str


@dataclass(frozen=True)
class LinkedIssue:
    issue_id: int
    kind: LinkKind
    user_id: int | None


def _summary(issue: Issue) -> IssueSummary:
    assert issue.id is not None
    return IssueSummary(issue.id, issue.ref, issue.status, issue.created_at, issue.description)


def _shown(issue: Issue, citizen: Actor) -> Actor:
    """An anonymous report keeps the citizen's name off the timeline the group sees."""
    return Actor(citizen.role, citizen.id, None) if issue.anonymous else citizen


class IssueFlows:
    def __init__(
        self,
        *,
        db: Database,
        messenger: IssueMessenger,
        clock: Clock,
        tz: tzinfo,
        on_queued: Callable[[], None] = lambda: None,
        settled: Callable[[int], Awaitable[None]] | None = None,
        observer: IssueObserver | None = None,
        admins: frozenset[int] = frozenset(),
    ) -> None:
        self.db = db
        self.admins = admins
        self.messenger = messenger
        self.clock = clock
        self.tz = tz
        self._on_queued = on_queued
        self._settled = settled
        # Hears every change in the change's own transaction (deputies of the constituency).
        self.observer: IssueObserver = observer or NoObserver()

    # -- citizen ---------------------------------------------------------------------------------

    async def submit(
        self, *, draft: IssueDraft, citizen: Actor, supervisor_deputy_id: int | None = None
    ) -> IssueSummary:
        """`supervisor_deputy_id`: a deputy turned a citizen's message into this issue (转为诉求)."""
        assert citizen.id is not None
        async with self.db.transaction() as s:
            now = self.clock.now()
            ref = await service.next_ref(s, period=period_of(now.astimezone(self.tz)))
            issue, files = await service.create_issue(
                s, draft=draft, citizen_id=citizen.id, ref=ref, now=now, supervisor_deputy_id=supervisor_deputy_id
            )
            # What follows only adds rows and reads others (the organisation, groups, deputies): it is
            # written in one flush at the commit instead of one before each read.
            with s.no_autoflush:
                await service.record(s, issue=issue, kind=EventKind.SUBMITTED, actor=_shown(issue, citizen), now=now)
                await service.remember_for_next_report(s, user_id=citizen.id, grid_id=draft.grid_id, phone=draft.phone)
                group = await service.holding_group(s, grid_id=draft.grid_id)
                if group is not None:
                    await self.messenger.post_card(s, issue=issue, chat_id=group.chat_id, now=now, files=files)
                else:
                    await self.messenger.unrouted(s, issue=issue, now=now)
                await self.messenger.push(s, issue=issue, key="push-received", now=now)
                await self.observer.issue_changed(s, issue=issue, kind=NoticeKind.SUBMITTED, now=now)
                summary = _summary(issue)
        self._on_queued()
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
            await self.messenger.relay_to_group(s, issue=issue, text=text, photo=photo, now=now)
            await self.observer.issue_changed(
                s, issue=issue, kind=NoticeKind.STEP, now=now, detail=EventKind.CITIZEN_REPLIED.value
            )
            ref = issue.ref
        self._on_queued()
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
                await self.observer.issue_changed(s, issue=issue, kind=NoticeKind.UNSATISFIED, now=now)
            else:
                await self.messenger.push(s, issue=issue, key="push-closed", now=now)
                await self.messenger.refresh_cards(s, issue=issue, now=now)
                await self.observer.issue_changed(
                    s, issue=issue, kind=NoticeKind.STEP, now=now, detail=EventKind.RATED.value
                )
            summary = _summary(issue)
        self._on_queued()
        return summary

    async def _reopen(self, s: AsyncSession, *, issue: Issue, now: datetime) -> None:
        """不满意: back to the grid, unassigned, with the citizen's comment on a fresh card."""
        issue.reopen_count += 1
        issue.assignee_id = issue.assignee_name = None
        await service.record(s, issue=issue, kind=EventKind.REOPENED, actor=Actor(ActorRole.SYSTEM), now=now)
        await self.messenger.refresh_cards(s, issue=issue, now=now)
        group = await triage.holder_group(s, issue)
        if group is not None:
            await self.messenger.post_card(s, issue=issue, chat_id=group.chat_id, now=now, headline="card-reopened")
        await self.messenger.push(s, issue=issue, key="push-reopened", now=now)

    def _rating_line(self, rating: Rating, comment: str | None) -> str:
        t = self.messenger.group_t()
        label = t(f"rating-{rating.value}")
        return f"{label}：{comment}" if comment else label

    async def my_issues(self, *, citizen_id: int, page: int, page_size: int = 5) -> tuple[list[IssueSummary], bool]:
        async with self.db.session() as s:
            issues, total = await service.issues_of_citizen(
                s, citizen_id=citizen_id, limit=page_size, offset=page * page_size
            )
        return [_summary(i) for i in issues], (page + 1) * page_size < total

    async def citizen_timeline(self, *, issue_id: int, citizen: Actor, locale: str | None) -> str:
        async with self.db.session() as s:
            issue = await self._own_issue(s, issue_id, citizen)
            return await self._timeline(s, issue, self.messenger.translator.bind(locale))

    # -- grid group ------------------------------------------------------------------------------

    async def claim(self, *, issue_id: int, worker: Actor, chat_id: int) -> IssueSummary:
        async with self.db.transaction() as s:
            now = self.clock.now()
            issue = await self.held_issue(s, issue_id, chat_id, user_id=worker.id, for_update=True, roles=HOLDER_ONLY)
            service.apply(issue, Action.CLAIM, now=now)
            issue.assignee_id, issue.assignee_name = worker.id, worker.name
            await service.record(s, issue=issue, kind=EventKind.CLAIMED, actor=worker, now=now)
            await self.messenger.push(s, issue=issue, key="push-claimed", now=now)
            await self.messenger.refresh_cards(s, issue=issue, now=now)
            await self.observer.issue_changed(
                s, issue=issue, kind=NoticeKind.STEP, now=now, detail=EventKind.CLAIMED.value
            )
            summary = _summary(issue)
        self._on_queued()
        return summary

    async def answer(self, *, issue_id: int, worker: Actor, chat_id: int, text: str | None, photo: str | None) -> str:
        async with self.db.transaction() as s:
            now = self.clock.now()
            issue = await self.held_issue(s, issue_id, chat_id, user_id=worker.id)
            service.apply(issue, Action.ANSWER, now=now)
            await service.record(s, issue=issue, kind=EventKind.ANSWERED, actor=worker, now=now, text=text, photo=photo)
            dept = await triage.acting_department(s, issue, chat_id)
            await self.messenger.relay_to_citizen(
                s, issue=issue, text=text, photo=photo, now=now, department=dept.name if dept else None
            )
            await self.observer.issue_changed(
                s, issue=issue, kind=NoticeKind.STEP, now=now, detail=EventKind.ANSWERED.value
            )
            ref = issue.ref
        self._on_queued()
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
            if photo:
                await self.messenger.relay_to_citizen(s, issue=issue, text=None, photo=photo, now=now)
            await self.messenger.push(
                s,
                issue=issue,
                key="push-resolved",
                now=now,
                keyboard="rating",
                note=html(note),
                who=html(worker.name or ""),
            )
            await self.messenger.refresh_cards(s, issue=issue, now=now)
            await self.observer.issue_changed(
                s, issue=issue, kind=NoticeKind.STEP, now=now, detail=EventKind.RESOLVED.value
            )
            summary = _summary(issue)
        self._on_queued()
        return summary

    async def group_timeline(self, *, issue_id: int, chat_id: int, user_id: int) -> str:
        async with self.db.session() as s:
            issue = await self.held_issue(s, issue_id, chat_id, user_id=user_id, roles=WATCH_ROLES)
            return await self._timeline(s, issue, self.messenger.group_t())

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

    def notify_queued(self) -> None:
        """Wake the sender after a transaction of another area's flow queued messages."""
        self._on_queued()

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
        roles: frozenset[ChatRole] = WORK_ROLES,
    ) -> Issue:
        """Only the group of the level holding the issue (or its assigned department) works on it,
        and there only people whose role covers that group (bot.access)."""
        issue = await service.get_issue(s, issue_id, for_update=for_update)
        chat_role = await triage.chat_role(s, issue, chat_id)
        if chat_role not in roles:
            raise NotAllowed(f"issue {issue_id} is not held in chat {chat_id}")
        if not await access.may_work(
            s, issue, user_id=user_id, chat_id=chat_id, chat_role=chat_role, admins=self.admins
        ):
            raise NotAllowed(f"user {user_id} holds no role for issue {issue_id} in chat {chat_id}")
        return issue

    async def _timeline(self, s: AsyncSession, issue: Issue, t: Translate) -> str:
        assert issue.id is not None
        facts = await self.messenger.facts(s, issue)
        events = await service.timeline(s, issue.id)
        return self.messenger.timeline_text(t, issue, facts, events)
