"""延期申请: the responsible person asks for more working days, with a reason, before the deadline;
the level above (or an administrator) approves or refuses; the citizen hears the new date.

Who asks: whoever works the issue where it is held (its holding group, or its assigned
department), and when it has a 责任人, only that person (or an administrator). Who decides: the
group of the level above the one holding the issue — for an issue assigned to a department, the
holding level that assigned it — and the administrators when there is no such group (the county
holds it). At most one open request per issue (also a unique index).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import access
from bot.access import NotAllowed
from bot.clock import local_text
from bot.domain.enums import Disposition, EventKind, LinkKind
from bot.domain.lifecycle import is_open
from bot.domain.notices import ExtensionDecided, ExtensionRequested
from bot.followup import FollowupRefused
from bot.issues import service
from bot.issues.flows import IssueFlows
from bot.issues.service import Actor
from bot.triage import service as triage
from bot.triage.routing import NoLevel, escalation_target
from bot.triage.workdays import add_working_days, end_of_day
from storage.models import ExtensionRequest, ExtensionStatus, Issue

MAX_REASON = 500


@dataclass(frozen=True)
class ExtensionView:
    id: int
    issue_id: int
    ref: str
    days: int
    status: ExtensionStatus
    new_deadline: datetime


@dataclass(frozen=True)
class RefusalPrompt:
    issue_id: int
    ref: str
    user_id: int | None  # who pressed ❌ 不同意: only they answer the prompt
    request_id: int | None  # None: the request was decided since the prompt was sent


class ExtensionFlows:
    def __init__(self, issues: IssueFlows, *, max_days: int) -> None:
        self.issues = issues
        self.max_days = max_days

    async def check_can_request(self, *, issue_id: int, chat_id: int, user_id: int) -> str:
        """For the card's button: may this person ask now? Returns the issue's reference."""
        async with self.issues.db.session() as s:
            issue = await self._requestable(s, issue_id, chat_id, user_id, self.issues.clock.now())
            return issue.ref

    async def prompt_issue(self, *, chat_id: int, message_id: int) -> tuple[int, int | None] | None:
        """(issue id, prompted user) when that message is one of our 延期申请 prompts. The prompt is
        recorded as soon as it is sent (not through the outbox), so there is nothing to wait for."""
        async with self.issues.db.session() as s:
            link = await service.find_link(s, chat_id=chat_id, message_id=message_id)
        if link is None or link.kind != LinkKind.EXTENSION_PROMPT:
            return None
        return link.issue_id, link.user_id

    async def check_can_decide(self, *, request_id: int, chat_id: int, user_id: int) -> tuple[int, str]:
        """For ❌ 不同意, before asking why: may this person decide, and is it still open?
        Returns (issue id, reference)."""
        async with self.issues.db.session() as s:
            row, issue = await self._decidable(s, request_id, chat_id, user_id)
            assert issue.id is not None
            return issue.id, issue.ref

    async def refusal_prompt(self, *, chat_id: int, message_id: int) -> RefusalPrompt | None:
        """The request a 不同意 prompt asks about, when that message is one. A prompt older than the
        issue's open request belongs to one decided since: its request id is then None."""
        async with self.issues.db.session() as s:
            link = await service.find_link(s, chat_id=chat_id, message_id=message_id)
            if link is None or link.kind != LinkKind.REFUSE_PROMPT:
                return None
            issue = await service.get_issue(s, link.issue_id)
            row = await open_request(s, link.issue_id)
            current = row is not None and row.created_at <= link.created_at
            return RefusalPrompt(
                issue_id=link.issue_id,
                ref=issue.ref,
                user_id=link.user_id,
                request_id=row.id if current and row else None,
            )

    async def request(self, *, issue_id: int, chat_id: int, user: Actor, days: int, reason: str) -> ExtensionView:
        assert user.id is not None
        if not 1 <= days <= self.max_days:
            raise FollowupRefused("ext-bad-days", max=str(self.max_days))
        tz = self.issues.tz
        async with self.issues.db.transaction() as s:
            now = self.issues.clock.now()
            issue = await self._requestable(s, issue_id, chat_id, user.id, now, for_update=True)
            assert issue.deadline is not None and issue.id is not None
            new_deadline = end_of_day(add_working_days(issue.deadline.astimezone(tz).date(), days), tz)
            row = ExtensionRequest(
                issue_id=issue.id,
                requested_by=user.id,
                requester_name=user.name or "",
                days=days,
                reason=reason[:MAX_REASON],
                old_deadline=issue.deadline,
                new_deadline=new_deadline,
                approver_chat_id=await self._approver_chat(s, issue),
                created_at=now,
            )
            s.add(row)
            await s.flush()
            assert row.id is not None
            t = self.issues.translator.bind(None)
            line = t("ext-line-requested", days=str(days), deadline=local_text(new_deadline, tz), reason=row.reason)
            await service.record(s, issue=issue, kind=EventKind.EXTENSION_REQUESTED, actor=user, now=now, text=line)
            await self.issues.notifier.notify(
                s,
                ExtensionRequested(
                    issue=issue,
                    now=now,
                    request_id=row.id,
                    days=days,
                    reason=row.reason,
                    requester=row.requester_name,
                    new_deadline=new_deadline,
                    approver_chat_id=row.approver_chat_id,
                ),
            )
            view = _view(row, issue)
        return view

    async def decide(
        self, *, request_id: int, chat_id: int, user: Actor, approve: bool, reason: str = ""
    ) -> ExtensionView:
        """Approve, or refuse with a reason (the requester and the timeline are told why)."""
        assert user.id is not None
        reason = reason.strip()[:MAX_REASON]
        if not approve and not reason:
            raise ValueError("an extension is refused with a reason")
        tz = self.issues.tz
        async with self.issues.db.transaction() as s:
            now = self.issues.clock.now()
            row, issue = await self._decidable(s, request_id, chat_id, user.id, for_update=True)
            if approve and not is_open(issue.status):
                raise FollowupRefused("ext-issue-finished", ref=issue.ref)
            row.status = (ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED).value
            row.decided_at, row.decided_by, row.decided_by_name = now, user.id, user.name
            row.refusal_reason = None if approve else reason
            s.add(row)
            t = self.issues.translator.bind(None)
            if approve:
                issue.deadline = row.new_deadline
                issue.updated_at = now
                kind, line = (
                    EventKind.EXTENSION_APPROVED,
                    t("ext-line-approved", days=str(row.days), deadline=local_text(row.new_deadline, tz)),
                )
            else:
                kind, line = EventKind.EXTENSION_REFUSED, t("ext-line-refused", days=str(row.days), reason=reason)
            await service.record(s, issue=issue, kind=kind, actor=user, now=now, text=line)
            await self.issues.notifier.notify(
                s,
                ExtensionDecided(
                    issue=issue,
                    now=now,
                    approved=approve,
                    requester_id=row.requested_by,
                    by=user.name or "",
                    days=row.days,
                    reason=row.refusal_reason or "",
                ),
            )
            view = _view(row, issue)
        return view

    # -- the rules -----------------------------------------------------------------------------

    async def _decidable(
        self, s: AsyncSession, request_id: int, chat_id: int, user_id: int, *, for_update: bool = False
    ) -> tuple[ExtensionRequest, Issue]:
        row = await s.get(ExtensionRequest, request_id, with_for_update=for_update)
        if row is None:
            raise NotAllowed(f"no extension request {request_id}")
        await self._check_approver(s, row, chat_id=chat_id, user_id=user_id)
        issue = await service.get_issue(s, row.issue_id, for_update=for_update)
        if row.status != ExtensionStatus.OPEN:
            raise FollowupRefused("ext-already-decided", ref=issue.ref)
        return row, issue

    async def _requestable(
        self, s: AsyncSession, issue_id: int, chat_id: int, user_id: int, now: datetime, *, for_update: bool = False
    ) -> Issue:
        issue = await self.issues.held_issue(
            s, issue_id, chat_id, user_id=user_id, for_update=for_update, roles=access.WORK_ROLES
        )
        if not is_open(issue.status) or issue.deadline is None:
            raise FollowupRefused("ext-refused-no-deadline", ref=issue.ref)
        if issue.assignee_id is not None and issue.assignee_id != user_id and user_id not in self.issues.admins:
            raise FollowupRefused("ext-refused-not-responsible", ref=issue.ref, who=issue.assignee_name or "")
        if issue.deadline < now:
            raise FollowupRefused(
                "ext-refused-late", ref=issue.ref, deadline=local_text(issue.deadline, self.issues.tz)
            )
        if await open_request(s, issue_id) is not None:
            raise FollowupRefused("ext-refused-pending", ref=issue.ref)
        return issue

    async def _approver_chat(self, s: AsyncSession, issue: Issue) -> int | None:
        """The group of the level above the responsible one; None: the administrators decide."""
        holder = await triage.holder_group(s, issue)
        if holder is None:
            return None
        if issue.disposition == Disposition.ASSIGN and issue.department_id is not None:
            return holder.chat_id  # the level that assigned the department supervises it
        try:
            above = escalation_target(await triage.issue_path(s, issue), holder.grid_id)
        except NoLevel:
            return None  # the county holds it
        group = await service.holding_group(s, grid_id=above.grid_id)
        return group.chat_id if group is not None and group.chat_id != holder.chat_id else None

    async def _check_approver(self, s: AsyncSession, row: ExtensionRequest, *, chat_id: int, user_id: int) -> None:
        if user_id in self.issues.admins:
            return
        if row.approver_chat_id is None or row.approver_chat_id != chat_id:
            raise NotAllowed(f"extension request {row.id} is not decided in chat {chat_id}")
        if not await access.may_work_in_group(s, user_id=user_id, chat_id=chat_id, admins=self.issues.admins):
            raise NotAllowed(f"user {user_id} holds no role in chat {chat_id}")


async def open_request(s: AsyncSession, issue_id: int) -> ExtensionRequest | None:
    query = select(ExtensionRequest).where(
        ExtensionRequest.issue_id == issue_id, col(ExtensionRequest.status) == ExtensionStatus.OPEN.value
    )
    return (await s.exec(query)).first()


def _view(row: ExtensionRequest, issue: Issue) -> ExtensionView:
    assert row.id is not None
    return ExtensionView(row.id, row.issue_id, issue.ref, row.days, ExtensionStatus(row.status), row.new_deadline)
