"""Invitation links (?start=i_<token>): the first person to open one before it expires gets the role."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import Message

from bot.citizens import Citizens
from bot.clock import Clock
from bot.i18n import Translate
from bot.invitations.service import LINK_PREFIX, InvitationRefused, Invitations, Role
from bot.issues.messaging import html

WELCOME = {
    Role.DEPUTY: "invite-welcome-deputy",
    Role.WORKER: "invite-welcome-worker",
    Role.OFFICIAL: "invite-welcome-official",
}
REFUSED = {"unknown": "invite-unknown", "used": "invite-used", "expired": "invite-expired"}


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


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(redeem, CommandStart(deep_link=True, magic=F.args.startswith(LINK_PREFIX)))
    return router
