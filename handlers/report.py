"""The report conversation (点单) in a private chat.

```mermaid
stateDiagram-v2
    [*] --> remembered: a grid from last time
    [*] --> township
    [*] --> category: grid deep link (?start=g_CODE)
    remembered --> category: keep
    remembered --> township: other
    township --> village
    village --> category
    category --> describe
    describe --> phone: 下一步 (text or voice given), nothing alike open
    describe --> duplicates: 下一步, alike open issues (已有人反映过类似问题？)
    duplicates --> phone: 继续提交新诉求
    duplicates --> [*]: 👍 关注 one of them
    phone --> review: contact, typed number or skip
    review --> [*]: 确认提交
    review --> edit: 修改
    edit --> township
    edit --> category
    edit --> describe
    edit --> phone
```
Every step has 返回 (back) and 取消 (cancel). The draft lives in the FSM storage (the database),
so a restart in the middle loses nothing; bad input is explained and never clears the draft.
"""

from __future__ import annotations

import logging
import re
import uuid
from contextlib import suppress
from datetime import tzinfo
from typing import Any

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove
from pydantic import ValidationError

from bot.citizens import Citizens
from bot.clock import Clock, local_text
from bot.config import Settings
from bot.domain.enums import ActorRole, GridLevel
from bot.followthrough.flows import FollowThroughFlows
from bot.followthrough.summary import one_line
from bot.i18n import Translate
from bot.issues.draft import MAX_DESCRIPTION, MAX_PHOTOS, IssueDraft
from bot.issues.flows import IssueFlows
from bot.issues.service import Actor
from bot.organisation.service import Directory, GridView
from bot.text import html
from bot.throttle import CitizenThrottle
from handlers import followthrough_keyboards, keyboards
from handlers.callbacks import EditField, MenuAction, MenuCb, PressOf, ReportCb, ReportStep

log = logging.getLogger(__name__)

PHONE_PATTERN = re.compile(r"^\+?\d[\d\- ]{5,18}\d$")


class ReportForm(StatesGroup):
    remembered = State()
    township = State()
    village = State()
    category = State()
    describe = State()
    phone = State()
    review = State()
    edit = State()
    duplicates = State()  # 已有人反映过类似问题？ between the description and the phone
    resume = State()  # a draft exists and the citizen asked to start again


Event = Message | CallbackQuery


async def _show(event: Event, text: str, markup: Any = None) -> None:
    """Edit the message a button was pressed on; otherwise answer with a new one."""
    if isinstance(event, CallbackQuery):
        if isinstance(event.message, Message):
            try:
                await event.message.edit_text(text, reply_markup=markup)
                return
            except TelegramBadRequest:
                pass  # not editable (too old, a photo...): send it anew
            await event.message.answer(text, reply_markup=markup)
        return
    await event.answer(text, reply_markup=markup)


# -- entering the conversation ---------------------------------------------------------------------


async def begin_report(
    event: Event, state: FSMContext, t: Translate, directory: Directory, last_grid_id: int | None
) -> None:
    current = await state.get_state()
    if current is not None and current.startswith(ReportForm.__name__) and current != ReportForm.resume.state:
        # Never throw a draft away silently: offer to continue it.
        await state.update_data(resume_to=current)
        await state.set_state(ReportForm.resume)
        await _show(event, t("report-draft-exists"), keyboards.resume_draft(t))
        return
    await state.clear()
    grid = await directory.grid(last_grid_id) if last_grid_id else None
    if grid is not None:
        await state.update_data(grid_id=grid.id, preset_grid=True)
        await state.set_state(ReportForm.remembered)
        await _show(
            event,
            t("report-remembered-grid", grid=html(await directory.path_names(grid.id))),
            keyboards.remembered_grid(t, grid.name),
        )
        return
    await _show_townships(event, state, t, directory)


