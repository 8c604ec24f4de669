"""The deputy side (有事找代表 / 代表为人民), in private chats.

Citizens: the 代表码 link (?start=d_<code>) or 找代表 in the menu, then one message to the deputy;
replies go back and forth as Telegram replies. Deputies: reply to a citizen's message, 转为诉求,
督办 and 详情 on pushed issues, /settings, and 记录走访 from the duty-day reminder:

```mermaid
stateDiagram-v2
    [*] --> residents: 记录走访
    residents --> places: a number
    places --> notes
    notes --> matters: text or 跳过
    matters --> matters: one message per matter
    matters --> [*]: 完成 (saved; each matter gets 转为诉求)
```
Administrators: /theme <station> [YYYY-MM] <theme>.
"""

from __future__ import annotations

from collections.abc import Awaitable

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from bot.citizens import Citizens
from bot.clock import Clock
from bot.config import Settings
from bot.deputies.flows import AlreadyConverted, AlreadySupervised, CitizenGone, DeputyFlows
from bot.deputies.service import DeputyView
from bot.domain.enums import ActorRole, LinkKind, NotifyMode
from bot.i18n import Translate
from bot.issues.draft import MAX_DESCRIPTION, clean_text
from bot.issues.flows import IssueSummary
from bot.issues.service import Actor
from bot.telegram.texts import render_timeline
from bot.text import html
from handlers import deputy_keyboards, keyboards
from handlers.callbacks import DeputyAction, DeputyCb, MenuAction, MenuCb, PressOf
from handlers.errors import log_refused_message

DEPUTY_LINK_PREFIX = "d_"
MAX_MATTERS = 10
MAX_PLACES = 500


class WriteForm(StatesGroup):
    text = State()  # data: deputy_id


class VisitForm(StatesGroup):
    residents = State()
    places = State()
    notes = State()
    matters = State()


def _citizen(user: object) -> Actor:
    return Actor(ActorRole.CITIZEN, user.id, user.full_name)


def _about(t: Translate, deputy: DeputyView) -> str:
    return t(
        "dep-about",
        name=html(deputy.name),
        level=html(deputy.level),
        station=html(deputy.station or "-"),
        constituency=html(deputy.constituency),
        day=str(deputy.duty_day),
    )


# -- citizens: reaching a deputy -------------------------------------------------------------------


async def start_with_code(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    t: Translate,
    deputies: DeputyFlows,
    citizens: Citizens,
    clock: Clock,
) -> None:
    user = message.from_user
    assert user is not None
    await citizens.register(user, now=clock.now())
    deputy = await deputies.by_code((command.args or "")[len(DEPUTY_LINK_PREFIX) :])
    if deputy is None:
        await message.answer(t("dep-unknown-code"), reply_markup=keyboards.main_menu(t))
        return
    await _ask_to_write(message, state, t, deputy)


async def _ask_to_write(message: Message, state: FSMContext, t: Translate, deputy: DeputyView) -> None:
    await state.clear()
    await state.set_state(WriteForm.text)
    await state.update_data(deputy_id=deputy.id)
    await message.answer(_about(t, deputy) + "\n\n" + t("dep-write-prompt", max_chars=str(MAX_DESCRIPTION)))


async def find_deputy(callback: CallbackQuery, t: Translate, deputies: DeputyFlows) -> None:
    await callback.answer()
    found = await deputies.for_citizen(callback.from_user.id)
    if not isinstance(callback.message, Message):
        return
    if not found:
        await callback.message.answer(t("dep-none"), reply_markup=keyboards.back_to_menu(t))
        return
    items = [(d.id, t("dep-list-item", name=d.name, level=d.level, constituency=d.constituency)) for d in found]
    await callback.message.answer(t("dep-list-title"), reply_markup=deputy_keyboards.deputy_list(t, items))


async def pick_deputy(
    callback: CallbackQuery, callback_data: DeputyCb, state: FSMContext, t: Translate, deputies: DeputyFlows
) -> None:
    deputy = await deputies.by_id(callback_data.id)
    await callback.answer()
    if deputy is not None and isinstance(callback.message, Message):
        await _ask_to_write(callback.message, state, t, deputy)


