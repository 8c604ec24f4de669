"""GeoReport v2 over HTTP: an aiohttp application mounted at /open311/v2 inside the webhook server
(OPEN311_ENABLED) or served alone (`gridline api`). JSON only; every error is the spec's list
[{"code": ..., "description": ...}], never a stack trace."""

from __future__ import annotations

import asyncio
import json
import logging
import signal
from functools import partial
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.open311.georeport import Open311Error
from bot.open311.service import Open311

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

PREFIX = "/open311/v2"
FORMAT = r"{format:(?:\.json|\.xml)?}"  # services, services.json; .xml is refused with a clear error
MAX_BODY = 64 * 1024  # a request's form: a description of 2,000 characters and a few fields
OPEN311 = web.AppKey("open311", Open311)

_dumps = partial(json.dumps, ensure_ascii=False)


def _json(body: Any, status: int = 200) -> web.Response:
    return web.json_response(body, status=status, dumps=_dumps)


def _error(code: int, description: str) -> web.Response:
    return _json([{"code": code, "description": description}], status=code)


def _only_json(value: str) -> str:
    """A path's last part without its .json; .xml is not served."""
    if value.endswith(".xml"):
        raise Open311Error(400, "only JSON is served: use .json")
    return value.removesuffix(".json")


@web.middleware
async def _errors(request: web.Request, handler: Any) -> web.StreamResponse:
    try:
        if request.match_info.get("format") == ".xml":
            raise Open311Error(400, "only JSON is served: use .json")
        return await handler(request)
    except Open311Error as error:
        return _json(error.body(), status=error.code)
    except web.HTTPException as error:  # no such route, wrong method, body too large
        return _error(error.status, error.reason)
    except Exception:
        log.exception("open311: %s %s failed", request.method, request.path)
        return _error(500, "internal error")


async def _services(request: web.Request) -> web.Response:
    return _json(await request.app[OPEN311].services())


async def _definition(request: web.Request) -> web.Response:
    return _json(await request.app[OPEN311].definition(_only_json(request.match_info["code"])))


async def _search(request: web.Request) -> web.Response:
    return _json(await request.app[OPEN311].search(request.query))


async def _one(request: web.Request) -> web.Response:
    return _json(await request.app[OPEN311].one(_only_json(request.match_info["ref"])))


async def _submit(request: web.Request) -> web.Response:
    form: dict[str, str] = {k: v for k, v in request.query.items()}  # some clients pass api_key here
    form.update({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
    return _json(await request.app[OPEN311].submit(form))


def open311_app(open311: Open311) -> web.Application:
    app = web.Application(middlewares=[_errors], client_max_size=MAX_BODY)
    app[OPEN311] = open311
    app.router.add_get(f"/services{FORMAT}", _services)
    app.router.add_get("/services/{code}", _definition)
    app.router.add_get(f"/requests{FORMAT}", _search)
    app.router.add_post(f"/requests{FORMAT}", _submit)
    app.router.add_get("/requests/{ref}", _one)
    return app


def from_services(services: Services) -> Open311:
    return Open311(
        db=services.db,
        flows=services.flows,
        translator=services.translator,
        clock=services.clock,
        tz=services.settings.tz,
    )


def mount(web_app: web.Application, services: Services) -> None:
    """GeoReport v2 under /open311/v2/ of a server that already runs (the webhook's)."""
    web_app.add_subapp(PREFIX, open311_app(from_services(services)))
    log.info("open311: GeoReport v2 under %s/", PREFIX)


async def serve_alone(services: Services, stopped: asyncio.Event, *, handle_signals: bool = True) -> None:
    """`gridline api`: only the API, on OPEN311_HOST:OPEN311_PORT. What a POST queues (the card
    for the grid's group) is delivered by the running bot, as for `gridline jobs run`."""
    settings = services.settings
    root = web.Application()
    mount(root, services)
    runner = web.AppRunner(root, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, settings.open311_host, settings.open311_port)
    await site.start()
    log.info("open311: serving http://%s:%s%s/", settings.open311_host, settings.open311_port, PREFIX)
    if handle_signals:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stopped.set)
    try:
        await stopped.wait()
    finally:
        await runner.cleanup()
