"""督办 levels 普通 / 黄牌 / 红牌: an official (of a level on the issue's path) or a deputy (of its
constituency, or supervising it) raises the level of an open issue with a reason. Levels only
rise; a 红牌 reaches the county group and every deputy of the constituency at once."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from bot import access
from bot.access import NotAllowed, Role
from bot.deputies import service as deputies
from bot.domain.enums import ActorRole, EventKind, SupervisionLevel
from bot.domain.lifecycle import is_open
from bot.domain.notices import SupervisionRaised
from bot.followup import FollowupRefused
from bot.issues import service
from bot.issues.flows import IssueFlows
from bot.issues.service import Actor
from bot.organisation.service import grid_path
from storage.models import Issue

MAX_REASON = 500
# What people type: the Chinese names first, the English ones too.
LEVEL_WORDS = {
    "黄牌": SupervisionLevel.YELLOW,
    "yellow": SupervisionLevel.YELLOW,
    "红牌": SupervisionLevel.RED,
    "red": SupervisionLevel.RED,
}


def parse_level(word: str, *, normal: bool = False) -> SupervisionLevel | None:
    """The level a word names; 普通 / normal only when `normal` (a ledger filter, not a raise)."""
    if normal and word.strip().lower() in ("普通", "normal"):
        return SupervisionLevel.NORMAL
    return LEVEL_WORDS.get(word.strip().lower())


@dataclass(frozen=True)
class Raised:
    ref: str
    level: SupervisionLevel


class SupervisionLevels:
    def __init__(self, issues: IssueFlows) -> None:
        self.issues = issues

    async def raise_level(self, *, ref: str, user: Actor, level: SupervisionLevel, reason: str) -> Raised:
        assert user.id is not None
        async with self.issues.db.transaction() as s:
            now = self.issues.clock.now()
            found = await service.get_issue_by_ref(s, ref)
            if found is None:
                raise FollowupRefused("level-unknown-ref", ref=ref)
            issue = await service.get_issue(s, found.id or 0, for_update=True)
            user = Actor(await self._check_may_raise(s, issue, user.id), user.id, user.name)
            if not is_open(issue.status):
                raise FollowupRefused("level-not-open", ref=issue.ref)
            current = SupervisionLevel(issue.supervision_level)
            if level.rank <= current.rank:
                raise FollowupRefused("level-not-higher", ref=issue.ref, level=current.value)
            issue.supervision_level = level.value
            issue.updated_at = now
            t = self.issues.translator.bind(None)
            line = t("level-line", level=t(f"level-{level.value}"), reason=reason[:MAX_REASON])
            await service.record(s, issue=issue, kind=EventKind.SUPERVISION_RAISED, actor=user, now=now, text=line)
            await self.issues.notifier.notify(
                s, SupervisionRaised(issue=issue, now=now, reason=reason[:MAX_REASON], by=user.name or "")
            )
            raised = Raised(issue.ref, level)
        return raised

    async def _check_may_raise(self, s: AsyncSession, issue: Issue, user_id: int) -> ActorRole:
        """As whom the person raises the level (the timeline says so); NotAllowed if they may not."""
        person = await access.held(s, user_id, self.issues.admins)
        path = [g.code for g in await grid_path(s, issue.grid_id)]
        if person.admin or any(person.has(Role.OFFICIAL, code) for code in path):
            return ActorRole.GRID
        deputy = await deputies.deputy_by_user(s, user_id)
        if deputy is not None and deputy.id is not None and await _deputy_follows(s, issue, deputy.id):
            return ActorRole.DEPUTY
        raise NotAllowed(f"user {user_id} may not raise the 督办 level of issue {issue.id}")


async def _deputy_follows(s: AsyncSession, issue: Issue, deputy_id: int) -> bool:
    """The deputy supervises the issue, or it lies in their constituency."""
    return issue.supervised_by_deputy_id == deputy_id or issue.grid_id in await deputies.covered_grids(s, deputy_id)
