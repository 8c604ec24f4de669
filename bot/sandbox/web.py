"""The sandbox page and its JSON API (aiohttp). The page acts as the person who speaks in the chat
it shows: every action becomes the Update Telegram would send the bot, through the local Bot API.

POSTs need the header `X-Sandbox: 1`: a page from another origin cannot add it without a CORS
preflight, which this server never grants, so other sites cannot act in the sandbox.

Every text is a Fluent message (bot/locales/*/sandbox.ftl) in the language of the request's `lang`
parameter, else the configured DEFAULT_LOCALE: the page's own texts come from /api/texts.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.i18n import Translate
from bot.sandbox import world

if TYPE_CHECKING:
    from bot.sandbox.app import Sandbox

STATIC = Path(__file__).parent / "static"
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_TEXT = 4096
# Magic numbers of the images a page may upload and be shown: nothing else is served back.
IMAGE_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg", b"GIF8": "image/gif"}
COUNTY_CENTRE = (31.9476, 108.6647)  # 城口县, where a shared location falls (a little scattered)
SANDBOX: web.AppKey[Sandbox] = web.AppKey("sandbox")
_photo_ids = itertools.count(1)


def build_app(sandbox: Sandbox) -> web.Application:
    app = web.Application(client_max_size=MAX_PHOTO_BYTES + 64 * 1024, middlewares=[_guard])
    app[SANDBOX] = sandbox
    app.router.add_get("/", _index)
    app.router.add_static("/static/", STATIC)
    app.router.add_get("/font/cjk.ttf", _font)
    app.router.add_get("/api/texts", _texts)
    app.router.add_get("/api/state", _state)
    app.router.add_get("/api/events", _events)
    app.router.add_get("/api/chats/{chat_id}", _chat)
    app.router.add_post("/api/chats/{chat_id}/text", _text)
    app.router.add_post("/api/chats/{chat_id}/press", _press)
    app.router.add_post("/api/chats/{chat_id}/contact", _contact)
    app.router.add_post("/api/chats/{chat_id}/location", _location)
    app.router.add_post("/api/chats/{chat_id}/photo", _photo)
    app.router.add_get("/api/files/{file_id}", _file)
    app.router.add_post("/api/clock", _clock)
    return app


@web.middleware
async def _guard(request: web.Request, handler: Any) -> web.StreamResponse:
    if request.method == "POST" and request.headers.get("X-Sandbox") != "1":
        return _error(request, 403, "sandbox-error-header")
    response = await handler(request)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    return response


def _translate(request: web.Request) -> Translate:
    """The request's language: its `lang` parameter, else the configured DEFAULT_LOCALE."""
    return _sandbox(request).translator.bind(request.query.get("lang"))


def _error(request: web.Request, status: int, key: str, **args: Any) -> web.Response:
    return web.json_response({"error": _translate(request)(key, **args)}, status=status, dumps=_dumps)


def _refusal(request: web.Request, kind: type[web.HTTPException], key: str) -> web.HTTPException:
    """The same answer as `_error`, to raise from deep inside a handler."""
    return kind(text=_dumps({"error": _translate(request)(key)}), content_type="application/json")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


async def _index(request: web.Request) -> web.FileResponse:
    response = web.FileResponse(STATIC / "index.html")
    # The page runs only its own script and styles: no inline script, nothing from elsewhere.
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' blob:; style-src 'self'; script-src 'self'; connect-src 'self'"
    )
    return response


async def _font(request: web.Request) -> web.StreamResponse:
    """Noto Sans SC, which the project installs anyway: Chinese shows on machines without a CJK font."""
    from bot.fonts import _variable_font

    return web.FileResponse(_variable_font(), headers={"Content-Type": "font/ttf", "Cache-Control": "max-age=86400"})


def _sandbox(request: web.Request) -> Sandbox:
    return request.app[SANDBOX]


def _entry(request: web.Request) -> world.Chat:
    try:
        found = world.chat(int(request.match_info["chat_id"]))
    except ValueError:
        found = None
    if found is None:
        raise _refusal(request, web.HTTPNotFound, "sandbox-error-no-chat")
    return found


def _local(sandbox: Sandbox, moment: datetime) -> str:
    return moment.astimezone(sandbox.settings.tz).strftime("%Y-%m-%d %H:%M")


