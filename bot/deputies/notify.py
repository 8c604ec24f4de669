"""Which deputies hear about a change of an issue of their constituency, and when.

Escalated, overdue and 不满意 go out at once by default, the rest in the daily digest (each deputy
chooses in /settings). The supervising deputy (督办) gets every later step at once, whatever the
setting. Every notice is kept as an IssueNotice row: the digest and the duty-day counts read them.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deputies import service
from bot.deputies.points import PointAction
from bot.domain.enums import EventKind, NotifyMode
from bot.domain.notices import Urgency
from storage.database import queue_insert
from storage.models import Deputy, Issue, IssueNotice

_NOTICES = IssueNotice.__table__  # type: ignore[attr-defined]

URGENT = frozenset({Urgency.ESCALATED, Urgency.OVERDUE, Urgency.UNSATISFIED, Urgency.RED_CARD})


def wants_now(mode: NotifyMode, kind: Urgency) -> bool:
    if mode == NotifyMode.ALL:
        return True
    if mode == NotifyMode.DEFAULT:
        return kind in URGENT
    return False


def wants_digest(mode: NotifyMode, kind: Urgency) -> bool:
    if mode == NotifyMode.DIGEST:
        return True
    if mode == NotifyMode.DEFAULT:
        return kind not in URGENT
    return False


class DeputyAudience:
    def __init__(self, points: dict[str, int]) -> None:
        self.points = points

    async def to_tell(
        self, session: AsyncSession, *, issue: Issue, urgency: Urgency, now: datetime, detail: str | None = None
    ) -> list[Deputy]:
        """Records the notice for the digest, and answers the linked deputies to push it to now."""
        assert issue.id is not None
        queue_insert(
            session, _NOTICES, {"issue_id": issue.id, "grid_id": issue.grid_id, "kind": urgency.value, "at": now}
        )
        supervisor = issue.supervised_by_deputy_id
        deputies: dict[int | None, Deputy] = {d.id: d for d in await service.deputies_covering(session, issue.grid_id)}
        if supervisor is not None and supervisor not in deputies:
            row = await session.get(Deputy, supervisor)
            if row is not None:
                deputies[row.id] = row
        if supervisor is not None and detail == EventKind.RESOLVED.value:
            await self._supervised_resolved(session, supervisor, issue, now)
        return [
            deputy
            for deputy in deputies.values()
            if deputy.telegram_user_id is not None
            and (deputy.id == supervisor or wants_now(deputy.notify_mode, urgency))
        ]

    async def _supervised_resolved(self, session: AsyncSession, deputy_id: int, issue: Issue, now: datetime) -> None:
        """Points once per issue, even if it is reopened and resolved again."""
        note = f"issue:{issue.ref}"
        action = PointAction.SUPERVISED_RESOLVED.value
        if not await service.has_points(session, deputy_id=deputy_id, action=action, note=note):
            service.add_points(
                session, deputy_id=deputy_id, action=action, points=self.points.get(action, 0), now=now, note=note
            )
