"""Assembles the dispatcher: middlewares, dependencies and routers, in the order they match."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiogram import Dispatcher

from handlers import citizen, common, errors, fallback, group, report
from handlers.middlewares import LocaleMiddleware

if TYPE_CHECKING:
    from bot.app import Gridline


def setup_dispatcher(dispatcher: Dispatcher, app: Gridline) -> None:
    dispatcher.workflow_data.update(
        settings=app.settings,
        translator=app.translator,
        clock=app.clock,
        flows=app.flows,
        citizens=app.citizens,
        directory=app.directory,
        groups=app.groups,
    )
    dispatcher.update.outer_middleware(LocaleMiddleware(app.translator, app.citizens))
    # Routers are built per dispatcher (a router can belong to one only), so a process can run a
    # fresh bot after a restart.
    dispatcher.include_routers(
        errors.build_router(),
        group.build_router(),  # group chats only
        common.build_router(),  # commands that work in any state: /start, /help, /menu, /language
        citizen.build_router(),  # 我的诉求, ratings, replies to the grid
        report.build_router(),  # the report conversation
        fallback.build_router(),  # anything nobody else took
    )