def _presets(sandbox: Sandbox, t: Translate) -> list[dict[str, str]]:
    """Jumps the page offers: the next duty day's reminder, and plain steps."""
    settings = sandbox.settings
    now = sandbox.clock.now().astimezone(settings.tz)
    at = settings.deputy_day_time
    duty = now.replace(day=1, hour=at.hour, minute=at.minute, second=0, microsecond=0)
    for _ in range(3):  # this month's duty day, or the next month's
        try:
            candidate = duty.replace(day=settings.deputy_duty_day)
        except ValueError:
            candidate = None
        if candidate is not None and candidate > now:
            break
        duty = (duty + timedelta(days=32)).replace(day=1)
    duty_day = (
        t("sandbox-preset-duty-day", month=f"{candidate:%m}", day=f"{candidate:%d}", time=f"{candidate:%H:%M}")
        if candidate
        else ""
    )
    steps = [
        (duty_day, candidate),
        (t("sandbox-preset-hours", hours=1), now + timedelta(hours=1)),
        *((t("sandbox-preset-days", days=days), now + timedelta(days=days)) for days in (1, 3, 7)),
    ]
    return [{"label": label, "to": moment.isoformat()} for label, moment in steps if moment is not None and label]


async def _texts(request: web.Request) -> web.Response:
    """Every text of the page in the request's language, the languages to switch to (each by its own name)."""
    translator = _sandbox(request).translator
    locale = translator.resolve(request.query.get("lang"))
    languages = [{"code": code, "name": translator.get(code, "sandbox-language-name")} for code in translator.locales]
    return web.json_response(
        {"locale": locale, "languages": languages, "texts": translator.group(locale, "sandbox-")}, dumps=_dumps
    )


async def _state(request: web.Request) -> web.Response:
    sandbox = _sandbox(request)
    telegram = sandbox.telegram
    t = _translate(request)
    chats = [
        {
            "id": c.chat_id,
            "title": c.title,
            "kind": c.kind,
            "subtitle": t(c.subtitle, **dict(c.subtitle_args)),
            "speaker": c.speaker.name,
            "group": c.is_group,
            "rev": telegram.revisions.get(c.chat_id, 0),
        }
        for c in world.CHATS
    ]
    now = sandbox.clock.now()
    return web.json_response(
        {
            "chats": chats,
            "now": _local(sandbox, now),
            "timezone": sandbox.settings.timezone,
            "presets": _presets(sandbox, t),
            "bot_id": telegram.bot_id,
        },
        dumps=_dumps,
    )


async def _chat(request: web.Request) -> web.Response:
    sandbox = _sandbox(request)
    entry = _entry(request)
    telegram = sandbox.telegram
    tz = sandbox.settings.tz
    messages = [  # when, as the chat's people read it: in the configured zone, on the sandbox's clock
        {**m, "sandbox_time": datetime.fromtimestamp(m["date"], tz).strftime("%m-%d %H:%M")}
        for m in telegram.messages(entry.chat_id)
    ]
    return web.json_response(
        {
            "messages": messages,
            "keyboard": telegram.keyboards.get(entry.chat_id),
            "force_reply": telegram.force_reply.get(entry.chat_id),
            "rev": telegram.revisions.get(entry.chat_id, 0),
            "bot_id": telegram.bot_id,
        },
        dumps=_dumps,
    )


async def _events(request: web.Request) -> web.StreamResponse:
    """Server-sent events: the revisions of the chats that changed, and the sandbox's time."""
    sandbox = _sandbox(request)
    telegram = sandbox.telegram
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
    await response.prepare(request)
    sent: dict[int | str, int] = {}
    shown_now = None
    while True:
        changed = telegram.changed.event  # taken before looking: no change is missed
        revisions = dict(telegram.revisions)
        fresh = {str(k): v for k, v in revisions.items() if sent.get(k) != v}
        now = _local(sandbox, sandbox.clock.now())
        if fresh or now != shown_now:
            payload = {"revisions": fresh, "now": now}
            await response.write(f"data: {_dumps(payload)}\n\n".encode())
            sent, shown_now = revisions, now
        try:
            await asyncio.wait_for(changed.wait(), 15)
        except TimeoutError:
            await response.write(b": still here\n\n")


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise _refusal(request, web.HTTPBadRequest, "sandbox-error-json") from None
    if not isinstance(body, dict):
        raise _refusal(request, web.HTTPBadRequest, "sandbox-error-json")
    return body


def _reply_target(request: web.Request, entry: world.Chat, value: Any) -> dict[str, Any] | None:
    if value in (None, ""):
        return None
    message = _sandbox(request).telegram.message(entry.chat_id, int(value))
    if message is None:
        raise _refusal(request, web.HTTPBadRequest, "sandbox-error-reply-gone")
    return message


def _user(sandbox: Sandbox, entry: world.Chat) -> Any:
    return sandbox.telegram.users[entry.speaker.user_id]


def _sent(message: dict[str, Any]) -> web.Response:
    return web.json_response({"message_id": message["message_id"]})


