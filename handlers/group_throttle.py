"""A person sending commands or pressing buttons in a group faster than allowed: one notice, then
silence (bot.group_throttle). Replies to the bot's messages carry work and are never dropped;
administrators are not limited."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import CallbackQuery, Message, TelegramObject

from bot.group_throttle import GroupAct, GroupThrottle
from bot.i18n import Translate

log = logging.getLogger(__name__)

GROUP_CHATS = {"group", "supergroup"}


async def _our_command(message: Message, bot: Bot) -> bool:
    """A command the bot would answer: "/x" or "/x@thisbot", not "/x@otherbot" or plain talk."""
    text = message.text or ""
    if not text.startswith("/"):
        return False
    mention = text.split(maxsplit=1)[0].partition("@")[2]
    return not mention or mention.lower() == ((await bot.me()).username or "").lower()


class GroupGuard(BaseMiddleware):
    """Outer middleware on messages and on callback queries: group chats only."""

    def __init__(self, throttle: GroupThrottle) -> None:
        self.throttle = throttle

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if isinstance(event, Message):
            if (
                event.chat.type not in GROUP_CHATS
                or event.from_user is None
                or not await _our_command(event, data["bot"])
            ):
                return await handler(event, data)
            act, user_id = GroupAct.COMMAND, event.from_user.id
        elif isinstance(event, CallbackQuery):
            message = event.message
            if message is None or message.chat.type not in GROUP_CHATS:
                return await handler(event, data)
            act, user_id = GroupAct.PRESS, event.from_user.id
        else:
            return await handler(event, data)
        if data["settings"].is_admin(user_id) or await self.throttle.allow(act, user_id):  # admins: trusted
            return await handler(event, data)
        log.info("group: %s from %s refused: over %s a minute", act, user_id, self.throttle.per_minute[act])
        warn = self.throttle.should_warn(act, user_id)
        t: Translate = data["t"]
        per_minute = str(int(self.throttle.per_minute[act]))
        if isinstance(event, CallbackQuery):  # always answered: a press left unanswered spins
            await event.answer(t("group-throttle-presses", per_minute=per_minute) if warn else None)
        elif warn:
            await event.reply(t("group-throttle-commands", per_minute=per_minute))
        return UNHANDLED