async def begin_report_in_grid(
    message: Message, state: FSMContext, t: Translate, directory: Directory, grid: GridView
) -> None:
    """A grid deep link: the grid is chosen already (for a township link, the village is asked)."""
    await state.clear()
    if grid.level == GridLevel.VILLAGE:
        await state.update_data(grid_id=grid.id, preset_grid=True)
        await message.answer(t("report-grid-from-link", grid=html(await directory.path_names(grid.id))))
        await _show_categories(message, state, t, directory)
    elif grid.level == GridLevel.TOWNSHIP:
        await state.update_data(township_id=grid.id)
        await _show_villages(message, state, t, directory)
    else:
        await _show_townships(message, state, t, directory)


async def menu_report(
    callback: CallbackQuery, state: FSMContext, t: Translate, citizens: Citizens, directory: Directory, clock: Clock
) -> None:
    await callback.answer()
    user = callback.from_user
    profile = await citizens.register(user, now=clock.now())
    if isinstance(callback.message, Message):
        await begin_report(callback.message, state, t, directory, profile.last_grid_id)


async def report_command(
    message: Message, state: FSMContext, t: Translate, citizens: Citizens, directory: Directory, clock: Clock
) -> None:
    user = message.from_user
    assert user is not None
    profile = await citizens.register(user, now=clock.now())
    await begin_report(message, state, t, directory, profile.last_grid_id)


async def cancel(event: Event, state: FSMContext, t: Translate) -> None:
    await state.clear()
    if isinstance(event, CallbackQuery):
        await event.answer()
        await _show(event, t("report-cancelled"))
        if isinstance(event.message, Message):
            await event.message.answer(t("menu-title"), reply_markup=keyboards.main_menu(t))
    else:
        await event.answer(t("report-cancelled"), reply_markup=ReplyKeyboardRemove())
        await event.answer(t("menu-title"), reply_markup=keyboards.main_menu(t))


async def resume(callback: CallbackQuery, state: FSMContext, t: Translate, directory: Directory) -> None:
    await callback.answer()
    data = await state.get_data()
    await _show_state(callback, state, t, directory, data.get("resume_to") or ReportForm.township.state)


async def restart(
    callback: CallbackQuery, state: FSMContext, t: Translate, directory: Directory, citizens: Citizens
) -> None:
    await callback.answer()
    await state.clear()
    profile = await citizens.profile(callback.from_user.id)
    await begin_report(callback, state, t, directory, profile.last_grid_id if profile else None)


# -- rendering each step ---------------------------------------------------------------------------


async def _show_townships(event: Event, state: FSMContext, t: Translate, directory: Directory) -> None:
    await state.set_state(ReportForm.township)
    townships = await directory.townships()
    await _show(
        event, t("report-choose-township"), keyboards.grid_choices(t, townships, ReportStep.TOWNSHIP, back=False)
    )


async def _show_villages(event: Event, state: FSMContext, t: Translate, directory: Directory) -> None:
    data = await state.get_data()
    township = await directory.grid(int(data["township_id"]))
    villages = await directory.villages(int(data["township_id"]))
    await state.set_state(ReportForm.village)
    await _show(
        event,
        t("report-choose-village", township=html(township.name if township else "")),
        keyboards.grid_choices(t, villages, ReportStep.VILLAGE, back=True),
    )


async def _show_categories(event: Event, state: FSMContext, t: Translate, directory: Directory) -> None:
    await state.set_state(ReportForm.category)
    await _show(event, t("report-choose-category"), keyboards.category_choices(t, await directory.categories()))


async def _show_describe(event: Event, state: FSMContext, t: Translate) -> None:
    await state.set_state(ReportForm.describe)
    data = await state.get_data()
    await _show(
        event,
        t("report-describe", max_photos=str(MAX_PHOTOS)),
        keyboards.describe_controls(t, ready=_has_content(data)),
    )


async def _show_phone(event: Event, state: FSMContext, t: Translate) -> None:
    await state.set_state(ReportForm.phone)
    await _show(event, t("report-phone-options"), keyboards.phone_controls(t))
    # A reply keyboard (the contact button) cannot share a message with inline buttons.
    chat_message = event.message if isinstance(event, CallbackQuery) else event
    if isinstance(chat_message, Message):
        await chat_message.answer(t("report-phone"), reply_markup=keyboards.share_contact(t))


