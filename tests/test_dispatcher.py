"""How the dispatcher is put together (no Telegram needed)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from aiogram import Dispatcher, Router

from bot.app import Gridline
from tests.harness import make_settings


def _filters(router: Router) -> list:
    found = []
    for observer in router.observers.values():
        for handler in [observer._handler, *observer.handlers]:
            found += handler.filters or []
    for child in router.sub_routers:
        found += _filters(child)
    return found


def test_no_filter_runs_in_a_worker_thread(tmp_path: Path) -> None:
    """aiogram hands a synchronous filter to asyncio.to_thread; every one of ours runs inline."""
    settings = make_settings(tmp_path, SimpleNamespace(base_url="http://127.0.0.1:9"))  # type: ignore[arg-type]
    dispatcher: Dispatcher = Gridline(settings).dispatcher
    filters = _filters(dispatcher)
    assert len(filters) > 50
    assert all(item.awaitable for item in filters)