async def write(message: Message, state: FSMContext, t: Translate, deputies: DeputyFlows) -> None:
    text = clean_text(message.text, limit=MAX_DESCRIPTION, minimum=2)
    if text is None:
        await message.answer(t("dep-write-invalid", max_chars=str(MAX_DESCRIPTION)))
        return
    data = await state.get_data()
    delivered = await deputies.contact(deputy_id=int(data["deputy_id"]), citizen=_citizen(message.from_user), text=text)
    await state.clear()
    key = "dep-write-sent" if delivered.linked else "dep-write-kept"
    await message.answer(t(key, name=html(delivered.deputy.name)), reply_markup=keyboards.back_to_menu(t))


async def write_other(message: Message, t: Translate) -> None:
    await message.answer(t("dep-write-invalid", max_chars=str(MAX_DESCRIPTION)))


async def cancel(message: Message, state: FSMContext, t: Translate) -> None:
    await state.clear()
    await message.answer(t("dep-cancelled"), reply_markup=keyboards.main_menu(t))


# -- replies: deputy ⇄ citizen ---------------------------------------------------------------------


async def reply_to_bot(message: Message, bot: Bot, t: Translate, deputies: DeputyFlows) -> None:
    """A reply to a relayed message; anything else goes on to the citizen router."""
    reply_to = message.reply_to_message
    assert reply_to is not None and message.from_user is not None
    if reply_to.from_user is None or reply_to.from_user.id != bot.id:
        raise SkipHandler
    link = await deputies.find_link(chat_id=message.chat.id, message_id=reply_to.message_id)
    if link is None:
        raise SkipHandler
    text = clean_text(message.text or message.caption, limit=MAX_DESCRIPTION)
    if text is None:
        await message.reply(t("dep-reply-invalid", max_chars=str(MAX_DESCRIPTION)))
        return
    if link.kind == LinkKind.DEPUTY_INBOX:
        try:
            await deputies.deputy_reply(contact_id=link.contact_id, user_id=message.from_user.id, text=text)
        except CitizenGone:
            await message.reply(t("dep-citizen-gone"))
            return
        await message.reply(t("dep-reply-sent"))
    else:
        name = await deputies.citizen_followup(
            contact_id=link.contact_id, citizen=_citizen(message.from_user), text=text
        )
        await message.reply(t("dep-followup-sent", name=html(name)))


async def contact_answer(callback: CallbackQuery, callback_data: DeputyCb, t: Translate, deputies: DeputyFlows) -> None:
    """The citizen's answer to "may the grid see your name and phone?" after 转为诉求."""
    share = callback_data.value == "yes"
    ref = await deputies.share_contact(issue_id=callback_data.id, citizen=_citizen(callback.from_user), share=share)
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.edit_text(t("contact-shared" if share else "contact-kept", ref=ref))


# -- deputies: buttons -----------------------------------------------------------------------------


async def _into_issue(callback: CallbackQuery, t: Translate, conversion: Awaitable[IssueSummary]) -> None:
    """转为诉求 (of a citizen's message or of a matter from a visit): once, then the button goes."""
    try:
        summary = await conversion
    except AlreadyConverted:
        await callback.answer(t("dep-already-converted"), show_alert=True)
        return
    except CitizenGone:
        await callback.answer(t("dep-citizen-gone"), show_alert=True)
        return
    await callback.answer(t("dep-converted", ref=summary.ref), show_alert=True)
    if isinstance(callback.message, Message):
        await callback.message.edit_reply_markup(reply_markup=None)


async def convert(callback: CallbackQuery, callback_data: DeputyCb, t: Translate, deputies: DeputyFlows) -> None:
    await _into_issue(callback, t, deputies.convert(contact_id=callback_data.id, user_id=callback.from_user.id))


async def supervise(callback: CallbackQuery, callback_data: DeputyCb, t: Translate, deputies: DeputyFlows) -> None:
    try:
        ref = await deputies.supervise(issue_id=callback_data.id, user_id=callback.from_user.id)
    except AlreadySupervised as already:
        await callback.answer(t("dep-already-supervised", ref=str(already)), show_alert=True)
        return
    await callback.answer(t("dep-supervise-done", ref=ref), show_alert=True)
    if isinstance(callback.message, Message):
        await callback.message.edit_reply_markup(
            reply_markup=deputy_keyboards.issue_push(t, callback_data.id, can_supervise=False)
        )


async def detail(
    callback: CallbackQuery, callback_data: DeputyCb, t: Translate, deputies: DeputyFlows, settings: Settings
) -> None:
    timeline = await deputies.timeline(issue_id=callback_data.id, user_id=callback.from_user.id)
    text = render_timeline(t, timeline, settings.tz)
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.answer(text)


