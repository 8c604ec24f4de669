"""Invitations: an administrator creates a link for a role; the first person to open it before it
expires gets the role. The same mechanism serves deputies, grid workers and officials."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock
from storage.database import Database
from storage.models import Deputy, Grid, Invitation, RoleGrant

DEFAULT_TTL = timedelta(days=7)
LINK_PREFIX = "i_"


class Role(StrEnum):
    DEPUTY = "deputy"  # scope: the deputy's id
    WORKER = "worker"  # scope: a grid code
    OFFICIAL = "official"  # scope: a grid code


class InvitationRefused(Exception):
    """reason: unknown, expired or used."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UnknownTarget(ValueError):
    pass


@dataclass(frozen=True)
class CreatedInvitation:
    token: str
    role: Role
    target: str
    label: str  # whom it is for, for the administrator's eyes
    expires_at: datetime

    def link(self, bot_username: str) -> str:
        return f"https://t.me/{bot_username.lstrip('@')}?start={LINK_PREFIX}{self.token}"


@dataclass(frozen=True)
class Grant:
    role: Role
    scope: str
    label: str


async def _target(session: AsyncSession, role: Role, target: str) -> tuple[str, str]:
    """The stored scope and a label; a deputy is named by code or id, a grid by code."""
    if role == Role.DEPUTY:
        query = select(Deputy).where(Deputy.code == target)
        deputy = (await session.exec(query)).first()
        if deputy is None and target.isdigit():
            deputy = await session.get(Deputy, int(target))
        if deputy is None:
            raise UnknownTarget(f"no deputy {target!r}")
        return str(deputy.id), deputy.name
    grid = (await session.exec(select(Grid).where(Grid.code == target))).first()
    if grid is None:
        raise UnknownTarget(f"no grid {target!r}")
    return grid.code, grid.name


class Invitations:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def create(
        self, *, role: Role, target: str, created_by: str, ttl: timedelta = DEFAULT_TTL
    ) -> CreatedInvitation:
        now = self.clock.now()
        async with self.db.transaction() as s:
            scope, label = await _target(s, role, target.strip())
            row = Invitation(
                token=secrets.token_urlsafe(16),
                role=role.value,
                target=scope,
                created_by=created_by[:100],
                created_at=now,
                expires_at=now + ttl,
            )
            s.add(row)
        return CreatedInvitation(row.token, role, scope, label, row.expires_at)

    async def redeem(self, *, token: str, user_id: int) -> Grant:
        """Once, before it expires; raises InvitationRefused otherwise."""
        now = self.clock.now()
        async with self.db.transaction() as s:
            row = (await s.exec(select(Invitation).where(Invitation.token == token).with_for_update())).first()
            if row is None:
                raise InvitationRefused("unknown")
            if row.used_at is not None:
                raise InvitationRefused("used")
            if row.expires_at <= now:
                raise InvitationRefused("expired")
            role = Role(row.role)
            label = await self._link(s, role, row.target, user_id)
            row.used_at, row.used_by = now, user_id
            s.add(row)
            existing = (
                await s.exec(
                    select(RoleGrant).where(
                        RoleGrant.user_id == user_id, RoleGrant.role == role.value, RoleGrant.scope == row.target
                    )
                )
            ).first()
            if existing is None:
                s.add(
                    RoleGrant(user_id=user_id, role=role.value, scope=row.target, granted_at=now, invitation_id=row.id)
                )
        return Grant(role, row.target, label)

    async def _link(self, s: AsyncSession, role: Role, scope: str, user_id: int) -> str:
        if role != Role.DEPUTY:
            grid = (await s.exec(select(Grid).where(Grid.code == scope))).first()
            return grid.name if grid else scope
        deputy = await s.get(Deputy, int(scope))
        if deputy is None:
            raise InvitationRefused("unknown")
        # One account per deputy: a new link replaces an older one (a new phone, say).
        await s.exec(
            delete(RoleGrant).where(
                RoleGrant.role == Role.DEPUTY.value,  # type: ignore[call-overload]
                RoleGrant.scope == scope,
                RoleGrant.user_id != user_id,
            )
        )
        deputy.telegram_user_id = user_id
        s.add(deputy)
        return deputy.name

    async def roles_of(self, user_id: int) -> list[tuple[Role, str]]:
        async with self.db.session() as s:
            rows = (await s.exec(select(RoleGrant).where(RoleGrant.user_id == user_id))).all()
        return [(Role(r.role), r.scope) for r in rows]
