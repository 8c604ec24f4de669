"""Webhook mode: Telegram posts updates to our aiohttp server instead of being polled.

The webhook is registered with a secret token; aiogram's request handler answers 401 to any
request whose `X-Telegram-Bot-Api-Secret-Token` header does not match it.

An update is answered only once it has been handled (not in the background): if the process dies
meanwhile, Telegram gets no 200 and delivers the update again (to this instance after a restart, or
to another behind the same URL). A stop first closes the listening socket, then waits for the
updates under way, and only then lets the dispatcher shut down (storage, bot session); the database
is closed after that.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import secrets
import signal
from typing import TYPE_CHECKING, Any

from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

if TYPE_CHECKING:
    from bot.app import Gridline

log = logging.getLogger(__name__)


class HandledFirst(SimpleRequestHandler):
    """Answers Telegram after handling the update, and knows how many are under way."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, handle_in_background=False, **kwargs)
        self.under_way = 0
        self.idle = asyncio.Event()
        self.idle.set()

    async def handle(self, request: web.Request) -> web.Response:
        self.under_way += 1
        self.idle.clear()
        try:
            return await super().handle(request)
        finally:
            self.under_way -= 1
            if not self.under_way:
                self.idle.set()

    __call__ = handle


def webhook_secret(app: Gridline) -> str:
    """The configured secret; else, when several instances share the bot (REDIS_URL), one derived
    from the token so that they all register and accept the same; else a fresh one per start."""
    configured = app.settings.webhook_secret
    if configured is not None:
        return configured.get_secret_value()
    if app.settings.redis_url is not None:
        token = app.settings.bot_token.get_secret_value() if app.settings.bot_token else ""
        return hmac.new(token.encode(), b"gridline webhook secret", hashlib.sha256).hexdigest()
    return secrets.token_urlsafe(32)


async def serve(app: Gridline, stopped: asyncio.Event, *, handle_signals: bool) -> None:
    settings = app.settings
    if not settings.webhook_url:
        raise ValueError("WEBHOOK_URL is not set: the public https address Telegram should post to")
    secret = webhook_secret(app)
    web_app = web.Application()
    requests = HandledFirst(app.dispatcher, app.bot, secret_token=secret)
    requests.register(web_app, path=settings.webhook_path)
    setup_application(web_app, app.dispatcher, bot=app.bot)
    if settings.open311_enabled:  # GeoReport v2 under /open311/v2/ on the same server
        from bot.open311.web import mount

        mount(web_app, app.services)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, settings.webhook_host, settings.webhook_port)
    await site.start()
    url = settings.webhook_url.rstrip("/") + settings.webhook_path
    try:
        await app.before_serving(
            lambda: app.bot.set_webhook(
                url,
                secret_token=secret,
                allowed_updates=app.dispatcher.resolve_used_update_types(),
                drop_pending_updates=False,
            ),
            refused="cli-telegram-webhook-refused",
            url=url,
        )
        log.info("webhook: listening on %s:%s, registered %s", settings.webhook_host, settings.webhook_port, url)
        if handle_signals:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stopped.set)
        await stopped.wait()
    finally:
        await site.stop()  # no new connections; the updates under way finish first
        if not requests.idle.is_set():
            log.info("webhook: waiting for %s update(s) under way", requests.under_way)
        await requests.idle.wait()
        await runner.cleanup()  # also runs the dispatcher's shutdown hooks
