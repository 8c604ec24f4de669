"""Errors are answered in one place: politely, in the user's language, never with a trace."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent, Message

from bot.domain.lifecycle import IllegalTransition
from bot.followup import FollowupRefused
from bot.i18n import Translate, Translator
from bot.issues.flows import NotAllowed
from bot.issues.service import IssueNotFound
from bot.text import html
from bot.triage.workdays import HolidayCalendarUnavailable

log = logging.getLogger(__name__)


async def _tell(event: ErrorEvent, text: str) -> None:
    """An alert for a button press (or a message if the press was answered already), else a reply."""
    update = event.update
    try:
        if update.callback_query is not None:
            try:
                await update.callback_query.answer(text, show_alert=True)
                return
            except TelegramBadRequest:  # answered before the error happened
                message = update.callback_query.message
                if isinstance(message, Message):
                    await message.answer(text)
        elif update.message is not None:
            await update.message.reply(text)
    except Exception:  # the chat may be gone; the error itself is already logged
        log.warning("could not tell the user about an error", exc_info=True)


def _t(event: ErrorEvent, data: dict) -> Translate:
    t = data.get("t")
    if t is None:
        translator: Translator = data["translator"]
        t = translator.bind(None)
    return t


async def not_allowed(event: ErrorEvent, **data: object) -> None:
    log_refusal(event, event.exception)
    await _tell(event, _t(event, data)("error-not-allowed"))


def log_refusal(event: ErrorEvent | None, reason: object, *, update_id: int | None = None) -> None:
    """Every refusal of a button or command is logged: forged callback data shows up here."""
    update = event.update if event is not None else None
    query = update.callback_query if update is not None else None
    message = update.message if update is not None else None
    sender = query.from_user if query is not None else (message.from_user if message is not None else None)
    who = sender.id if sender is not None else None
    data = query.data if query is not None else None
    log.warning(
        "refused update %s (user %s, data %r): %s",
        update.update_id if update is not None else update_id,
        who,
        data,
        reason,
    )


def log_refused_message(message: Message, reason: str) -> None:
    """A command or reply refused by its handler (an administrator's command, someone else's prompt)."""
    who = message.from_user.id if message.from_user is not None else None
    log.warning("refused message %s in chat %s (user %s): %s", message.message_id, message.chat.id, who, reason)


async def illegal_transition(event: ErrorEvent, **data: object) -> None:
    t = _t(event, data)
    error = event.exception
    assert isinstance(error, IllegalTransition)
    log_refusal(event, error)
    status = t(f"status-{error.status.value.replace('_', '-')}")
    await _tell(event, t("error-wrong-status", status=status))


async def not_found(event: ErrorEvent, **data: object) -> None:
    log_refusal(event, f"no issue {event.exception}")
    await _tell(event, _t(event, data)("error-issue-not-found"))


async def no_holiday_calendar(event: ErrorEvent, **data: object) -> None:
    log.error("holiday calendar: %s", event.exception)
    await _tell(event, _t(event, data)("error-holiday-calendar"))


async def followup_refused(event: ErrorEvent, **data: object) -> None:
    """延期申请 or 督办 refused by the rules (too late, one pending already...): the reason, politely."""
    error = event.exception
    assert isinstance(error, FollowupRefused)
    log_refusal(event, error)
    t = _t(event, data)
    await _tell(event, t(error.key, **{k: html(v) for k, v in error.args_.items()}))


async def unexpected(event: ErrorEvent, **data: object) -> None:
    log.error("update %s failed", event.update.update_id, exc_info=event.exception)
    await _tell(event, _t(event, data)("error-unexpected"))


def build_router() -> Router:
    router = Router(name=__name__)
    router.errors.register(not_allowed, ExceptionTypeFilter(NotAllowed))
    router.errors.register(illegal_transition, ExceptionTypeFilter(IllegalTransition))
    router.errors.register(not_found, ExceptionTypeFilter(IssueNotFound))
    router.errors.register(no_holiday_calendar, ExceptionTypeFilter(HolidayCalendarUnavailable))
    router.errors.register(followup_refused, ExceptionTypeFilter(FollowupRefused))
    router.errors.register(unexpected)
    return router
