"""Assembles the dispatcher: middlewares, dependencies and routers, in the order they match."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiogram import Dispatcher

from handlers import citizen, common, errors, fallback, group, privacy, report
from handlers.dedupe import UpdateDedupe
from handlers.middlewares import LocaleMiddleware
from handlers.throttle import FloodGuard

if TYPE_CHECKING:
    from bot.services import Services


def setup_dispatcher(dispatcher: Dispatcher, services: Services) -> None:
    # Handlers receive these by parameter name.
    dispatcher.workflow_data.update(
        settings=services.settings,
        translator=services.translator,
        clock=services.clock,
        flows=services.flows,
        citizens=services.citizens,
        directory=services.directory,
        groups=services.groups,
        throttle=services.throttle,
        personal=services.personal,
    )
    dispatcher.update.outer_middleware(UpdateDedupe(services.db, services.clock))
    dispatcher.update.outer_middleware(LocaleMiddleware(services.translator, services.citizens))
    dispatcher.message.outer_middleware(FloodGuard(services.throttle))
    # Routers are built per dispatcher (a router can belong to one only), so a process can run a
    # fresh bot after a restart.
    dispatcher.include_routers(
        errors.build_router(),
        group.build_router(),  # group chats only
        common.build_router(),  # commands that work in any state: /start, /help, /menu, /language
        privacy.build_router(),  # /privacy, and the full phone number for the responsible person
        citizen.build_router(),  # 我的诉求, ratings, replies to the grid
        report.build_router(),  # the report conversation
        fallback.build_router(),  # anything nobody else took
    )
