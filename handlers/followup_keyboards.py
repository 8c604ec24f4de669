"""Keyboards of the follow-through (issue 18): pure functions from data to markup."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Translate
from handlers.callbacks import ExtensionCb


def extension_decision(t: Translate, request_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=t("btn-ext-approve"), callback_data=ExtensionCb(request_id=request_id, approve=True).pack()
                ),
                InlineKeyboardButton(
                    text=t("btn-ext-refuse"), callback_data=ExtensionCb(request_id=request_id, approve=False).pack()
                ),
            ]
        ]
    )
