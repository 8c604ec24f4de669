"""The seam through which other areas hear about issue changes, inside the flow's transaction.

Flows call `observer.issue_changed(session, issue=..., kind=..., now=...)` after a change; what the
observer queues is committed (or rolled back) with the change itself. Deputies listen here.

Called today: SUBMITTED (submit), UNSATISFIED (rated 不满意), STEP with the event kind as `detail`
(claimed, answered, citizen_replied, resolved, rated). Escalation and deadlines call it too:
`await self.observer.issue_changed(s, issue=issue, kind=NoticeKind.ESCALATED, now=now)` after an
issue moves up a level, and `kind=NoticeKind.OVERDUE` once when an issue passes its deadline (from
a job: `services.flows.observer.issue_changed(...)` inside the job's transaction).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Protocol

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Issue


class NoticeKind(StrEnum):
    SUBMITTED = "submitted"
    ESCALATED = "escalated"  # 上报 (issue 3)
    OVERDUE = "overdue"  # 超期 (issue 3)
    UNSATISFIED = "unsatisfied"  # rated 不满意
    STEP = "step"  # any other step: claimed, answered, resolved, rated...


class IssueObserver(Protocol):
    async def issue_changed(
        self, session: AsyncSession, *, issue: Issue, kind: NoticeKind, now: datetime, detail: str | None = None
    ) -> None: ...


class NoObserver:
    async def issue_changed(
        self, session: AsyncSession, *, issue: Issue, kind: NoticeKind, now: datetime, detail: str | None = None
    ) -> None:
        return None
