"""/ledger (台账), /export (the Excel file) and /stats (挂图作业) for groups, officials and admins."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, CallbackQuery, FSInputFile, Message

from bot.config import Settings
from bot.followup.levels import parse_level
from bot.i18n import Translate
from bot.ledger.ledger import Ledger, UnknownGrid
from bot.text import html
from handlers import keyboards
from handlers.callbacks import LedgerCb, PressOf
from handlers.errors import log_refused_message

GROUP_CHATS = {"group", "supergroup"}


async def _ledger_text(
    chat_type: str,
    chat_id: int,
    user_id: int,
    page: int,
    t: Translate,
    ledger: Ledger,
    settings: Settings,
    level: str = "",
) -> tuple[str, bool] | None:
    if chat_type in GROUP_CHATS:
        found = await ledger.group_page(
            chat_id=chat_id, user_id=user_id, admins=settings.admin_ids, page=page, level=level or None
        )
        return (ledger.render(t, found), found.has_more) if found else None
    pages = await ledger.person_pages(user_id=user_id, admin=settings.is_admin(user_id), page=page, level=level or None)
    if not pages:
        return None
    return "\n\n".join(ledger.render(t, p) for p in pages), any(p.has_more for p in pages)


async def ledger_command(
    message: Message, command: CommandObject, t: Translate, ledger: Ledger, settings: Settings
) -> None:
    """/ledger [普通|黄牌|红牌]: the open issues, or only those of one 督办 level."""
    assert message.from_user is not None
    word = (command.args or "").strip()
    level = parse_level(word, normal=True) if word else None
    if word and level is None:
        await message.reply(t("ledger-level-usage"))
        return
    chosen = level.value if level else ""
    shown = await _ledger_text(message.chat.type, message.chat.id, message.from_user.id, 0, t, ledger, settings, chosen)
    if shown is None:
        await message.reply(t("ledger-not-available"))
        return
    text, has_more = shown
    await message.reply(text, reply_markup=keyboards.ledger_paging(t, page=0, has_more=has_more, level=chosen))


async def ledger_page(
    callback: CallbackQuery, callback_data: LedgerCb, t: Translate, ledger: Ledger, settings: Settings
) -> None:
    message = callback.message
    assert isinstance(message, Message)
    page = max(0, callback_data.page)
    level = parse_level(callback_data.level, normal=True) if callback_data.level else None
    chosen = level.value if level else ""
    shown = await _ledger_text(
        message.chat.type, message.chat.id, callback.from_user.id, page, t, ledger, settings, chosen
    )
    await callback.answer()
    if shown is None:
        await message.edit_text(t("ledger-not-available"))
        return
    text, has_more = shown
    await message.edit_text(text, reply_markup=keyboards.ledger_paging(t, page=page, has_more=has_more, level=chosen))


def _parse_export_args(args: str) -> tuple[date | None, date | None, str | None]:
    """`/export [FROM [TO]] [GRID-CODE]`: dates as YYYY-MM-DD; anything else is a grid code."""
    dates, grid = [], None
    for part in args.split():
        try:
            dates.append(date.fromisoformat(part))
        except ValueError:
            grid = part
    if len(dates) > 2:
        raise ValueError("at most two dates")
    return (dates[0] if dates else None), (dates[1] if len(dates) > 1 else None), grid


async def export_command(
    message: Message, command: CommandObject, t: Translate, ledger: Ledger, settings: Settings
) -> None:
    assert message.from_user is not None
    if not settings.is_admin(message.from_user.id):
        log_refused_message(message, "/export is for administrators")
        await message.answer(t("export-admins-only"))
        return
    try:
        date_from, date_to, grid = _parse_export_args(command.args or "")
    except ValueError:
        await message.answer(t("export-usage"))
        return
    await message.answer(t("export-working"))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "gridline-ledger.xlsx"
        try:
            count = await ledger.export(path, grid_code=grid, date_from=date_from, date_to=date_to)
        except UnknownGrid:
            await message.answer(t("export-unknown-grid", code=html(grid or "")))
            return
        await message.answer_document(
            FSInputFile(path, filename=t("export-filename")), caption=t("export-done", count=str(count))
        )


async def stats_command(
    message: Message, command: CommandObject, t: Translate, ledger: Ledger, settings: Settings
) -> None:
    assert message.from_user is not None
    days = int(command.args) if (command.args or "").strip().isdigit() else 30
    days = min(max(days, 1), 366)
    who = {"user_id": message.from_user.id, "admins": settings.admin_ids}
    if message.chat.type in GROUP_CHATS:
        found = await ledger.chart(chat_id=message.chat.id, days=days, **who)
    elif settings.is_admin(message.from_user.id):
        found = await ledger.chart(chat_id=None, days=days, **who)
    else:
        await message.answer(t("stats-not-available"))
        return
    if found is None:
        await message.reply(t("stats-not-available"))
        return
    await message.reply_photo(BufferedInputFile(found.png, filename="stats.png"), caption=found.caption(t))
    if found.sla:  # 办理时效 per unit (issue 18)
        await message.answer(found.sla)


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.filter(PressOf(LedgerCb))
    router.message.register(ledger_command, Command("ledger"))
    router.callback_query.register(ledger_page, LedgerCb.filter())
    router.message.register(export_command, Command("export"), F.chat.type == "private")
    router.message.register(stats_command, Command("stats"))
    return router
