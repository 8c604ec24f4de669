"""Assembles the dispatcher: middlewares, dependencies and routers, in the order they match."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiogram import Dispatcher

from handlers import citizen, common, deputy, errors, fallback, group, invite, ledger, privacy, report, triage
from handlers.dedupe import UpdateDedupe
from handlers.middlewares import LocaleMiddleware
from handlers.throttle import FloodGuard
from storage.fsm import FsmFlushMiddleware, SqlStorage

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
        invitations=services.invitations,
        deputies=services.deputies,
        triage=services.triage,
        ledger=services.ledger,
        throttle=services.throttle,
        personal=services.personal,
    )
    dispatcher.update.outer_middleware(UpdateDedupe(services.db, services.clock))
    dispatcher.update.outer_middleware(LocaleMiddleware(services.translator, services.citizens))
    if isinstance(dispatcher.storage, SqlStorage):
        # Registered after aiogram's FSM middleware, so it runs inside the user's event lock.
        dispatcher.update.outer_middleware(FsmFlushMiddleware(dispatcher.storage))
    dispatcher.message.outer_middleware(FloodGuard(services.throttle))
    # Routers are built per dispatcher (a router can belong to one only), so a process can run a
    # fresh bot after a restart.
    dispatcher.include_routers(
        errors.build_router(),
        triage.build_router(),  # 研判, 上报, 退回 under cards (group chats)
        ledger.build_router(),  # /ledger, /export, /stats
        group.build_router(),  # group chats only
        invite.build_router(),  # /start i_<token>: invitation links
        deputy.build_router(),  # /start d_<code>, 找代表, deputies' replies, buttons, visits, /settings, /theme
        triage.build_liaison_router(),  # department liaisons working a card in a private chat
        common.build_router(),  # commands that work in any state: /start, /help, /menu, /language
        privacy.build_router(),  # /privacy, and the full phone number for the responsible person
        citizen.build_router(),  # 我的诉求, ratings, replies to the grid
        report.build_router(),  # the report conversation
        fallback.build_router(),  # anything nobody else took
    )
