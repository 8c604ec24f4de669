"""The `gridline` command."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from pydantic import ValidationError

from bot.config import Settings

if TYPE_CHECKING:
    from bot.services import Services

app = typer.Typer(help="Gridline (民情直通车): citizens' needs, from report to rating, over Telegram.",
                  no_args_is_help=True, add_completion=False)

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
        typer.secho("--webhook needs WEBHOOK_URL, the public https address Telegram posts to.", fg=typer.colors.RED, err=True)
        raise typer.Exit(2)
    gridline = Gridline(settings)
    asyncio.run(gridline.run_webhook() if webhook else gridline.run_polling())


@app.command("import")
def import_(file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                        help="An organisation file (YAML), like examples/demo-county.yaml.")) -> None:
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
        typer.echo(f"Imported {summary.grids} grids, {summary.categories} categories, {summary.staff} staff.")

    asyncio.run(load())


@app.command()
def qr(grid_code: str, bot_username: str = typer.Option(..., "--bot", help="The bot's username, without @."),
       out: Path = typer.Option(Path("grid-qr.png"), "--out", help="PNG file to write.")) -> None:
    """Write a grid's deep-link QR code, for the grid's notice board."""
    import segno

    link = f"https://t.me/{bot_username.lstrip('@')}?start=g_{grid_code}"
    segno.make(link, error="m").save(out, scale=10, border=2)
    typer.echo(f"{link}\n→ {out}")


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


def _services(settings: Settings) -> Services:
    from bot.services import Services

    return Services.build(settings)


if __name__ == "__main__":
    app()