async def settings_command(message: Message, t: Translate, deputies: DeputyFlows) -> None:
    assert message.from_user is not None
    me = await deputies.me(message.from_user.id)
    if me is None:
        await message.answer(t("dep-not-deputy"))
        return
    await message.answer(t("dep-settings-title"), reply_markup=deputy_keyboards.settings(t, me[1]))


async def set_mode(callback: CallbackQuery, callback_data: DeputyCb, t: Translate, deputies: DeputyFlows) -> None:
    mode = NotifyMode(callback_data.value)
    await deputies.set_mode(user_id=callback.from_user.id, mode=mode)
    await callback.answer(t("dep-settings-saved"))
    if isinstance(callback.message, Message):
        await callback.message.edit_reply_markup(reply_markup=deputy_keyboards.settings(t, mode))


async def matter_to_issue(
    callback: CallbackQuery, callback_data: DeputyCb, t: Translate, deputies: DeputyFlows
) -> None:
    await _into_issue(callback, t, deputies.matter_to_issue(matter_id=callback_data.id, user_id=callback.from_user.id))


# -- 记录走访 --------------------------------------------------------------------------------------


async def visit_start(callback: CallbackQuery, state: FSMContext, t: Translate, deputies: DeputyFlows) -> None:
    if await deputies.me(callback.from_user.id) is None:
        await callback.answer(t("dep-not-deputy"), show_alert=True)
        return
    await callback.answer()
    await state.clear()
    await state.set_state(VisitForm.residents)
    if isinstance(callback.message, Message):
        await callback.message.answer(t("visit-ask-residents"))


async def visit_residents(message: Message, state: FSMContext, t: Translate) -> None:
    text = (message.text or "").strip()
    if not text.isdigit() or int(text) > 100_000:
        await message.answer(t("visit-residents-invalid"))
        return
    await state.update_data(residents=int(text))
    await state.set_state(VisitForm.places)
    await message.answer(t("visit-ask-places"))


async def visit_places(message: Message, state: FSMContext, t: Translate) -> None:
    places = clean_text(message.text, limit=MAX_PLACES)
    if places is None:
        await message.answer(t("visit-text-invalid", max_chars=str(MAX_PLACES)))
        return
    await state.update_data(places=places)
    await state.set_state(VisitForm.notes)
    await message.answer(t("visit-ask-notes"), reply_markup=deputy_keyboards.visit_next(t, "dep-btn-skip"))


async def visit_notes(message: Message, state: FSMContext, t: Translate) -> None:
    notes = clean_text(message.text, limit=MAX_DESCRIPTION)
    if notes is None:
        await message.answer(t("visit-text-invalid", max_chars=str(MAX_DESCRIPTION)))
        return
    await state.update_data(notes=notes)
    await _ask_matters(message, state, t)


async def visit_skip_notes(callback: CallbackQuery, state: FSMContext, t: Translate) -> None:
    await callback.answer()
    if isinstance(callback.message, Message):
        await _ask_matters(callback.message, state, t)


async def _ask_matters(message: Message, state: FSMContext, t: Translate) -> None:
    await state.set_state(VisitForm.matters)
    await message.answer(
        t("visit-ask-matters", max_matters=str(MAX_MATTERS)),
        reply_markup=deputy_keyboards.visit_next(t, "dep-btn-visit-done"),
    )


async def visit_matter(message: Message, state: FSMContext, t: Translate) -> None:
    text = clean_text(message.text, limit=MAX_DESCRIPTION, minimum=2)
    data = await state.get_data()
    matters = list(data.get("matters", []))
    if text is None or len(matters) >= MAX_MATTERS:
        await message.answer(
            t("visit-matter-invalid", max_chars=str(MAX_DESCRIPTION), max_matters=str(MAX_MATTERS)),
            reply_markup=deputy_keyboards.visit_next(t, "dep-btn-visit-done"),
        )
        return
    matters.append(text)
    await state.update_data(matters=matters)
    await message.answer(
        t("visit-matter-noted", count=str(len(matters))),
        reply_markup=deputy_keyboards.visit_next(t, "dep-btn-visit-done"),
    )


async def visit_done(callback: CallbackQuery, state: FSMContext, t: Translate, deputies: DeputyFlows) -> None:
    data = await state.get_data()
    saved = await deputies.log_visit(
        user_id=callback.from_user.id,
        residents=int(data.get("residents", 0)),
        places=str(data.get("places", "")),
        notes=str(data.get("notes", "")),
        matters=list(data.get("matters", [])),
    )
    await state.clear()
    await callback.answer()
    message = callback.message
    if not isinstance(message, Message):
        return
    await message.answer(t("visit-saved", residents=str(data.get("residents", 0)), matters=str(len(saved))))
    for matter_id, text in saved:
        await message.answer(t("visit-matter", text=html(text)), reply_markup=deputy_keyboards.matter(t, matter_id))


