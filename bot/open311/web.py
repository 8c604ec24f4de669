"""GeoReport v2 over HTTP: an aiohttp application mounted at /open311 (the calls under /v2, the
discovery document beside them) inside the webhook server (OPEN311_ENABLED) or served alone
(`gridline api`). JSON only; every error is the spec's list [{"code": ..., "description": ...}],
never a stack trace. Error descriptions are English: they are read by the client's developers and
logs, not shown to citizens."""

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
from bot.open311.throttle import PostThrottle

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

ROOT = "/open311"
VERSION = "/v2"
PREFIX = ROOT + VERSION  # the calls: /open311/v2/services.json ...
DISCOVERY = "/discovery.json"  # /open311/discovery.json
FORMAT = r"{format:(?:\.json|\.xml)?}"  # services, services.json; .xml is refused with a clear error
MAX_BODY = 64 * 1024  # a request's form: a description of 2,000 characters and a few fields
OPEN311 = web.AppKey("open311", Open311)
THROTTLE = web.AppKey("open311_throttle", PostThrottle)

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
async def _jurisdiction(request: web.Request, handler: Any) -> web.StreamResponse:
    """A jurisdiction_id that is not ours, in the query or a POST's form: 404 before anything else."""
    open311 = request.app[OPEN311]
    open311.check_jurisdiction(request.query)
    if request.method == "POST":
        open311.check_jurisdiction({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
    return await handler(request)


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


async def _discovery(request: web.Request) -> web.Response:
    # Where the client reached us; behind a TLS proxy, as the proxy says it was reached.
    scheme = request.headers.get("X-Forwarded-Proto", request.scheme).split(",")[0].strip()
    url = f"{scheme if scheme in ('http', 'https') else request.scheme}://{request.host}{PREFIX}"
    return _json(request.app[OPEN311].discovery(url))


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
    throttle = request.app[THROTTLE]
    if not await throttle.allow(form.get("api_key")):
        response = _error(429, f"more than {throttle.per_minute} requests a minute with this api_key")
        response.headers["Retry-After"] = str(throttle.retry_after)
        return response
    return _json(await request.app[OPEN311].submit(form))


def open311_app(open311: Open311, *, posts_per_minute: int) -> web.Application:
    app = web.Application(middlewares=[_errors, _jurisdiction], client_max_size=MAX_BODY)
    app[OPEN311] = open311
    app[THROTTLE] = PostThrottle(per_minute=posts_per_minute)
    app.router.add_get(DISCOVERY, _discovery)
    app.router.add_get(f"{VERSION}/services{FORMAT}", _services)
    app.router.add_get(f"{VERSION}/services/{{code}}", _definition)
    app.router.add_get(f"{VERSION}/requests{FORMAT}", _search)
    app.router.add_post(f"{VERSION}/requests{FORMAT}", _submit)
    app.router.add_get(f"{VERSION}/requests/{{ref}}", _one)
    return app


def from_services(services: Services) -> Open311:
    settings = services.settings
    return Open311(
        db=services.db,
        flows=services.flows,
        translator=services.translator,
        clock=services.clock,
        tz=settings.tz,
        jurisdiction=settings.open311_jurisdiction,
        contact=settings.open311_contact,
    )


def mount(web_app: web.Application, services: Services) -> None:
    """GeoReport v2 under /open311/v2/, and /open311/discovery.json, on a server that already runs
    (the webhook's)."""
    app = open311_app(from_services(services), posts_per_minute=services.settings.open311_posts_per_minute)
    web_app.add_subapp(ROOT, app)
    log.info("open311: GeoReport v2 under %s/, discovery at %s%s", PREFIX, ROOT, DISCOVERY)


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