async def _show_review(event: Event, state: FSMContext, t: Translate, directory: Directory) -> None:
    await state.set_state(ReportForm.review)
    data = await state.get_data()
    # The review's key: confirming it twice (a second press after a crash) makes one issue.
    data = await state.update_data(editing=False, submission=data.get("submission") or uuid.uuid4().hex)
    category = await directory.category(int(data["category_id"]))
    lines = [
        t("review-title"),
        t("review-grid", grid=html(await directory.path_names(int(data["grid_id"])))),
        t("review-category", category=html(category.name if category else "")),
        t("review-description", description=html(data.get("description") or t("voice-only-description"))),
        t(
            "review-attachments",
            photos=str(len(data.get("photos", []))),
            location=t("yes") if data.get("location") else t("no"),
            voice=t("yes") if data.get("voice") else t("no"),
        ),
        t("review-phone", phone=html(data.get("phone") or t("review-no-phone"))),
    ]
    if data.get("anonymous"):
        lines.append(t("review-anonymous"))
    await _show(event, "\n".join(lines), keyboards.review(t, anonymous=bool(data.get("anonymous"))))


async def toggle_anonymous(callback: CallbackQuery, state: FSMContext, t: Translate, directory: Directory) -> None:
    """匿名反映: the group (and deputies) will not see the citizen's name."""
    await callback.answer()
    await state.update_data(anonymous=not (await state.get_data()).get("anonymous"))
    await _show_review(callback, state, t, directory)


async def _show_state(event: Event, state: FSMContext, t: Translate, directory: Directory, name: str) -> None:
    """Show the step for a state name (used by back, resume and edit)."""
    renderers = {
        ReportForm.remembered.state: lambda: _show_remembered(event, state, t, directory),
        ReportForm.township.state: lambda: _show_townships(event, state, t, directory),
        ReportForm.village.state: lambda: _show_villages(event, state, t, directory),
        ReportForm.category.state: lambda: _show_categories(event, state, t, directory),
        ReportForm.describe.state: lambda: _show_describe(event, state, t),
        ReportForm.phone.state: lambda: _show_phone(event, state, t),
        ReportForm.review.state: lambda: _show_review(event, state, t, directory),
        ReportForm.edit.state: lambda: _show_edit(event, state, t),
        ReportForm.duplicates.state: lambda: _show_phone(event, state, t),  # resumed: go on with it
    }
    await renderers.get(name, renderers[ReportForm.township.state])()


async def _show_remembered(event: Event, state: FSMContext, t: Translate, directory: Directory) -> None:
    data = await state.get_data()
    grid = await directory.grid(int(data["grid_id"]))
    if grid is None:
        await _show_townships(event, state, t, directory)
        return
    await state.set_state(ReportForm.remembered)
    await _show(
        event,
        t("report-remembered-grid", grid=html(await directory.path_names(grid.id))),
        keyboards.remembered_grid(t, grid.name),
    )


async def _show_edit(event: Event, state: FSMContext, t: Translate) -> None:
    await state.set_state(ReportForm.edit)
    await _show(event, t("report-edit-which"), keyboards.edit_fields(t))


async def _after(event: Event, state: FSMContext, t: Translate, directory: Directory, following: State) -> None:
    """Go on to `following`, or back to the review when the citizen came from 修改."""
    data = await state.get_data()
    await _show_state(event, state, t, directory, ReportForm.review.state if data.get("editing") else following.state)


# -- choosing the grid and the category ------------------------------------------------------------


async def keep_grid(callback: CallbackQuery, state: FSMContext, t: Translate, directory: Directory) -> None:
    await callback.answer()
    await _after(callback, state, t, directory, ReportForm.category)


async def other_grid(callback: CallbackQuery, state: FSMContext, t: Translate, directory: Directory) -> None:
    await callback.answer()
    await _show_townships(callback, state, t, directory)


