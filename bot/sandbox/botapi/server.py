"""The HTTP side of the fake: an aiohttp app speaking the Telegram Bot API.

``BotApiServer`` answers ``/bot<token>/<method>`` in exactly the Bot API's
envelope, so the real aiogram client (and its error mapping: TelegramBadRequest,
TelegramRetryAfter, ...) runs unmodified. Before a handler from ``methods.py``
runs, injected faults and (optional) flood limits get their say.
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from .limits import FLOOD_METHODS
from .methods import BotApiMethods
from .model import MEDIA_KINDS, ApiCall, ApiError, Fault, Json

Handler = Callable[[Json, web.Request], Awaitable[Any]]
log = logging.getLogger(__name__)


# Form values are strings; these stay strings even when they look like numbers
# (a phone number, a callback query id, "123" as message text ...).
# fmt: off
_STRING_PARAMS = frozenset({
    "text", "caption", "parse_mode", "callback_query_id", "inline_message_id", "url", "data",
    "file_id", "phone_number", "first_name", "last_name", "vcard", "title", "description",
    "short_description", "name", "emoji", "action", "language_code", "secret_token",
    "ip_address", "business_connection_id", "message_effect_id", "address", "foursquare_id",
    "foursquare_type", "google_place_id", "google_place_type", "question", "custom_emoji_id",
    "payload", "currency", "provider_token", "start_parameter", "certificate", "thumbnail",
    *MEDIA_KINDS,
})
# fmt: on
_INT = re.compile(r"-?\d+")
_FLOAT = re.compile(r"-?\d+\.\d*(?:[eE][-+]?\d+)?")


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
        try:
            body = await request.json() if request.can_read_body else {}
        except ValueError:
            raise ApiError(400, "Bad Request: can't parse JSON request body") from None
        for key, value in (body or {}).items():
            if key in ("chat_id", "from_chat_id") and isinstance(value, str):
                value = _decode(key, value)
            params[key] = value
    elif request.can_read_body:
        for key, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                uploads[key] = _upload(value)
            else:  # multipart text parts may arrive as bytes
                text = value.decode() if isinstance(value, bytes) else str(value)
                params[key] = _decode(key, text)
    for key, upload in uploads.items():  # a file sent directly under its field name
        if key in _STRING_PARAMS or key == "media":
            params.setdefault(key, upload)
    for key, value in list(params.items()):
        params[key] = _resolve_attach(value, uploads)
        if key == "media" and isinstance(value, list):
            params[key] = [
                {k: _resolve_attach(v, uploads) for k, v in item.items()} if isinstance(item, dict) else item
                for item in value
            ]
    return params


def _json_response(body: Json, status: int = 200) -> web.Response:
    return web.Response(text=json.dumps(body, ensure_ascii=False), status=status, content_type="application/json")


class BotApiServer(BotApiMethods):
    """The aiohttp app around the method handlers. Subclassed by ``FakeTelegram``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
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
            result = await self._run(call, request)
            call.result = copy.deepcopy(result)  # freeze what the bot was told
        except ApiError as exc:
            call.error = (exc.code, exc.description)
            self.stats["errors"] += 1
            if exc.code == 429:
                self.stats["429"] += 1
            return _json_response(exc.to_json(), exc.code)
        finally:
            call.done = True
            self.calls_changed.fire()
        return _json_response({"ok": True, "result": result})

    async def _run(self, call: ApiCall, request: web.Request) -> Any:
        try:
            return await self._execute(call, request)
        except ApiError:
            raise
        except Exception as exc:
            # Malformed params (or a bug in the fake): fail this call visibly
            # instead of letting aiohttp answer a non-JSON 500.
            log.exception("sandbox Bot API failed on %s %r", call.method, call.params)
            raise ApiError(400, f"Bad Request: the sandbox Bot API could not handle: {exc!r}") from exc

    async def _execute(self, call: ApiCall, request: web.Request) -> Any:
        """Faults first, then flood limits, then the method handler itself."""
        known = self._handlers.get(call.method.lower())
        if known is None:
            raise ApiError(404, "Not Found: method not found")
        fault = next((f for f in self.faults if f.matches(call.method, call.params)), None)
        if fault is not None:
            call.fault = fault
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
        defaults = {
            400: "Bad Request",
            403: "Forbidden",
            404: "Not Found",
            429: f"Too Many Requests: retry after {retry_after}",
            500: "Internal Server Error",
            502: "Bad Gateway",
        }
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
