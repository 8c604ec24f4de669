"""Which grid or department has a WeCom group robot, and its webhook key (no aiogram here).

The key is a secret (whoever has it can post to the group): it is stored, and sent to WeCom, and
never shown again — a listing shows it masked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from urllib.parse import parse_qs, urlsplit

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import Explained
from storage.models import Department, Grid, WeComRobot

WEBHOOK_HOST = "qyapi.weixin.qq.com"
WEBHOOK_PATH = "/cgi-bin/webhook/send"
_KEY = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


class RobotError(Explained, ValueError):
    """Input the robots cannot take; the message is for the administrator and never holds a key."""


class UnknownCode(RobotError):
    pass


class BadKey(RobotError):
    pass


class NoRobot(RobotError):
    pass


@dataclass(frozen=True)
class RobotView:
    """A robot as an administrator sees it: the key masked."""

    id: int
    owner: Literal["grid", "department"]
    code: str
    name: str
    key: str  # masked: first 4 + **** + last 4
    added_at: datetime


def mask(key: str) -> str:
    return f"{key[:4]}****{key[-4:]}" if len(key) > 8 else "****"


def parse_key(value: str) -> str:
    """The key from a key or from the robot's webhook address (…/cgi-bin/webhook/send?key=…)."""
    value = value.strip()
    if "://" in value:
        address = urlsplit(value)
        keys = parse_qs(address.query).get("key", [])
        if address.scheme != "https" or address.hostname != WEBHOOK_HOST or address.path != WEBHOOK_PATH:
            raise BadKey(key="cli-wecom-not-a-webhook", address=f"https://{WEBHOOK_HOST}{WEBHOOK_PATH}?key=…")
        if len(keys) != 1:
            raise BadKey(key="cli-wecom-no-key-in-address")
        value = keys[0].strip()
    if not _KEY.fullmatch(value):
        raise BadKey(key="cli-wecom-not-a-key")
    return value


async def robot_for_grid(session: AsyncSession, grid_id: int) -> WeComRobot | None:
    return (await session.exec(select(WeComRobot).where(WeComRobot.grid_id == grid_id))).first()


async def robot_for_department(session: AsyncSession, department_id: int) -> WeComRobot | None:
    return (await session.exec(select(WeComRobot).where(WeComRobot.department_id == department_id))).first()


async def set_robot(session: AsyncSession, *, code: str, key: str, now: datetime) -> tuple[RobotView, bool]:
    """Give the grid or department with this code a robot, or its robot a new key (messages still
    queued for it then go with the new key). True if the robot is new."""
    key = parse_key(key)
    owner = await _owner(session, code)
    if isinstance(owner, Grid):
        robot = await robot_for_grid(session, _id(owner))
    else:
        robot = await robot_for_department(session, _id(owner))
    created = robot is None
    if robot is None:
        robot = WeComRobot(key=key, added_at=now)
        if isinstance(owner, Grid):
            robot.grid_id = owner.id
        else:
            robot.department_id = owner.id
    else:
        robot.key = key
    session.add(robot)
    await session.flush()
    return _view(robot, owner), created


async def remove_robot(session: AsyncSession, *, code: str) -> RobotView:
    """Remove the robot of the grid or department with this code; what is still queued for it fails."""
    owner = await _owner(session, code)
    if isinstance(owner, Grid):
        robot = await robot_for_grid(session, _id(owner))
    else:
        robot = await robot_for_department(session, _id(owner))
    if robot is None:
        raise NoRobot(key="cli-wecom-no-robot", code=code)
    view = _view(robot, owner)
    await session.delete(robot)
    await session.flush()
    return view


async def list_robots(session: AsyncSession) -> list[RobotView]:
    """Every robot, grids' first, by code; keys masked."""
    of_grids = (
        await session.exec(
            select(WeComRobot, Grid).join(Grid, col(WeComRobot.grid_id) == Grid.id).order_by(col(Grid.code))
        )
    ).all()
    of_departments = (
        await session.exec(
            select(WeComRobot, Department)
            .join(Department, col(WeComRobot.department_id) == Department.id)
            .order_by(col(Department.code))
        )
    ).all()
    return [_view(robot, owner) for robot, owner in [*of_grids, *of_departments]]


async def _owner(session: AsyncSession, code: str) -> Grid | Department:
    grid = (await session.exec(select(Grid).where(Grid.code == code))).first()
    department = (await session.exec(select(Department).where(Department.code == code))).first()
    if grid is not None and department is not None:
        raise UnknownCode(key="cli-wecom-code-twice", code=code)
    if grid is None and department is None:
        raise UnknownCode(key="cli-wecom-unknown-code", code=repr(code))
    return grid or department  # type: ignore[return-value]


def _id(owner: Grid | Department) -> int:
    assert owner.id is not None
    return owner.id


def _view(robot: WeComRobot, owner: Grid | Department) -> RobotView:
    assert robot.id is not None
    return RobotView(
        id=robot.id,
        owner="grid" if isinstance(owner, Grid) else "department",
        code=owner.code,
        name=owner.name,
        key=mask(robot.key),
        added_at=robot.added_at,
    )
