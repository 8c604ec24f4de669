"""The citizen after submitting: 我的诉求, answering the grid, and rating the result."""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, User

from bot.clock import local_text
from bot.config import Settings
from bot.domain.enums import ActorRole, LinkKind
from bot.domain.lifecycle import Rating
from bot.i18n import Translate
from bot.issues.draft import MAX_COMMENT, MAX_DESCRIPTION, clean_text
from bot.issues.flows import IssueFlows
from bot.issues.service import Actor
from bot.outbox.split import truncate_html
from bot.telegram.texts import render_timeline
from bot.text import html
from handlers import keyboards
from handlers.callbacks import MenuAction, MenuCb, MyIssuesCb, PressOf, RateCb, RatingCommentCb

log = logging.getLogger(__name__)

PAGE_SIZE = 5
CITIZEN_REPLY_TARGETS = {LinkKind.CITIZEN_RELAY, LinkKind.CITIZEN_PUSH}


class RatingForm(StatesGroup):
    comment = State()


def _citizen(user: User | None) -> Actor:
    assert user is not None  # every message and button press here comes from a user
    return Actor(ActorRole.CITIZEN, user.id, user.full_name)


# -- 我的诉求 ----------------------------------------------------------------------------------------


async def _list_text(
    t: Translate, flows: IssueFlows, settings: Settings, user_id: int, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    issues, has_more = await flows.my_issues(citizen_id=user_id, page=page, page_size=PAGE_SIZE)
    if not issues and page == 0:
        return t("my-issues-empty"), keyboards.back_to_menu(t)
    items = [
        (
            i.id,
            t(
                "my-issues-item",
                ref=i.ref,
                status=t(f"status-{i.status.value.replace('_', '-')}"),
                date=local_text(i.created_at, settings.tz)[:10],
            ),
        )
        for i in issues
    ]
    return t("my-issues-title"), keyboards.my_issues(t, items, page=page, has_more=has_more)


async def my_command(message: Message, t: Translate, flows: IssueFlows, settings: Settings) -> None:
    assert message.from_user is not None
    text, markup = await _list_text(t, flows, settings, message.from_user.id, 0)
    await message.answer(text, reply_markup=markup)


async def my_menu(callback: CallbackQuery, t: Translate, flows: IssueFlows, settings: Settings) -> None:
    await callback.answer()
    text, markup = await _list_text(t, flows, settings, callback.from_user.id, 0)
    if isinstance(callback.message, Message):
        await callback.message.answer(text, reply_markup=markup)


async def my_page_or_issue(
    callback: CallbackQuery, callback_data: MyIssuesCb, t: Translate, flows: IssueFlows, settings: Settings
) -> None:
    message = callback.message
    if not isinstance(message, Message):
        await callback.answer()
        return
    if callback_data.issue_id:
        # Ownership is checked by the flow: another citizen's id in tampered data is refused.
        timeline = await flows.citizen_timeline(issue_id=callback_data.issue_id, citizen=_citizen(callback.from_user))
        text = render_timeline(t, timeline, settings.tz)
        markup = keyboards.issue_detail(t, page=callback_data.page)
    else:
        text, markup = await _list_text(t, flows, settings, callback.from_user.id, max(0, callback_data.page))
    await callback.answer()
    await message.edit_text(truncate_html(text), reply_markup=markup)  # an edit is one message


# -- rating ------------------------------------------------------------------------------------------


async def rate_pressed(
    callback: CallbackQuery, callback_data: RateCb, state: FSMContext, t: Translate, flows: IssueFlows
) -> None:
    ref = await flows.check_can_rate(issue_id=callback_data.issue_id, citizen=_citizen(callback.from_user))
    await callback.answer()
    await state.set_state(RatingForm.comment)
    await state.update_data(issue_id=callback_data.issue_id, rating=callback_data.rating.value)
    key = "rating-ask-reason" if callback_data.rating == Rating.UNSATISFIED else "rating-ask-comment"
    if isinstance(callback.message, Message):
        await callback.message.answer(
            t(key, ref=ref, rating=t(f"rating-{callback_data.rating.value}"), max_chars=str(MAX_COMMENT)),
            reply_markup=keyboards.rating_comment(t, callback_data.issue_id),
        )


async def _apply_rating(
    user: User | None, state: FSMContext, t: Translate, flows: IssueFlows, issue_id: int, comment: str | None
) -> str:
    data = await state.get_data()
    rating = Rating(data["rating"])
    summary = await flows.rate(issue_id=issue_id, citizen=_citizen(user), rating=rating, comment=comment)
    await state.clear()
    return t("rating-thanks", ref=summary.ref, rating=t(f"rating-{rating.value}"))


async def rating_comment(message: Message, state: FSMContext, t: Translate, flows: IssueFlows) -> None:
    comment = clean_text(message.text, limit=MAX_COMMENT)
    if comment is None:
        await message.answer(t("rating-comment-invalid", max_chars=str(MAX_COMMENT)))
        return
    data = await state.get_data()
    await message.answer(await _apply_rating(message.from_user, state, t, flows, int(data["issue_id"]), comment))


async def rating_without_comment(
    callback: CallbackQuery, callback_data: RatingCommentCb, state: FSMContext, t: Translate, flows: IssueFlows
) -> None:
    data = await state.get_data()
    if int(data.get("issue_id", 0)) != callback_data.issue_id:
        log.warning("refused rating button for issue %s from user %s", callback_data.issue_id, callback.from_user.id)
        await callback.answer(t("error-stale-button"), show_alert=True)
        return
    await callback.answer()
    text = await _apply_rating(callback.from_user, state, t, flows, callback_data.issue_id, None)
    if isinstance(callback.message, Message):
        await callback.message.edit_text(text)


async def rating_comment_other(message: Message, t: Translate) -> None:
    await message.answer(t("rating-comment-invalid", max_chars=str(MAX_COMMENT)))


async def rating_comment_stale(callback: CallbackQuery, t: Translate) -> None:
    await callback.answer(t("error-stale-button"), show_alert=True)


# -- the citizen answers the grid --------------------------------------------------------------------


async def citizen_reply(message: Message, bot: Bot, t: Translate, flows: IssueFlows) -> None:
    """A reply to one of our messages about an issue goes to the grid's group."""
    reply_to = message.reply_to_message
    assert reply_to is not None
    link = await flows.find_link(chat_id=message.chat.id, message_id=reply_to.message_id)
    if link is None or link.kind not in CITIZEN_REPLY_TARGETS or reply_to.from_user.id != bot.id:  # type: ignore[union-attr]
        await message.answer(t("reply-not-linked"))
        return
    if message.forward_origin is not None:
        await message.answer(t("describe-no-forward"))
        return
    photo = message.photo[-1].file_id if message.photo else None
    text = clean_text(message.text or message.caption, limit=MAX_DESCRIPTION)
    if text is None and photo is None:
        await message.answer(t("reply-invalid", max_chars=str(MAX_DESCRIPTION)))
        return
    ref = await flows.citizen_reply(issue_id=link.issue_id, citizen=_citizen(message.from_user), text=text, photo=photo)
    await message.reply(t("reply-relayed-to-grid", ref=html(ref)))


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.filter(PressOf(MenuCb, MyIssuesCb, RateCb, RatingCommentCb))
    router.message.filter(F.chat.type == "private")
    router.callback_query.filter(F.message.chat.type == "private")
    router.message.register(my_command, Command("my"))
    router.callback_query.register(my_menu, MenuCb.filter(F.action == MenuAction.MY_ISSUES))
    router.callback_query.register(my_page_or_issue, MyIssuesCb.filter())
    router.callback_query.register(rate_pressed, RateCb.filter())
    router.message.register(rating_comment, RatingForm.comment, F.text, ~F.text.startswith("/"))
    router.callback_query.register(rating_without_comment, RatingCommentCb.filter(), RatingForm.comment)
    router.message.register(rating_comment_other, RatingForm.comment)
    router.callback_query.register(rating_comment_stale, RatingCommentCb.filter())
    router.message.register(
        citizen_reply, StateFilter(None), F.reply_to_message.from_user.is_bot, ~F.text.startswith("/")
    )
    return router
