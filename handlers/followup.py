"""The follow-through in the chats (issue 18): 延期申请 from an issue card and its decision, and
/duban, which raises an issue's 督办 level. Every press and command is checked on the server."""

from __future__ import annotations

import re

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, ForceReply, Message

from bot.clock import local_text
from bot.config import Settings
from bot.domain.enums import ActorRole, LinkKind
from bot.followup.extensions import MAX_REASON, ExtensionFlows, RefusalPrompt
from bot.followup.levels import SupervisionLevels, parse_level
from bot.i18n import Translate
from bot.issues.draft import MAX_DESCRIPTION, clean_text
from bot.issues.service import Actor
from bot.text import html
from bot.triage.flows import TriageFlows
from handlers.callbacks import CardAction, CardCb, ExtensionCb, PressOf


def _actor(user: object) -> Actor:
    return Actor(ActorRole.GRID, user.id, user.full_name)  # type: ignore[attr-defined]


async def extend_pressed(
    callback: CallbackQuery, callback_data: CardCb, t: Translate, extensions: ExtensionFlows, triage: TriageFlows
) -> None:
    """⏳ 申请延期: ask for the working days and the reason as a reply (privacy mode reads only replies)."""
    message = callback.message
    assert isinstance(message, Message)
    user = callback.from_user
    ref = await extensions.check_can_request(issue_id=callback_data.issue_id, chat_id=message.chat.id, user_id=user.id)
    await callback.answer()
    prompt = await message.reply(
        t("ext-prompt", ref=ref, user_id=str(user.id), name=html(user.full_name), max=str(extensions.max_days)),
        reply_markup=ForceReply(selective=True, input_field_placeholder=t("ext-placeholder")),
    )
    await triage.remember_prompt(
        chat_id=message.chat.id,
        message_id=prompt.message_id,
        issue_id=callback_data.issue_id,
        user_id=user.id,
        kind=LinkKind.EXTENSION_PROMPT,
    )


async def is_extension_reply(message: Message, bot: Bot, extensions: ExtensionFlows) -> dict | bool:
    """A reply to one of our 延期申请 prompts; hands (issue id, prompted user) on to the handler."""
    reply_to = message.reply_to_message
    if reply_to is None or reply_to.from_user is None or reply_to.from_user.id != bot.id:
        return False
    found = await extensions.prompt_issue(chat_id=message.chat.id, message_id=reply_to.message_id)
    return {"prompt": found} if found is not None else False


# "3 需要等材料到货", "3天，需要等材料", "5个工作日 施工队排期": the working days, then the reason.
EXTENSION_REPLY = re.compile(r"^\s*(\d{1,3})\s*(?:个工作日|工作日|天|days?)?[\s,，、:：]*(\S.*)$", re.DOTALL)


UNIT_WORDS = {"个工作日", "工作日", "天", "day", "days"}


def parse_extension(text: str | None) -> tuple[int, str] | None:
    """The working days asked for and the (required) reason, or None."""
    found = EXTENSION_REPLY.match(text or "")
    if found is None or found.group(2).strip() in UNIT_WORDS:  # "3天": a unit, no reason
        return None
    return int(found.group(1)), found.group(2).strip()


async def extension_reply(
    message: Message, prompt: tuple[int, int | None], t: Translate, extensions: ExtensionFlows
) -> None:
    assert message.from_user is not None
    issue_id, prompted = prompt
    if prompted is not None and prompted != message.from_user.id:
        await message.reply(t("triage-prompt-not-yours"))
        return
    typed = clean_text(message.text or message.caption, limit=MAX_DESCRIPTION)
    parsed = parse_extension(typed)
    if parsed is None:  # shown back, so nothing typed is lost
        await message.reply(t("ext-reply-usage", max=str(extensions.max_days), text=html(typed or "")))
        return
    days, reason = parsed
    view = await extensions.request(
        issue_id=issue_id,
        chat_id=message.chat.id,
        user=_actor(message.from_user),
        days=days,
        reason=reason,
    )
    await message.reply(t("ext-sent", ref=view.ref, days=str(view.days)))


