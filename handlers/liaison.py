"""Department liaisons work an issue card in their private chat as a department's group would:
the card's 办结 and 详情 buttons, and replies to the card (handled by handlers.group)."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.types import Message

from bot.domain.enums import LinkKind
from bot.issues.flows import IssueFlows
from handlers import group
from handlers.callbacks import CardAction, CardCb, PressOf

LIAISON_KINDS = {LinkKind.CARD, LinkKind.CARD_MEDIA, LinkKind.GROUP_RELAY, LinkKind.RESOLVE_PROMPT}


async def liaison_reply_filter(message: Message, bot: Bot, flows: IssueFlows) -> bool:
    """A private reply to an issue card (only liaisons get cards in private), not a citizen's reply."""
    reply_to = message.reply_to_message
    if reply_to is None or reply_to.from_user is None or reply_to.from_user.id != bot.id:
        return False
    link = await flows.find_link(chat_id=message.chat.id, message_id=reply_to.message_id)
    return link is not None and link.kind in LIAISON_KINDS


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.filter(PressOf(CardCb))
    router.message.filter(F.chat.type == "private")
    router.callback_query.filter(F.message.chat.type == "private")
    router.callback_query.register(group.resolve_pressed, CardCb.filter(F.action == CardAction.RESOLVE))
    router.callback_query.register(group.detail, CardCb.filter(F.action == CardAction.DETAIL))
    router.message.register(group.reply_to_bot, liaison_reply_filter, ~F.text.startswith("/"))
    return router
