"""Roles: invitation links (?start=i_<token>), which only administrators create, and which give the
first person to open one before it expires its role; /roles and /revoke for administrators;
/whoami for anyone."""

from __future__ import annotations

from datetime import timedelta

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import Message

from bot.access import INVITABLE, Role
from bot.citizens import Citizens
from bot.clock import Clock
from bot.config import Settings
from bot.i18n import Translate
from bot.invitations.service import LINK_PREFIX, InvitationRefused, Invitations, UnknownTarget
from bot.text import html
from handlers.errors import log_refused_message

WELCOME = {
    Role.DEPUTY: "invite-welcome-deputy",
    Role.WORKER: "invite-welcome-worker",
    Role.OFFICIAL: "invite-welcome-official",
    Role.LIAISON: "invite-welcome-liaison",
}
REFUSED = {"unknown": "invite-unknown", "used": "invite-used", "expired": "invite-expired"}
MAX_DAYS = 90


async def redeem(
    message: Message, command: CommandObject, t: Translate, invitations: Invitations, citizens: Citizens, clock: Clock
) -> None:
    user = message.from_user
    assert user is not None
    await citizens.register(user, now=clock.now())
    token = (command.args or "")[len(LINK_PREFIX) :]
    try:
        grant = await invitations.redeem(token=token, user_id=user.id)
    except InvitationRefused as refused:
        await message.answer(t(REFUSED[refused.reason]))
        return
    await message.answer(t(WELCOME[grant.role], name=html(grant.label)))


async def _admin(message: Message, t: Translate, settings: Settings) -> bool:
    """Roles are the administrators' to give: anyone else is told so."""
    if message.from_user is not None and settings.is_admin(message.from_user.id):
        return True
    log_refused_message(message, f"{(message.text or '').split(maxsplit=1)[0][:32]} is for administrators")
    await message.answer(t("invite-admins-only"))
    return False


def _role(word: str) -> Role | None:
    try:
        role = Role(word.lower())
    except ValueError:
        return None
    return role if role in INVITABLE else None


async def create(
    message: Message,
    command: CommandObject,
    bot: Bot,
    t: Translate,
    settings: Settings,
    invitations: Invitations,
    clock: Clock,
) -> None:
    """/invite ROLE TARGET [DAYS]: a one-time link for the administrator to hand over."""
    if not await _admin(message, t, settings):
        return
    parts = (command.args or "").split()
    role = _role(parts[0]) if parts else None
    days = int(parts[2]) if len(parts) == 3 and parts[2].isdigit() else 7
    if role is None or len(parts) not in (2, 3) or not 1 <= days <= MAX_DAYS:
        await message.answer(t("invite-usage", max_days=str(MAX_DAYS)))
        return
    assert message.from_user is not None  # _admin checked it
    try:
        created = await invitations.create(
            role=role, target=parts[1], created_by=f"admin {message.from_user.id}", ttl=timedelta(days=days)
        )
    except UnknownTarget:
        await message.answer(t("invite-unknown-target", role=t(f"role-{role.value}"), target=html(parts[1])))
        return
    me = await bot.me()
    await message.answer(
        t(
            "invite-created",
            role=t(f"role-{role.value}"),
            name=html(created.label),
            link=html(created.link(me.username or "")),
            expires=created.expires_at.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M"),
        )
    )


async def roles(message: Message, t: Translate, settings: Settings, invitations: Invitations) -> None:
    if not await _admin(message, t, settings):
        return
    held = await invitations.grants()
    if not held:
        await message.answer(t("roles-none"))
        return
    lines = [t("roles-title", count=str(len(held)))]
    lines += [
        t("roles-line", role=t(f"role-{g.role.value}"), scope=html(g.scope), user_id=str(g.user_id), name=html(g.name))
        for g in held
    ]
    await message.answer("\n".join(lines))


async def revoke(
    message: Message, command: CommandObject, t: Translate, settings: Settings, invitations: Invitations
) -> None:
    """/revoke USER_ID ROLE SCOPE: someone who left gives their role back."""
    if not await _admin(message, t, settings):
        return
    parts = (command.args or "").split()
    role = _role(parts[1]) if len(parts) == 3 else None
    if role is None or not parts[0].isdigit():
        await message.answer(t("revoke-usage"))
        return
    done = await invitations.revoke(user_id=int(parts[0]), role=role, scope=parts[2])
    await message.answer(t("revoke-done" if done else "revoke-missing", user_id=parts[0]))


async def whoami(message: Message, t: Translate, settings: Settings, invitations: Invitations) -> None:
    assert message.from_user is not None
    user_id = message.from_user.id
    held = await invitations.roles_of(user_id)
    lines = [t("whoami-title", user_id=str(user_id))]
    if settings.is_admin(user_id):
        lines.append(t("whoami-line", role=t("role-admin"), scope="—"))
    lines += [t("whoami-line", role=t(f"role-{role.value}"), scope=html(scope)) for role, scope in held]
    if len(lines) == 1:
        lines.append(t("whoami-citizen"))
    await message.answer("\n".join(lines))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(redeem, CommandStart(deep_link=True, magic=F.args.startswith(LINK_PREFIX)))
    router.message.register(create, Command("invite"))
    router.message.register(roles, Command("roles"))
    router.message.register(revoke, Command("revoke"))
    router.message.register(whoami, Command("whoami"))
    return router
