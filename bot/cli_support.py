"""What every `gridline` command shares: its settings, running its async work (on the prepared
database), checking where it writes, and failing in one line with a non-zero exit."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeVar

import typer
from pydantic import ValidationError

from bot.cli_text import explain, settings_problems, t
from bot.config import Settings

if TYPE_CHECKING:
    from sqlmodel.ext.asyncio.session import AsyncSession

    from bot.services import Services

T = TypeVar("T")


def load_settings() -> Settings:
    """The settings, or one line per bad one naming it and the form it expects, and exit 2."""
    try:
        return Settings()
    except ValidationError as error:
        fail(settings_problems(error))


def run_async(work: Coroutine[object, object, T]) -> T:
    """Run a command's async part; a database that cannot be opened is one line and exit 1."""
    from bot.organisation.schema import OrganisationFileError
    from bot.telegram.reach import TelegramUnreachable
    from storage.database import DatabaseUnavailable

    try:
        return asyncio.run(work)
    except (DatabaseUnavailable, TelegramUnreachable, OrganisationFileError) as error:
        fail(explain(error), 1)


def output_file(path: Path) -> Path:
    """Refuse, before anything is opened or written, a file that cannot be written where asked."""
    if path.is_dir():
        fail(t("cli-out-is-folder", path=str(path)))
    folder = path.parent
    if not folder.is_dir():
        fail(t("cli-out-no-folder", path=str(path), folder=str(folder)))
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        fail(t("cli-out-denied", path=str(path)))
    return path


def output_folder(path: Path) -> Path:
    """A folder to write into: an existing one, or one that can be made (its nearest existing
    parent is a writable folder)."""
    if path.exists() and not path.is_dir():
        fail(t("cli-out-is-file", path=str(path)))
    existing = path
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        fail(t("cli-out-under-file", path=str(path), file=str(existing)))
    if not os.access(existing, os.W_OK):
        fail(t("cli-out-folder-denied", folder=str(existing)))
    return path


def setup_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


def with_database(settings: Settings, work: Callable[[AsyncSession, datetime], Awaitable[T]]) -> T:
    """Run `work` in one unit of work on the (prepared) database, and close it."""
    from bot.app import prepare_database

    async def go() -> T:
        services = build_services(settings)
        try:
            await prepare_database(services)
            async with services.db.transaction() as s:
                return await work(s, services.clock.now())
        finally:
            await services.db.dispose()

    return run_async(go())


def write_or_fail(path: Path, write: Callable[[], T]) -> T:
    """A write that fails anyway (a full disk, a race) is one line too."""
    try:
        return write()
    except OSError as error:
        fail(t("cli-write-failed", path=str(path), reason=str(error.strerror or error)), 1)


def fail(message: str, code: int = 2) -> NoReturn:
    """One line on stderr and a non-zero exit, as every command reports bad input."""
    typer.secho(message, fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


def build_services(settings: Settings) -> Services:
    from bot.services import Services

    return Services.build(settings)