async def township_chosen(
    callback: CallbackQuery, callback_data: ReportCb, state: FSMContext, t: Translate, directory: Directory
) -> None:
    township = next((g for g in await directory.townships() if str(g.id) == callback_data.value), None)
    if township is None:
        log.warning("refused township %r from user %s", callback_data.value, callback.from_user.id)
        await callback.answer(t("error-stale-choice"), show_alert=True)
        return
    await callback.answer()
    await state.update_data(township_id=township.id)
    if not await directory.villages(township.id):  # a township without villages takes issues itself
        await state.update_data(grid_id=township.id, preset_grid=False)
        await _after(callback, state, t, directory, ReportForm.category)
        return
    await _show_villages(callback, state, t, directory)


async def village_chosen(
    callback: CallbackQuery, callback_data: ReportCb, state: FSMContext, t: Translate, directory: Directory
) -> None:
    data = await state.get_data()
    villages = await directory.villages(int(data["township_id"]))
    village = next((g for g in villages if str(g.id) == callback_data.value), None)
    if village is None:
        log.warning("refused village %r from user %s", callback_data.value, callback.from_user.id)
        await callback.answer(t("error-stale-choice"), show_alert=True)
        return
    await callback.answer()
    await state.update_data(grid_id=village.id, preset_grid=False)
    await _after(callback, state, t, directory, ReportForm.category)


async def category_chosen(
    callback: CallbackQuery, callback_data: ReportCb, state: FSMContext, t: Translate, directory: Directory
) -> None:
    category = next((c for c in await directory.categories() if str(c.id) == callback_data.value), None)
    if category is None:
        log.warning("refused category %r from user %s", callback_data.value, callback.from_user.id)
        await callback.answer(t("error-stale-choice"), show_alert=True)
        return
    await callback.answer(category.name)
    await state.update_data(category_id=category.id)
    await _after(callback, state, t, directory, ReportForm.describe)


# -- describing the problem ------------------------------------------------------------------------


def _has_content(data: dict[str, Any]) -> bool:
    return bool(data.get("description") or data.get("voice"))


async def _progress(message: Message, state: FSMContext, t: Translate, key: str, **args: str) -> None:
    data = await state.get_data()
    status = t(
        "describe-progress",
        chars=str(len(data.get("description", ""))),
        max_chars=str(MAX_DESCRIPTION),
        photos=str(len(data.get("photos", []))),
        max_photos=str(MAX_PHOTOS),
        location=t("yes") if data.get("location") else t("no"),
        voice=t("yes") if data.get("voice") else t("no"),
    )
    await message.answer(
        f"{t(key, **args)}\n{status}", reply_markup=keyboards.describe_controls(t, ready=_has_content(data))
    )


async def _add_text(message: Message, state: FSMContext, t: Translate, text: str) -> bool:
    """Append a piece of description; refuse (keeping what we have) when it would be too long."""
    text = text.strip()
    if not text:
        await message.answer(t("describe-empty"))
        return False
    data = await state.get_data()
    combined = f"{data['description']}\n{text}" if data.get("description") else text
    if len(combined) > MAX_DESCRIPTION:
        await message.answer(
            t("describe-too-long", max_chars=str(MAX_DESCRIPTION), used=str(len(data.get("description", ""))))
        )
        return False
    await state.update_data(description=combined)
    return True


async def describe_forwarded(message: Message, t: Translate) -> None:
    await message.answer(t("describe-no-forward"))


async def describe_text(message: Message, state: FSMContext, t: Translate) -> None:
    if await _add_text(message, state, t, message.text or ""):
        await _progress(message, state, t, "describe-text-saved")


async def describe_photo(message: Message, state: FSMContext, t: Translate) -> None:
    data = await state.get_data()
    photos: list[str] = list(data.get("photos", []))
    if len(photos) >= MAX_PHOTOS:
        await message.answer(t("describe-too-many-photos", max_photos=str(MAX_PHOTOS)))
        return
    if message.caption and not await _add_text(message, state, t, message.caption):
        return  # the caption was refused, and so is its photo: the citizen resends both
    photos.append(message.photo[-1].file_id)  # type: ignore[index]  # the largest size
    await state.update_data(photos=photos)
    await _progress(message, state, t, "describe-photo-saved", count=str(len(photos)), max_photos=str(MAX_PHOTOS))


