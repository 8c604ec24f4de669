"""Keep aiogram's parsed answer types alive.

aiogram parses every Bot API answer with pydantic's generic `Response[T]`. Pydantic caches a
parametrised generic only weakly, so after a garbage collection it rebuilds the class — several
milliseconds each time, on every answer, under load. Holding the types Gridline uses avoids that.
"""

from __future__ import annotations

from typing import Any

from aiogram import methods
from aiogram.methods import Response

USED = (
    methods.GetMe,
    methods.GetUpdates,
    methods.DeleteWebhook,
    methods.SetWebhook,
    methods.SetMyCommands,
    methods.SendMessage,
    methods.SendPhoto,
    methods.SendMediaGroup,
    methods.SendVoice,
    methods.SendLocation,
    methods.SendDocument,
    methods.CopyMessage,
    methods.EditMessageText,
    methods.EditMessageReplyMarkup,
    methods.EditMessageCaption,
    methods.DeleteMessage,
    methods.AnswerCallbackQuery,
    methods.GetChatMember,
)

_PINNED: list[Any] = []


def pin_response_types() -> None:
    if not _PINNED:
        _PINNED.extend(Response[method.__returning__] for method in USED)  # type: ignore[name-defined]
