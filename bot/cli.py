"""The `gridline` command."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeVar

import typer
from pydantic import ValidationError

from bot.config import Settings

if TYPE_CHECKING:
    from sqlmodel.ext.asyncio.session import AsyncSession

    from bot.services import Services

app = typer.Typer(
    help="Gridline (民情直通车): citizens' needs, from report to rating, over Telegram.",
    no_args_is_help=True,
    add_completion=False,
)

NO_TOKEN = """BOT_TOKEN is not set.

Create a bot with @BotFather in Telegram (send /newbot, pick a name and a username ending in "bot"),
then put the token it gives you in the environment or in a .env file next to where you run gridline:

    BOT_TOKEN=123456789:AA...your-token...

See .env.example for every setting."""


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        typer.secho(f"Invalid settings:\n{error}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None


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
        typer.secho(NO_TOKEN, fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    _logging(verbose)
    from bot.app import Gridline

    if webhook and not settings.webhook_url:
        typer.secho(
            "--webhook needs WEBHOOK_URL, the public https address Telegram posts to.", fg=typer.colors.RED, err=True
        )
        raise typer.Exit(2)
    from storage.migrate import SchemaOutOfDate

    gridline = Gridline(settings)
    try:
        asyncio.run(gridline.run_webhook() if webhook else gridline.run_polling())
    except SchemaOutOfDate as error:  # an older Gridline's database: one line, no traceback
        _fail(str(error), 1)


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
    from bot.organisation.schema import OrganisationFile
    from bot.organisation.service import import_organisation
    from storage.database import Database

    try:
        org = OrganisationFile.load(file)
    except (ValidationError, ValueError) as error:
        typer.secho(f"{file}: not a valid organisation file:\n{error}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None

    async def load() -> None:
        db = Database(_settings().database_url)
        try:
            await db.create_all()
            async with db.transaction() as s:
                summary = await import_organisation(s, org)
        finally:
            await db.dispose()
        typer.echo(
            f"Imported {summary.grids} grids, {summary.categories} categories, {summary.staff} staff, "
            f"{summary.stations} stations, {summary.deputies} deputies."
        )

    asyncio.run(load())


@app.command()
def qr(
    grid_code: str,
    bot_username: str = typer.Option(..., "--bot", help="The bot's username, without @."),
    out: Path = typer.Option(Path("grid-qr.png"), "--out", help="PNG file to write."),
) -> None:
    """Write a grid's deep-link QR code, for the grid's notice board."""
    import segno

    link = f"https://t.me/{bot_username.lstrip('@')}?start=g_{grid_code}"
    segno.make(link, error="m").save(out, scale=10, border=2)
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
        typer.secho(
            f"Unknown role {role!r}: use {', '.join(r.value for r in INVITABLE)}.", fg=typer.colors.RED, err=True
        )
        raise typer.Exit(2)
    settings = _settings()

    async def go():  # type: ignore[no-untyped-def]
        services = _services(settings)
        try:
            await prepare_database(services)
            return await services.invitations.create(
                role=chosen, target=target, created_by="cli", ttl=timedelta(days=days)
            )
        finally:
            await services.db.dispose()

    try:
        created = asyncio.run(go())
    except UnknownTarget as error:
        typer.secho(str(error), fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    link = created.link(bot_username)
    path = out or Path(f"invite-{chosen.value}-{target}.png")
    segno.make(link, error="m").save(path, scale=10, border=2)
    expires = created.expires_at.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M")
    typer.echo(f"{chosen.value} {created.label}: {link}\nworks once, until {expires}\n→ {path}")


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

    deputies = asyncio.run(load())
    written = write_cards(deputies, bot_username, out)
    typer.echo(f"{len(deputies)} deputies, {len(written)} files → {out}")


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
        typer.echo(f"The database is at the newest schema ({after}): nothing to do.")
    else:
        typer.echo(f"Upgraded the database from {before or 'nothing'} to {after}.")


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

    typer.echo(f"Wrote {asyncio.run(go())}: read it before committing it.")


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

    typer.echo(f"database: {asyncio.run(go()) or 'no revision'}; this Gridline: {_head()}")


def _head() -> str:
    from storage.migrate import head

    return head()


jobs_app = typer.Typer(help="Scheduled jobs: list them, or run one now.", no_args_is_help=True)
app.add_typer(jobs_app, name="jobs")


def _parse_now(value: str | None, settings: Settings) -> datetime | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(value)
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
        typer.echo(f"{spec.name:<24} next {when:<24} {spec.description}")


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
        typer.secho(f"No job named {name!r}. Jobs: {', '.join(specs)}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2)
    moment = _parse_now(now, settings)

    async def go() -> str:
        services = _services(settings)
        try:
            await prepare_database(services)
            return await run_job(specs[name], services, moment)
        finally:
            await services.db.dispose()

    typer.echo(asyncio.run(go()))


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

    from bot.app import prepare_database
    from bot.ledger.ledger import UnknownGrid

    try:
        first = date.fromisoformat(date_from) if date_from else None
        last = date.fromisoformat(date_to) if date_to else None
    except ValueError as error:
        typer.secho(f"Not a date (YYYY-MM-DD): {error}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    settings = _settings()

    async def go() -> int:
        services = _services(settings)
        try:
            await prepare_database(services)
            return await services.ledger.export(out, grid_code=grid, date_from=first, date_to=last)
        finally:
            await services.db.dispose()

    try:
        count = asyncio.run(go())
    except UnknownGrid:
        typer.secho(f"No grid with code {grid!r}.", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    typer.echo(f"Wrote {count} issues to {out}")


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
        _fail(str(error))
    settings = _settings()
    try:
        robot, created = _with_database(settings, lambda s, now: set_robot(s, code=code, key=key, now=now))
    except RobotError as error:
        _fail(str(error))
    done = "Added the WeCom robot of" if created else "New key for the WeCom robot of"
    typer.echo(f"{done} {robot.owner} {robot.code} {robot.name}: {robot.key}")


@wecom_app.command("remove")
def wecom_remove(code: str = typer.Argument(..., help="The code of a grid or of a department.")) -> None:
    """Remove a grid's or a department's WeCom robot; messages still queued for it are dropped."""
    from bot.wecom.robots import RobotError, remove_robot

    settings = _settings()
    try:
        robot = _with_database(settings, lambda s, _now: remove_robot(s, code=code))
    except RobotError as error:
        _fail(str(error))
    typer.echo(f"Removed the WeCom robot of {robot.owner} {robot.code} {robot.name} ({robot.key}).")


@wecom_app.command("list")
def wecom_list() -> None:
    """Every WeCom robot, with its key masked."""
    from bot.wecom.robots import RobotView, list_robots

    settings = _settings()
    robots: list[RobotView] = _with_database(settings, lambda s, _now: list_robots(s))
    if not robots:
        typer.echo("No WeCom robots. Add one with: gridline wecom set <code> <key>")
    for robot in robots:
        added = robot.added_at.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M")
        typer.echo(f"{robot.owner:<10} {robot.code:<10} {robot.key}  added {added}  {robot.name}")


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

    return asyncio.run(go())


def _fail(message: str, code: int = 2) -> NoReturn:
    """One line on stderr and a non-zero exit, as every command reports bad input."""
    typer.secho(message, fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


def _services(settings: Settings) -> Services:
    from bot.services import Services

    return Services.build(settings)


def main() -> None:
    """The `gridline` command: a database an older Gridline made is reported in one line by every
    command, not as a traceback."""
    from storage.migrate import SchemaOutOfDate

    try:
        app()
    except SchemaOutOfDate as error:
        typer.secho(str(error), fg=typer.colors.RED, err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
