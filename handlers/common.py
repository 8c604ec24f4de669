"""Private chat basics: /start (with grid deep links), the menu, help, the service list, language."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.citizens import Citizens
from bot.clock import Clock
from bot.config import Settings
from bot.i18n import Translate, Translator
from bot.organisation.service import Directory
from bot.text import html
from handlers import keyboards
from handlers.callbacks import MenuAction, MenuCb, PressOf
from handlers.report import begin_report_in_grid

GRID_LINK_PREFIX = "g_"


async def start(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    t: Translate,
    citizens: Citizens,
    directory: Directory,
    clock: Clock,
) -> None:
    user = message.from_user
    assert user is not None
    await citizens.register(user, now=clock.now())
    payload = (command.args or "").strip()
    if payload.startswith(GRID_LINK_PREFIX):
        grid = await directory.grid_by_code(payload[len(GRID_LINK_PREFIX) :])
        if grid is not None:
            await begin_report_in_grid(message, state, t, directory, grid)
            return
        await message.answer(t("start-unknown-grid"))
    await message.answer(t("start-greeting", name=html(user.first_name)), reply_markup=keyboards.main_menu(t))


async def menu(message: Message, t: Translate) -> None:
    await message.answer(t("menu-title"), reply_markup=keyboards.main_menu(t))


async def help_command(message: Message, t: Translate, settings: Settings) -> None:
    text = t("help-text")
    if message.from_user is not None and settings.is_admin(message.from_user.id):
        text += "\n\n" + t("help-admin")
    await message.answer(text, reply_markup=keyboards.back_to_menu(t))


async def services_command(message: Message, t: Translate, directory: Directory) -> None:
    await message.answer(await _service_list(t, directory), reply_markup=keyboards.back_to_menu(t))


async def language(message: Message, t: Translate, translator: Translator, citizens: Citizens) -> None:
    """Switch between the languages we have (zh-CN ⇄ en)."""
    user = message.from_user
    assert user is not None
    locales = translator.locales
    current = getattr(t, "locale", translator.default_locale)
    following = locales[(locales.index(current) + 1) % len(locales)] if current in locales else locales[0]
    await citizens.set_locale(user.id, following)
    t = translator.bind(following)
    await message.answer(t("language-set"), reply_markup=keyboards.main_menu(t))


async def menu_button(callback: CallbackQuery, callback_data: MenuCb, t: Translate, directory: Directory) -> None:
    await callback.answer()
    message = callback.message
    if not isinstance(message, Message):
        return
    match callback_data.action:
        case MenuAction.SERVICES:
            await message.answer(await _service_list(t, directory), reply_markup=keyboards.back_to_menu(t))
        case MenuAction.HELP:
            await message.answer(t("help-text"), reply_markup=keyboards.back_to_menu(t))
        case MenuAction.HOME:
            await message.answer(t("menu-title"), reply_markup=keyboards.main_menu(t))


async def _service_list(t: Translate, directory: Directory) -> str:
    lines = [t("services-title")]
    for index, category in enumerate(await directory.categories(), start=1):
        lines.append(
            t("services-item", index=str(index), name=html(category.name), description=html(category.description))
        )
    lines.append("")
    lines.append(t("services-footer"))
    return "\n".join(lines)


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.filter(PressOf(MenuCb))
    router.message.filter(F.chat.type == "private")
    router.callback_query.filter(F.message.chat.type == "private")
    router.message.register(start, CommandStart())
    router.message.register(menu, Command("menu"))
    router.message.register(help_command, Command("help"))
    router.message.register(services_command, Command("services"))
    router.message.register(language, Command("language"))
    router.callback_query.register(
        menu_button, MenuCb.filter(F.action.in_({MenuAction.SERVICES, MenuAction.HELP, MenuAction.HOME}))
    )
    return router