async def extension_decided(
    callback: CallbackQuery,
    callback_data: ExtensionCb,
    t: Translate,
    extensions: ExtensionFlows,
    triage: TriageFlows,
    settings: Settings,
) -> None:
    """✅ 同意 decides at once; ❌ 不同意 first asks why, as a reply (the requester is told why)."""
    message = callback.message
    assert isinstance(message, Message)
    if not callback_data.approve:
        await _ask_why_refused(callback, message, callback_data.request_id, t, extensions, triage)
        return
    view = await extensions.decide(
        request_id=callback_data.request_id, chat_id=message.chat.id, user=_actor(callback.from_user), approve=True
    )
    result = t(
        "ext-decided-approved",
        ref=view.ref,
        who=html(callback.from_user.full_name),
        deadline=local_text(view.new_deadline, settings.tz),
    )
    await callback.answer(result)
    await message.edit_text(f"{message.html_text}\n\n{result}")


async def _ask_why_refused(
    callback: CallbackQuery,
    message: Message,
    request_id: int,
    t: Translate,
    extensions: ExtensionFlows,
    triage: TriageFlows,
) -> None:
    user = callback.from_user
    issue_id, ref = await extensions.check_can_decide(request_id=request_id, chat_id=message.chat.id, user_id=user.id)
    await callback.answer()
    prompt = await message.reply(
        t("ext-refuse-prompt", ref=ref, user_id=str(user.id), name=html(user.full_name)),
        reply_markup=ForceReply(selective=True, input_field_placeholder=t("ext-refuse-placeholder")),
    )
    await triage.remember_prompt(
        chat_id=message.chat.id,
        message_id=prompt.message_id,
        issue_id=issue_id,
        user_id=user.id,
        kind=LinkKind.REFUSE_PROMPT,
    )


async def is_refusal_reply(message: Message, bot: Bot, extensions: ExtensionFlows) -> dict | bool:
    """A reply to one of our 不同意 prompts; hands the prompt on to the handler."""
    reply_to = message.reply_to_message
    if reply_to is None or reply_to.from_user is None or reply_to.from_user.id != bot.id:
        return False
    found = await extensions.refusal_prompt(chat_id=message.chat.id, message_id=reply_to.message_id)
    return {"refusal": found} if found is not None else False


async def refusal_reply(message: Message, refusal: RefusalPrompt, t: Translate, extensions: ExtensionFlows) -> None:
    assert message.from_user is not None
    if refusal.user_id is not None and refusal.user_id != message.from_user.id:
        await message.reply(t("triage-prompt-not-yours"))
        return
    reason = clean_text(message.text or message.caption, limit=MAX_REASON)
    if not reason:
        await message.reply(t("ext-refuse-usage"))
        return
    if refusal.request_id is None:
        await message.reply(t("ext-refuse-changed", ref=refusal.ref))
        return
    view = await extensions.decide(
        request_id=refusal.request_id,
        chat_id=message.chat.id,
        user=_actor(message.from_user),
        approve=False,
        reason=reason,
    )
    await message.reply(
        t("ext-decided-refused", ref=view.ref, who=html(message.from_user.full_name), reason=html(reason))
    )


async def duban(message: Message, command: CommandObject, t: Translate, levels: SupervisionLevels) -> None:
    """/duban 编号 黄牌|红牌 理由: an official or a deputy raises the 督办 level."""
    assert message.from_user is not None
    ref, word, reason = ((command.args or "").strip().split(maxsplit=2) + ["", "", ""])[:3]
    level = parse_level(word) if word else None
    reason = clean_text(reason, limit=MAX_DESCRIPTION) or ""
    if not ref or level is None or not reason:
        await message.reply(t("level-usage"))
        return
    user = message.from_user
    raised = await levels.raise_level(
        ref=ref.upper(), user=Actor(ActorRole.GRID, user.id, user.full_name), level=level, reason=reason
    )
    await message.reply(t("level-done", ref=raised.ref, level=t(f"level-{raised.level.value}")))


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.filter(PressOf(CardCb, ExtensionCb))
    router.callback_query.register(extend_pressed, CardCb.filter(F.action == CardAction.EXTEND))
    router.callback_query.register(extension_decided, ExtensionCb.filter())
    router.message.register(duban, Command("duban"))
    router.message.register(extension_reply, F.reply_to_message, ~F.text.startswith("/"), is_extension_reply)
    router.message.register(refusal_reply, F.reply_to_message, ~F.text.startswith("/"), is_refusal_reply)
    return router
