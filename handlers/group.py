"""The grid's work group (派单): binding, the issue card's buttons, and replies to the card.

Works with group privacy mode on: the bot only ever reacts to commands, to button presses and to
replies to its own messages, never to the group's ordinary conversation.
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, ForceReply, Message, User

from bot.clock import Clock
from bot.config import Settings
from bot.domain.enums import ActorRole, LinkKind
from bot.i18n import Translate
from bot.issues.draft import MAX_DESCRIPTION, clean_text
from bot.issues.flows import IssueFlows
from bot.issues.service import Actor
from bot.organisation.groups import BindOutcome, Groups
from bot.organisation.migration import GroupMigration
from bot.outbox.split import split_html
from bot.telegram.texts import render_timeline
from bot.text import html
from bot.triage.flows import TriageFlows
from handlers import keyboards
from handlers import triage as triage_handlers
from handlers.callbacks import CardAction, CardCb, PressOf
from handlers.errors import log_refused_message

GROUP_CHATS = {"group", "supergroup"}

ANSWER_TARGETS = {LinkKind.CARD, LinkKind.CARD_MEDIA, LinkKind.GROUP_RELAY}


def _worker(user: User | None) -> Actor:
    assert user is not None  # every message and button press here comes from a user
    return Actor(ActorRole.GRID, user.id, user.full_name)


async def bind(
    message: Message, command: CommandObject, t: Translate, settings: Settings, groups: Groups, clock: Clock
) -> None:
    assert message.from_user is not None
    if not settings.is_admin(message.from_user.id):
        log_refused_message(message, "/bind is for administrators")
        await message.reply(t("bind-admins-only"))
        return
    code = (command.args or "").strip()
    if not code:
        await message.reply(t("bind-usage"))
        return
    result = await groups.bind(
        chat_id=message.chat.id,
        title=message.chat.title or "",
        grid_code=code,
        admin_id=message.from_user.id,
        now=clock.now(),
    )
    match result.outcome:
        case BindOutcome.UNKNOWN_GRID:
            await message.reply(t("bind-unknown-grid", code=html(code)))
        case BindOutcome.GRID_TAKEN:
            await message.reply(
                t(
                    "bind-grid-taken",
                    grid=html(result.grid.name if result.grid else code),
                    title=html(result.other_title or ""),
                )
            )
        case _:
            assert result.grid is not None
            await message.reply(t("bind-done", grid=html(result.grid.name), code=html(result.grid.code)))


async def unbind(message: Message, t: Translate, settings: Settings, groups: Groups) -> None:
    assert message.from_user is not None
    if not settings.is_admin(message.from_user.id):
        log_refused_message(message, "/unbind is for administrators")
        await message.reply(t("bind-admins-only"))
        return
    await message.reply(t("unbind-done") if await groups.unbind(chat_id=message.chat.id) else t("group-not-bound"))


# -- the card's buttons --------------------------------------------------------------------------


async def claim(callback: CallbackQuery, callback_data: CardCb, t: Translate, flows: IssueFlows) -> None:
    assert isinstance(callback.message, Message)
    summary = await flows.claim(
        issue_id=callback_data.issue_id, worker=_worker(callback.from_user), chat_id=callback.message.chat.id
    )
    await callback.answer(t("claim-done", ref=summary.ref))


async def resolve_pressed(callback: CallbackQuery, callback_data: CardCb, t: Translate, flows: IssueFlows) -> None:
    """Ask for the note as a reply: with privacy mode, that is how the bot gets to read it."""
    message = callback.message
    assert isinstance(message, Message)
    ref = await flows.check_can_resolve(
        issue_id=callback_data.issue_id, chat_id=message.chat.id, user_id=callback.from_user.id
    )
    await callback.answer()
    user = callback.from_user
    prompt = await message.reply(
        t("resolve-prompt", ref=ref, user_id=str(user.id), name=html(user.full_name)),
        reply_markup=ForceReply(selective=True, input_field_placeholder=t("resolve-placeholder")),
    )
    await flows.remember_prompt(
        chat_id=message.chat.id, message_id=prompt.message_id, issue_id=callback_data.issue_id, user_id=user.id
    )


async def detail(
    callback: CallbackQuery, callback_data: CardCb, t: Translate, flows: IssueFlows, settings: Settings
) -> None:
    message = callback.message
    assert isinstance(message, Message)
    timeline = await flows.group_timeline(
        issue_id=callback_data.issue_id, chat_id=message.chat.id, user_id=callback.from_user.id
    )
    text = render_timeline(t, timeline, settings.tz)
    await callback.answer()
    *first, last = split_html(text)  # a long history is more than one message
    for piece in first:
        await message.reply(piece)
    await message.reply(last, reply_markup=keyboards.timeline_actions(t, callback_data.issue_id))


# -- replies to the bot's messages -----------------------------------------------------------------


async def reply_to_bot(message: Message, bot: Bot, t: Translate, flows: IssueFlows, triage: TriageFlows) -> None:
    reply_to = message.reply_to_message
    assert reply_to is not None and message.from_user is not None
    if reply_to.from_user is None or reply_to.from_user.id != bot.id:
        return  # a reply to another bot is none of our business
    link = await flows.find_link(chat_id=message.chat.id, message_id=reply_to.message_id)
    if link is None:
        await message.reply(t("group-reply-not-linked"))
        return
    photo = message.photo[-1].file_id if message.photo else None
    text = clean_text(message.text or message.caption, limit=MAX_DESCRIPTION)
    if link.kind == LinkKind.RESOLVE_PROMPT:
        await _resolution(message, t, flows, link.issue_id, link.user_id, text, photo)
    elif link.kind in triage_handlers.PROMPT_KINDS:
        await triage_handlers.prompt_reply(message, t, triage, link, text)
    elif link.kind in ANSWER_TARGETS:
        if text is None and photo is None:
            await message.reply(t("group-answer-invalid", max_chars=str(MAX_DESCRIPTION)))
            return
        ref = await flows.answer(
            issue_id=link.issue_id, worker=_worker(message.from_user), chat_id=message.chat.id, text=text, photo=photo
        )
        await message.reply(t("answer-relayed", ref=ref))
    else:
        await message.reply(t("group-reply-not-linked"))


async def _resolution(
    message: Message,
    t: Translate,
    flows: IssueFlows,
    issue_id: int,
    prompted: int | None,
    text: str | None,
    photo: str | None,
) -> None:
    assert message.from_user is not None
    if prompted is not None and prompted != message.from_user.id:
        log_refused_message(message, f"the resolve prompt of issue {issue_id} is user {prompted}'s")
        await message.reply(t("resolve-not-yours"))
        return
    if text is None:
        await message.reply(t("resolve-need-note", max_chars=str(MAX_DESCRIPTION)))
        return
    summary = await flows.resolve(
        issue_id=issue_id, worker=_worker(message.from_user), chat_id=message.chat.id, note=text, photo=photo
    )
    await message.reply(t("resolve-done", ref=summary.ref))


async def migrated(message: Message, migration: GroupMigration) -> None:
    """The group was upgraded to a supergroup: Telegram posts this in the old group (migrate_to) and
    in the new one (migrate_from); whichever comes first moves the bindings, the other finds none."""
    if message.migrate_to_chat_id is not None:
        await migration.migrate(old_chat_id=message.chat.id, new_chat_id=message.migrate_to_chat_id)
    elif message.migrate_from_chat_id is not None:
        await migration.migrate(old_chat_id=message.migrate_from_chat_id, new_chat_id=message.chat.id)


async def group_help(message: Message, t: Translate, groups: Groups) -> None:
    grid = await groups.grid_of(message.chat.id)
    if grid is None:
        await message.reply(t("group-not-bound"))
    else:
        await message.reply(t("group-help", grid=html(grid.name)))


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.filter(PressOf(CardCb))
    router.message.filter(F.chat.type.in_(GROUP_CHATS))
    router.callback_query.filter(F.message.chat.type.in_(GROUP_CHATS))
    router.message.register(migrated, F.migrate_to_chat_id | F.migrate_from_chat_id)
    router.message.register(bind, Command("bind"))
    router.message.register(unbind, Command("unbind"))
    router.callback_query.register(claim, CardCb.filter(F.action == CardAction.CLAIM))
    router.callback_query.register(resolve_pressed, CardCb.filter(F.action == CardAction.RESOLVE))
    router.callback_query.register(detail, CardCb.filter(F.action == CardAction.DETAIL))
    router.message.register(reply_to_bot, F.reply_to_message.from_user.is_bot, ~F.text.startswith("/"))
    router.message.register(group_help, Command("help", "start"))
    return router
