"""Runs the real bot (the same `Gridline.run_polling` that `gridline run` starts) against the
fake Bot API, and lets tests act as citizens and grid workers."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bot.app import Gridline
from bot.config import Settings
from bot.sandbox.botapi import FakeTelegram, FakeUser
from bot.sandbox.botapi.model import ApiCall

TOKEN = "123456:TEST-TOKEN"
ADMIN_ID = 9000
SCREEN_METHODS = ("sendMessage", "editMessageText")


def make_settings(tmp_path: Path, fake: FakeTelegram, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "bot_token": TOKEN,
        "database_url": f"sqlite:///{tmp_path / 'gridline.db'}",
        "telegram_api_base": fake.base_url,
        "admin_ids": frozenset({ADMIN_ID}),
        # Telegram's real limits would make every test wait a second per message to one chat;
        # the pacing itself has a test of its own at the real limits.
        "flood_global_per_second": 1000,
        "flood_private_per_second": 1000,
        "flood_group_per_minute": 60_000,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


class RunningBot:
    def __init__(self, settings: Settings, fake: FakeTelegram) -> None:
        self.settings = settings
        self.fake = fake
        self.app: Gridline | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> Gridline:
        mark = self.fake.mark()
        self.app = Gridline(self.settings)
        self._task = asyncio.create_task(self.app.run_polling(handle_signals=False))
        await self.fake.wait_polling(since=mark)
        return self.app

    async def stop(self) -> None:
        if self.app is not None and self._task is not None:
            await self.app.stop()
            await asyncio.wait_for(self._task, timeout=15)
        self.app = self._task = None

    async def restart(self) -> Gridline:
        await self.stop()
        return await self.start()


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    markup = message.get("reply_markup") or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]


def button_data(message: dict[str, Any], label: str) -> str:
    """The callback data of the button whose text contains `label`."""
    found = [b for b in buttons(message) if label in b["text"] and "callback_data" in b]
    assert found, f"no button {label!r} in {[b['text'] for b in buttons(message)]}"
    return found[0]["callback_data"]


def labels(message: dict[str, Any]) -> list[str]:
    return [b["text"] for b in buttons(message)]


class Person:
    """A Telegram user acting in a chat: types, presses buttons, waits for what the bot shows."""

    def __init__(self, fake: FakeTelegram, user: FakeUser, chat_id: int | None = None) -> None:
        self.fake = fake
        self.user = user
        self.chat_id = chat_id if chat_id is not None else user.id

    @property
    def chat(self) -> Any:
        return self.fake.chats[self.chat_id]

    async def screen(self, contains: str | Iterable[str] = "", *, since: int, timeout: float = 10) -> dict[str, Any]:
        """The message the bot sent or edited in this chat (current state) whose text has `contains`."""
        wanted = [contains] if isinstance(contains, str) else list(contains)

        def match(call: ApiCall) -> bool:
            text = call.params.get("text") or call.params.get("caption") or ""
            return call.method in SCREEN_METHODS and call.error is None and all(w in _visible(text) for w in wanted)

        call = await self.fake.wait_for(None, chat_id=self.chat_id, since=since, timeout=timeout, where=match)
        result = call.result
        assert isinstance(result, dict), call
        return self.fake.message(self.chat_id, result["message_id"]) or result

    async def say(self, text: str, *, expect: str | Iterable[str] = "", **kwargs: Any) -> dict[str, Any]:
        mark = self.fake.mark()
        await self.fake.send_text(self.user, text, chat=self.chat, **kwargs)
        return await self.screen(expect, since=mark)

    async def press(self, message: dict[str, Any], label: str, *, expect: str | Iterable[str] = "") -> dict[str, Any]:
        mark = self.fake.mark()
        await self.fake.press(self.user, message, button_data(message, label))
        return await self.screen(expect, since=mark)

    async def press_for_alert(self, message: dict[str, Any], label: str, data: str | None = None) -> ApiCall:
        """Press and return the answerCallbackQuery (for refusals shown as an alert)."""
        mark = self.fake.mark()
        # Explicit data may be a button the message no longer shows (stale or forged).
        query = await self.fake.press(
            self.user, message, data or button_data(message, label), require_button=data is None
        )
        return await self.fake.wait_for(
            "answerCallbackQuery", since=mark, where=lambda c: c.params.get("callback_query_id") == query["id"]
        )


def _visible(text: str) -> str:
    """Text with HTML tags removed, to match what a person reads."""
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", text))


def known_user(fake: FakeTelegram, user_id: int, name: str) -> FakeUser:
    """The user the fake already knows (keeping their chat's messages), or a new one."""
    return fake.users.get(user_id) or fake.user(user_id, name)


async def enlist(fake: FakeTelegram, user: FakeUser, role: str, target: str) -> None:
    """The only way to a role: the administrator's /invite, then the person opens the link."""
    admin = Person(fake, known_user(fake, ADMIN_ID, "管理员"))
    created = await admin.say(f"/invite {role} {target}", expect="邀请链接")
    token = re.search(r"\?start=i_([\w-]+)", created["text"])
    assert token, created["text"]
    await Person(fake, user).say(f"/start i_{token.group(1)}", expect="绑定成功")
