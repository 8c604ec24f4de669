"""Telegram's transport for the outbox: a row becomes one or more Bot API calls, and what
Telegram answers becomes a Delivery for the sender (bot.outbox.sender).

429 → RetryAfter (exactly `retry_after`); network errors, timeouts and 5xx → Retry; 403 → Gone
(blocked by the user, or the bot left the group); 400 with `migrate_to_chat_id` (the group was
upgraded to a supergroup) → Moved to the new id; any other 400 → Refused with Telegram's reason. Texts over
4,096 characters go out as several messages; a reply or an edit finds its target among the
issue's messages the sender recorded (MessageLink) when it sends, not when the row was queued.
Pacing is the FloodLimiter's, on the bot's session (flood.py).
"""

from __future__ import annotations

import base64
import logging
from typing import Any

import aiogram.methods
from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import TelegramMethod
from aiogram.types import BufferedInputFile, Message, MessageId
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.enums import LinkKind
from bot.outbox.split import TEXT_LIMIT, split_html, truncate_html
from bot.outbox.transport import Delivery, Gone, Moved, Refused, Retry, RetryAfter, Sent
from bot.telegram.reserve import outbox_sends
from storage.database import Database
from storage.models import MessageLink, OutboxMessage

log = logging.getLogger(__name__)

CHANNEL = "telegram"
METHODS: dict[str, type[TelegramMethod[Any]]] = {
    cls.__api_method__: cls
    for cls in (getattr(aiogram.methods, name) for name in aiogram.methods.__all__)
    if isinstance(getattr(cls, "__api_method__", None), str)
}
NOT_MODIFIED = "message is not modified"


def is_group(chat_id: int) -> bool:
    """Negative ids are groups and channels (20 messages a minute); positive ids private chats."""
    return chat_id < 0


class TelegramTransport:
    channel = CHANNEL

    def __init__(self, bot: Bot, db: Database, *, request_timeout: float = 30.0) -> None:
        self.bot = bot
        self.db = db
        self.request_timeout = request_timeout

    async def deliver(self, row: OutboxMessage) -> Delivery:
        try:
            requests = await self._requests(row)
            with outbox_sends():  # paced within the group's whole budget, not the direct answers' share
                results = [await self._call(request, edit=row.method.startswith("edit")) for request in requests]
        except TelegramRetryAfter as error:
            return RetryAfter(float(error.retry_after), str(error))
        except TelegramForbiddenError as error:
            return Gone(str(error))
        except TelegramMigrateToChat as error:
            if int(error.migrate_to_chat_id) == row.chat_id:  # nowhere else to go: not a move
                return Refused(error.message)
            return Moved(int(error.migrate_to_chat_id), error.message)
        except TelegramBadRequest as error:
            return Refused(f"400: {error.message}")
        except (TelegramNetworkError, TelegramServerError, TimeoutError) as error:
            return Retry(str(error))
        except (TelegramAPIError, ValueError) as error:  # refused for good, e.g. a malformed request
            return Refused(str(error))
        return Sent(_message_ids(results))

    async def _requests(self, row: OutboxMessage) -> list[TelegramMethod[Any]]:
        """The Bot API call(s) for a row, with reply and edit targets filled in now."""
        params = {**_uploads(row.params), "chat_id": row.chat_id}
        cls = METHODS[row.method]
        if row.target_kind is not None and row.issue_id is not None:
            async with self.db.session() as s:
                targets = await _links(s, issue_id=row.issue_id, chat_id=row.chat_id, kind=row.target_kind)
            if row.method.startswith("edit"):
                return [cls.model_validate(_fit_edit({**params, "message_id": message_id})) for message_id in targets]
            if targets:
                params["reply_parameters"] = {"message_id": targets[-1], "allow_sending_without_reply": True}
        if row.method.startswith("edit"):
            return [cls.model_validate(_fit_edit(params))]
        return [cls.model_validate(piece) for piece in _split(params)]

    async def _call(self, request: TelegramMethod[Any], *, edit: bool) -> Any:
        try:
            # A hung request counts as a network error: retried later, possibly sent twice.
            return await self.bot(request, request_timeout=self.request_timeout)  # type: ignore[arg-type]
        except TelegramBadRequest as error:
            if edit:  # an unchanged or deleted card needs no edit; the others still get theirs
                if NOT_MODIFIED not in error.message:
                    log.warning("outbox: edit skipped: %s", error.message)
                return None
            raise


async def _links(session: AsyncSession, *, issue_id: int, chat_id: int, kind: LinkKind) -> list[int]:
    """The ids of the issue's messages of that kind in the chat, oldest first."""
    query = (
        select(MessageLink.message_id)
        .where(MessageLink.issue_id == issue_id, MessageLink.chat_id == chat_id, MessageLink.kind == kind)
        .order_by(col(MessageLink.id))
    )
    return [int(message_id) for message_id in (await session.exec(query)).all()]


def _split(params: dict[str, Any]) -> list[dict[str, Any]]:
    """A text over the limit as several messages: the reply on the first, the buttons on the last."""
    text = params.get("text")
    if not isinstance(text, str):
        return [params]
    pieces = split_html(text) if _is_html(params) else _split_plain(text)
    if len(pieces) <= 1:
        return [params]
    common = {k: v for k, v in params.items() if k not in ("text", "reply_markup", "reply_parameters")}
    result = [{**common, "text": piece} for piece in pieces]
    if "reply_parameters" in params:
        result[0]["reply_parameters"] = params["reply_parameters"]
    if "reply_markup" in params:
        result[-1]["reply_markup"] = params["reply_markup"]
    return result


def _split_plain(text: str) -> list[str]:
    from html import escape, unescape

    return [unescape(piece) for piece in split_html(escape(text, quote=False))]


def _is_html(params: dict[str, Any]) -> bool:
    return params.get("parse_mode", "HTML") == "HTML"  # HTML is the bot's default parse mode


def _fit_edit(params: dict[str, Any]) -> dict[str, Any]:
    """An edit cannot become two messages: a card over the limit is cut short."""
    text = params.get("text")
    if isinstance(text, str) and len(text.encode("utf-16-le")) > 2 * TEXT_LIMIT:
        return {**params, "text": truncate_html(text) if _is_html(params) else text[: TEXT_LIMIT // 2] + "…"}
    return params


def _uploads(params: dict[str, Any]) -> dict[str, Any]:
    """A file queued with the message ({"upload": base64, "filename": ...}) is sent as an upload."""
    return {
        key: BufferedInputFile(base64.b64decode(value["upload"]), filename=str(value.get("filename", "file")))
        if isinstance(value, dict) and "upload" in value
        else value
        for key, value in params.items()
    }


def _message_ids(results: list[Any]) -> list[int]:
    ids: list[int] = []
    for result in results:
        items = result if isinstance(result, list) else [result]
        ids += [item.message_id for item in items if isinstance(item, Message | MessageId)]
    return ids
