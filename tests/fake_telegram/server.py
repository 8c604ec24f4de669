"""The HTTP side of the fake: an aiohttp app speaking the Telegram Bot API.

``BotApiServer`` owns the world state and answers ``/bot<token>/<method>``
exactly in the Bot API's envelope, so the real aiogram client (and its error
mapping: TelegramBadRequest, TelegramRetryAfter, ...) runs unmodified.
The test-facing helpers (users acting, waiting for calls) are in ``fake.py``.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import re
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from aiohttp import web

from .formatting import MAX_CAPTION, MAX_TEXT, EntityParseError, format_text
from .limits import FLOOD_METHODS, FloodGate
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

Handler = Callable[[Json, web.Request], Awaitable[Any]]
F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_BOT_ID = 123456
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
MEMBER_STATUSES = ("creator", "administrator", "member", "restricted", "left", "kicked")

# Form values are strings; these stay strings even when they look like numbers
# (a phone number, a callback query id, "123" as message text ...).
_STRING_PARAMS = frozenset(
    {
        "text", "caption", "parse_mode", "callback_query_id", "inline_message_id", "url",
        "data", "file_id", "phone_number", "first_name", "last_name", "vcard", "title",
        "description", "short_description", "name", "emoji", "action", "language_code",
        "secret_token", "ip_address", "business_connection_id", "message_effect_id",
        "address", "foursquare_id", "foursquare_type", "google_place_id",
        "google_place_type", "question", "custom_emoji_id", "payload", "currency",
        "provider_token", "start_parameter", "certificate", "thumbnail", *MEDIA_KINDS,
    }
)  # fmt: skip
_INT = re.compile(r"-?\d+")
_FLOAT = re.compile(r"-?\d+\.\d*(?:[eE][-+]?\d+)?")
_CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice",
        "upload_voice", "upload_document", "choose_sticker", "find_location",
        "record_video_note", "upload_video_note",
    }
)  # fmt: skip
_BUTTON_ACTIONS = frozenset(
    {
        "url", "callback_data", "web_app", "login_url", "switch_inline_query",
        "switch_inline_query_current_chat", "switch_inline_query_chosen_chat",
        "copy_text", "callback_game", "pay",
    }
)  # fmt: skip
# Message fields that make up its content (what copyMessage/forwardMessage carry).
_CONTENT_KEYS = (
    "text", "entities", "caption", "caption_entities", "location", "contact",
    "venue", "dice", "poll", *MEDIA_KINDS,
)  # fmt: skip


def api(name: str) -> Callable[[F], F]:
    """Mark a coroutine method as the handler of Bot API method ``name``."""

    def mark(fn: F) -> F:
        fn.__api_method__ = name  # type: ignore[attr-defined]
        return fn

    return mark


def _official_names() -> dict[str, str]:
    """lower-case -> official camelCase, so unknown calls are still logged nicely."""
    try:
        import aiogram.methods as methods
    except ImportError:  # pragma: no cover - the fake itself does not need aiogram
        return {}
    names = (getattr(getattr(methods, n), "__api_method__", None) for n in methods.__all__)
    return {n.lower(): n for n in names if isinstance(n, str)}


def _decode(key: str, value: str) -> Any:
    """Turn one form field back into the value aiogram serialised."""
    if key in ("chat_id", "from_chat_id"):
        return int(value) if _INT.fullmatch(value) else value
    if key in _STRING_PARAMS:
        return value
    if value in ("true", "false"):
        return value == "true"
    if _INT.fullmatch(value):
        return int(value)
    if _FLOAT.fullmatch(value):
        return float(value)
    if value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _upload(field: web.FileField) -> Json:
    content = field.file.read()
    return {"filename": field.filename, "content": content, "size": len(content)}


def _resolve_attach(value: Any, uploads: dict[str, Json]) -> Any:
    if isinstance(value, str) and value.startswith("attach://"):
        name = value[len("attach://") :]
        if name not in uploads:
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        return uploads[name]
    return value


async def read_params(request: web.Request) -> Json:
    """Decode query, urlencoded, multipart or JSON bodies into one params dict."""
    params: Json = {k: _decode(k, v) for k, v in request.query.items()}
    uploads: dict[str, Json] = {}
    if request.content_type == "application/json":
        body = await request.json() if request.can_read_body else {}
        for key, value in (body or {}).items():
            if key in ("chat_id", "from_chat_id") and isinstance(value, str):
                value = _decode(key, value)
            params[key] = value
    elif request.can_read_body:
        for key, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                uploads[key] = _upload(value)
            elif isinstance(value, str):
                params[key] = _decode(key, value)
    for key, upload in uploads.items():  # a file sent directly under its field name
        if key in _STRING_PARAMS or key == "media":
            params.setdefault(key, upload)
    for key, value in list(params.items()):
        params[key] = _resolve_attach(value, uploads)
        if key == "media" and isinstance(value, list):
            params[key] = [
                {k: _resolve_attach(v, uploads) for k, v in item.items()}
                if isinstance(item, dict) else item
                for item in value
            ]  # fmt: skip
    return params


def _json_response(body: Json, status: int = 200) -> web.Response:
    return web.Response(
        text=json.dumps(body, ensure_ascii=False), status=status, content_type="application/json"
    )


class BotApiServer:
    """World state + aiohttp app. Subclassed by ``FakeTelegram``."""

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
        self.member_status: dict[tuple[int | str, int], str] = {}
        self.files: dict[str, bytes] = {}
        self.file_meta: dict[str, Json] = {}  # file_id -> known file_name/mime_type
        self.commands: dict[tuple[str, str], list[Json]] = {}
        self.callbacks: dict[str, bool] = {}  # callback query id -> answered
        self.webhook_url = ""
        self.allowed_updates: list[str] | None = None
        self.flood: FloodGate | None = None
        self._ids = itertools.count(1)  # for generated file ids, media groups, callbacks
        self._stopping = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port: int | None = None
        self._official = _official_names()
        self._handlers: dict[str, tuple[str, Handler]] = {}
        for attr in dir(type(self)):
            name = getattr(getattr(type(self), attr), "__api_method__", None)
            if name:
                self._handlers[name.lower()] = (name, getattr(self, attr))

    # ---------------------------------------------------------------- lifecycle

    @property
    def base_url(self) -> str:
        if self.port is None:
            raise RuntimeError("FakeTelegram is not started")
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._stopping = asyncio.Event()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        # Short shutdown: pending long polls are woken by _stopping anyway.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        self._stopping.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _pause(self, event: asyncio.Event, timeout: float) -> None:
        """Wait for ``event`` (or server stop) at most ``timeout`` seconds."""
        waiters = [asyncio.ensure_future(event.wait()), asyncio.ensure_future(self._stopping.wait())]
        try:
            await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()

    # ---------------------------------------------------------------- identity

    @property
    def bot_id(self) -> int:
        return self._bot_id or DEFAULT_BOT_ID

    @property
    def bot_user(self) -> Json:
        return {"id": self.bot_id, "is_bot": True, "first_name": self.bot_first_name,
                "username": self.bot_username}  # fmt: skip

    def _note_token(self, token: str) -> None:
        if self._bot_id is None:
            digits = token.split(":", 1)[0]
            if digits.isdigit():
                self._bot_id = int(digits)

    # ---------------------------------------------------------------- HTTP

    async def _handle_method(self, request: web.Request) -> web.Response:
        self._note_token(request.match_info["token"])
        raw_name = request.match_info["method"]
        known = self._handlers.get(raw_name.lower())
        method = known[0] if known else self._official.get(raw_name.lower(), raw_name)
        try:
            params = await read_params(request)
        except ApiError as exc:
            return _json_response(exc.to_json(), exc.code)
        call = ApiCall(method=method, params=params)
        self.requests.append(call)
        self.stats[method] += 1
        self.calls_changed.fire()
        try:
            try:
                result = await self._execute(call, request)
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                # Malformed params (or a fake bug): answer like Telegram would, visibly.
                raise ApiError(400, f"Bad Request: fake_telegram could not handle it: {exc!r}")
        except ApiError as exc:
            call.error = (exc.code, exc.description)
            self.stats["errors"] += 1
            if exc.code == 429:
                self.stats["429"] += 1
            return _json_response(exc.to_json(), exc.code)
        finally:
            call.done = True
            self.calls_changed.fire()
        call.result = copy.deepcopy(result)
        return _json_response({"ok": True, "result": result})

    async def _execute(self, call: ApiCall, request: web.Request) -> Any:
        known = self._handlers.get(call.method.lower())
        if known is None:
            raise ApiError(404, "Not Found: method not found")
        fault = next((f for f in self.faults if f.matches(call.method, call.params)), None)
        if fault is not None:
            if fault.times is not None:
                fault.times -= 1
            fault.hits += 1
            if fault.delay:
                await self._pause(asyncio.Event(), fault.delay)
            if fault.error_code is not None:
                raise self._fault_error(fault)
        if self.flood is not None and call.method in FLOOD_METHODS:
            self._check_flood(call)
        return await known[1](call.params, request)

    @staticmethod
    def _fault_error(fault: Fault) -> ApiError:
        code = int(fault.error_code or 500)
        retry_after = fault.retry_after
        if code == 429 and retry_after is None:
            m = re.search(r"retry after (\d+)", fault.description or "")
            retry_after = int(m.group(1)) if m else 1
        defaults = {400: "Bad Request", 403: "Forbidden", 404: "Not Found",
                    429: f"Too Many Requests: retry after {retry_after}",
                    500: "Internal Server Error", 502: "Bad Gateway"}  # fmt: skip
        description = fault.description or defaults.get(code, "Error")
        return ApiError(code, description, retry_after if code == 429 else None)

    def _check_flood(self, call: ApiCall) -> None:
        assert self.flood is not None
        chat_id = call.params.get("chat_id")
        chat = self.chats.get(chat_id) if chat_id is not None else None
        private = chat.is_private if chat else isinstance(chat_id, int) and chat_id > 0
        media = call.params.get("media")
        weight = len(media) if call.method == "sendMediaGroup" and isinstance(media, list) else 1
        retry_after = self.flood.admit(chat_id, private, max(weight, 1))
        if retry_after is not None:
            raise ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)

    async def _handle_file(self, request: web.Request) -> web.Response:
        self._note_token(request.match_info["token"])
        path = request.match_info["path"]
        if not path.startswith("files/"):
            return _json_response({"ok": False, "error_code": 404, "description": "Not Found"}, 404)
        file_id = path[len("files/") :]
        return web.Response(body=self._file_bytes(file_id), content_type="application/octet-stream")

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
                p.get(key), p.get("parse_mode"), p.get(entities_key),
                strict_entities=self.strict_html_entities,
            )  # fmt: skip
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
        params = p.get("reply_parameters") if isinstance(p.get("reply_parameters"), dict) else {}
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
        self, chat: FakeChat, sender: Json, content: Json, *, by_bot: bool,
        reply_to: Json | None = None,
    ) -> Json:  # fmt: skip
        """Create, store and return a Message (shared per-chat message_id counter)."""
        message: Json = {
            "message_id": self.store.allocate_id(chat.id),
            "from": sender,
            "chat": chat.to_json(),
            "date": now_unix(),
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
            meta = {"file_name": value.get("filename"), "file_size": value.get("size")}
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
            member.update(
                can_be_edited=False, is_anonymous=False, can_manage_chat=True,
                can_delete_messages=True, can_manage_video_chats=True,
                can_restrict_members=True, can_promote_members=False, can_change_info=True,
                can_invite_users=True, can_post_stories=False, can_edit_stories=False,
                can_delete_stories=False, can_send_welcome_messages=False,
                can_pin_messages=True,
            )  # fmt: skip
        elif status == "kicked":
            member["until_date"] = 0
        elif status == "restricted":
            member.update({k: False for k in (
                "can_send_messages", "can_send_audios", "can_send_documents",
                "can_send_photos", "can_send_videos", "can_send_video_notes",
                "can_send_voice_notes", "can_send_polls", "can_send_other_messages",
                "can_add_web_page_previews", "can_react_to_messages", "can_edit_tag",
                "can_change_info", "can_invite_users", "can_pin_messages",
                "can_manage_topics",
            )}, is_member=True, until_date=0)  # fmt: skip
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
        return {**self.bot_user, "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False}  # fmt: skip

    @api("getUpdates")
    async def _api_get_updates(self, p: Json, request: web.Request) -> list[Json]:
        if self.webhook_url:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")  # fmt: skip
        if isinstance(p.get("allowed_updates"), list):
            self.allowed_updates = p["allowed_updates"]  # sticky, like the real API
        if p.get("offset"):
            self.updates.confirm(int(p["offset"]))
            self.calls_changed.fire()  # lets wait_consumed() re-check
        limit = min(max(int(p.get("limit") or 100), 1), 100)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + min(max(float(p.get("timeout") or 0), 0.0), self.max_poll_wait)
        while True:
            arrived = self.updates.arrived.event  # grab before checking: no lost wake-up
            if request.transport is None or self._stopping.is_set():
                return []  # the poller hung up (e.g. polling stopped): deliver nothing
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
        return {"url": self.webhook_url, "has_custom_certificate": False,
                "pending_update_count": len(self.updates)}  # fmt: skip

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
        return [
            self.new_message(chat, self.bot_user, c, by_bot=True, reply_to=reply_to)
            for c in contents
        ]

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
        edited["edit_date"] = now_unix()
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
        return self._apply_edit(message, {"text": text, "entities": entities or None,
                                          "reply_markup": markup})  # fmt: skip

    @api("editMessageCaption")
    async def _api_edit_message_caption(self, p: Json, request: web.Request) -> Json | bool:
        message = self._editable(p)
        caption = self._caption(p)
        markup = self._markup(p)
        if message is None:
            return True
        if not any(k in message for k in MEDIA_KINDS):
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        return self._apply_edit(message, {"caption": caption.get("caption"),
                                          "caption_entities": caption.get("caption_entities"),
                                          "reply_markup": markup})  # fmt: skip

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
            raise ApiError(400, "Bad Request: query is too old and response timeout expired "
                                "or query ID is invalid")  # fmt: skip
        self.callbacks[query_id] = True
        return True

    # ---------------------------------------------------------------- chats & files

    @api("getChat")
    async def _api_get_chat(self, p: Json, request: web.Request) -> Json:
        chat = self._known_chat(p.get("chat_id"))
        gifts = {"unlimited_gifts": False, "limited_gifts": False, "unique_gifts": False,
                 "premium_subscription": False, "gifts_from_channels": False}  # fmt: skip
        return {**chat.to_json(), "accent_color_id": 0, "max_reaction_count": 11,
                "accepted_gift_types": gifts}  # fmt: skip

    @api("getChatMember")
    async def _api_get_chat_member(self, p: Json, request: web.Request) -> Json:
        chat = self._known_chat(p.get("chat_id"))
        return self._member_json(chat.id, self._user_json(int(p.get("user_id") or 0)))

    @api("getChatAdministrators")
    async def _api_get_chat_administrators(self, p: Json, request: web.Request) -> list[Json]:
        chat = self._known_chat(p.get("chat_id"))
        if chat.is_private:
            raise ApiError(400, "Bad Request: there are no administrators in the private chat")
        admins = [user_id for (chat_id, user_id), status in self.member_status.items()
                  if chat_id == chat.id and status in ("creator", "administrator")]  # fmt: skip
        return [self._member_json(chat.id, self._user_json(user_id)) for user_id in admins]

    @api("getFile")
    async def _api_get_file(self, p: Json, request: web.Request) -> Json:
        file_id = str(p.get("file_id") or "")
        if not file_id:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {"file_id": file_id, "file_unique_id": file_unique_id(file_id),
                "file_size": len(self._file_bytes(file_id)), "file_path": f"files/{file_id}"}  # fmt: skip

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
