"""研判, 上报 and 退回: each public method is one transaction, like bot/issues/flows.py.

The level that holds an issue assesses it into one of three dispositions, or moves it up or down
one level; the citizen is told in plain words where it is and by when an answer is due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import local_text
from bot.domain.enums import Disposition, EventKind, LinkKind
from bot.domain.lifecycle import Action, transition
from bot.issues import service
from bot.issues.flows import HOLDER_ONLY, IssueFlows, IssueSummary, NotAllowed, _summary
from bot.issues.messaging import html
from bot.issues.observers import NoticeKind
from bot.issues.service import Actor
from bot.outbox.queue import enqueue
from bot.triage import service as triage
from bot.triage.routing import NoLevel, escalation_target, send_back_target
from bot.triage.service import DepartmentView, WorkerView
from bot.triage.workdays import deadline_after, end_of_day
from storage.models import Category, Issue

DEFAULT_DEADLINE_DAYS = 3
DEADLINE_PRESETS = (1, 3, 5, 10)
MAX_DEADLINE_DAYS = 60


@dataclass(frozen=True)
class TriageOptions:
    """What the 研判 menu offers for one issue in one group."""

    ref: str
    default_days: int
    workers: list[WorkerView]
    departments: list[DepartmentView]


@dataclass(frozen=True)
class Deadline:
    """Either a number of working days from now, or a calendar date."""

    working_days: int | None = None
    day: date | None = None


class TriageFlows:
    def __init__(self, issues: IssueFlows) -> None:
        self.issues = issues
        self.db = issues.db
        self.messenger = issues.messenger
        self.clock = issues.clock
        self.tz = issues.tz

    # -- the 研判 menu ---------------------------------------------------------------------------

    async def options(
        self, *, issue_id: int, chat_id: int, user_id: int, action: Action = Action.TRIAGE
    ) -> TriageOptions:
        async with self.db.session() as s:
            issue = await self.issues.held_issue(s, issue_id, chat_id, user_id=user_id, roles=HOLDER_ONLY)
            transition(issue.status, action)
            acting = await triage.acting_grid_id(s, issue)
            assert acting is not None
            return TriageOptions(
                ref=issue.ref,
                default_days=await self._default_days(s, issue),
                workers=await triage.workers_of(s, acting),
                departments=await triage.departments_of(s, acting),
            )

    def deadline_at(self, deadline: Deadline, now: datetime) -> datetime:
        if deadline.day is not None:
            if deadline.day < now.astimezone(self.tz).date():
                raise ValueError("a deadline cannot be in the past")
            return end_of_day(deadline.day, self.tz)
        days = deadline.working_days or DEFAULT_DEADLINE_DAYS
        if not 1 <= days <= MAX_DEADLINE_DAYS:
            raise ValueError(f"a deadline of {days} working days is out of range")
        return deadline_after(now, days, self.tz)

    async def remember_prompt(
        self, *, chat_id: int, message_id: int, issue_id: int, user_id: int, kind: LinkKind
    ) -> None:
        async with self.db.transaction() as s:
            service.remember_message(
                s,
                chat_id=chat_id,
                message_id=message_id,
                issue_id=issue_id,
                kind=kind,
                now=self.clock.now(),
                user_id=user_id,
            )

    async def bind_department(self, *, chat_id: int, code: str) -> str | None:
        """/binddept: the group becomes the department's work group; its name, or None if unknown."""
        async with self.db.transaction() as s:
            row = await triage.department_by_code(s, code)
            if row is None:
                return None
            row.chat_id = chat_id
            s.add(row)
            return row.name

    # -- the three dispositions ------------------------------------------------------------------

    async def explain(self, *, issue_id: int, worker: Actor, chat_id: int, text: str) -> IssueSummary:
        """宣传解释: the explanation goes to the citizen, who may still rate it."""
        async with self.db.transaction() as s:
            now = self.clock.now()
            issue = await self._holder_issue(s, issue_id, chat_id, worker.id)
            service.apply(issue, Action.EXPLAIN, now=now)
            issue.disposition, issue.department_id = Disposition.EXPLAIN, None
            issue.resolution_note, issue.resolved_at = text, now
            if issue.assignee_id is None:
                issue.assignee_id, issue.assignee_name = worker.id, worker.name
            await service.record(s, issue=issue, kind=EventKind.EXPLAINED, actor=worker, now=now, text=text)
            await self._observe(s, issue, NoticeKind.STEP, now, EventKind.EXPLAINED)
            await self.messenger.push(
                s,
                issue=issue,
                key="push-explained",
                now=now,
                keyboard="rating",
                note=html(text),
                who=html(worker.name or ""),
            )
            await self.messenger.refresh_cards(s, issue=issue, now=now)
            summary = _summary(issue)
        self.issues.notify_queued()
        return summary

    async def handle(
        self, *, issue_id: int, worker: Actor, chat_id: int, deadline: Deadline, responsible_id: int
    ) -> IssueSummary:
        """立即办理 / 协助自办: a deadline and a responsible person within the grid."""
        async with self.db.transaction() as s:
            now = self.clock.now()
            issue = await self._holder_issue(s, issue_id, chat_id, worker.id)
            acting = await triage.acting_grid_id(s, issue)
            workers = {w.telegram_id: w.name for w in await triage.workers_of(s, acting or 0)}
            if responsible_id != worker.id and responsible_id not in workers:
                raise NotAllowed(f"{responsible_id} is not a worker of grid {acting}")
            service.apply(issue, Action.TRIAGE, now=now)
            issue.disposition, issue.department_id = Disposition.HANDLE, None
            issue.deadline = self.deadline_at(deadline, now)
            issue.assignee_id = responsible_id
            issue.assignee_name = worker.name if responsible_id == worker.id else workers[responsible_id]
            due = local_text(issue.deadline, self.tz)
            t = self.messenger.group_t()
            await service.record(
                s,
                issue=issue,
                kind=EventKind.HANDLED,
                actor=worker,
                now=now,
                text=t("triage-handled-line", who=issue.assignee_name or "", deadline=due),
            )
            await self._observe(s, issue, NoticeKind.STEP, now, EventKind.HANDLED)
            where = await self._where(s, issue)
            await self.messenger.push(
                s,
                issue=issue,
                key="push-handled",
                now=now,
                where=html(where),
                who=html(issue.assignee_name or ""),
                deadline=due,
            )
            await self.messenger.refresh_cards(s, issue=issue, now=now)
            summary = _summary(issue)
        self.issues.notify_queued()
        return summary

    async def assign(
        self, *, issue_id: int, worker: Actor, chat_id: int, department_id: int, deadline: Deadline
    ) -> IssueSummary:
        """交办督办: the department gets the card (its group, or its liaisons); the grid supervises."""
        async with self.db.transaction() as s:
            now = self.clock.now()
            issue = await self._holder_issue(s, issue_id, chat_id, worker.id)
            acting = await triage.acting_grid_id(s, issue)
            dept = await triage.department(s, department_id)
            if dept is None or dept.grid_id != acting:
                raise NotAllowed(f"department {department_id} does not belong to grid {acting}")
            service.apply(issue, Action.TRIAGE, now=now)
            issue.disposition, issue.department_id = Disposition.ASSIGN, dept.id
            issue.deadline = self.deadline_at(deadline, now)
            issue.assignee_id = issue.assignee_name = None
            due = local_text(issue.deadline, self.tz)
            t = self.messenger.group_t()
            await service.record(
                s,
                issue=issue,
                kind=EventKind.ASSIGNED,
                actor=worker,
                now=now,
                text=t("triage-assigned-line", department=dept.name, deadline=due),
            )
            await self._observe(s, issue, NoticeKind.STEP, now, EventKind.ASSIGNED)
            await self.messenger.refresh_cards(s, issue=issue, now=now)
            if dept.chat_id is not None:
                await self.messenger.post_card(s, issue=issue, chat_id=dept.chat_id, now=now, headline="card-assigned")
            await self._tell_liaisons(s, issue, dept, now)
            await self.messenger.push(
                s, issue=issue, key="push-assigned", now=now, department=html(dept.name), deadline=due
            )
            summary = _summary(issue)
        self.issues.notify_queued()
        return summary

    # -- moving between levels -------------------------------------------------------------------

    async def escalate(self, *, issue_id: int, actor: Actor, chat_id: int | None, reason: str) -> IssueSummary:
        """上报 one level up. chat_id None: the supervision job escalating an overdue issue (超期上报)."""
        async with self.db.transaction() as s:
            issue = await (
                self._holder_issue(s, issue_id, chat_id, actor.id)
                if chat_id is not None
                else service.get_issue(s, issue_id, for_update=True)
            )
            summary = await self.escalate_in(
                s, issue=issue, actor=actor, reason=reason, now=self.clock.now(), automatic=chat_id is None
            )
        self.issues.notify_queued()
        return summary

    async def escalate_in(
        self, s: AsyncSession, *, issue: Issue, actor: Actor, reason: str, now: datetime, automatic: bool
    ) -> IssueSummary:
        acting = await triage.acting_grid_id(s, issue)
        try:
            target = escalation_target(await triage.issue_path(s, issue), acting or triage.holder_grid_id(issue))
        except NoLevel:
            raise NotAllowed(f"issue {issue.ref} is already at the top level") from None
        service.apply(issue, Action.ESCALATE, now=now)
        await self._move(s, issue, target.grid_id, now)
        kind = EventKind.AUTO_ESCALATED if automatic else EventKind.ESCALATED
        await service.record(s, issue=issue, kind=kind, actor=actor, now=now, text=reason)
        await self._observe(s, issue, NoticeKind.ESCALATED, now, kind)
        await self._arrive(
            s,
            issue,
            now,
            headline="card-auto-escalated" if automatic else "card-escalated",
            note=reason,
            push_key="push-escalated",
        )
        return _summary(issue)

    async def send_back(self, *, issue_id: int, actor: Actor, chat_id: int, note: str) -> IssueSummary:
        """退回 one level down, towards the grid the issue was reported in, with a note."""
        async with self.db.transaction() as s:
            now = self.clock.now()
            issue = await self._holder_issue(s, issue_id, chat_id, actor.id)
            acting = await triage.acting_grid_id(s, issue)
            try:
                target = send_back_target(await triage.issue_path(s, issue), acting or 0)
            except NoLevel:
                raise NotAllowed(f"issue {issue.ref} cannot go further down") from None
            lower = await service.holding_group(s, grid_id=target.grid_id)
            if lower is None or lower.chat_id == chat_id:
                raise NotAllowed(f"no group below chat {chat_id} for issue {issue.ref}")
            service.apply(issue, Action.SEND_BACK, now=now)
            await self._move(s, issue, target.grid_id, now)
            await service.record(s, issue=issue, kind=EventKind.SENT_BACK, actor=actor, now=now, text=note)
            await self._observe(s, issue, NoticeKind.STEP, now, EventKind.SENT_BACK)
            await self._arrive(s, issue, now, headline="card-sent-back", note=note, push_key="push-sent-back")
            summary = _summary(issue)
        self.issues.notify_queued()
        return summary

    async def _move(self, s: AsyncSession, issue: Issue, grid_id: int, now: datetime) -> None:
        """The new level assesses it afresh, with a fresh default deadline so it stays supervised."""
        issue.holder_grid_id = grid_id
        issue.disposition = issue.department_id = None
        issue.assignee_id = issue.assignee_name = None
        issue.deadline = deadline_after(now, await self._default_days(s, issue), self.tz)

    async def _arrive(
        self, s: AsyncSession, issue: Issue, now: datetime, *, headline: str, note: str, push_key: str
    ) -> None:
        await self.messenger.refresh_cards(s, issue=issue, now=now)  # lower cards now show where it is
        group = await triage.holder_group(s, issue)
        if group is not None:
            await self.messenger.post_card(s, issue=issue, chat_id=group.chat_id, now=now, headline=headline)
            t = self.messenger.group_t()
            enqueue(
                s,
                chat_id=group.chat_id,
                method="sendMessage",
                now=now,
                issue_id=issue.id,
                params={"text": t("card-move-note", note=html(note)), "parse_mode": "HTML"},
                link_kind=LinkKind.CARD_MEDIA,
                target_kind=LinkKind.CARD,
            )
        else:
            await self.messenger.unrouted(s, issue=issue, now=now)
        assert issue.deadline is not None
        await self.messenger.push(
            s,
            issue=issue,
            key=push_key,
            now=now,
            where=html(await self._where(s, issue)),
            deadline=local_text(issue.deadline, self.tz),
        )

    # -- helpers ---------------------------------------------------------------------------------

    async def _observe(self, s: AsyncSession, issue: Issue, kind: NoticeKind, now: datetime, event: EventKind) -> None:
        """Tell the areas listening to issue changes (deputies), in this transaction."""
        await self.issues.observer.issue_changed(s, issue=issue, kind=kind, now=now, detail=event.value)

    async def _holder_issue(self, s: AsyncSession, issue_id: int, chat_id: int, user_id: int | None) -> Issue:
        if user_id is None:
            raise NotAllowed(f"no person to check for issue {issue_id}")
        return await self.issues.held_issue(s, issue_id, chat_id, user_id=user_id, for_update=True, roles=HOLDER_ONLY)

    async def _default_days(self, s: AsyncSession, issue: Issue) -> int:
        category = await s.get(Category, issue.category_id)
        return (category.default_deadline_days if category else None) or DEFAULT_DEADLINE_DAYS

    async def _where(self, s: AsyncSession, issue: Issue) -> str:
        """In plain words: the grid, township or county that holds it (and its department)."""
        name = await triage.grid_name(s, triage.holder_grid_id(issue))
        dept = await triage.department(s, issue.department_id)
        return f"{name} · {dept.name}" if dept else name

    async def _tell_liaisons(self, s: AsyncSession, issue: Issue, dept: DepartmentView, now: datetime) -> None:
        """Each liaison gets the card in their private chat: they reply to it and resolve it there."""
        for liaison in dept.liaison_ids:
            await self.messenger.post_card(s, issue=issue, chat_id=liaison, now=now, headline="card-assigned")
