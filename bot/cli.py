"""The `gridline` command."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeVar

import typer
from pydantic import ValidationError

from bot.cli_text import choose, explain, said, settings_problems, t
from bot.config import Settings
from bot.sandbox.cli import register as register_sandbox

if TYPE_CHECKING:
    from sqlmodel.ext.asyncio.session import AsyncSession

    from bot.i18n import Line
    from bot.services import Services

app = typer.Typer(
    help="Gridline (民情直通车): citizens' needs, from report to rating, over Telegram.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # a local may hold the token (in a URL) or a password
)


@app.callback()
def _language() -> None:
    # Before every command: the language it answers in (bot/cli_text.py).
    choose()


def _settings() -> Settings:
    """The settings, or one line per bad one naming it and the form it expects, and exit 2."""
    try:
        return Settings()
    except ValidationError as error:
        _fail(settings_problems(error))


def _run(work: Coroutine[object, object, T]) -> T:
    """Run a command's async part; a database that cannot be opened is one line and exit 1."""
    from bot.organisation.schema import OrganisationFileError
    from bot.telegram.reach import TelegramUnreachable
    from storage.database import DatabaseUnavailable

    try:
        return asyncio.run(work)
    except (DatabaseUnavailable, TelegramUnreachable, OrganisationFileError) as error:
        _fail(explain(error), 1)


def _output_file(path: Path) -> Path:
    """Refuse, before anything is opened or written, a file that cannot be written where asked."""
    if path.is_dir():
        _fail(t("cli-out-is-folder", path=str(path)))
    folder = path.parent
    if not folder.is_dir():
        _fail(t("cli-out-no-folder", path=str(path), folder=str(folder)))
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        _fail(t("cli-out-denied", path=str(path)))
    return path


def _output_folder(path: Path) -> Path:
    """A folder to write into: an existing one, or one that can be made (its nearest existing
    parent is a writable folder)."""
    if path.exists() and not path.is_dir():
        _fail(t("cli-out-is-file", path=str(path)))
    existing = path
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        _fail(t("cli-out-under-file", path=str(path), file=str(existing)))
    if not os.access(existing, os.W_OK):
        _fail(t("cli-out-folder-denied", folder=str(existing)))
    return path


def _logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


