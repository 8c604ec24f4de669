"""Assembles the dispatcher: middlewares, dependencies and routers, in the order they match."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aiogram import Dispatcher, Router
from aiogram.dispatcher.event.handler import CallableObject

from handlers import (
    citizen,
    common,
    deputy,
    errors,
    fallback,
    followthrough,
    followup,
    group,
    invite,
    ledger,
    liaison,
    privacy,
    report,
    triage,
)
from handlers.dedupe import SharedUpdateDedupe, UpdateDedupe
from handlers.group_throttle import GroupGuard
from handlers.middlewares import LocaleMiddleware
from handlers.throttle import FloodGuard
from storage.fsm import SqlStorage
from storage.update_claims import RedisUpdateClaims

if TYPE_CHECKING:
    from bot.services import Services


def setup_dispatcher(dispatcher: Dispatcher, services: Services, *, claims: RedisUpdateClaims | None = None) -> None:
    """`claims`: several instances share the bot (REDIS_URL), and these say which handles an update."""
    # Handlers receive these by parameter name.
    dispatcher.workflow_data.update(
        settings=services.settings,
        translator=services.translator,
        clock=services.clock,
        flows=services.flows,
        citizens=services.citizens,
        directory=services.directory,
        groups=services.groups,
        migration=services.migration,
        invitations=services.invitations,
        deputies=services.deputies,
        triage=services.triage,
        ledger=services.ledger,
        throttle=services.throttle,
        personal=services.personal,
        followthrough=services.followthrough,
        extensions=services.extensions,
        levels=services.levels,
    )
    # Registered after aiogram's FSM middleware, so it runs inside the user's event lock; it writes the
    # update's conversation state (SqlStorage) in the transaction that records the update as handled.
    if claims is not None:
        dispatcher.update.outer_middleware(SharedUpdateDedupe(claims))
    else:
        storage = dispatcher.storage if isinstance(dispatcher.storage, SqlStorage) else None
        dispatcher.update.outer_middleware(UpdateDedupe(services.db, services.clock, storage=storage))
    dispatcher.update.outer_middleware(LocaleMiddleware(services.translator, services.citizens))
    dispatcher.message.outer_middleware(FloodGuard(services.throttle))
    guard = GroupGuard(services.group_throttle)  # a group's commands and presses, per person
    dispatcher.message.outer_middleware(guard)
    dispatcher.callback_query.outer_middleware(guard)
    # Routers are built per dispatcher (a router can belong to one only), so a process can run a
    # fresh bot after a restart.
    dispatcher.include_routers(
        errors.build_router(),
        report.build_buttons_router(),  # the report's buttons: the most frequent presses, taken first
        report.build_inputs_router(),  # and its description and phone number
        triage.build_router(),  # 研判, 上报, 退回 under cards (group chats)
        followthrough.build_router(),  # 👍 关注, 重复件, 回访 buttons
        followup.build_router(),  # 延期申请 and its decision, /duban (督办 levels), in groups and private chats
        ledger.build_router(),  # /ledger, /export, /stats
        group.build_router(),  # group chats only
        invite.build_router(),  # /start i_<token>: invitation links
        deputy.build_router(),  # /start d_<code>, 找代表, deputies' replies, buttons, visits, /settings, /theme
        liaison.build_router(),  # department liaisons working a card in a private chat
        common.build_router(),  # commands that work in any state: /start, /help, /menu, /language
        privacy.build_router(),  # /privacy, and the full phone number for the responsible person
        followthrough.build_reason_router(),  # the 回访's 没解决 reason
        citizen.build_router(),  # 我的诉求, ratings, replies to the grid
        report.build_router(),  # the report conversation
        fallback.build_router(),  # anything nobody else took
    )
    run_filters_inline(dispatcher)


def run_filters_inline(router: Router) -> None:
    """aiogram runs a synchronous filter (every `F.chat.type == "private"`, `F.text`, ...) in a worker
    thread (`asyncio.to_thread`): a thread round trip per filter per update, some thirty an update.
    Ours are attribute checks, far cheaper than the hop, so they run on the event loop instead."""
    for observer in router.observers.values():
        for handler in [observer._handler, *observer.handlers]:
            for item in handler.filters or ():
                _inline(item)
    for child in router.sub_routers:
        run_filters_inline(child)


def _inline(item: CallableObject) -> None:
    if item.awaitable:
        return
    check: Callable[..., Any] = item.callback

    async def inline(*args: Any, **kwargs: Any) -> Any:
        return check(*args, **kwargs)

    item.callback, item.awaitable = inline, True
