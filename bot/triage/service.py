"""Storage look-ups for triage and routing. Explicit session, never commits."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.enums import Disposition
from bot.issues import service as issues
from bot.organisation.service import grid_path
from bot.triage.routing import (
    CardButton,
    ChatRole,
    Level,
    card_buttons,
    may_escalate,
    may_send_back,
    send_back_target,
)
from storage.models import Department, Grid, GroupChat, Issue, Staff


@dataclass(frozen=True)
class DepartmentView:
    id: int
    code: str
    name: str
    grid_id: int
    chat_id: int | None
    liaison_ids: tuple[int, ...]


@dataclass(frozen=True)
class WorkerView:
    telegram_id: int
    name: str


def _department_view(row: Department) -> DepartmentView:
    assert row.id is not None
    return DepartmentView(row.id, row.code, row.name, row.grid_id, row.chat_id, tuple(row.liaison_ids or ()))


def holder_grid_id(issue: Issue) -> int:
    return issue.holder_grid_id or issue.grid_id


async def issue_path(s: AsyncSession, issue: Issue) -> list[Level]:
    return [Level(g.id, g.level, g.name) for g in await grid_path(s, issue.grid_id)]


async def holder_group(s: AsyncSession, issue: Issue) -> GroupChat | None:
    """The group working for the level that holds the issue: its own or the nearest one above."""
    return await issues.holding_group(s, grid_id=holder_grid_id(issue))


async def department(s: AsyncSession, department_id: int | None) -> DepartmentView | None:
    row = await s.get(Department, department_id) if department_id else None
    return _department_view(row) if row else None


async def department_of_chat(s: AsyncSession, chat_id: int) -> DepartmentView | None:
    row = (await s.exec(select(Department).where(Department.chat_id == chat_id))).first()
    return _department_view(row) if row else None


async def department_by_code(s: AsyncSession, code: str) -> Department | None:
    return (await s.exec(select(Department).where(Department.code == code.strip()))).first()


async def departments_of(s: AsyncSession, grid_id: int) -> list[DepartmentView]:
    rows = (
        await s.exec(select(Department).where(Department.grid_id == grid_id).order_by(col(Department.position)))
    ).all()
    return [_department_view(r) for r in rows]


async def workers_of(s: AsyncSession, grid_id: int) -> list[WorkerView]:
    """Staff of a grid who have a Telegram account on file: the candidates for 责任人."""
    query = (
        select(Staff).where(Staff.grid_id == grid_id, col(Staff.telegram_user_id).is_not(None)).order_by(col(Staff.id))
    )
    return [WorkerView(int(p.telegram_user_id), p.name) for p in (await s.exec(query)).all() if p.telegram_user_id]


async def acting_department(s: AsyncSession, issue: Issue, chat_id: int) -> DepartmentView | None:
    """The department the issue is assigned to, when this chat is its group or a liaison's private chat."""
    if issue.disposition != Disposition.ASSIGN or issue.department_id is None:
        return None
    dept = await department(s, issue.department_id)
    if dept is not None and (dept.chat_id == chat_id or chat_id in dept.liaison_ids):
        return dept
    return None


async def chat_role(s: AsyncSession, issue: Issue, chat_id: int) -> ChatRole:
    return await _chat_role(s, issue, chat_id, await holder_group(s, issue))


async def _chat_role(s: AsyncSession, issue: Issue, chat_id: int, group: GroupChat | None) -> ChatRole:
    """`group`: the holder group (buttons_for has it already: one query less for every card)."""
    if await acting_department(s, issue, chat_id) is not None:
        return ChatRole.DEPARTMENT
    if group is not None and group.chat_id == chat_id:
        return ChatRole.HOLDER
    if await s.get(GroupChat, chat_id) is not None and chat_id in await issues.card_chats(s, issue_id=issue.id or 0):
        return ChatRole.OBSERVER
    if await department_of_chat(s, chat_id) is not None and chat_id in await issues.card_chats(
        s, issue_id=issue.id or 0
    ):
        return ChatRole.OBSERVER  # a department it was assigned to before
    return ChatRole.NONE


async def acting_grid_id(s: AsyncSession, issue: Issue) -> int | None:
    """The grid of the holder group: the level that assesses, escalates or sends back now."""
    group = await holder_group(s, issue)
    return group.grid_id if group else None


async def buttons_for(s: AsyncSession, issue: Issue, chat_id: int) -> list[CardButton]:
    holder = await holder_group(s, issue)
    role = await _chat_role(s, issue, chat_id, holder)
    path = await issue_path(s, issue)
    acting = holder.grid_id if holder else None
    escalate = acting is not None and may_escalate(path, acting)
    send_back = False
    if acting is not None and may_send_back(path, acting):
        # Only when a lower group exists: without one the issue would come straight back here.
        lower = await issues.holding_group(s, grid_id=send_back_target(path, acting).grid_id)
        send_back = lower is not None and lower.grid_id != acting
    extend = issue.deadline is not None
    return card_buttons(issue.status, role, escalate=escalate, send_back=send_back, extend=extend)


async def grid_name(s: AsyncSession, grid_id: int) -> str:
    grid = await s.get(Grid, grid_id)
    return grid.name if grid else ""


async def subtree_ids(s: AsyncSession, grid_id: int) -> list[int]:
    """The grid and every grid below it (a township's villages, a county's everything)."""
    rows = (await s.exec(select(Grid.id, Grid.parent_id))).all()
    children: dict[int | None, list[int]] = {}
    for child_id, parent_id in rows:
        children.setdefault(parent_id, []).append(child_id)
    out, stack = [], [grid_id]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(children.get(current, []))
    return out
