"""``FakeTelegram``: the test-facing facade over the fake Bot API server.

Tests play the users (each action queues a realistic Update for getUpdates)
and inspect what the bot did through ``requests`` and the message store.
Waiting is event-driven: every API call fires ``calls_changed``.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import mimetypes
from collections.abc import Callable
from typing import Any, Self, TypeVar

from .formatting import command_entities
from .limits import FloodGate, FloodLimits
from .methods import MEMBER_STATUSES
from .model import ApiCall, FakeChat, FakeUser, Fault, Json, media_object, now_unix
from .server import BotApiServer

ChatRef = FakeChat | FakeUser | int
Where = Callable[[ApiCall], bool]
T = TypeVar("T")


class FakeTelegram(BotApiServer):
    """Fake Bot API on 127.0.0.1 (``start``/``stop`` or ``async with``).

    ``FakeTelegram(bot_username=..., bot_first_name=None, strict_html_entities=True,
    max_poll_wait=5.0)``; see the package docstring for a walk-through.
    """

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ---------------------------------------------------------------- world setup

    def user(
        self,
        user_id: int,
        first_name: str,
        *,
        username: str | None = None,
        last_name: str | None = None,
        language_code: str | None = None,
    ) -> FakeUser:
        """A user who has started the bot; their private chat id == user id."""
        user = FakeUser(user_id, first_name, username, last_name, language_code)
        self.users[user_id] = user
        self.chats[user_id] = FakeChat(
            user_id, "private", username=username, first_name=first_name, last_name=last_name
        )
        return user

    def group(self, chat_id: int, title: str, *, type: str = "supergroup", username: str | None = None) -> FakeChat:
        chat = FakeChat(chat_id, type, title=title, username=username)
        self.chats[chat_id] = chat
        return chat

    async def upgrade_group(self, chat_id: int, new_chat_id: int, *, by: FakeUser, announce: bool = True) -> FakeChat:
        """The group becomes a supergroup with a new id, as when its owner turns on a supergroup
        feature: sends to the old id answer 400 with ``migrate_to_chat_id``. With ``announce`` the
        bot gets Telegram's two service messages (``migrate_to_chat_id`` in the old group,
        ``migrate_from_chat_id`` in the new one), sent by ``by``, the owner who upgraded it."""
        old = self.chats[chat_id]
        new = self.group(new_chat_id, old.title or "", type="supergroup", username=old.username)
        self.migrated[chat_id] = new_chat_id
        if announce:
            for chat, content in ((old, {"migrate_to_chat_id": new_chat_id}), (new, {"migrate_from_chat_id": chat_id})):
                await self.push_update({"message": self.new_message(chat, by.to_json(), content, by_bot=False)})
        return new

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """getChatMember status; set it for the bot's own id to make the bot leave/be kicked."""
        if status not in MEMBER_STATUSES:
            raise ValueError(f"unknown member status {status!r}")
        self.member_status[(chat_id, user_id)] = status

    def set_file(self, file_id: str, content: bytes) -> None:
        """Bytes served by getFile + download for ``file_id``."""
        self.files[file_id] = content

    # ---------------------------------------------------------------- faults & limits

    def inject(self, fault: Fault) -> Fault:
        self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        self.faults.clear()

    def block_chat(self, chat_id: int) -> None:
        self.blocked.add(chat_id)

    def unblock_chat(self, chat_id: int) -> None:
        self.blocked.discard(chat_id)

    def enable_flood_limits(self, limits: FloodLimits | None = None) -> None:
        self.flood = FloodGate(limits or FloodLimits())

    def disable_flood_limits(self) -> None:
        self.flood = None

    # ---------------------------------------------------------------- users acting

    async def push_update(self, update: Json) -> int:
        """Queue an update (update_id assigned here); returns its update_id."""
        update = {k: v for k, v in update.items() if k != "update_id"}
        return self.updates.push(copy.deepcopy(update))

    async def push_raw_update(self, update: Json) -> int:
        """Queue as-is, delivered once even if its id was already confirmed."""
        return self.updates.push(copy.deepcopy(update), forced=True)

    def _chat_for(self, user: FakeUser, chat: ChatRef | None) -> FakeChat:
        if chat is None:
            chat = user.id
        chat_id = chat.id if isinstance(chat, FakeChat | FakeUser) else chat
        if chat_id not in self.chats:
            raise KeyError(f"chat {chat_id} is unknown; create it with fake.user()/fake.group()")
        return self.chats[chat_id]

    async def _user_says(
        self,
        user: FakeUser,
        content: Json,
        *,
        chat: ChatRef | None = None,
        reply_to: Json | None = None,
        forward_from: FakeUser | str | None = None,
    ) -> Json:
        target = self._chat_for(user, chat)
        reply = None
        if reply_to is not None:  # embed the current (edited) state if we know it
            reply = self.store.get(reply_to["chat"]["id"], reply_to["message_id"]) or reply_to
        if forward_from is not None:
            date = now_unix() - 60
            if isinstance(forward_from, FakeUser):
                origin: Json = {"type": "user", "date": date, "sender_user": forward_from.to_json()}
                legacy: Json = {"forward_from": forward_from.to_json()}
            else:
                origin = {"type": "hidden_user", "date": date, "sender_user_name": forward_from}
                legacy = {"forward_sender_name": forward_from}
            content = {"forward_origin": origin, **legacy, "forward_date": date, **content}
        message = self.new_message(target, user.to_json(), content, by_bot=False, reply_to=reply)
        await self.push_update({"message": message})
        return copy.deepcopy(message)

    async def send_text(
        self,
        user: FakeUser,
        text: str,
        *,
        chat: ChatRef | None = None,
        reply_to: Json | None = None,
        forward_from: FakeUser | str | None = None,
        entities: list[Json] | None = None,
    ) -> Json:
        content: Json = {"text": text}
        entities = command_entities(text) if entities is None else entities
        if entities:
            content["entities"] = entities
        return await self._user_says(user, content, chat=chat, reply_to=reply_to, forward_from=forward_from)

    async def _send_file(
        self,
        user: FakeUser,
        kind: str,
        file_id: str,
        *,
        caption: str | None = None,
        chat: ChatRef | None = None,
        reply_to: Json | None = None,
        extra: Json | None = None,
        **details: Any,
    ) -> Json:
        content: Json = {kind: media_object(kind, file_id, **details), **(extra or {})}
        if caption:
            content["caption"] = caption
        return await self._user_says(user, content, chat=chat, reply_to=reply_to)

    async def send_photo(
        self,
        user: FakeUser,
        file_id: str = "ph1",
        caption: str | None = None,
        media_group_id: str | None = None,
        chat: ChatRef | None = None,
        reply_to: Json | None = None,
    ) -> Json:
        extra = {"media_group_id": media_group_id} if media_group_id else None
        return await self._send_file(user, "photo", file_id, caption=caption, chat=chat, reply_to=reply_to, extra=extra)

    async def send_voice(
        self,
        user: FakeUser,
        file_id: str = "vo1",
        duration: int = 3,
        chat: ChatRef | None = None,
        reply_to: Json | None = None,
    ) -> Json:
        return await self._send_file(user, "voice", file_id, chat=chat, reply_to=reply_to, duration=duration)

    async def send_document(
        self,
        user: FakeUser,
        file_id: str = "doc1",
        file_name: str = "a.pdf",
        caption: str | None = None,
        chat: ChatRef | None = None,
        reply_to: Json | None = None,
        mime_type: str | None = None,
    ) -> Json:
        mime_type = mime_type or mimetypes.guess_type(file_name)[0] or "application/octet-stream"
        self.file_meta[file_id] = {"file_name": file_name, "mime_type": mime_type}
        return await self._send_file(
            user,
            "document",
            file_id,
            caption=caption,
            chat=chat,
            reply_to=reply_to,
            file_name=file_name,
            mime_type=mime_type,
        )

    async def send_sticker(
        self,
        user: FakeUser,
        file_id: str = "st1",
        emoji: str = "👍",
        chat: ChatRef | None = None,
        reply_to: Json | None = None,
    ) -> Json:
        return await self._send_file(user, "sticker", file_id, chat=chat, reply_to=reply_to, emoji=emoji)

    async def send_location(
        self,
        user: FakeUser,
        latitude: float,
        longitude: float,
        chat: ChatRef | None = None,
        reply_to: Json | None = None,
    ) -> Json:
        content = {"location": {"latitude": float(latitude), "longitude": float(longitude)}}
        return await self._user_says(user, content, chat=chat, reply_to=reply_to)

    async def send_contact(
        self,
        user: FakeUser,
        phone_number: str = "13812345678",
        user_id: int | None = None,
        first_name: str | None = None,
        chat: ChatRef | None = None,
        reply_to: Json | None = None,
    ) -> Json:
        """A shared contact; by default the sender's own (user_id = sender's id)."""
        contact: Json = {
            "phone_number": phone_number,
            "first_name": first_name or user.first_name,
            "user_id": user.id if user_id is None else user_id,
        }
        if first_name is None and user.last_name:
            contact["last_name"] = user.last_name
        return await self._user_says(user, {"contact": contact}, chat=chat, reply_to=reply_to)

    async def press(self, user: FakeUser, message: Json, data: str, *, require_button: bool = True) -> Json:
        """Press an inline button; returns the CallbackQuery dict (``id`` included).

        With ``require_button`` the message must still exist and currently show
        a button with this callback_data -- as in a real client.
        """
        current = self.store.get(message["chat"]["id"], message["message_id"])
        if require_button:
            if current is None:
                raise AssertionError(f"message {message['message_id']} no longer exists")
            rows = (current.get("reply_markup") or {}).get("inline_keyboard", [])
            offered = [b.get("callback_data") for row in rows for b in row]
            if data not in offered:
                raise AssertionError(f"no button with callback_data={data!r}; offered: {offered}")
        query_id = str(4_000_000_000_000_000_000 + next(self._ids))
        self.callbacks[query_id] = False
        query = {
            "id": query_id,
            "from": user.to_json(),
            "message": copy.deepcopy(current or message),
            "chat_instance": str(abs(hash(("chat_instance", message["chat"]["id"])))),
            "data": data,
        }
        await self.push_update({"callback_query": query})
        return copy.deepcopy(query)

    # ---------------------------------------------------------------- inspecting

    def mark(self) -> int:
        return len(self.requests)

    @staticmethod
    def _matches(call: ApiCall, method: str | None, chat_id: int | str | None, where: Where | None) -> bool:
        if method is not None and call.method.lower() != method.lower():
            return False
        if chat_id is not None and call.chat_id != chat_id:
            return False
        return where is None or bool(where(call))

    def _listing(self, since: int, header: str) -> str:
        lines = [header, f"calls since #{since}:"]
        polls = 0
        for index, call in enumerate(self.requests[since:], start=since):
            if call.method == "getUpdates":
                polls += 1  # long polls are noise in a failure report
                continue
            lines.append("  " + call.describe(index))
        if len(lines) == 2:
            lines.append("  (none)")
        if polls:
            lines.append(f"  (+{polls} getUpdates omitted)")
        return "\n".join(lines)

    async def _wait_until(self, check: Callable[[], T], timeout: float) -> T:
        """Re-run ``check`` on every API call until truthy; None on timeout."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            changed = self.calls_changed.event  # grab before checking: no lost wake-up
            result = check()
            remaining = deadline - loop.time()
            if result or remaining <= 0:
                return result
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)

    async def wait_polling(self, since: int = 0, timeout: float = 15) -> None:
        """Until the bot has started a getUpdates call (running or finished) at index >= since."""
        started = await self._wait_until(lambda: any(c.method == "getUpdates" for c in self.requests[since:]), timeout)
        if not started:
            raise AssertionError(self._listing(since, f"timed out after {timeout}s waiting for getUpdates"))

    async def wait_for_count(
        self,
        method: str | None,
        count: int,
        chat_id: int | str | None = None,
        *,
        since: int = 0,
        timeout: float = 10,
        where: Where | None = None,
        ok: bool | None = None,
    ) -> list[ApiCall]:
        """The first ``count`` finished calls matching; AssertionError on timeout.

        ``ok=True`` only counts successful calls, ``ok=False`` only failed ones.
        """

        def found() -> list[ApiCall] | None:
            hits = [
                c
                for c in self.requests[since:]
                if c.done and (ok is None or c.ok == ok) and self._matches(c, method, chat_id, where)
            ]
            return hits[:count] if len(hits) >= count else None

        calls = await self._wait_until(found, timeout)
        if calls is None:
            what = f"{count} x {method or 'any method'}"
            what += f" to chat_id={chat_id!r}" if chat_id is not None else ""
            what += " matching the where= predicate" if where is not None else ""
            what += f" with ok={ok}" if ok is not None else ""
            raise AssertionError(self._listing(since, f"timed out after {timeout}s waiting for {what}"))
        return calls

    async def wait_for(
        self,
        method: str | None,
        chat_id: int | str | None = None,
        *,
        since: int = 0,
        timeout: float = 10,
        where: Where | None = None,
        ok: bool | None = None,
    ) -> ApiCall:
        calls = await self.wait_for_count(method, 1, chat_id, since=since, timeout=timeout, where=where, ok=ok)
        return calls[0]

    async def assert_nothing(
        self,
        method: str | None,
        chat_id: int | str | None = None,
        *,
        since: int | None = None,
        within: float = 0.3,
        where: Where | None = None,
    ) -> None:
        """Fail as soon as a matching call (even one still pending) shows up."""
        start = self.mark() if since is None else since

        def offender() -> ApiCall | None:
            calls = self.requests[start:]
            return next((c for c in calls if self._matches(c, method, chat_id, where)), None)

        call = await self._wait_until(offender, within)
        if call is not None:
            raise AssertionError(self._listing(start, f"unexpected call: {call.describe()}"))

    async def wait_consumed(self, update_id: int, timeout: float = 10) -> None:
        """Wait until the bot confirmed ``update_id`` via getUpdates offset."""
        if not await self._wait_until(lambda: self.updates.confirmed >= update_id, timeout):
            raise AssertionError(
                f"update {update_id} not confirmed within {timeout}s (confirmed up to {self.updates.confirmed})"
            )

    def last_update_id(self) -> int:
        """The id of the update queued last (0 if none yet)."""
        return self.updates.last_id

    def updates_consumed(self) -> int:
        """Highest update_id confirmed via getUpdates offset (0 if none yet)."""
        return self.updates.confirmed

    def sent_messages(self, chat_id: int | str) -> list[Json]:
        """Messages the bot currently has in the chat (edits applied, deletes gone)."""
        return copy.deepcopy(self.store.bot_messages(chat_id))

    def last_message(self, chat_id: int | str) -> Json | None:
        messages = self.store.bot_messages(chat_id)
        return copy.deepcopy(messages[-1]) if messages else None

    def message(self, chat_id: int | str, message_id: int) -> Json | None:
        found = self.store.get(chat_id, message_id)
        return copy.deepcopy(found) if found is not None else None

    def my_commands(self, scope: Json | None = None, language_code: str = "") -> list[Json]:
        """What setMyCommands stored for that scope/language."""
        return copy.deepcopy(
            self.commands.get(self._commands_key({"scope": scope, "language_code": language_code}), [])
        )