async def describe_location(message: Message, state: FSMContext, t: Translate) -> None:
    location = message.location
    assert location is not None
    await state.update_data(location=[location.latitude, location.longitude])
    await _progress(message, state, t, "describe-location-saved")


async def describe_voice(message: Message, state: FSMContext, t: Translate) -> None:
    assert message.voice is not None
    await state.update_data(voice=message.voice.file_id)
    await _progress(message, state, t, "describe-voice-saved")


async def describe_other(message: Message, t: Translate) -> None:
    key = "describe-unknown-command" if (message.text or "").startswith("/") else "describe-unsupported"
    await message.answer(t(key, max_photos=str(MAX_PHOTOS)))


async def describe_done(
    callback: CallbackQuery,
    state: FSMContext,
    t: Translate,
    directory: Directory,
    followthrough: FollowThroughFlows,
    settings: Settings,
) -> None:
    data = await state.get_data()
    if not _has_content(data):
        await callback.answer(t("describe-need-text"), show_alert=True)
        return
    await callback.answer()
    if not data.get("editing") and await _show_duplicates(callback, state, t, followthrough, settings.tz):
        return
    await _after(callback, state, t, directory, ReportForm.phone)


async def _show_duplicates(
    event: Event, state: FSMContext, t: Translate, followthrough: FollowThroughFlows, tz: tzinfo
) -> bool:
    """已有人反映过类似问题？ Here, once the description (and any location) is known, the open
    issues alike are ranked by how alike their text is; a voice-only report gets the newest.
    False when there are none: the report goes on."""
    data = await state.get_data()
    location = data.get("location")
    found = await followthrough.suggestions(
        grid_id=int(data["grid_id"]),
        category_id=int(data["category_id"]),
        text=data.get("description") or "",
        location=(float(location[0]), float(location[1])) if location else None,
        citizen_id=event.from_user.id,  # type: ignore[union-attr]
    )
    if not found:
        return False
    await state.set_state(ReportForm.duplicates)
    lines = [t("dup-title", count=str(len(found)))]
    lines += [
        t(
            "dup-item",
            n=str(n),
            ref=item.ref,
            date=local_text(item.created_at, tz)[5:10],
            summary=html(one_line(item.description)),
        )
        for n, item in enumerate(found, start=1)
    ]
    lines.append(t("dup-hint"))
    await _show(event, "\n".join(lines), followthrough_keyboards.suggestions(t, [(i.id, i.ref) for i in found]))
    return True


async def new_report_anyway(callback: CallbackQuery, state: FSMContext, t: Translate) -> None:
    """Not the same matter: on with the report."""
    await callback.answer()
    await _show_phone(callback, state, t)


# -- the phone number ------------------------------------------------------------------------------


async def phone_shared(message: Message, state: FSMContext, t: Translate, directory: Directory) -> None:
    contact = message.contact
    assert contact is not None and message.from_user is not None
    if contact.user_id != message.from_user.id:
        await message.answer(t("phone-not-yours"))
        return
    await _phone_done(message, state, t, directory, contact.phone_number)


async def phone_typed(message: Message, state: FSMContext, t: Translate, directory: Directory) -> None:
    await _phone_done(message, state, t, directory, (message.text or "").replace(" ", "").replace("-", ""))


async def phone_other(message: Message, t: Translate) -> None:
    await message.answer(t("phone-invalid"), reply_markup=keyboards.phone_controls(t))


async def phone_skipped(callback: CallbackQuery, state: FSMContext, t: Translate, directory: Directory) -> None:
    await callback.answer()
    await state.update_data(phone=None)
    if isinstance(callback.message, Message):
        await callback.message.answer(t("phone-skipped"), reply_markup=ReplyKeyboardRemove())
        await _show_review(callback.message, state, t, directory)


