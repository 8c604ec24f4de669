"""What every message about an issue shows besides the issue's own fields, gathered once per
change: the names of its category, grid path, holding level and department. Plain data, shared
by every channel that renders the issue."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.followthrough.service import follower_count
from bot.organisation.service import category_by_id, grid_path
from bot.triage import service as triage
from storage.models import Issue


@dataclass(frozen=True)
class IssueFacts:
    ref: str
    category: str
    grid_path: str
    grid_name: str
    holder_name: str = ""  # the level holding it now, when not its own grid
    department: str = ""  # the 职能部门 it is assigned to
    followers: int = 0  # citizens who follow it (关注)
    duplicate_of: str = ""  # 重复件: the reference of the issue it duplicates


async def issue_facts(session: AsyncSession, issue: Issue) -> IssueFacts:
    category = await category_by_id(session, issue.category_id)
    path = await grid_path(session, issue.grid_id)
    holder = triage.holder_grid_id(issue)
    dept = await triage.department(session, issue.department_id)
    return IssueFacts(
        ref=issue.ref,
        category=category.name if category else "",
        grid_path=" / ".join(g.name for g in path),
        grid_name=path[-1].name if path else "",
        holder_name=await triage.grid_name(session, holder) if holder != issue.grid_id else "",
        department=dept.name if dept else "",
        followers=await follower_count(session, issue.id) if issue.id is not None else 0,
        duplicate_of=await _ref_of(session, issue.duplicate_of_id),
    )


async def _ref_of(session: AsyncSession, issue_id: int | None) -> str:
    if issue_id is None:
        return ""
    original = await session.get(Issue, issue_id)
    return original.ref if original else ""
