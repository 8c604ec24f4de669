"""A citizen sending messages in a flood is slowed down with one friendly notice."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import Message, TelegramObject

from bot.i18n import Translate
from bot.throttle import CitizenThrottle

log = logging.getLogger(__name__)


class FloodGuard(BaseMiddleware):
    """Outer middleware on messages: private chats only (group work is never slowed down)."""

    def __init__(self, throttle: CitizenThrottle) -> None:
        self.throttle = throttle

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, Message) or event.chat.type != "private" or event.from_user is None:
            return await handler(event, data)
        user_id = event.from_user.id
        if await self.throttle.allow_message(user_id):
            return await handler(event, data)
        log.info("citizen %s is sending too fast: message %s dropped", user_id, event.message_id)
        if self.throttle.should_warn(user_id):
            t: Translate = data["t"]
            await event.answer(t("throttle-messages", per_minute=str(int(self.throttle.messages_per_minute))))
        return UNHANDLED
