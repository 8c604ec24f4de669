"""The `gridline` command."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import typer
from pydantic import ValidationError

from bot.config import Settings

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
def run(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log debug details.")) -> None:
    """Run the bot (long polling). Creates the database and loads the demo county on first start."""
    settings = _settings()
    if settings.bot_token is None or not settings.bot_token.get_secret_value().strip():
        typer.secho(NO_TOKEN, fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    _logging(verbose)
    from bot.app import Gridline

    asyncio.run(Gridline(settings).run_polling())


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


if __name__ == "__main__":
    app()