@app.command()
def run(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log debug details."),
    webhook: bool = typer.Option(False, "--webhook", help="Serve a webhook (WEBHOOK_URL etc.) instead of polling."),
) -> None:
    """Run the bot (long polling, or --webhook). Creates the database and loads the demo county on first start."""
    settings = _settings()
    if settings.bot_token is None or not settings.bot_token.get_secret_value().strip():
        typer.secho(t("cli-no-token"), fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    _logging(verbose)
    from bot.app import Gridline

    if webhook and not settings.webhook_url:
        typer.secho(t("cli-webhook-needs-url"), fg=typer.colors.RED, err=True)
        raise typer.Exit(2)
    gridline = Gridline(settings)
    _run(gridline.run_webhook() if webhook else gridline.run_polling())


@app.command("import")
def import_(
    file: Path = typer.Argument(
        ...,
        exists=True,
        dir_okay=False,
        readable=True,
        help="An organisation file (YAML), like examples/demo-county.yaml.",
    ),
) -> None:
    """Load or update the grid hierarchy, the service list and staff from a YAML file."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.organisation.schema import OrganisationFile, invalid_file
    from bot.organisation.service import import_organisation
    from storage.database import Database, unavailable

    try:
        org = OrganisationFile.load(file)
    except ValidationError as error:
        _fail(explain(invalid_file(file, error)))
    except ValueError as error:  # bad YAML: the file and the line
        _fail(explain(error))
    settings = _settings()

    async def load() -> None:
        db = Database(settings.database_url)
        try:
            try:
                await db.create_all()
            except (OSError, SQLAlchemyError) as error:
                raise unavailable(db.url, error) from error
            async with db.transaction() as s:
                summary = await import_organisation(s, org)
        finally:
            await db.dispose()
        counts = ("grids", "categories", "staff", "stations", "deputies")
        typer.echo(t("cli-imported", **{name: str(getattr(summary, name)) for name in counts}))

    _run(load())


@app.command()
def qr(
    grid_code: str,
    bot_username: str = typer.Option(..., "--bot", help="The bot's username, without @."),
    out: Path = typer.Option(Path("grid-qr.png"), "--out", help="PNG file to write."),
) -> None:
    """Write a grid's deep-link QR code, for the grid's notice board."""
    import segno

    from bot.organisation.service import grid_by_code

    _output_file(out)
    settings = _settings()
    if _with_database(settings, lambda s, _now: grid_by_code(s, grid_code)) is None:
        _fail(t("cli-no-grid", code=repr(grid_code)))
    link = f"https://t.me/{bot_username.lstrip('@')}?start=g_{grid_code}"
    _write(out, lambda: segno.make(link, error="m").save(out, scale=10, border=2))
    typer.echo(f"{link}\n→ {out}")


@app.command()
def invite(
    role: str = typer.Argument(..., help="worker, official, liaison or deputy."),
    target: str = typer.Argument(
        ..., help="A grid code (worker, official), a department code (liaison) or a deputy's code."
    ),
    bot_username: str = typer.Option(..., "--bot", help="The bot's username, without @."),
    days: int = typer.Option(7, "--days", min=1, max=90, help="Days until the link expires."),
    out: Path | None = typer.Option(None, "--out", help="QR code PNG (default: invite-<role>-<target>.png)."),
) -> None:
    """Create a one-time invitation link (and its QR code) that ties a Telegram account to a role."""
    from datetime import timedelta

    import segno

    from bot.access import INVITABLE, Role
    from bot.app import prepare_database
    from bot.invitations.service import UnknownTarget

    chosen = Role(role) if role in {r.value for r in INVITABLE} else None
    if chosen is None:
        _fail(t("cli-unknown-role", role=repr(role), roles=", ".join(r.value for r in INVITABLE)))
    path = _output_file(out or Path(f"invite-{chosen.value}-{target}.png"))
    settings = _settings()

    async def go():  # type: ignore[no-untyped-def]
        services = _services(settings)
        try:
            await prepare_database(services)
            created = await services.invitations.create(
                role=chosen, target=target, created_by="cli", ttl=timedelta(days=days)
            )
            try:  # a link never shown must not exist: the QR code is written before we answer
                segno.make(created.link(bot_username), error="m").save(path, scale=10, border=2)
            except OSError:
                await services.invitations.discard(created.token)
                raise
            return created
        finally:
            await services.db.dispose()

    try:
        created = _run(go())
    except UnknownTarget as error:
        _fail(explain(error))
    except OSError as error:
        _fail(t("cli-write-failed", path=str(path), reason=str(error.strerror or error)), 1)
    link = created.link(bot_username)
    expires = created.expires_at.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M")
    typer.echo(t("cli-invited", role=chosen.value, label=created.label, link=link, expires=expires, path=str(path)))


@app.command()
def cards(
    bot_username: str = typer.Option(..., "--bot", help="The bot's username, without @."),
    out: Path = typer.Option(Path("cards"), "--out", help="Folder for the cards."),
) -> None:
    """Print a 代表码 card per deputy (PNG and PDF): name, station, constituency, duty day, QR code."""
    from sqlmodel import col, select

    from bot.app import prepare_database
    from bot.deputies import service
    from bot.deputies.cards import write_cards
    from storage.models import Deputy

    _output_folder(out)
    settings = _settings()

    async def load() -> list[service.DeputyView]:
        services = _services(settings)
        try:
            await prepare_database(services)
            async with services.db.session() as s:
                rows = (await s.exec(select(Deputy).order_by(col(Deputy.code)))).all()
                return [await service.view(s, d, default_day=settings.deputy_duty_day) for d in rows]
        finally:
            await services.db.dispose()

    deputies = _run(load())
    written = _write(out, lambda: write_cards(deputies, bot_username, out))
    typer.echo(t("cli-cards-written", deputies=str(len(deputies)), files=str(len(written)), folder=str(out)))


db_app = typer.Typer(help="The database's schema: upgrade it, or say where it stands.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database (DATABASE_URL) to the schema this Gridline needs; an empty one is created."""
    from storage.database import Database

    async def go() -> tuple[str | None, str | None]:
        db = Database(_settings().database_url)
        try:
            return await db.upgrade()
        finally:
            await db.dispose()

    before, after = asyncio.run(go())
    if before == after:
        typer.echo(t("cli-db-newest", revision=str(after)))
    else:
        typer.echo(t("cli-db-upgraded", before=before or t("cli-db-nothing"), after=str(after)))


@db_app.command("revision")
def db_revision(message: str = typer.Argument(..., help="What the migration changes, in a few words.")) -> None:
    """For developers: write the next migration from what the models have and the database (at the
    newest schema) lacks, into storage/migrations/versions."""
    from storage import migrate
    from storage.database import Database

    async def go() -> str:
        db = Database(_settings().database_url)
        try:
            await db.create_all()
            async with db.begin() as connection:
                return await connection.run_sync(migrate.revision, message)
        finally:
            await db.dispose()

    typer.echo(t("cli-db-revision-written", path=asyncio.run(go())))


@db_app.command("current")
def db_current() -> None:
    """Say which schema revision the database is at, and which this Gridline needs."""
    from storage import migrate
    from storage.database import Database

    async def go() -> str | None:
        db = Database(_settings().database_url)
        try:
            async with db.connect() as connection:
                return await connection.run_sync(migrate.current)
        finally:
            await db.dispose()

    typer.echo(t("cli-db-current", current=asyncio.run(go()) or t("cli-db-no-revision"), head=_head()))


def _head() -> str:
    from storage.migrate import head

    return head()


jobs_app = typer.Typer(help="Scheduled jobs: list them, or run one now.", no_args_is_help=True)
app.add_typer(jobs_app, name="jobs")


def _parse_now(value: str | None, settings: Settings) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        _fail(t("cli-bad-now", value=repr(value)))
    return moment if moment.tzinfo else moment.replace(tzinfo=settings.tz)


@jobs_app.command("list")
def jobs_list() -> None:
    """Every job with its schedule and next run, in the configured time zone."""
    from bot.jobs.registry import catalogue
    from bot.jobs.scheduler import trigger

    settings = _settings()
    services = _services(settings)
    now = datetime.now(settings.tz)
    for spec in catalogue().values():
        following = trigger(spec, services).get_next_fire_time(None, now)
        when = following.strftime("%Y-%m-%d %H:%M %Z") if following else "-"
        what = t(f"cli-job-{spec.name}")
        typer.echo(t("cli-job-line", name=f"{spec.name:<24}", when=f"{when:<24}", description=what))


@jobs_app.command("run")
def jobs_run(
    name: str,
    now: str | None = typer.Option(None, "--now", help="Run as if it were this time (ISO 8601; local zone if none)."),
) -> None:
    """Run one job at once. What it queues is delivered by the running bot."""
    from bot.app import prepare_database
    from bot.jobs.registry import catalogue
    from bot.jobs.scheduler import run_job

    settings = _settings()
    specs = catalogue()
    if name not in specs:
        _fail(t("cli-no-job", name=repr(name), jobs=", ".join(specs)))
    moment = _parse_now(now, settings)

    async def go() -> Line:
        services = _services(settings)
        try:
            await prepare_database(services)
            return await run_job(specs[name], services, moment)
        finally:
            await services.db.dispose()

    typer.echo(f"{name}: {said(_run(go()))}")


export_app = typer.Typer(help="Export data for officials.", no_args_is_help=True)
app.add_typer(export_app, name="export")


@export_app.command("ledger")
def export_ledger(
    out: Path = typer.Option(..., "--out", help="Excel file to write (.xlsx)."),
    date_from: str | None = typer.Option(None, "--from", help="First day received (YYYY-MM-DD, local)."),
    date_to: str | None = typer.Option(None, "--to", help="Last day received (YYYY-MM-DD, local), inclusive."),
    grid: str | None = typer.Option(None, "--grid", help="Only this grid and the grids below it (its code)."),
) -> None:
    """Write the 台账 (ledger) as an Excel workbook."""
    from datetime import date

    from xlsxwriter.exceptions import FileCreateError

    from bot.app import prepare_database
    from bot.ledger.ledger import UnknownGrid

    try:
        first = date.fromisoformat(date_from) if date_from else None
        last = date.fromisoformat(date_to) if date_to else None
    except ValueError as error:
        _fail(t("cli-bad-date", error=str(error)))
    _output_file(out)
    settings = _settings()

    async def go() -> int:
        services = _services(settings)
        try:
            await prepare_database(services)
            return await services.ledger.export(out, grid_code=grid, date_from=first, date_to=last)
        finally:
            await services.db.dispose()

    try:
        count = _write(out, lambda: _run(go()))
    except UnknownGrid:
        _fail(t("cli-no-grid", code=repr(grid)))
    except FileCreateError as error:  # XlsxWriter's own, for what the check above cannot foresee
        _fail(t("cli-write-failed", path=str(out), reason=str(error)), 1)
    typer.echo(t("cli-ledger-written", count=str(count), path=str(out)))


wecom_app = typer.Typer(
    help="WeCom (企业微信) group robots: where a grid's or a department's staff hear from Gridline "
    "when Telegram cannot reach them.",
    no_args_is_help=True,
)
app.add_typer(wecom_app, name="wecom")


@wecom_app.command("set")
def wecom_set(
    code: str = typer.Argument(..., help="The code of a grid or of a department."),
    key: str = typer.Argument(
        ...,
        help="The robot's webhook key, or its whole webhook address; '-' reads it from stdin "
        "(it stays out of the shell's history).",
    ),
) -> None:
    """Give a grid or a department a WeCom group robot, or its robot a new key."""
    from bot.wecom.robots import RobotError, parse_key, set_robot

    if key == "-":
        key = sys.stdin.readline()
    try:
        key = parse_key(key)  # before anything is opened or written
    except RobotError as error:
        _fail(explain(error))
    settings = _settings()
    try:
        robot, created = _with_database(settings, lambda s, now: set_robot(s, code=code, key=key, now=now))
    except RobotError as error:
        _fail(explain(error))
    owner = t(f"cli-owner-{robot.owner}")
    done = "cli-wecom-added" if created else "cli-wecom-new-key"
    typer.echo(t(done, owner=owner, code=robot.code, name=robot.name, secret=robot.key))


@wecom_app.command("remove")
def wecom_remove(code: str = typer.Argument(..., help="The code of a grid or of a department.")) -> None:
    """Remove a grid's or a department's WeCom robot; messages still queued for it are dropped."""
    from bot.wecom.robots import RobotError, remove_robot

    settings = _settings()
    try:
        robot = _with_database(settings, lambda s, _now: remove_robot(s, code=code))
    except RobotError as error:
        _fail(explain(error))
    owner = t(f"cli-owner-{robot.owner}")
    typer.echo(t("cli-wecom-removed", owner=owner, code=robot.code, name=robot.name, secret=robot.key))


@wecom_app.command("list")
def wecom_list() -> None:
    """Every WeCom robot, with its key masked."""
    from bot.wecom.robots import RobotView, list_robots

    settings = _settings()
    robots: list[RobotView] = _with_database(settings, lambda s, _now: list_robots(s))
    if not robots:
        typer.echo(t("cli-wecom-none"))
    for robot in robots:
        added = robot.added_at.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M")
        owner = t(f"cli-owner-{robot.owner}")
        typer.echo(
            t(
                "cli-wecom-line",
                owner=f"{owner:<10}",
                code=f"{robot.code:<10}",
                secret=robot.key,
                added=added,
                name=robot.name,
            )
        )


T = TypeVar("T")


def _with_database(settings: Settings, work: Callable[[AsyncSession, datetime], Awaitable[T]]) -> T:
    """Run `work` in one unit of work on the (prepared) database, and close it."""
    from bot.app import prepare_database

    async def go() -> T:
        services = _services(settings)
        try:
            await prepare_database(services)
            async with services.db.transaction() as s:
                return await work(s, services.clock.now())
        finally:
            await services.db.dispose()

    return _run(go())


def _write(path: Path, write: Callable[[], T]) -> T:
    """A write that fails anyway (a full disk, a race) is one line too."""
    try:
        return write()
    except OSError as error:
        _fail(t("cli-write-failed", path=str(path), reason=str(error.strerror or error)), 1)


def _fail(message: str, code: int = 2) -> NoReturn:
    """One line on stderr and a non-zero exit, as every command reports bad input."""
    typer.secho(message, fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


# Commands that live in their own modules.
register_sandbox(app)


def _services(settings: Settings) -> Services:
    from bot.services import Services

    return Services.build(settings)


# Open311 GeoReport v2: `gridline apikey ...` and `gridline api` (bot/open311/cli.py).
from bot.open311 import cli as open311_cli  # noqa: E402

app.add_typer(open311_cli.apikey_app, name="apikey")
app.command("api")(open311_cli.api)


def main() -> None:
    """The `gridline` command: a database an older Gridline made is reported in one line by every
    command, not as a traceback."""
    from storage.migrate import SchemaOutOfDate

    try:
        app()
    except SchemaOutOfDate as error:
        typer.secho(explain(error), fg=typer.colors.RED, err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
