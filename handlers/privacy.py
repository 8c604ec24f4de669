"""Personal data: /privacy (download, erase) for citizens; the full phone number for the
responsible person in the group."""

from __future__ import annotations

import json

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from bot.domain.enums import ActorRole
from bot.i18n import Translate
from bot.issues.service import Actor
from bot.personal_data import PersonalData
from bot.text import html
from handlers import keyboards
from handlers.callbacks import PhoneCb, PressOf, PrivacyAction, PrivacyCb

GROUP_CHATS = {"group", "supergroup"}


async def privacy_command(message: Message, t: Translate) -> None:
    await message.answer(t("privacy-intro"), reply_markup=keyboards.privacy(t))


async def export(callback: CallbackQuery, t: Translate, personal: PersonalData) -> None:
    await callback.answer()
    data = await personal.export(callback.from_user.id)
    document = BufferedInputFile(
        json.dumps(data, ensure_ascii=False, indent=2).encode(), filename="gridline-my-data.json"
    )
    if isinstance(callback.message, Message):
        await callback.message.answer_document(document, caption=t("privacy-export-caption"))


async def erase_ask(callback: CallbackQuery, t: Translate, personal: PersonalData) -> None:
    await callback.answer()
    count = await personal.issue_count(callback.from_user.id)
    if isinstance(callback.message, Message):
        await callback.message.answer(
            t("privacy-erase-ask", count=str(count)), reply_markup=keyboards.privacy_erase_confirm(t)
        )


async def erase(callback: CallbackQuery, state: FSMContext, t: Translate, personal: PersonalData) -> None:
    await state.clear()  # an unfinished report is personal data too
    count = await personal.erase(callback.from_user.id)
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.edit_text(t("privacy-erased", count=str(count)))


async def reveal_phone(callback: CallbackQuery, callback_data: PhoneCb, t: Translate, personal: PersonalData) -> None:
    """Shown as an alert: only the person who pressed sees it. Refusals go to the errors router."""
    assert isinstance(callback.message, Message)
    user = callback.from_user
    ref, phone = await personal.reveal_phone(
        issue_id=callback_data.issue_id,
        chat_id=callback.message.chat.id,
        viewer=Actor(ActorRole.GRID, user.id, user.full_name),
    )
    text = t("privacy-phone", ref=ref, phone=html(phone)) if phone else t("privacy-no-phone", ref=ref)
    await callback.answer(text, show_alert=True)


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.filter(PressOf(PrivacyCb, PhoneCb))
    router.message.register(privacy_command, F.chat.type == "private", Command("privacy"))
    private = F.message.chat.type == "private"
    router.callback_query.register(export, private, PrivacyCb.filter(F.action == PrivacyAction.EXPORT))
    router.callback_query.register(erase_ask, private, PrivacyCb.filter(F.action == PrivacyAction.ERASE))
    router.callback_query.register(erase, private, PrivacyCb.filter(F.action == PrivacyAction.ERASE_CONFIRMED))
    router.callback_query.register(reveal_phone, F.message.chat.type.in_(GROUP_CHATS), PhoneCb.filter())
    return router