async def _text(request: web.Request) -> web.Response:
    sandbox, entry = _sandbox(request), _entry(request)
    body = await _body(request)
    text = str(body.get("text") or "").strip()
    if not text or len(text) > MAX_TEXT:
        return _error(request, 400, "sandbox-error-text", max=str(MAX_TEXT))
    reply_to = _reply_target(request, entry, body.get("reply_to"))
    sandbox.telegram.force_reply.pop(entry.chat_id, None)
    message = await sandbox.telegram.send_text(_user(sandbox, entry), text, chat=entry.chat_id, reply_to=reply_to)
    return _sent(message)


async def _press(request: web.Request) -> web.Response:
    """Press an inline button the message shows now; answers what the bot says (toast or alert)."""
    sandbox, entry = _sandbox(request), _entry(request)
    telegram = sandbox.telegram
    body = await _body(request)
    message = telegram.message(entry.chat_id, int(body.get("message_id") or 0))
    if message is None:
        return _error(request, 404, "sandbox-error-message-gone")
    mark = telegram.mark()
    try:
        query = await telegram.press(_user(sandbox, entry), message, str(body.get("data") or ""))
    except AssertionError:
        return _error(request, 409, "sandbox-error-button-gone")
    answer: dict[str, Any] = {}
    with contextlib.suppress(AssertionError):
        call = await telegram.wait_for(
            "answerCallbackQuery",
            since=mark,
            timeout=5,
            where=lambda c: c.params.get("callback_query_id") == query["id"],
        )
        answer = {"text": call.params.get("text"), "alert": bool(call.params.get("show_alert"))}
    return web.json_response(answer, dumps=_dumps)


async def _contact(request: web.Request) -> web.Response:
    sandbox, entry = _sandbox(request), _entry(request)
    phone = entry.speaker.phone or "13700000000"
    sandbox.telegram.keyboards.pop(entry.chat_id, None)  # a one-time keyboard, as the bot asks for it
    return _sent(await sandbox.telegram.send_contact(_user(sandbox, entry), phone_number=phone, chat=entry.chat_id))


async def _location(request: web.Request) -> web.Response:
    sandbox, entry = _sandbox(request), _entry(request)
    latitude = COUNTY_CENTRE[0] + random.uniform(-0.01, 0.01)
    longitude = COUNTY_CENTRE[1] + random.uniform(-0.01, 0.01)
    message = await sandbox.telegram.send_location(
        _user(sandbox, entry), round(latitude, 6), round(longitude, 6), chat=entry.chat_id
    )
    return _sent(message)


async def _photo(request: web.Request) -> web.Response:
    sandbox, entry = _sandbox(request), _entry(request)
    fields: dict[str, Any] = {}
    async for part in await request.multipart():
        if part.name == "photo":
            fields["photo"] = await part.read(decode=False)
        elif part.name in ("caption", "reply_to"):
            fields[part.name] = (await part.text())[:1024]
    content = fields.get("photo") or b""
    if not content or _image_type(content) is None:
        return _error(request, 400, "sandbox-error-photo")
    file_id = f"sandbox-photo-{next(_photo_ids):05d}"
    sandbox.telegram.set_file(file_id, bytes(content))
    message = await sandbox.telegram.send_photo(
        _user(sandbox, entry),
        file_id=file_id,
        caption=fields.get("caption") or None,
        chat=entry.chat_id,
        reply_to=_reply_target(request, entry, fields.get("reply_to")),
    )
    return _sent(message)


def _image_type(content: bytes) -> str | None:
    return next((kind for magic, kind in IMAGE_TYPES.items() if content.startswith(magic)), None)


async def _file(request: web.Request) -> web.Response:
    content = _sandbox(request).telegram.files.get(request.match_info["file_id"])
    kind = _image_type(content) if content else None
    if content is None or kind is None:
        raise web.HTTPNotFound()
    return web.Response(body=content, content_type=kind, headers={"Cache-Control": "max-age=3600"})


async def _clock(request: web.Request) -> web.Response:
    """Jump to `to` (ISO; the configured zone if none given) and run the jobs that fell due."""
    sandbox = _sandbox(request)
    body = await _body(request)
    try:
        moment = datetime.fromisoformat(str(body.get("to") or ""))
    except ValueError:
        return _error(request, 400, "sandbox-error-time-format")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=sandbox.settings.tz)
    if moment <= sandbox.clock.now():
        return _error(request, 400, "sandbox-error-time-backwards")
    result = await sandbox.jump(moment)
    t = _translate(request)
    ran = [f"{name}: {done.in_(t)}" for name, done in result.ran]
    return web.json_response({"now": _local(sandbox, result.now), "ran": ran}, dumps=_dumps)
