"""The composition root: builds every part from the settings and runs the bot.

`gridline run` and the end-to-end tests both start the bot through `Gridline.run_polling`.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.fsm.storage.memory import SimpleEventIsolation

from bot.citizens import Citizens
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.i18n import Translator
from bot.issues.flows import IssueFlows
from bot.issues.messaging import IssueMessenger
from bot.organisation.groups import Groups
from bot.organisation.schema import OrganisationFile
from bot.organisation.service import Directory, has_organisation, import_organisation
from bot.outbox.flood import FloodLimiter, FloodLimits
from bot.outbox.sender import OutboxSender
from storage.database import Database
from storage.fsm import SqlStorage

log = logging.getLogger(__name__)

DEMO_ORGANISATION = Path(__file__).parent / "organisation" / "demo-county.yaml"


class Gridline:
    def __init__(self, settings: Settings, *, clock: Clock | None = None) -> None:
        if settings.bot_token is None:
            raise ValueError("BOT_TOKEN is not set")
        self.settings = settings
        self.clock = clock or SystemClock()
        self.db = Database(settings.database_url)
        self.translator = Translator(settings.default_locale)
        session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_base))
        limits = FloodLimits(
            settings.flood_global_per_second, settings.flood_private_per_second, settings.flood_group_per_minute
        )
        session.middleware(FloodLimiter(limits))
        self.bot = Bot(
            settings.bot_token.get_secret_value(),
            session=session,
            default=DefaultBotProperties(parse_mode="HTML", link_preview_is_disabled=True),
        )
        self.sender = OutboxSender(bot=self.bot, db=self.db, clock=self.clock)
        messenger = IssueMessenger(self.translator, settings.tz, settings.admin_ids)
        self.flows = IssueFlows(db=self.db, messenger=messenger, clock=self.clock, tz=settings.tz,
                                on_queued=self.sender.wake, settled=self.sender.settled)
        self.citizens = Citizens(self.db)
        self.directory = Directory(self.db)
        self.groups = Groups(self.db)
        self.dispatcher = self._dispatcher()

    def _dispatcher(self) -> Dispatcher:
        from handlers.root import setup_dispatcher

        # Updates of one user are handled one at a time (an album is five updates at once).
        dispatcher = Dispatcher(storage=SqlStorage(self.db), events_isolation=SimpleEventIsolation())
        setup_dispatcher(dispatcher, self)
        return dispatcher

    async def prepare(self) -> None:
        """Create the tables and, on an empty database, load the demo county."""
        await self.db.create_all()
        async with self.db.transaction() as s:
            if not await has_organisation(s):
                source = self.settings.demo_org_file or DEMO_ORGANISATION
                summary = await import_organisation(s, OrganisationFile.load(source))
                log.info("empty database: loaded %s (%s grids)", source.name, summary.grids)

    async def run_polling(self, *, handle_signals: bool = True) -> None:
        await self.prepare()
        sender = asyncio.create_task(self.sender.run(), name="outbox-sender")
        try:
            await self.bot.delete_webhook(drop_pending_updates=False)
            await self.dispatcher.start_polling(
                self.bot,
                handle_signals=handle_signals,
                allowed_updates=self.dispatcher.resolve_used_update_types(),
            )
        finally:
            await self.sender.stop()
            sender.cancel()
            await asyncio.gather(sender, return_exceptions=True)
            await self.bot.session.close()
            await self.db.dispose()

    async def stop(self) -> None:
        await self.dispatcher.stop_polling()