async def _phone_done(message: Message, state: FSMContext, t: Translate, directory: Directory, phone: str) -> None:
    await state.update_data(phone=phone[:32])
    await message.answer(t("phone-saved"), reply_markup=ReplyKeyboardRemove())
    await _show_review(message, state, t, directory)


# -- review, edit, submit --------------------------------------------------------------------------


async def edit(
    callback: CallbackQuery, callback_data: ReportCb, state: FSMContext, t: Translate, directory: Directory
) -> None:
    await callback.answer()
    if not callback_data.value:
        await _show_edit(callback, state, t)
        return
    await state.update_data(editing=True)
    match callback_data.value:
        case EditField.GRID:
            await _show_townships(callback, state, t, directory)
        case EditField.CATEGORY:
            await _show_categories(callback, state, t, directory)
        case EditField.DESCRIPTION:
            await state.update_data(description="", photos=[], voice=None, location=None)
            await _show_describe(callback, state, t)
        case EditField.PHONE:
            await _show_phone(callback, state, t)
        case _:
            await _show_edit(callback, state, t)


async def confirm(
    callback: CallbackQuery,
    state: FSMContext,
    t: Translate,
    flows: IssueFlows,
    directory: Directory,
    throttle: CitizenThrottle,
) -> None:
    data = await state.get_data()
    try:
        draft = IssueDraft.model_validate(
            {**data, "description": data.get("description") or t("voice-only-description")}
        )
    except ValidationError:
        await callback.answer(t("review-incomplete"), show_alert=True)
        await _show_describe(callback, state, t)
        return
    if not await throttle.allow_report(callback.from_user.id):
        await callback.answer(t("throttle-reports", per_hour=str(int(throttle.reports_per_hour))), show_alert=True)
        return  # the draft stays as it is
    with suppress(TelegramBadRequest):  # a press delivered again after a crash: the query is too old by now
        await callback.answer()
    user = callback.from_user
    summary = await flows.submit(draft=draft, citizen=Actor(ActorRole.CITIZEN, user.id, user.full_name))
    await state.clear()
    await _show(callback, t("report-submitted", ref=summary.ref), keyboards.back_to_menu(t))


# -- back, and anything typed where a button is expected ------------------------------------------

BACK_TO = {
    ReportForm.village.state: ReportForm.township,
    ReportForm.describe.state: ReportForm.category,
    ReportForm.phone.state: ReportForm.describe,
    ReportForm.duplicates.state: ReportForm.describe,
    ReportForm.review.state: ReportForm.phone,
    ReportForm.edit.state: ReportForm.review,
}


async def back(callback: CallbackQuery, state: FSMContext, t: Translate, directory: Directory) -> None:
    await callback.answer()
    current = await state.get_state()
    data = await state.get_data()
    if current == ReportForm.category.state:
        previous = ReportForm.remembered if data.get("preset_grid") else ReportForm.village
    else:
        previous = BACK_TO.get(current or "", ReportForm.township)
    if data.get("editing") and current != ReportForm.edit.state:
        previous = ReportForm.edit  # 返回 from a field being edited goes back to the edit menu
    await _show_state(callback, state, t, directory, previous.state)


async def stale_button(callback: CallbackQuery, t: Translate) -> None:
    """A button of a finished or cancelled report, or of another step."""
    log.warning("refused report button from user %s: %r", callback.from_user.id, callback.data)
    await callback.answer(t("error-stale-button"), show_alert=True)


async def use_the_buttons(message: Message, state: FSMContext, t: Translate) -> None:
    await message.answer(t("report-use-buttons"))


