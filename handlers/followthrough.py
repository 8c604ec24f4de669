"""Follow-through buttons: 👍 关注 a similar issue at intake, 重复件 from a card's 研判 menu, and the
citizen's 回访 answers (没解决 asks for the reason). A button pressed on an older state of the
issue gets a polite "this has changed" (bot.followthrough.flows.Changed)."""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message, User

from bot.domain.enums import ActorRole
from bot.followthrough.flows import Changed, FollowThroughFlows
from bot.followthrough.notices import Answer
from bot.followthrough.summary import one_line
from bot.i18n import Translate
from bot.issues.draft import MAX_COMMENT, clean_text
from bot.issues.service import Actor
from bot.text import html
from handlers import followthrough_keyboards, keyboards
from handlers.callbacks import DuplicateAction, DuplicateCb, FollowCb, LookbackCb, PressOf
from handlers.report import ReportForm

log = logging.getLogger(__name__)

GROUP_CHATS = {"group", "supergroup"}


class LookbackForm(StatesGroup):
    reason = State()  # 没解决: why, before the issue is reopened


def _person(user: User | None, role: ActorRole) -> Actor:
    assert user is not None
    return Actor(role, user.id, user.full_name)


async def _edit(callback: CallbackQuery, text: str, markup: object = None) -> None:
    if isinstance(callback.message, Message):
        try:
            await callback.message.edit_text(text, reply_markup=markup)  # type: ignore[arg-type]
        except TelegramBadRequest:
            await callback.message.answer(text, reply_markup=markup)  # type: ignore[arg-type]


async def _changed(callback: CallbackQuery, t: Translate, error: Changed) -> None:
    log.info("button of user %s on a changed issue %s: %r", callback.from_user.id, error.ref, callback.data)
    await callback.answer(t("followthrough-changed", ref=error.ref), show_alert=True)


# -- 👍 关注 at intake ---------------------------------------------------------------------------------


async def follow_pressed(
    callback: CallbackQuery, callback_data: FollowCb, state: FSMContext, t: Translate, followthrough: FollowThroughFlows
) -> None:
    try:
        ref = await followthrough.follow(
            issue_id=callback_data.issue_id, citizen=_person(callback.from_user, ActorRole.CITIZEN)
        )
    except Changed as error:
        await _changed(callback, t, error)
        return
    await callback.answer()
    if await state.get_state() == ReportForm.duplicates.state:
        await state.clear()  # followed instead of filing: the draft is done with
    await _edit(callback, t("dup-followed", ref=ref), keyboards.back_to_menu(t))


# -- 重复件 from the card --------------------------------------------------------------------------------


async def duplicate_list(
    callback: CallbackQuery, callback_data: DuplicateCb, t: Translate, followthrough: FollowThroughFlows
) -> None:
    message = callback.message
    assert isinstance(message, Message)
    choices = await followthrough.duplicate_choices(
        issue_id=callback_data.issue_id, chat_id=message.chat.id, user_id=callback.from_user.id
    )
    if not choices.candidates:
        await callback.answer(t("dup-mark-none", ref=choices.ref), show_alert=True)
        return
    await callback.answer()
    refs = [(c.id, f"{c.ref} · {one_line(c.description, 24)}") for c in choices.candidates]
    await _edit(
        callback,
        t("dup-mark-choose", ref=choices.ref),
        followthrough_keyboards.originals(t, callback_data.issue_id, refs),
    )


async def duplicate_pick(
    callback: CallbackQuery, callback_data: DuplicateCb, t: Translate, followthrough: FollowThroughFlows
) -> None:
    message = callback.message
    assert isinstance(message, Message)
    try:
        ref, original = await followthrough.mark_duplicate(
            issue_id=callback_data.issue_id,
            original_id=callback_data.original_id,
            worker=_person(callback.from_user, ActorRole.GRID),
            chat_id=message.chat.id,
        )
    except Changed as error:
        await _changed(callback, t, error)
        return
    await callback.answer()
    await _edit(callback, t("dup-marked", ref=ref, original=original))


# -- 回访 -------------------------------------------------------------------------------------------


async def lookback_pressed(
    callback: CallbackQuery,
    callback_data: LookbackCb,
    state: FSMContext,
    t: Translate,
    followthrough: FollowThroughFlows,
) -> None:
    citizen = _person(callback.from_user, ActorRole.CITIZEN)
    data = callback_data
    try:
        if data.answer == Answer.NOT_SOLVED:  # the reason first: reopening needs it
            ref = await followthrough.check_lookback(issue_id=data.issue_id, citizen=citizen, ask=data.ask)
            await callback.answer()
            await state.set_state(LookbackForm.reason)
            await state.update_data(issue_id=data.issue_id, ask=data.ask)
            if isinstance(callback.message, Message):
                await callback.message.answer(t("lookback-ask-reason", ref=ref, max_chars=str(MAX_COMMENT)))
            return
        outcome = await followthrough.answer_lookback(
            issue_id=data.issue_id, citizen=citizen, ask=data.ask, answer=data.answer
        )
    except Changed as error:
        await _changed(callback, t, error)
        return
    await callback.answer()
    key = "lookback-thanks-unsure" if outcome.asked_again else "lookback-thanks"
    await _edit(callback, t(key, ref=outcome.ref, answer=t(f"lookback-answer-{data.answer.value.replace('_', '-')}")))


async def lookback_reason(message: Message, state: FSMContext, t: Translate, followthrough: FollowThroughFlows) -> None:
    reason = clean_text(message.text, limit=MAX_COMMENT)
    if reason is None:
        await message.answer(t("lookback-reason-invalid", max_chars=str(MAX_COMMENT)))
        return
    data = await state.get_data()
    try:
        outcome = await followthrough.answer_lookback(
            issue_id=int(data["issue_id"]),
            citizen=_person(message.from_user, ActorRole.CITIZEN),
            ask=int(data["ask"]),
            answer=Answer.NOT_SOLVED,
            reason=reason,
        )
    except Changed as error:
        await state.clear()
        await message.answer(t("followthrough-changed", ref=html(error.ref)))
        return
    await state.clear()
    await message.answer(t("lookback-reopened", ref=outcome.ref))


async def lookback_reason_other(message: Message, t: Translate) -> None:
    await message.answer(t("lookback-reason-invalid", max_chars=str(MAX_COMMENT)))


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.filter(PressOf(FollowCb, DuplicateCb, LookbackCb))
    router.callback_query.register(follow_pressed, FollowCb.filter(), F.message.chat.type == "private")
    router.callback_query.register(lookback_pressed, LookbackCb.filter(), F.message.chat.type == "private")
    in_group = F.message.chat.type.in_(GROUP_CHATS)
    router.callback_query.register(duplicate_list, DuplicateCb.filter(F.action == DuplicateAction.LIST), in_group)
    router.callback_query.register(duplicate_pick, DuplicateCb.filter(F.action == DuplicateAction.PICK), in_group)
    return router


def build_reason_router() -> Router:
    """The 没解决 reason, typed in a private chat (after the routers of commands that work in any state)."""
    router = Router(name=f"{__name__}.reason")
    router.message.filter(F.chat.type == "private", LookbackForm.reason)
    router.message.register(lookback_reason, F.text, ~F.text.startswith("/"))
    router.message.register(lookback_reason_other)
    return router
