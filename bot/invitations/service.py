"""Invitations: an administrator creates a link for a role; the first person to open it before it
expires gets the role. It is the only way to a role other than citizen (administrators come from
the settings), for deputies, grid workers, officials and department liaisons alike; bot.access
reads the grants it leaves behind."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.access import INVITABLE, Role
from bot.clock import Clock
from bot.deputies.kept import deliver_kept
from bot.domain.enums import StaffRole
from bot.domain.notices import Notifier
from bot.i18n import Explained
from storage.database import Database
from storage.models import Department, Deputy, Grid, Invitation, RoleGrant, Staff, User

DEFAULT_TTL = timedelta(days=7)
LINK_PREFIX = "i_"


class InvitationRefused(Exception):
    """reason: unknown, expired or used."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UnknownTarget(Explained, ValueError):
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
            raise UnknownTarget(key="cli-invite-no-deputy", target=repr(target))
        return str(deputy.id), deputy.name
    if role == Role.LIAISON:
        dept = (await session.exec(select(Department).where(Department.code == target))).first()
        if dept is None:
            raise UnknownTarget(key="cli-invite-no-department", target=repr(target))
        return dept.code, dept.name
    grid = (await session.exec(select(Grid).where(Grid.code == target))).first()
    if grid is None:
        raise UnknownTarget(key="cli-invite-no-grid", target=repr(target))
    return grid.code, grid.name


class Invitations:
    def __init__(self, db: Database, clock: Clock, notifier: Notifier | None = None) -> None:
        self.db = db
        self.clock = clock
        self.notifier = notifier  # delivers what was kept for a deputy not linked yet

    async def create(
        self, *, role: Role, target: str, created_by: str, ttl: timedelta = DEFAULT_TTL
    ) -> CreatedInvitation:
        if role not in INVITABLE:
            raise UnknownTarget(key="cli-invite-no-role", role=repr(role.value))
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

    async def discard(self, token: str) -> None:
        """Take back an invitation that was never handed out (its QR code could not be written)."""
        async with self.db.transaction() as s:
            row = (await s.exec(select(Invitation).where(Invitation.token == token))).first()
            if row is not None:
                await s.delete(row)

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
            if role == Role.DEPUTY and self.notifier is not None:
                deputy = await s.get(Deputy, int(row.target))
                assert deputy is not None  # _link found it
                await deliver_kept(s, deputy=deputy, notifier=self.notifier, now=now)
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
        """Ties the account to the record the role is about; the label names that record."""
        if role == Role.LIAISON:
            dept = (await s.exec(select(Department).where(Department.code == scope))).first()
            if dept is None:
                raise InvitationRefused("unknown")
            if user_id not in dept.liaison_ids:
                dept.liaison_ids = [*dept.liaison_ids, user_id]  # a new list: JSON columns see assignment
                s.add(dept)
            return dept.name
        if role in (Role.WORKER, Role.OFFICIAL):
            grid = (await s.exec(select(Grid).where(Grid.code == scope))).first()
            if grid is None or grid.id is None:
                raise InvitationRefused("unknown")
            await _link_staff(s, grid.id, user_id, StaffRole.OFFICIAL if role == Role.OFFICIAL else StaffRole.WORKER)
            return grid.name
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

    async def grants(self) -> list[HeldGrant]:
        """Everyone holding a role, for the administrator's overview."""
        async with self.db.session() as s:
            rows = (await s.exec(select(RoleGrant).order_by(col(RoleGrant.role), col(RoleGrant.scope)))).all()
            names = {u.id: u.full_name for u in (await s.exec(select(User))).all() if u.id in {r.user_id for r in rows}}
        return [HeldGrant(Role(r.role), r.scope, r.user_id, names.get(r.user_id, ""), r.granted_at) for r in rows]

    async def revoke(self, *, user_id: int, role: Role, scope: str) -> bool:
        """Takes a role back (a worker who left): the grant and the account's link to the record."""
        async with self.db.transaction() as s:
            row = (
                await s.exec(
                    select(RoleGrant).where(
                        RoleGrant.user_id == user_id, RoleGrant.role == role.value, RoleGrant.scope == scope
                    )
                )
            ).first()
            if row is None:
                return False
            await s.delete(row)
            await _unlink(s, role, scope, user_id)
        return True


@dataclass(frozen=True)
class HeldGrant:
    role: Role
    scope: str
    user_id: int
    name: str
    granted_at: datetime


async def _link_staff(s: AsyncSession, grid_id: int, user_id: int, role: StaffRole) -> None:
    """The account becomes a staff member of the grid (a candidate 责任人): the imported record of the
    same name when there is one not yet linked, else a new record."""
    staff = (await s.exec(select(Staff).where(Staff.grid_id == grid_id))).all()
    if any(p.telegram_user_id == user_id for p in staff):
        return
    user = await s.get(User, user_id)
    name = (user.full_name if user else "") or str(user_id)
    person = next((p for p in staff if p.telegram_user_id is None and p.name == name), None)
    if person is None:
        person = Staff(name=name[:100], grid_id=grid_id, role=role)
    person.telegram_user_id = user_id
    s.add(person)


async def _unlink(s: AsyncSession, role: Role, scope: str, user_id: int) -> None:
    if role == Role.LIAISON:
        dept = (await s.exec(select(Department).where(Department.code == scope))).first()
        if dept is not None and user_id in dept.liaison_ids:
            dept.liaison_ids = [i for i in dept.liaison_ids if i != user_id]
            s.add(dept)
    elif role in (Role.WORKER, Role.OFFICIAL):
        grid = (await s.exec(select(Grid).where(Grid.code == scope))).first()
        if grid is not None:
            query = select(Staff).where(Staff.grid_id == grid.id, Staff.telegram_user_id == user_id)
            for person in (await s.exec(query)).all():
                person.telegram_user_id = None
                s.add(person)
    elif role == Role.DEPUTY:
        deputy = await s.get(Deputy, int(scope))
        if deputy is not None and deputy.telegram_user_id == user_id:
            deputy.telegram_user_id = None
            s.add(deputy)
