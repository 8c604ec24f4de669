"""Who may act where.

Administrators come from the settings (ADMIN_IDS). Every other role is granted only by redeeming a
one-time, expiring invitation (bot.invitations) and is stored as a RoleGrant row; a citizen is
anyone, and may act only on their own issues. Being a member of a Telegram group grants nothing:
a group's card can be worked only by someone whose role covers the group.

- worker (scope: a grid code): the group bound to that grid.
- official (scope: a grid code, a level): the groups of that grid and of every grid below it.
- liaison (scope: a department code): issues assigned to that department, in its group or in a
  private chat.
- deputy (scope: the deputy's id): the deputy's own constituency (checked in bot.deputies).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.organisation.service import grid_path
from bot.triage import service as triage
from bot.triage.routing import ChatRole
from storage.models import GroupChat, Issue, RoleGrant


class NotAllowed(Exception):
    """The person may not do this to this issue (not their issue, not held in this chat, no role...)."""


# Which of a chat's relations to an issue (bot.triage.routing.ChatRole) allow what.
HOLDER_ONLY = frozenset({ChatRole.HOLDER})  # claim, 研判, 上报, 退回
WORK_ROLES = frozenset({ChatRole.HOLDER, ChatRole.DEPARTMENT})  # answer and resolve
WATCH_ROLES = frozenset({ChatRole.HOLDER, ChatRole.DEPARTMENT, ChatRole.OBSERVER})  # 详情


class Role(StrEnum):
    CITIZEN = "citizen"
    WORKER = "worker"
    OFFICIAL = "official"
    LIAISON = "liaison"
    DEPUTY = "deputy"
    ADMIN = "admin"


INVITABLE = (Role.WORKER, Role.OFFICIAL, Role.LIAISON, Role.DEPUTY)


@dataclass(frozen=True)
class Held:
    """The roles one person holds, as (role, scope) pairs."""

    admin: bool
    grants: frozenset[tuple[Role, str]]

    def has(self, role: Role, scope: str) -> bool:
        return (role, scope) in self.grants

    def scopes(self, *roles: Role) -> list[str]:
        return sorted(scope for role, scope in self.grants if role in roles)

    def names(self) -> list[Role]:
        """For the person's own eyes (/whoami)."""
        roles = {role for role, _ in self.grants} | ({Role.ADMIN} if self.admin else set())
        return sorted(roles, key=list(Role).index) or [Role.CITIZEN]


async def held(s: AsyncSession, user_id: int, admins: frozenset[int]) -> Held:
    rows = (await s.exec(select(RoleGrant.role, RoleGrant.scope).where(RoleGrant.user_id == user_id))).all()
    grants = frozenset((Role(role), scope) for role, scope in rows if role in Role._value2member_map_)
    return Held(user_id in admins, grants)


async def may_work(
    s: AsyncSession, issue: Issue, *, user_id: int, chat_id: int, chat_role: ChatRole, admins: frozenset[int]
) -> bool:
    """May this person act on this issue's card in this chat (whose role for the issue is known)?"""
    if chat_role == ChatRole.NONE:
        return False
    person = await held(s, user_id, admins)
    if person.admin:
        return True
    if not person.grants:
        return False
    if chat_role == ChatRole.DEPARTMENT:
        dept = await triage.acting_department(s, issue, chat_id)
        return dept is not None and person.has(Role.LIAISON, dept.code)
    group = await s.get(GroupChat, chat_id)
    if group is not None:
        return covers_grid(person, [g.code for g in await grid_path(s, group.grid_id)])
    dept_view = await triage.department_of_chat(s, chat_id)  # a department that held the issue before
    return dept_view is not None and person.has(Role.LIAISON, dept_view.code)


def covers_grid(person: Held, path: list[str]) -> bool:
    """path: the grid codes from the county down to the group's grid."""
    if not path:
        return False
    return person.has(Role.WORKER, path[-1]) or any(person.has(Role.OFFICIAL, code) for code in path)


async def may_work_in_group(s: AsyncSession, *, user_id: int, chat_id: int, admins: frozenset[int]) -> bool:
    """For a group's own commands (its ledger, its chart): someone whose role covers the group."""
    person = await held(s, user_id, admins)
    if person.admin:
        return True
    group = await s.get(GroupChat, chat_id)
    if group is not None:
        return covers_grid(person, [g.code for g in await grid_path(s, group.grid_id)])
    dept = await triage.department_of_chat(s, chat_id)
    return dept is not None and person.has(Role.LIAISON, dept.code)


async def check_holds(
    s: AsyncSession,
    issue: Issue,
    *,
    chat_id: int,
    user_id: int,
    roles: frozenset[ChatRole],
    admins: frozenset[int],
) -> None:
    """Only the group of the level holding the issue (or its assigned department) works on it,
    and there only people whose role covers that group. Raises NotAllowed otherwise."""
    chat_role = await triage.chat_role(s, issue, chat_id)
    if chat_role not in roles:
        raise NotAllowed(f"issue {issue.id} is not held in chat {chat_id}")
    if not await may_work(s, issue, user_id=user_id, chat_id=chat_id, chat_role=chat_role, admins=admins):
        raise NotAllowed(f"user {user_id} holds no role for issue {issue.id} in chat {chat_id}")
