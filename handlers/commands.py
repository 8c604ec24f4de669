"""The command menus Telegram shows next to the text field, in each language we speak."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats

from bot.i18n import Translator

PRIVATE = ["start", "report", "my", "services", "language", "help", "cancel"]
GROUP = ["help", "bind", "unbind", "duban"]


async def publish_commands(bot: Bot, translator: Translator) -> None:
    for locale in translator.locales:
        t = translator.bind(locale)
        # Telegram picks the list by the user's app language; the default list has no code.
        code = None if locale == translator.default_locale else locale.split("-")[0]
        for names, scope in ((PRIVATE, BotCommandScopeAllPrivateChats()), (GROUP, BotCommandScopeAllGroupChats())):
            commands = [BotCommand(command=name, description=t(f"command-{name}")) for name in names]
            await bot.set_my_commands(commands, scope=scope, language_code=code)