async def visit_other(message: Message, t: Translate) -> None:
    await message.answer(t("visit-text-invalid", max_chars=str(MAX_DESCRIPTION)))


# -- administrators: the month's theme -------------------------------------------------------------


async def theme(
    message: Message, command: CommandObject, t: Translate, settings: Settings, deputies: DeputyFlows, clock: Clock
) -> None:
    """/theme S-GC 老旧小区改造, or /theme S-GC 2026-12 冬季防火 for another month."""
    assert message.from_user is not None
    if not settings.is_admin(message.from_user.id):
        log_refused_message(message, "/theme is for administrators")
        await message.answer(t("theme-admins-only"))
        return
    parts = (command.args or "").split(maxsplit=2)
    period = clock.now().astimezone(settings.tz).strftime("%Y-%m")
    if len(parts) >= 3 and _is_period(parts[1]):
        code, period, text = parts[0], parts[1], parts[2]
    elif len(parts) >= 2:
        code, text = parts[0], " ".join(parts[1:])
    else:
        stations = "\n".join(f"{html(c)} {html(n)}" for c, n in await deputies.stations())
        await message.answer(t("theme-usage", stations=stations))
        return
    text = clean_text(text, limit=200)
    if text is None:
        await message.answer(t("theme-usage", stations=""))
        return
    name = await deputies.set_theme(station_code=code, period=period, theme=text, admin_id=message.from_user.id)
    if name is None:
        await message.answer(t("theme-unknown-station", code=html(code)))
        return
    await message.answer(t("theme-set", station=html(name), period=period, theme=html(text)))


def _is_period(value: str) -> bool:
    return (
        len(value) == 7
        and value[4] == "-"
        and value[:4].isdigit()
        and value[5:].isdigit()
        and 1 <= int(value[5:]) <= 12
    )


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.filter(PressOf(MenuCb, DeputyCb))
    router.message.filter(F.chat.type == "private")
    router.callback_query.filter(F.message.chat.type == "private")
    router.message.register(start_with_code, CommandStart(deep_link=True, magic=F.args.startswith(DEPUTY_LINK_PREFIX)))
    router.message.register(cancel, Command("cancel"), StateFilter(WriteForm, VisitForm))
    router.message.register(settings_command, Command("settings"))
    router.message.register(theme, Command("theme"))
    router.callback_query.register(find_deputy, MenuCb.filter(F.action == MenuAction.DEPUTIES))
    router.callback_query.register(pick_deputy, DeputyCb.filter(F.action == DeputyAction.WRITE))
    router.message.register(write, WriteForm.text, F.text, ~F.text.startswith("/"))
    router.message.register(write_other, WriteForm.text, ~F.text.startswith("/"))
    router.callback_query.register(convert, DeputyCb.filter(F.action == DeputyAction.CONVERT))
    router.callback_query.register(contact_answer, DeputyCb.filter(F.action == DeputyAction.CONTACT))
    router.callback_query.register(supervise, DeputyCb.filter(F.action == DeputyAction.SUPERVISE))
    router.callback_query.register(detail, DeputyCb.filter(F.action == DeputyAction.DETAIL))
    router.callback_query.register(set_mode, DeputyCb.filter(F.action == DeputyAction.MODE))
    router.callback_query.register(matter_to_issue, DeputyCb.filter(F.action == DeputyAction.MATTER))
    router.callback_query.register(visit_start, DeputyCb.filter(F.action == DeputyAction.VISIT))
    router.message.register(visit_residents, VisitForm.residents, ~F.text.startswith("/"))
    router.message.register(visit_places, VisitForm.places, ~F.text.startswith("/"))
    router.message.register(visit_notes, VisitForm.notes, ~F.text.startswith("/"))
    router.callback_query.register(visit_skip_notes, DeputyCb.filter(F.action == DeputyAction.NEXT), VisitForm.notes)
    router.message.register(visit_matter, VisitForm.matters, ~F.text.startswith("/"))
    router.callback_query.register(visit_done, DeputyCb.filter(F.action == DeputyAction.NEXT), VisitForm.matters)
    router.message.register(
        reply_to_bot, StateFilter(None), F.reply_to_message.from_user.is_bot, ~F.text.startswith("/")
    )
    return router
