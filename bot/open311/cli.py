"""`gridline apikey ...` (keys for city systems filing requests) and `gridline api` (the Open311
API alone). Registered in bot/cli.py."""

from __future__ import annotations

import asyncio
from datetime import datetime

import typer
from rich.cells import cell_len

from bot.cli_support import build_services, fail, load_settings, setup_logging, with_database
from bot.cli_text import explain, t

COLUMNS = ("name", "key", "state", "created", "requests", "last-request", "last-used")

apikey_app = typer.Typer(
    help="API keys for Open311 (a 12345 platform or another city system filing requests).",
    no_args_is_help=True,
)


@apikey_app.command("create")
def apikey_create(name: str = typer.Argument(..., help="Who the key is for, e.g. 12345.")) -> None:
    """Create a key and print it once: only its hash is kept."""
    from bot.open311.keys import ApiKeyError, create_key

    try:
        key = with_database(load_settings(), lambda s, now: create_key(s, name=name, now=now))
    except ApiKeyError as error:
        fail(explain(error))
    typer.echo(t("cli-apikey-created", name=name.strip(), secret=key))


@apikey_app.command("list")
def apikey_list() -> None:
    """Every key: its name and first characters, when it was created, whether it is revoked, how
    many requests were filed with it and when the last was, and when it was last used."""
    from bot.open311.keys import KeyView, list_keys

    settings = load_settings()
    keys: list[KeyView] = with_database(settings, lambda s, _now: list_keys(s))
    if not keys:
        typer.echo(t("cli-apikey-none"))
        return

    def when(moment: datetime | None, empty: str) -> str:
        return moment.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M") if moment else empty

    never = t("cli-apikey-never")
    rows = [tuple(t(f"cli-apikey-column-{column}") for column in COLUMNS)]
    for key in keys:
        rows.append(
            (
                key.name,
                f"{key.prefix}…",
                t("cli-apikey-state-revoked", when=when(key.revoked_at, ""))
                if key.revoked
                else t("cli-apikey-state-active"),
                when(key.created_at, "—"),
                str(key.requests),
                when(key.last_request_at, never),
                when(key.last_used_at, never),
            )
        )
    # Widths in terminal cells: a Chinese character takes two.
    widths = [max(cell_len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    for row in rows:
        cells = (cell + " " * (width - cell_len(cell)) for cell, width in zip(row, widths, strict=True))
        typer.echo("  ".join(cells).rstrip())


@apikey_app.command("revoke")
def apikey_revoke(name: str = typer.Argument(..., help="The key's name.")) -> None:
    """Revoke a key at once: requests with it are refused (403)."""
    from bot.open311.keys import ApiKeyError, revoke_key

    try:
        with_database(load_settings(), lambda s, now: revoke_key(s, name=name, now=now))
    except ApiKeyError as error:
        fail(explain(error))
    typer.echo(t("cli-apikey-revoked", name=name.strip()))


def api(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log debug details.")) -> None:
    """Serve the Open311 GeoReport v2 API alone, on OPEN311_HOST:OPEN311_PORT (no bot token needed).
    The running bot delivers the cards of the requests filed through it."""
    from bot.app import prepare_database
    from bot.open311.web import serve_alone

    settings = load_settings()
    setup_logging(verbose)
    if settings.open311_host not in ("127.0.0.1", "localhost", "::1"):
        typer.secho(t("cli-api-exposed", host=settings.open311_host), fg=typer.colors.YELLOW, err=True)

    async def go() -> None:
        services = build_services(settings)
        try:
            await prepare_database(services)
            await serve_alone(services, asyncio.Event())
        finally:
            await services.db.dispose()

    asyncio.run(go())
