"""The `gridline` command."""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from pydantic import ValidationError

from bot.cli_support import (
    build_services,
    fail,
    load_settings,
    output_file,
    output_folder,
    run_async,
    setup_logging,
    with_database,
    write_or_fail,
)
from bot.cli_text import choose, explain, t
from bot.config import Settings
from bot.open311 import cli as open311_cli
from bot.sandbox.cli import register as register_sandbox

if TYPE_CHECKING:
    from bot.i18n import Line

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


@app.command()
def run(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log debug details."),
    webhook: bool = typer.Option(False, "--webhook", help="Serve a webhook (WEBHOOK_URL etc.) instead of polling."),
) -> None:
    """Run the bot (long polling, or --webhook). Creates the database and loads the demo county on first start."""
    settings = load_settings()
    if settings.bot_token is None or not settings.bot_token.get_secret_value().strip():
        typer.secho(t("cli-no-token"), fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    setup_logging(verbose)
    from bot.app import Gridline

    if webhook and not settings.webhook_url:
        typer.secho(t("cli-webhook-needs-url"), fg=typer.colors.RED, err=True)
        raise typer.Exit(2)
    gridline = Gridline(settings)
    run_async(gridline.run_webhook() if webhook else gridline.run_polling())


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
        fail(explain(invalid_file(file, error)))
    except ValueError as error:  # bad YAML: the file and the line
        fail(explain(error))
    settings = load_settings()

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

    run_async(load())


@app.command()
def qr(
    grid_code: str,
    bot_username: str = typer.Option(..., "--bot", help="The bot's username, without @."),
    out: Path = typer.Option(Path("grid-qr.png"), "--out", help="PNG file to write."),
) -> None:
    """Write a grid's deep-link QR code, for the grid's notice board."""
    import segno

    from bot.organisation.service import grid_by_code

    output_file(out)
    settings = load_settings()
    if with_database(settings, lambda s, _now: grid_by_code(s, grid_code)) is None:
        fail(t("cli-no-grid", code=repr(grid_code)))
    link = f"https://t.me/{bot_username.lstrip('@')}?start=g_{grid_code}"
    write_or_fail(out, lambda: segno.make(link, error="m").save(out, scale=10, border=2))
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
        fail(t("cli-unknown-role", role=repr(role), roles=", ".join(r.value for r in INVITABLE)))
    path = output_file(out or Path(f"invite-{chosen.value}-{target}.png"))
    settings = load_settings()

    async def go():  # type: ignore[no-untyped-def]
        services = build_services(settings)
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
        created = run_async(go())
    except UnknownTarget as error:
        fail(explain(error))
    except OSError as error:
        fail(t("cli-write-failed", path=str(path), reason=str(error.strerror or error)), 1)
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

    output_folder(out)
    settings = load_settings()

    async def load() -> list[service.DeputyView]:
        services = build_services(settings)
        try:
            await prepare_database(services)
            async with services.db.session() as s:
                rows = (await s.exec(select(Deputy).order_by(col(Deputy.code)))).all()
                return [await service.view(s, d, default_day=settings.deputy_duty_day) for d in rows]
        finally:
            await services.db.dispose()

    deputies = run_async(load())
    written = write_or_fail(out, lambda: write_cards(deputies, bot_username, out))
    typer.echo(t("cli-cards-written", deputies=str(len(deputies)), files=str(len(written)), folder=str(out)))


db_app = typer.Typer(help="The database's schema: upgrade it, or say where it stands.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database (DATABASE_URL) to the schema this Gridline needs; an empty one is created."""
    from storage.database import Database

    async def go() -> tuple[str | None, str | None]:
        db = Database(load_settings().database_url)
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
        db = Database(load_settings().database_url)
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
        db = Database(load_settings().database_url)
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
        fail(t("cli-bad-now", value=repr(value)))
    return moment if moment.tzinfo else moment.replace(tzinfo=settings.tz)


@jobs_app.command("list")
def jobs_list() -> None:
    """Every job with its schedule and next run, in the configured time zone."""
    from bot.jobs.registry import catalogue
    from bot.jobs.scheduler import trigger

    settings = load_settings()
    services = build_services(settings)
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

    settings = load_settings()
    specs = catalogue()
    if name not in specs:
        fail(t("cli-no-job", name=repr(name), jobs=", ".join(specs)))
    moment = _parse_now(now, settings)

    async def go() -> Line:
        services = build_services(settings)
        try:
            await prepare_database(services)
            return await run_job(specs[name], services, moment)
        finally:
            await services.db.dispose()

    typer.echo(f"{name}: {run_async(go()).in_(t)}")  # the job's summary, in the command's language


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
        fail(t("cli-bad-date", error=str(error)))
    output_file(out)
    settings = load_settings()

    async def go() -> int:
        services = build_services(settings)
        try:
            await prepare_database(services)
            return await services.ledger.export(out, grid_code=grid, date_from=first, date_to=last)
        finally:
            await services.db.dispose()

    try:
        count = write_or_fail(out, lambda: run_async(go()))
    except UnknownGrid:
        fail(t("cli-no-grid", code=repr(grid)))
    except FileCreateError as error:  # XlsxWriter's own, for what the check above cannot foresee
        fail(t("cli-write-failed", path=str(out), reason=str(error)), 1)
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
        fail(explain(error))
    settings = load_settings()
    try:
        robot, created = with_database(settings, lambda s, now: set_robot(s, code=code, key=key, now=now))
    except RobotError as error:
        fail(explain(error))
    owner = t(f"cli-owner-{robot.owner}")
    done = "cli-wecom-added" if created else "cli-wecom-new-key"
    typer.echo(t(done, owner=owner, code=robot.code, name=robot.name, secret=robot.key))


@wecom_app.command("remove")
def wecom_remove(code: str = typer.Argument(..., help="The code of a grid or of a department.")) -> None:
    """Remove a grid's or a department's WeCom robot; messages still queued for it are dropped."""
    from bot.wecom.robots import RobotError, remove_robot

    settings = load_settings()
    try:
        robot = with_database(settings, lambda s, _now: remove_robot(s, code=code))
    except RobotError as error:
        fail(explain(error))
    owner = t(f"cli-owner-{robot.owner}")
    typer.echo(t("cli-wecom-removed", owner=owner, code=robot.code, name=robot.name, secret=robot.key))


@wecom_app.command("list")
def wecom_list() -> None:
    """Every WeCom robot, with its key masked."""
    from bot.wecom.robots import RobotView, list_robots

    settings = load_settings()
    robots: list[RobotView] = with_database(settings, lambda s, _now: list_robots(s))
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


# Commands that live in their own modules: `gridline sandbox`, and Open311's `gridline apikey ...`
# and `gridline api`.
register_sandbox(app)
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
