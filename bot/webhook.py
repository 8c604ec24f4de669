"""Webhook mode: Telegram posts updates to our aiohttp server instead of being polled.

The webhook is registered with a secret token; aiogram's request handler answers 401 to any
request whose `X-Telegram-Bot-Api-Secret-Token` header does not match it.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import signal
from typing import TYPE_CHECKING

from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot.open311.web import add_open311

if TYPE_CHECKING:
    from bot.app import Gridline

log = logging.getLogger(__name__)


def webhook_secret(app: Gridline) -> str:
    """The configured secret, or a fresh one per start (it is registered anew at every start)."""
    configured = app.settings.webhook_secret
    return configured.get_secret_value() if configured is not None else secrets.token_urlsafe(32)


async def serve(app: Gridline, stopped: asyncio.Event, *, handle_signals: bool) -> None:
    settings = app.settings
    if not settings.webhook_url:
        raise ValueError("WEBHOOK_URL is not set: the public https address Telegram should post to")
    secret = webhook_secret(app)
    web_app = web.Application()
    SimpleRequestHandler(app.dispatcher, app.bot, secret_token=secret).register(web_app, path=settings.webhook_path)
    setup_application(web_app, app.dispatcher, bot=app.bot)
    add_open311(web_app, app.services)  # Open311 GeoReport v2 under /open311/v2/, on the same server
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, settings.webhook_host, settings.webhook_port)
    await site.start()
    url = settings.webhook_url.rstrip("/") + settings.webhook_path
    await app.bot.set_webhook(
        url, secret_token=secret, allowed_updates=app.dispatcher.resolve_used_update_types(), drop_pending_updates=False
    )
    log.info("webhook: listening on %s:%s, registered %s", settings.webhook_host, settings.webhook_port, url)
    if handle_signals:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stopped.set)
    try:
        await stopped.wait()
    finally:
        await runner.cleanup()  # also runs the dispatcher's shutdown hooks
