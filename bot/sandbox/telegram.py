"""The Bot API as the sandbox page needs it: the tests' server plus what a chat app shows and
Telegram does not echo back in messages (reply keyboards, force-reply prompts), a revision per chat
for the live page, and message dates on the sandbox's clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from aiohttp import web

from bot.sandbox.botapi import FakeTelegram
from bot.sandbox.botapi.methods import api
from bot.sandbox.botapi.model import Json, MessageStore, Signal


class RevisedStore(MessageStore):
    """Counts changes per chat (new, edited, deleted messages) and signals each one."""

    def __init__(self, changed: Callable[[int | str], None]) -> None:
        super().__init__()
        self._changed = changed

    def put(self, message: Json, *, by_bot: bool) -> None:
        super().put(message, by_bot=by_bot)
        self._changed(message["chat"]["id"])

    def delete(self, chat_id: int | str, message_id: int) -> bool:
        deleted = super().delete(chat_id, message_id)
        if deleted:
            self._changed(chat_id)
        return deleted

    def all_messages(self, chat_id: int | str) -> list[Json]:
        """Everyone's messages in the chat, oldest first."""
        return [m for _id, m in sorted(self._chats.get(chat_id, {}).items())]


class SandboxTelegram(FakeTelegram):
    def __init__(self, now: Callable[[], datetime], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._now = now
        self.revisions: dict[int | str, int] = {}
        self.changed = Signal()  # a chat's messages or keyboard changed, or the clock moved
        self.store = RevisedStore(self.touch)
        self.keyboards: dict[int | str, Json] = {}  # the reply keyboard a chat shows
        self.force_reply: dict[int | str, int] = {}  # the prompt a chat's next message answers

    def touch(self, chat_id: int | str) -> None:
        self.revisions[chat_id] = self.revisions.get(chat_id, 0) + 1
        self.changed.fire()

    def now_unix(self) -> int:
        return int(self._now().timestamp())

    def messages(self, chat_id: int | str) -> list[Json]:
        assert isinstance(self.store, RevisedStore)
        return self.store.all_messages(chat_id)

    @api("sendMessage")
    async def _api_send_message(self, p: Json, request: web.Request) -> Json:
        message = await super()._api_send_message(p, request)
        chat_id = message["chat"]["id"]
        markup = p.get("reply_markup")
        if isinstance(markup, dict):
            if "keyboard" in markup:
                self.keyboards[chat_id] = markup
            elif markup.get("remove_keyboard"):
                self.keyboards.pop(chat_id, None)
            elif markup.get("force_reply"):
                self.force_reply[chat_id] = message["message_id"]
        self.touch(chat_id)
        return message
