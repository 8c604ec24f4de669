"""`gridline apikey ...` (keys for city systems filing requests) and `gridline api` (the Open311
API alone). Registered in bot/cli.py."""

from __future__ import annotations

import asyncio
from datetime import datetime

import typer

apikey_app = typer.Typer(
    help="API keys for Open311 (a 12345 platform or another city system filing requests).",
    no_args_is_help=True,
)


@apikey_app.command("create")
def apikey_create(name: str = typer.Argument(..., help="Who the key is for, e.g. 12345.")) -> None:
    """Create a key and print it once: only its hash is kept."""
    from bot.cli import _fail, _settings, _with_database
    from bot.open311.keys import ApiKeyError, create_key

    try:
        key = _with_database(_settings(), lambda s, now: create_key(s, name=name, now=now))
    except ApiKeyError as error:
        _fail(str(error))
    typer.echo(f"API key for {name.strip()} (shown only now, keep it secret):\n{key}")


@apikey_app.command("list")
def apikey_list() -> None:
    """Every key: its name and first characters, when it was created, whether it is revoked, how
    many requests were filed with it and when the last was, and when it was last used."""
    from bot.cli import _settings, _with_database
    from bot.open311.keys import KeyView, list_keys

    settings = _settings()
    keys: list[KeyView] = _with_database(settings, lambda s, _now: list_keys(s))
    if not keys:
        typer.echo("No API keys. Create one with: gridline apikey create <name>")
        return

    def when(moment: datetime | None, empty: str) -> str:
        return moment.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M") if moment else empty

    rows = [("NAME", "KEY", "STATE", "CREATED", "REQUESTS", "LAST REQUEST", "LAST USED")]
    for key in keys:
        rows.append(
            (
                key.name,
                f"{key.prefix}…",
                f"revoked {when(key.revoked_at, '')}" if key.revoked else "active",
                when(key.created_at, "—"),
                str(key.requests),
                when(key.last_request_at, "never"),
                when(key.last_used_at, "never"),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        typer.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


@apikey_app.command("revoke")
def apikey_revoke(name: str = typer.Argument(..., help="The key's name.")) -> None:
    """Revoke a key at once: requests with it are refused (403)."""
    from bot.cli import _fail, _settings, _with_database
    from bot.open311.keys import ApiKeyError, revoke_key

    try:
        _with_database(_settings(), lambda s, now: revoke_key(s, name=name, now=now))
    except ApiKeyError as error:
        _fail(str(error))
    typer.echo(f"Revoked the API key {name.strip()}.")


def api(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log debug details.")) -> None:
    """Serve the Open311 GeoReport v2 API alone, on OPEN311_HOST:OPEN311_PORT (no bot token needed).
    The running bot delivers the cards of the requests filed through it."""
    from bot.app import prepare_database
    from bot.cli import _logging, _services, _settings
    from bot.open311.web import serve_alone

    settings = _settings()
    _logging(verbose)
    if settings.open311_host not in ("127.0.0.1", "localhost", "::1"):
        typer.secho(
            f"Serving on {settings.open311_host}: anyone who reaches it can read every issue's public fields.",
            fg=typer.colors.YELLOW,
            err=True,
        )

    async def go() -> None:
        services = _services(settings)
        try:
            await prepare_database(services)
            await serve_alone(services, asyncio.Event())
        finally:
            await services.db.dispose()

    asyncio.run(go())
