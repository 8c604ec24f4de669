"""GeoReport v2 over HTTP (JSON only), under /open311/v2/: inside `gridline run --webhook`'s server
(bot/webhook.py) or alone (`gridline api`)."""

from __future__ import annotations

import asyncio
import json
import logging
import signal
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from pydantic import ValidationError

from bot.open311.georeport import GeoReport, Refused, parse_query
from bot.open311.keys import client_of
from bot.services import Services

log = logging.getLogger(__name__)

PREFIX = "/open311/v2"
GEOREPORT: web.AppKey[GeoReport] = web.AppKey("georeport")
Handler = Callable[[web.Request], Awaitable[Any]]


def add_open311(app: web.Application, services: Services) -> None:
    """Mount the API on an aiohttp application (each path with and without its `.json`)."""
    app[GEOREPORT] = GeoReport(services)
    routes = [
        ("GET", "/services", _services),
        ("GET", "/services/{code}", _definition),
        ("GET", "/requests", _requests),
        ("POST", "/requests", _create),
        ("GET", "/requests/{ref}", _request),
    ]
    for method, path, handler in routes:
        for suffix in ("", ".json"):
            app.router.add_route(method, PREFIX + path + suffix, _answering(handler))


def _answering(handler: Handler) -> Handler:
    """The spec's error shape for every refusal: [{"code": status, "description": ...}]."""

    async def answer(request: web.Request) -> web.Response:
        try:
            body = await handler(request)
        except Refused as refused:
            return _json([{"code": refused.status, "description": refused.description}], refused.status)
        return _json(body, 201 if request.method == "POST" else 200)

    return answer


def _json(body: Any, status: int = 200) -> web.Response:
    response = web.json_response(body, status=status, dumps=lambda value: json.dumps(value, ensure_ascii=False))
    response.headers["Access-Control-Allow-Origin"] = "*"  # public data; POST needs a key anyway
    return response


def _code(request: web.Request, name: str) -> str:
    value = request.match_info[name]
    return value[: -len(".json")] if value.endswith(".json") else value


async def _services(request: web.Request) -> Any:
    return await request.app[GEOREPORT].services_list()


async def _definition(request: web.Request) -> Any:
    return await request.app[GEOREPORT].definition(_code(request, "code"))


async def _requests(request: web.Request) -> Any:
    georeport = request.app[GEOREPORT]
    return await georeport.find(parse_query(dict(request.query), georeport.tz))


async def _request(request: web.Request) -> Any:
    return await request.app[GEOREPORT].one(_code(request, "ref"))


async def _create(request: web.Request) -> Any:
    georeport = request.app[GEOREPORT]
    form = {key: str(value) for key, value in (await request.post()).items() if isinstance(value, str)}
    async with georeport.services.db.session() as s:
        client = await client_of(s, form.get("api_key") or request.query.get("api_key"))
    if client is None:
        raise Refused(403, "a valid api_key is required to post a service request")
    try:
        return await georeport.create(client=client, form=form)
    except ValidationError as error:
        raise Refused(400, f"invalid request: {error.errors()[0]['msg']}") from None


async def serve_alone(services: Services, host: str, port: int, announce: Callable[[str], None]) -> None:
    """`gridline api`: only the Open311 API (what it queues is delivered by the running bot)."""
    app = web.Application(client_max_size=64 * 1024)
    add_open311(app, services)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    announce(f"http://{host}:{port}{PREFIX}/services.json")
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopped.set)
    try:
        await stopped.wait()
    finally:
        await runner.cleanup()
