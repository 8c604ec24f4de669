"""研判, 上报 and 退回: each public method is one transaction, like bot/issues/flows.py.

The level that holds an issue assesses it into one of three dispositions, or moves it up or down
one level; the citizen is told in plain words where it is and by when an answer is due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.access import HOLDER_ONLY
from bot.clock import local_text
from bot.domain.enums import Disposition, EventKind, LinkKind
from bot.domain.lifecycle import Action, transition
from bot.domain.notices import IssueAssigned, IssueExplained, IssueHandled, IssueMoved
from bot.issues import service
from bot.issues.flows import IssueFlows, IssueSummary, NotAllowed, summary_of
from bot.issues.service import Actor
from bot.triage import service as triage
from bot.triage.deadlines import DEFAULT_DEADLINE_DAYS, Deadline, DeadlineChoices, offered
from bot.triage.routing import NoLevel, escalation_target, send_back_target
from bot.triage.service import DepartmentView, WorkerView
from bot.triage.workdays import deadline_after
from storage.models import Category, Issue

__all__ = ["Deadline", "TriageFlows", "TriageOptions"]


@dataclass(frozen=True)
class TriageOptions:
    """What the 研判 menu offers for one issue in one group."""

    ref: str
    deadlines: DeadlineChoices
    workers: list[WorkerView]
    departments: list[DepartmentView]

    @property
    def default_days(self) -> int:
        return self.deadlines.default_days

    def check_department(self, department_id: int | None) -> None:
        """A department a step carries must be one the menu offered (one of the acting level's)."""
        if department_id is not None and department_id not in {d.id for d in self.departments}:
            raise NotAllowed(f"department {department_id} is not on offer for {self.ref}")


class TriageFlows:
    def __init__(self, issues: IssueFlows) -> None:
        self.issues = issues
        self.db = issues.db
        self.notifier = issues.notifier
        self.translator = issues.translator
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
                deadlines=await self._deadlines(s, issue),
                workers=await triage.workers_of(s, acting),
                departments=await triage.departments_of(s, acting),
            )

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
            issue.acknowledged_at = issue.acknowledged_at or now
            if issue.assignee_id is None:
                issue.assignee_id, issue.assignee_name = worker.id, worker.name
            await service.record(s, issue=issue, kind=EventKind.EXPLAINED, actor=worker, now=now, text=text)
            await self.notifier.notify(s, IssueExplained(issue=issue, now=now, note=text, by=worker.name or ""))
            summary = summary_of(issue)
        return summary

    async def handle(
        self, *, issue_id: int, worker: Actor, chat_id: int, deadline: Deadline, responsible_id: int
    ) -> IssueSummary:
        """立即办理 / 协助自办: a deadline and a responsible person within the grid."""
        async with self.db.transaction() as s:
            now = self.clock.now()
            issue = await self._holder_issue(s, issue_id, chat_id, worker.id)
            due = (await self._deadlines(s, issue)).due(deadline, self.tz)  # only what the menu offers
            acting = await triage.acting_grid_id(s, issue)
            workers = {w.telegram_id: w.name for w in await triage.workers_of(s, acting or 0)}
            if responsible_id != worker.id and responsible_id not in workers:
                raise NotAllowed(f"{responsible_id} is not a worker of grid {acting}")
            service.apply(issue, Action.TRIAGE, now=now)
            issue.disposition, issue.department_id = Disposition.HANDLE, None
            issue.deadline, issue.deadline_set_at = due, now
            issue.acknowledged_at = issue.acknowledged_at or now
            issue.assignee_id = responsible_id
            issue.assignee_name = worker.name if responsible_id == worker.id else workers[responsible_id]
            t = self.translator.bind(None)
            await service.record(
                s,
                issue=issue,
                kind=EventKind.HANDLED,
                actor=worker,
                now=now,
                text=t("triage-handled-line", who=issue.assignee_name or "", deadline=local_text(due, self.tz)),
            )
            await self.notifier.notify(s, IssueHandled(issue=issue, now=now, where=await self._where(s, issue)))
            summary = summary_of(issue)
        return summary

    async def assign(
        self, *, issue_id: int, worker: Actor, chat_id: int, department_id: int, deadline: Deadline
    ) -> IssueSummary:
        """交办督办: the department gets the card (its group, or its liaisons); the grid supervises."""
        async with self.db.transaction() as s:
            now = self.clock.now()
            issue = await self._holder_issue(s, issue_id, chat_id, worker.id)
            due = (await self._deadlines(s, issue)).due(deadline, self.tz)  # only what the menu offers
            acting = await triage.acting_grid_id(s, issue)
            dept = await triage.department(s, department_id)
            if dept is None or dept.grid_id != acting:
                raise NotAllowed(f"department {department_id} does not belong to grid {acting}")
            service.apply(issue, Action.TRIAGE, now=now)
            issue.disposition, issue.department_id = Disposition.ASSIGN, dept.id
            issue.deadline, issue.deadline_set_at = due, now
            issue.acknowledged_at = issue.acknowledged_at or now
            issue.assignee_id = issue.assignee_name = None
            t = self.translator.bind(None)
            await service.record(
                s,
                issue=issue,
                kind=EventKind.ASSIGNED,
                actor=worker,
                now=now,
                text=t("triage-assigned-line", department=dept.name, deadline=local_text(due, self.tz)),
            )
            await self.notifier.notify(
                s,
                IssueAssigned(
                    issue=issue,
                    now=now,
                    department_id=dept.id,
                    department=dept.name,
                    liaison_ids=list(dept.liaison_ids),
                ),
            )
            summary = summary_of(issue)
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
        await self.notifier.notify(
            s, IssueMoved(issue=issue, now=now, event=kind, note=reason, where=await self._where(s, issue))
        )
        return summary_of(issue)

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
            await self.notifier.notify(
                s,
                IssueMoved(
                    issue=issue, now=now, event=EventKind.SENT_BACK, note=note, where=await self._where(s, issue)
                ),
            )
            summary = summary_of(issue)
        return summary

    async def _move(self, s: AsyncSession, issue: Issue, grid_id: int, now: datetime) -> None:
        """The new level assesses it afresh, with a fresh default deadline so it stays supervised."""
        issue.holder_grid_id = grid_id
        issue.disposition = issue.department_id = None
        issue.assignee_id = issue.assignee_name = None
        issue.deadline = deadline_after(now, await self._default_days(s, issue), self.tz)
        issue.deadline_set_at = now

    # -- helpers ---------------------------------------------------------------------------------

    async def _holder_issue(self, s: AsyncSession, issue_id: int, chat_id: int, user_id: int | None) -> Issue:
        if user_id is None:
            raise NotAllowed(f"no person to check for issue {issue_id}")
        return await self.issues.held_issue(s, issue_id, chat_id, user_id=user_id, for_update=True, roles=HOLDER_ONLY)

    async def _deadlines(self, s: AsyncSession, issue: Issue) -> DeadlineChoices:
        """What the deadline picker offers for this issue today: the menu shows it, the flows check it."""
        today = self.clock.now().astimezone(self.tz).date()
        return offered(today=today, default_days=await self._default_days(s, issue))

    async def _default_days(self, s: AsyncSession, issue: Issue) -> int:
        category = await s.get(Category, issue.category_id)
        return (category.default_deadline_days if category else None) or DEFAULT_DEADLINE_DAYS

    async def _where(self, s: AsyncSession, issue: Issue) -> str:
        """In plain words: the grid, township or county that holds it (and its department)."""
        name = await triage.grid_name(s, triage.holder_grid_id(issue))
        dept = await triage.department(s, issue.department_id)
        return f"{name} · {dept.name}" if dept else name