def build_buttons_router() -> Router:
    """The report's buttons. No other router handles ReportCb presses (nor 反映问题), so this one is
    included near the front: a press of the walk does not travel past every other router first.
    The state filter comes before the data filter: a string comparison, while each ReportCb filter
    parses the button's data into a model."""
    router = Router(name=f"{__name__}.buttons")
    router.callback_query.filter(PressOf(MenuCb, ReportCb), F.message.chat.type == "private")
    router.callback_query.register(menu_report, MenuCb.filter(F.action == MenuAction.REPORT))
    router.callback_query.register(cancel, StateFilter(ReportForm), ReportCb.filter(F.step == ReportStep.CANCEL))
    router.callback_query.register(resume, ReportForm.resume, ReportCb.filter(F.step == ReportStep.RESUME))
    router.callback_query.register(restart, ReportForm.resume, ReportCb.filter(F.step == ReportStep.RESTART))
    router.callback_query.register(keep_grid, ReportForm.remembered, ReportCb.filter(F.step == ReportStep.KEEP_GRID))
    router.callback_query.register(other_grid, ReportForm.remembered, ReportCb.filter(F.step == ReportStep.OTHER_GRID))
    router.callback_query.register(township_chosen, ReportForm.township, ReportCb.filter(F.step == ReportStep.TOWNSHIP))
    router.callback_query.register(village_chosen, ReportForm.village, ReportCb.filter(F.step == ReportStep.VILLAGE))
    router.callback_query.register(category_chosen, ReportForm.category, ReportCb.filter(F.step == ReportStep.CATEGORY))
    router.callback_query.register(describe_done, ReportForm.describe, ReportCb.filter(F.step == ReportStep.NEXT))
    router.callback_query.register(
        new_report_anyway, ReportForm.duplicates, ReportCb.filter(F.step == ReportStep.NEW_REPORT)
    )
    router.callback_query.register(phone_skipped, ReportForm.phone, ReportCb.filter(F.step == ReportStep.SKIP_PHONE))
    router.callback_query.register(
        edit, StateFilter(ReportForm.review, ReportForm.edit), ReportCb.filter(F.step == ReportStep.EDIT)
    )
    router.callback_query.register(confirm, ReportForm.review, ReportCb.filter(F.step == ReportStep.CONFIRM))
    router.callback_query.register(toggle_anonymous, ReportForm.review, ReportCb.filter(F.step == ReportStep.ANONYMOUS))
    router.callback_query.register(back, StateFilter(ReportForm), ReportCb.filter(F.step == ReportStep.BACK))
    router.callback_query.register(stale_button, ReportCb.filter())
    return router


def _register_inputs(router: Router) -> None:
    """The description and the phone number: never a command."""
    router.message.register(describe_forwarded, ReportForm.describe, F.forward_origin)
    router.message.register(describe_text, ReportForm.describe, F.text, ~F.text.startswith("/"))
    router.message.register(describe_photo, ReportForm.describe, F.photo)
    router.message.register(describe_location, ReportForm.describe, F.location)
    router.message.register(describe_voice, ReportForm.describe, F.voice)
    router.message.register(phone_shared, ReportForm.phone, F.contact)
    router.message.register(phone_typed, ReportForm.phone, F.text.regexp(PHONE_PATTERN))


def build_inputs_router() -> Router:
    """The report's inputs that no other router could take, near the front like its buttons: not
    commands, and not replies (a liaison's reply to a card is the liaison router's, whatever the
    state), in a report's own states."""
    router = Router(name=f"{__name__}.inputs")
    router.message.filter(
        F.chat.type == "private",
        StateFilter(ReportForm),
        F.reply_to_message.is_(None),
        ~F.caption.startswith("/"),  # a command in a photo's caption still counts as one (aiogram's Command)
    )
    _register_inputs(router)
    return router


def build_router() -> Router:
    """What the citizen types or sends during a report. Included after the routers whose commands
    work in any state (/start, /help, /privacy...), since its catch-alls take anything else."""
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(report_command, Command("report"))
    router.message.register(cancel, Command("cancel"), StateFilter(ReportForm))
    _register_inputs(router)  # the replies the inputs router leaves
    router.message.register(describe_other, ReportForm.describe)
    router.message.register(phone_other, ReportForm.phone)
    router.message.register(use_the_buttons, StateFilter(ReportForm))
    return router
