"""The composition root: builds every part from the settings and runs the bot.

`gridline run` and the end-to-end tests both start the bot through `Gridline.run_polling`.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.fsm.storage.base import DefaultKeyBuilder
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.fsm.storage.redis import RedisStorage
from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.fonts import prepare_in_background as prepare_fonts_in_background
from bot.jobs.scheduler import build_scheduler, start_scheduler
from bot.logs import protect
from bot.organisation.schema import OrganisationFile, invalid_file
from bot.organisation.service import has_organisation, import_organisation
from bot.outbox.claims import Claims, take_over_all
from bot.outbox.pacing import LocalPacing
from bot.outbox.sender import OutboxSender
from bot.outbox.shared_pacing import RedisPacing
from bot.outbox.unreachable import GroupGoneNotice
from bot.polling import InboxDispatcher
from bot.services import Services
from bot.telegram.delivery import TelegramTransport, is_group
from bot.telegram.flood import CHAT_MARGIN, FloodLimiter, FloodLimits
from bot.telegram.reach import POLLING_BACKOFF, at_start, reach
from bot.telegram.reserve import GroupReserve
from bot.telegram_session import JsonAiohttpSession
from bot.telegram_types import pin_response_types
from bot.wecom.delivery import WeComTransport
from handlers.commands import publish_commands
from storage.database import Database, unavailable
from storage.fsm import SqlStorage
from storage.inbox import Inbox
from storage.migrate import lock as schema_lock
from storage.redis_client import connect as connect_redis
from storage.update_claims import RedisUpdateClaims

log = logging.getLogger(__name__)
T = TypeVar("T")

DEMO_ORGANISATION = Path(__file__).parent / "organisation" / "demo-county.yaml"


class Gridline:
    """The bot: services plus the Telegram side (bot, dispatcher, scheduler) and an outbox sender per channel."""

    def __init__(self, settings: Settings, *, clock: Clock | None = None) -> None:
        if settings.bot_token is None:
            raise ValueError("BOT_TOKEN is not set")
        self.settings = settings
        pin_response_types()
        protect(settings.bot_token.get_secret_value())
        session = JsonAiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_base))
        limits = FloodLimits(
            settings.flood_global_per_second, settings.flood_private_per_second, settings.flood_group_per_minute
        )
        # Shared by the instances of one bot (REDIS_URL): update claims and the flood limits.
        self.redis = connect_redis(settings.redis_url.get_secret_value()) if settings.redis_url else None
        self.redis_prefix = f"gridline:{settings.bot_token.get_secret_value().split(':', 1)[0]}"
        pacing = RedisPacing(self.redis, prefix=self.redis_prefix) if self.redis is not None else LocalPacing()
        reserve = None
        if settings.group_card_reserve_per_minute > 0:
            reserve = GroupReserve(
                group_per_minute=settings.flood_group_per_minute,
                reserve_per_minute=settings.group_card_reserve_per_minute,
                margin=CHAT_MARGIN,
                pacing=pacing,
            )
        session.middleware(FloodLimiter(limits, pacing=pacing, reserve=reserve))
        self.bot = Bot(
            settings.bot_token.get_secret_value(),
            session=session,
            default=DefaultBotProperties(parse_mode="HTML", link_preview_is_disabled=True),
        )
        clock = clock or SystemClock()
        self.senders: list[OutboxSender] = []
        lease = timedelta(seconds=settings.outbox_lease_seconds)  # one per channel: every one is woken after a commit
        self.services = Services.build(settings, clock=clock, settled=lambda chat_id: self.sender.settled(chat_id))
        self.sender = OutboxSender(  # Telegram's
            transport=TelegramTransport(self.bot, self.services.db, request_timeout=settings.send_timeout_seconds),
            db=self.services.db,
            clock=clock,
            claims=Claims(self.services.db, "telegram", lease=lease),
            reads_on=is_group,
            on_chat_gone=GroupGoneNotice(self.services.translator, settings.admin_ids),
            on_chat_moved=self.services.migration,  # a group upgraded to a supergroup
        )
        # WeCom group robots (send-only, for staff where Telegram is blocked): each robot is as slow
        # as a group, so its worker reads on; robot ids are not Telegram chats (no UnreachableChat).
        self.wecom = WeComTransport(
            self.services.db,
            api_base=settings.wecom_api_base,
            limit=settings.wecom_per_minute,
            request_timeout=settings.send_timeout_seconds,
        )
        self.wecom_sender = OutboxSender(
            transport=self.wecom,
            db=self.services.db,
            clock=clock,
            claims=Claims(self.services.db, self.wecom.channel, lease=lease),
            reads_on=lambda _robot_id: True,
            remember_unreachable=False,
        )
        self.senders += [self.sender, self.wecom_sender]
        self.db.on_queued.append(self.wake_senders)
        self.scheduler = build_scheduler(self.services)
        self.dispatcher = self._dispatcher()
        self._webhook_stopped: asyncio.Event | None = None

    @property
    def db(self) -> Database:
        return self.services.db

    def wake_senders(self, channels: frozenset[str]) -> None:
        """Called after a transaction that queued messages commits: the senders of those channels
        (a commit that queued only Telegram messages does not make the WeCom sender scan)."""
        for sender in self.senders:
            if sender.channel in channels:
                sender.wake()

    def _start_senders(self) -> list[asyncio.Task[None]]:
        return [asyncio.create_task(sender.run(), name=f"outbox-sender-{sender.channel}") for sender in self.senders]

    async def _stop_senders(self, tasks: list[asyncio.Task[None]]) -> None:
        await asyncio.gather(*(sender.stop() for sender in self.senders))
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self.wecom.close()

    def _dispatcher(self) -> Dispatcher:
        from handlers.root import setup_dispatcher

        # Updates of one user are handled one at a time (an album is five updates at once), in order
        # whichever instance receives them when several share the bot through Redis.
        keep = timedelta(days=self.settings.draft_keep_days)  # a draft left alone this long is forgotten
        if self.redis is None:
            dispatcher = InboxDispatcher(
                inbox=Inbox(self.db),
                storage=SqlStorage(self.db, clock=self.services.clock.now, keep=keep),
                events_isolation=SimpleEventIsolation(),
                api_base=self.settings.telegram_api_base,
            )
            setup_dispatcher(dispatcher, self.services)
            return dispatcher
        assert self.settings.redis_url is not None
        # Its own connection pool: the dispatcher closes it at shutdown, before the senders stop.
        storage = RedisStorage.from_url(
            self.settings.redis_url.get_secret_value(),
            key_builder=DefaultKeyBuilder(with_destiny=True),
            state_ttl=keep,
            data_ttl=keep,
        )
        dispatcher = InboxDispatcher(
            inbox=Inbox(self.db),
            storage=storage,
            events_isolation=storage.create_isolation(),
            api_base=self.settings.telegram_api_base,
        )
        setup_dispatcher(dispatcher, self.services, claims=RedisUpdateClaims(self.redis, prefix=self.redis_prefix))
        return dispatcher

    async def run_polling(self, *, handle_signals: bool = True) -> None:
        await self._prepare()
        settle_heap()
        senders = self._start_senders()
        start_scheduler(self.scheduler, self.services)
        try:
            await self.before_serving(lambda: self.bot.delete_webhook(drop_pending_updates=False))
            await self.before_serving(lambda: publish_commands(self.bot, self.services.translator))
            await self.dispatcher.start_polling(
                self.bot,
                handle_signals=handle_signals,
                allowed_updates=self.dispatcher.resolve_used_update_types(),
                backoff_config=POLLING_BACKOFF,
            )
        finally:
            await self._shut_down(senders)

    async def run_webhook(self, *, handle_signals: bool = True) -> None:
        """Serve Telegram's webhook (`gridline run --webhook`) until stopped."""
        from bot.webhook import serve

        if self.redis is None:
            log.info("webhook: one instance (conversation state and dedupe in this process; REDIS_URL for several)")
        await self._prepare()
        settle_heap()
        senders = self._start_senders()
        start_scheduler(self.scheduler, self.services)
        self._webhook_stopped = asyncio.Event()
        try:
            await serve(self, self._webhook_stopped, handle_signals=handle_signals)
        finally:
            await self._shut_down(senders)

    async def _prepare(self) -> None:
        """Before anything is created, the Bot API answers and takes the token (TelegramUnreachable
        says why in one line, after TELEGRAM_START_RETRY_SECONDS of tries, one log line each); then
        the database (DatabaseUnavailable). Either failure closes what was opened and is raised."""
        try:
            await reach(self.bot, self.settings.telegram_api_base, patience=self.settings.telegram_start_retry_seconds)
            await prepare_database(self.services)
            if self.db.is_sqlite:  # one instance: what its killed previous run left leased is its own
                await take_over_all(self.db)
            prepare_fonts_in_background()
        except BaseException:
            await self.bot.session.close()
            await self.db.dispose()
            raise

    async def before_serving(self, step: Callable[[], Awaitable[T]], **refused: str) -> T:
        """A Bot API call before serving: retried like getMe, or one line (TelegramUnreachable)."""
        settings = self.settings
        return await at_start(
            step,
            bot=self.bot,
            api_base=settings.telegram_api_base,
            patience=settings.telegram_start_retry_seconds,
            **refused,
        )

    async def _shut_down(self, senders: list[asyncio.Task[None]]) -> None:
        """Jobs stop, deliveries under way finish and are recorded, then the database closes."""
        self.scheduler.shutdown(wait=False)
        await self._stop_senders(senders)
        await self.bot.session.close()
        if self.redis is not None:
            await self.redis.aclose()
        await self.db.dispose()
        gc.unfreeze()  # the process may go on (a restart in the same process, the tests)

    async def stop(self) -> None:
        if self._webhook_stopped is not None:
            self._webhook_stopped.set()
            return
        await self.dispatcher.stop_polling()


def settle_heap() -> None:
    """What start-up built (modules, pydantic and SQLAlchemy models, the organisation) lives as long
    as the process. Frozen out of the garbage collector's sight, so its full collections scan only
    what the running bot creates, not some 250,000 objects that can never be garbage."""
    gc.collect()
    gc.freeze()


async def prepare_database(services: Services) -> None:
    """Create the tables and, on an empty database, load the demo county (or DEMO_ORG_FILE).
    A database that cannot be reached or created raises DatabaseUnavailable, saying why in one line."""
    try:
        await services.db.create_all()
    except (OSError, SQLAlchemyError) as error:  # refused, unknown database, unwritable file
        raise unavailable(services.db.url, error) from error
    async with services.db.transaction() as s:
        await (await s.connection()).run_sync(schema_lock)  # instances starting together load it once
        if not await has_organisation(s):
            source = services.settings.demo_org_file or DEMO_ORGANISATION
            try:
                organisation = OrganisationFile.load(source)
            except ValidationError as error:
                raise invalid_file(source, error) from None
            summary = await import_organisation(s, organisation)
            log.info("empty database: loaded %s (%s grids)", source.name, summary.grids)
