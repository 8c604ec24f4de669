"""Per-update context: the translator bound to the user's language."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import Chat, TelegramObject, User

from bot.citizens import Citizens
from bot.i18n import Translator


class LocaleMiddleware(BaseMiddleware):
    """Private chats speak the user's chosen language; groups speak the configured default."""

    def __init__(self, translator: Translator, citizens: Citizens) -> None:
        self.translator = translator
        self.citizens = citizens

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        chat: Chat | None = data.get("event_chat")
        locale = None
        if user is not None and (chat is None or chat.type == "private"):
            locale = await self.citizens.locale(user.id)
        data["t"] = self.translator.bind(locale)
        return await handler(event, data)
