"""Last in line: whatever no other handler took gets a short, friendly pointer."""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot.i18n import Translate
from handlers import keyboards

log = logging.getLogger(__name__)


async def nothing_to_cancel(message: Message, t: Translate) -> None:
    await message.answer(t("nothing-to-cancel"), reply_markup=keyboards.main_menu(t))


async def unknown_command(message: Message, t: Translate) -> None:
    await message.answer(t("unknown-command"), reply_markup=keyboards.main_menu(t))


async def anything_else(message: Message, t: Translate) -> None:
    await message.answer(t("free-text-hint"), reply_markup=keyboards.main_menu(t))


async def unknown_button(callback: CallbackQuery, t: Translate) -> None:
    # Stale (an old screen) or forged: either way nothing happens, and it is on record.
    log.warning("refused button from user %s: unknown or stale data %r", callback.from_user.id, callback.data)
    await callback.answer(t("error-stale-button"), show_alert=True)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(nothing_to_cancel, F.chat.type == "private", Command("cancel"))
    router.message.register(unknown_command, F.chat.type == "private", F.text.startswith("/"))
    router.message.register(anything_else, F.chat.type == "private")
    router.callback_query.register(unknown_button)
    return router
