"""Bot API semantics: the fake's world state and one handler per API method.

``BotApiMethods`` holds users, chats, messages and queued updates and
implements each method as ``async (params, request) -> result`` (raising
``ApiError`` for error answers). ``server.py`` adds the HTTP transport,
faults and flood limits on top; ``fake.py`` the test-facing helpers.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import mimetypes
import re
from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar

from aiohttp import web

from .formatting import MAX_CAPTION, MAX_TEXT, EntityParseError, format_text
from .limits import FloodGate
from .model import (
    MEDIA_KINDS,
    ApiCall,
    ApiError,
    FakeChat,
    FakeUser,
    Fault,
    Json,
    MessageStore,
    Signal,
    UpdateQueue,
    embedded,
    file_unique_id,
    media_object,
    now_unix,
)

_INT = re.compile(r"-?\d+")
F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_BOT_ID = 123456
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
MEMBER_STATUSES = ("creator", "administrator", "member", "restricted", "left", "kicked")

# fmt: off
_CHAT_ACTIONS = frozenset({
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note",
    "upload_video_note",
})
_BUTTON_ACTIONS = frozenset({
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
})
# Message fields that make up its content (what copyMessage/forwardMessage carry).
_CONTENT_KEYS = (
    "text", "entities", "caption", "caption_entities", "location", "contact", "venue",
    "dice", "poll", *MEDIA_KINDS,
)
# Required fields of ChatMemberAdministrator / ChatMemberRestricted.
_ADMIN_RIGHTS = {
    "can_be_edited": False, "is_anonymous": False, "can_manage_chat": True,
    "can_delete_messages": True, "can_manage_video_chats": True, "can_restrict_members": True,
    "can_promote_members": False, "can_change_info": True, "can_invite_users": True,
    "can_post_stories": False, "can_edit_stories": False, "can_delete_stories": False,
    "can_send_welcome_messages": False, "can_pin_messages": True,
}
_RESTRICTED_FLAGS = (
    "can_send_messages", "can_send_audios", "can_send_documents", "can_send_photos",
    "can_send_videos", "can_send_video_notes", "can_send_voice_notes", "can_send_polls",
    "can_send_other_messages", "can_add_web_page_previews", "can_react_to_messages",
    "can_edit_tag", "can_change_info", "can_invite_users", "can_pin_messages",
    "can_manage_topics",
)
# fmt: on


def api(name: str) -> Callable[[F], F]:
    """Mark a coroutine method as the handler of Bot API method ``name``."""

    def mark(fn: F) -> F:
        fn.__api_method__ = name  # type: ignore[attr-defined]
        return fn

    return mark


CONFLICT_OTHER_POLLER = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
)


class BotApiMethods:
    """World state + Bot API method handlers (no HTTP here)."""

    def __init__(
        self,
        bot_username: str = "gridline_test_bot",
        bot_first_name: str | None = None,
        *,
        strict_html_entities: bool = True,
        max_poll_wait: float = 5.0,
    ) -> None:
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name or bot_username.replace("_", " ").title()
        self.strict_html_entities = strict_html_entities
        self.max_poll_wait = max_poll_wait  # cap on getUpdates long polling
        self._bot_id: int | None = None
        self.users: dict[int, FakeUser] = {}
        self.chats: dict[int | str, FakeChat] = {}
        self.store = MessageStore()
        self.updates = UpdateQueue()
        self.requests: list[ApiCall] = []
        self.calls_changed = Signal()  # fired on every call start/finish
        self.stats: Counter[str] = Counter()
        self.faults: list[Fault] = []
        self.blocked: set[int | str] = set()
        self.migrated: dict[int | str, int] = {}  # a group upgraded to a supergroup -> its new id
        self.member_status: dict[tuple[int | str, int], str] = {}
        self.files: dict[str, bytes] = {}
        self.file_meta: dict[str, Json] = {}  # file_id -> known file_name/mime_type
        self.commands: dict[tuple[str, str], list[Json]] = {}
        self.callbacks: dict[str, bool] = {}  # callback query id -> answered
        self.webhook_url = ""
        self._poll_generation = 0  # the latest getUpdates; an older one still waiting gets 409
        self.allowed_updates: list[str] | None = None
        self.flood: FloodGate | None = None
        self._ids = itertools.count(1)  # for generated file ids, media groups, callbacks
        self._stopping = asyncio.Event()  # set by stop(); wakes long polls and delays

    # ---------------------------------------------------------------- identity

    @property
    def bot_id(self) -> int:
        return self._bot_id or DEFAULT_BOT_ID

    @property
    def bot_user(self) -> Json:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    async def _pause(self, event: asyncio.Event, timeout: float) -> None:
        """Wait for ``event`` (or server stop) at most ``timeout`` seconds."""
        waiters = [
            asyncio.ensure_future(event.wait()),
            asyncio.ensure_future(self._stopping.wait()),
        ]
        try:
            await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()

    def now_unix(self) -> int:
        """Message dates; the sandbox tells its own time (its clock can be moved on)."""
        return now_unix()

    def _file_bytes(self, file_id: str) -> bytes:
        return self.files.get(file_id, f"fake file content of {file_id}".encode())

    # ---------------------------------------------------------------- helpers

    def _known_chat(self, ref: Any) -> FakeChat:
        if ref is None or ref == "":
            raise ApiError(400, "Bad Request: chat_id is empty")
        if isinstance(ref, str) and ref.startswith("@"):
            found = next((c for c in self.chats.values() if c.username == ref[1:]), None)
        else:
            found = self.chats.get(ref)
        if found is None:
            raise ApiError(400, "Bad Request: chat not found")
        return found

    def _reachable_chat(self, ref: Any) -> FakeChat:
        """A chat the bot may write to: known, not blocked, bot still a member."""
        chat = self._known_chat(ref)
        if chat.id in self.migrated:  # Telegram names the new id; aiogram raises TelegramMigrateToChat
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                migrate_to_chat_id=self.migrated[chat.id],
            )
        status = self.member_status.get((chat.id, self.bot_id))
        if chat.id in self.blocked or status == "kicked":
            if chat.is_private:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            raise ApiError(403, f"Forbidden: bot was kicked from the {chat.type} chat")
        if status == "left" and not chat.is_private:
            raise ApiError(403, f"Forbidden: bot is not a member of the {chat.type} chat")
        return chat

    def _format(self, p: Json, key: str, *, caption: bool) -> tuple[str, list[Json]]:
        entities_key = "caption_entities" if caption else "entities"
        try:
            text, entities = format_text(
                p.get(key),
                p.get("parse_mode"),
                p.get(entities_key),
                strict_entities=self.strict_html_entities,
            )
        except EntityParseError as exc:
            raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
        except ValueError as exc:
            raise ApiError(400, f"Bad Request: {exc}") from None
        if caption and len(text) > MAX_CAPTION:
            raise ApiError(400, "Bad Request: message caption is too long")
        if not caption and not text:
            raise ApiError(400, "Bad Request: message text is empty")
        if not caption and len(text) > MAX_TEXT:
            raise ApiError(400, "Bad Request: message is too long")
        return text, entities

    def _caption(self, p: Json) -> Json:
        """caption/caption_entities message fields, or {} when there is no caption."""
        text, entities = self._format(p, "caption", caption=True)
        fields: Json = {"caption": text} if text else {}
        if text and entities:
            fields["caption_entities"] = entities
        return fields

    @staticmethod
    def _markup(p: Json) -> Json | None:
        """The InlineKeyboardMarkup Telegram stores on the message, validated."""
        markup = p.get("reply_markup")
        if not isinstance(markup, dict) or "inline_keyboard" not in markup:
            return None  # reply keyboards are not echoed back in Message
        rows = markup["inline_keyboard"]
        for button in (b for row in rows for b in row):
            if not button.get("text"):
                raise ApiError(400, "Bad Request: can't parse inline keyboard button: text is empty")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= 64:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            if not _BUTTON_ACTIONS & button.keys():
                raise ApiError(
                    400,
                    "Bad Request: can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard",
                )
        return markup if any(rows) else None

    def _reply_target(self, chat: FakeChat, p: Json) -> Json | None:
        raw = p.get("reply_parameters")
        params: Json = raw if isinstance(raw, dict) else {}
        message_id = params.get("message_id") or p.get("reply_to_message_id")
        if not message_id:
            return None
        target_chat = params.get("chat_id", chat.id)
        if isinstance(target_chat, str) and _INT.fullmatch(target_chat):
            target_chat = int(target_chat)
        target = self.store.get(target_chat, int(message_id))
        if target is None or target_chat != chat.id:
            if params.get("allow_sending_without_reply") or p.get("allow_sending_without_reply"):
                return None
            raise ApiError(400, "Bad Request: message to be replied not found")
        return target

    def new_message(
        self,
        chat: FakeChat,
        sender: Json,
        content: Json,
        *,
        by_bot: bool,
        reply_to: Json | None = None,
    ) -> Json:
        """Create, store and return a Message (shared per-chat message_id counter)."""
        message: Json = {
            "message_id": self.store.allocate_id(chat.id),
            "from": sender,
            "chat": chat.to_json(),
            "date": self.now_unix(),
        }
        if reply_to is not None:
            message["reply_to_message"] = embedded(reply_to)
        message.update(content)
        self.store.put(message, by_bot=by_bot)
        return message

    def _bot_message(self, chat: FakeChat, p: Json, content: Json) -> Json:
        reply_to = self._reply_target(chat, p)
        markup = self._markup(p)
        if markup:
            content["reply_markup"] = markup
        return self.new_message(chat, self.bot_user, content, by_bot=True, reply_to=reply_to)

    def _file_id_for(self, kind: str, value: Any) -> tuple[str, Json]:
        """file_id and file metadata for a sent file (uploads get a fresh id)."""
        if isinstance(value, dict):  # uploaded bytes
            file_id = f"BQAC{kind}{next(self._ids):06d}"
            self.files[file_id] = value["content"]
            name = value.get("filename") or kind
            meta = {
                "file_name": name,
                "mime_type": mimetypes.guess_type(name)[0] or "application/octet-stream",
                "file_size": value.get("size"),
            }
            self.file_meta[file_id] = meta
            return file_id, meta
        if not isinstance(value, str) or not value:
            raise ApiError(400, f"Bad Request: there is no {kind} in the request")
        return value, self.file_meta.get(value, {})

    def _member_json(self, chat_id: int | str, user: Json) -> Json:
        status = self.member_status.get((chat_id, user["id"]), "member")
        member: Json = {"status": status, "user": user}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member.update(_ADMIN_RIGHTS)
        elif status == "restricted":
            member.update(dict.fromkeys(_RESTRICTED_FLAGS, False), is_member=True, until_date=0)
        elif status == "kicked":
            member["until_date"] = 0
        return member

    def _user_json(self, user_id: int) -> Json:
        if user_id == self.bot_id:
            return self.bot_user
        user = self.users.get(user_id)
        if user is None:
            raise ApiError(400, "Bad Request: user not found")
        return user.to_json()

    # ---------------------------------------------------------------- bot & updates

    @api("getMe")
    async def _api_get_me(self, p: Json, request: web.Request) -> Json:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    @api("getUpdates")
    async def _api_get_updates(self, p: Json, request: web.Request) -> list[Json]:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        if isinstance(p.get("allowed_updates"), list):
            self.allowed_updates = p["allowed_updates"]  # sticky, like the real API
        if p.get("offset"):
            self.updates.confirm(int(p["offset"]))
            self.calls_changed.fire()  # lets wait_consumed() re-check
        limit = min(max(int(p.get("limit") or 100), 1), 100)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + min(max(float(p.get("timeout") or 0), 0.0), self.max_poll_wait)
        # Like Telegram, a new getUpdates ends the one still waiting with 409 Conflict: two pollers
        # of one token (two bot processes) each see it in turn.
        self._poll_generation += 1
        mine = self._poll_generation
        self.updates.arrived.fire()
        while True:
            arrived = self.updates.arrived.event  # grab before checking: no lost wake-up
            if request.transport is None or self._stopping.is_set():
                return []  # the poller hung up (e.g. polling stopped): deliver nothing
            if mine != self._poll_generation:
                raise ApiError(409, CONFLICT_OTHER_POLLER)
            batch = self.updates.take(limit, self.allowed_updates)
            remaining = deadline - loop.time()
            if batch or remaining <= 0:
                return batch
            await self._pause(arrived, remaining)

    @api("setWebhook")
    async def _api_set_webhook(self, p: Json, request: web.Request) -> bool:
        self.webhook_url = str(p.get("url") or "")
        return True

    @api("deleteWebhook")
    async def _api_delete_webhook(self, p: Json, request: web.Request) -> bool:
        self.webhook_url = ""
        if p.get("drop_pending_updates"):
            self.updates.clear()
        return True

    @api("getWebhookInfo")
    async def _api_get_webhook_info(self, p: Json, request: web.Request) -> Json:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self.updates),
        }

    @staticmethod
    def _commands_key(p: Json) -> tuple[str, str]:
        scope = p.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(p.get("language_code") or "")

    @api("setMyCommands")
    async def _api_set_my_commands(self, p: Json, request: web.Request) -> bool:
        commands = p.get("commands") or []
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command", ""))):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise ApiError(400, "Bad Request: command description is empty or too long")
        self.commands[self._commands_key(p)] = list(commands)
        return True

    @api("deleteMyCommands")
    async def _api_delete_my_commands(self, p: Json, request: web.Request) -> bool:
        self.commands.pop(self._commands_key(p), None)
        return True

    @api("getMyCommands")
    async def _api_get_my_commands(self, p: Json, request: web.Request) -> list[Json]:
        return self.commands.get(self._commands_key(p), [])

    @api("close")
    async def _api_close(self, p: Json, request: web.Request) -> bool:
        return True

    @api("logOut")
    async def _api_log_out(self, p: Json, request: web.Request) -> bool:
        return True

    # ---------------------------------------------------------------- sending

    @api("sendMessage")
    async def _api_send_message(self, p: Json, request: web.Request) -> Json:
        chat = self._reachable_chat(p.get("chat_id"))
        text, entities = self._format(p, "text", caption=False)
        content: Json = {"text": text}
        if entities:
            content["entities"] = entities
        return self._bot_message(chat, p, content)

    async def _send_media(self, kind: str, p: Json, **extra: Any) -> Json:
        chat = self._reachable_chat(p.get("chat_id"))
        file_id, meta = self._file_id_for(kind, p.get(kind))
        details = {**meta, **{k: v for k, v in extra.items() if v is not None}}
        content: Json = {kind: media_object(kind, file_id, **details)}
        content.update(self._caption(p))
        return self._bot_message(chat, p, content)

    @api("sendPhoto")
    async def _api_send_photo(self, p: Json, request: web.Request) -> Json:
        return await self._send_media("photo", p)

    @api("sendVoice")
    async def _api_send_voice(self, p: Json, request: web.Request) -> Json:
        return await self._send_media("voice", p, duration=p.get("duration"))

    @api("sendAudio")
    async def _api_send_audio(self, p: Json, request: web.Request) -> Json:
        return await self._send_media("audio", p, duration=p.get("duration"))

    @api("sendVideo")
    async def _api_send_video(self, p: Json, request: web.Request) -> Json:
        return await self._send_media("video", p, duration=p.get("duration"))

    @api("sendAnimation")
    async def _api_send_animation(self, p: Json, request: web.Request) -> Json:
        return await self._send_media("animation", p, duration=p.get("duration"))

    @api("sendSticker")
    async def _api_send_sticker(self, p: Json, request: web.Request) -> Json:
        return await self._send_media("sticker", p, emoji=p.get("emoji"))

    @api("sendDocument")
    async def _api_send_document(self, p: Json, request: web.Request) -> Json:
        return await self._send_media("document", p)

    @api("sendMediaGroup")
    async def _api_send_media_group(self, p: Json, request: web.Request) -> list[Json]:
        chat = self._reachable_chat(p.get("chat_id"))
        media = p.get("media")
        if not isinstance(media, list) or not 2 <= len(media) <= 10:
            raise ApiError(400, "Bad Request: media group must contain 2-10 items")
        reply_to = self._reply_target(chat, p)
        group_id = str(13_000_000_000_000_000 + next(self._ids))
        contents: list[Json] = []
        for item in media:  # validate everything before creating anything
            kind = item.get("type") if isinstance(item, dict) else None
            if kind not in ("photo", "video", "audio", "document"):
                raise ApiError(400, "Bad Request: wrong type of media in the media group")
            file_id, meta = self._file_id_for(kind, item.get("media"))
            content: Json = {"media_group_id": group_id, kind: media_object(kind, file_id, **meta)}
            content.update(self._caption(item))
            contents.append(content)
        return [self.new_message(chat, self.bot_user, c, by_bot=True, reply_to=reply_to) for c in contents]

    @api("sendLocation")
    async def _api_send_location(self, p: Json, request: web.Request) -> Json:
        chat = self._reachable_chat(p.get("chat_id"))
        try:
            location: Json = {"latitude": float(p["latitude"]), "longitude": float(p["longitude"])}
        except (KeyError, TypeError, ValueError):
            raise ApiError(400, "Bad Request: wrong latitude or longitude") from None
        for key in ("horizontal_accuracy", "live_period", "heading"):
            if p.get(key) is not None:
                location[key] = p[key]
        return self._bot_message(chat, p, {"location": location})

    @api("sendContact")
    async def _api_send_contact(self, p: Json, request: web.Request) -> Json:
        chat = self._reachable_chat(p.get("chat_id"))
        if not p.get("phone_number") or not p.get("first_name"):
            raise ApiError(400, "Bad Request: phone number and first name must be non-empty")
        contact = {k: p[k] for k in ("phone_number", "first_name", "last_name", "vcard") if p.get(k)}
        return self._bot_message(chat, p, {"contact": contact})

    def _source_message(self, p: Json, what: str) -> Json:
        from_chat = self._known_chat(p.get("from_chat_id"))
        source = self.store.get(from_chat.id, int(p.get("message_id") or 0))
        if source is None:
            raise ApiError(400, f"Bad Request: message to {what} not found")
        return source

    @api("copyMessage")
    async def _api_copy_message(self, p: Json, request: web.Request) -> Json:
        chat = self._reachable_chat(p.get("chat_id"))
        source = self._source_message(p, "copy")
        content = {k: copy.deepcopy(source[k]) for k in _CONTENT_KEYS if k in source}
        if not content:
            raise ApiError(400, "Bad Request: message can't be copied")
        if "caption" in p and "text" not in content:
            content.pop("caption", None)
            content.pop("caption_entities", None)
            content.update(self._caption(p))
        message = self._bot_message(chat, p, content)
        return {"message_id": message["message_id"]}

    @api("forwardMessage")
    async def _api_forward_message(self, p: Json, request: web.Request) -> Json:
        chat = self._reachable_chat(p.get("chat_id"))
        source = self._source_message(p, "forward")
        sender = source.get("from") or self.bot_user
        content: Json = {
            "forward_origin": {"type": "user", "date": source["date"], "sender_user": sender},
            "forward_from": sender,
            "forward_date": source["date"],
        }
        content.update({k: copy.deepcopy(source[k]) for k in _CONTENT_KEYS if k in source})
        return self.new_message(chat, self.bot_user, content, by_bot=True)

    @api("sendChatAction")
    async def _api_send_chat_action(self, p: Json, request: web.Request) -> bool:
        self._reachable_chat(p.get("chat_id"))
        if p.get("action") not in _CHAT_ACTIONS:
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        return True

    @api("setMessageReaction")
    async def _api_set_message_reaction(self, p: Json, request: web.Request) -> bool:
        chat = self._reachable_chat(p.get("chat_id"))
        if self.store.get(chat.id, int(p.get("message_id") or 0)) is None:
            raise ApiError(400, "Bad Request: MESSAGE_ID_INVALID")
        return True

    # ---------------------------------------------------------------- editing

    def _editable(self, p: Json) -> Json | None:
        """The stored bot message an edit targets (None for inline messages)."""
        if p.get("inline_message_id"):
            return None
        chat = self._reachable_chat(p.get("chat_id"))
        message = self.store.get(chat.id, int(p.get("message_id") or 0))
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if not self.store.is_bots(chat.id, message["message_id"]):
            raise ApiError(400, "Bad Request: message can't be edited")
        return message

    def _apply_edit(self, message: Json, changes: Json) -> Json:
        """Store the edited message; None values remove a field. Raises if unchanged."""
        if all(message.get(k) == v for k, v in changes.items()):
            raise ApiError(400, NOT_MODIFIED)
        edited = {k: v for k, v in {**message, **changes}.items() if v is not None}
        edited["edit_date"] = self.now_unix()
        self.store.put(edited, by_bot=True)
        return edited

    @api("editMessageText")
    async def _api_edit_message_text(self, p: Json, request: web.Request) -> Json | bool:
        message = self._editable(p)
        text, entities = self._format(p, "text", caption=False)
        markup = self._markup(p)  # omitting reply_markup removes the keyboard, as in Telegram
        if message is None:
            return True
        if "text" not in message:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        return self._apply_edit(message, {"text": text, "entities": entities or None, "reply_markup": markup})

    @api("editMessageCaption")
    async def _api_edit_message_caption(self, p: Json, request: web.Request) -> Json | bool:
        message = self._editable(p)
        caption = self._caption(p)
        markup = self._markup(p)
        if message is None:
            return True
        if not any(k in message for k in MEDIA_KINDS):
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        return self._apply_edit(
            message,
            {
                "caption": caption.get("caption"),
                "caption_entities": caption.get("caption_entities"),
                "reply_markup": markup,
            },
        )

    @api("editMessageReplyMarkup")
    async def _api_edit_message_reply_markup(self, p: Json, request: web.Request) -> Json | bool:
        message = self._editable(p)
        markup = self._markup(p)
        if message is None:
            return True
        return self._apply_edit(message, {"reply_markup": markup})

    @api("deleteMessage")
    async def _api_delete_message(self, p: Json, request: web.Request) -> bool:
        chat = self._known_chat(p.get("chat_id"))
        if not self.store.delete(chat.id, int(p.get("message_id") or 0)):
            raise ApiError(400, "Bad Request: message to delete not found")
        return True

    @api("deleteMessages")
    async def _api_delete_messages(self, p: Json, request: web.Request) -> bool:
        chat = self._known_chat(p.get("chat_id"))
        for message_id in p.get("message_ids") or []:
            self.store.delete(chat.id, int(message_id))
        return True

    @api("answerCallbackQuery")
    async def _api_answer_callback_query(self, p: Json, request: web.Request) -> bool:
        query_id = str(p.get("callback_query_id") or "")
        if self.callbacks.get(query_id, True):  # unknown or already answered
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        self.callbacks[query_id] = True
        return True

    # ---------------------------------------------------------------- chats & files

    @api("getChat")
    async def _api_get_chat(self, p: Json, request: web.Request) -> Json:
        chat = self._known_chat(p.get("chat_id"))
        gifts = {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        }
        return {
            **chat.to_json(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": gifts,
        }

    @api("getChatMember")
    async def _api_get_chat_member(self, p: Json, request: web.Request) -> Json:
        chat = self._known_chat(p.get("chat_id"))
        return self._member_json(chat.id, self._user_json(int(p.get("user_id") or 0)))

    @api("getChatAdministrators")
    async def _api_get_chat_administrators(self, p: Json, request: web.Request) -> list[Json]:
        chat = self._known_chat(p.get("chat_id"))
        if chat.is_private:
            raise ApiError(400, "Bad Request: there are no administrators in the private chat")
        admins = [
            user_id
            for (chat_id, user_id), status in self.member_status.items()
            if chat_id == chat.id and status in ("creator", "administrator")
        ]
        return [self._member_json(chat.id, self._user_json(user_id)) for user_id in admins]

    @api("getFile")
    async def _api_get_file(self, p: Json, request: web.Request) -> Json:
        file_id = str(p.get("file_id") or "")
        if not file_id:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": file_unique_id(file_id),
            "file_size": len(self._file_bytes(file_id)),
            "file_path": f"files/{file_id}",
        }

    @api("pinChatMessage")
    async def _api_pin_chat_message(self, p: Json, request: web.Request) -> bool:
        chat = self._reachable_chat(p.get("chat_id"))
        if self.store.get(chat.id, int(p.get("message_id") or 0)) is None:
            raise ApiError(400, "Bad Request: message to pin not found")
        return True

    @api("unpinChatMessage")
    async def _api_unpin_chat_message(self, p: Json, request: web.Request) -> bool:
        self._reachable_chat(p.get("chat_id"))
        return True
