"""`gridline apikey ...` and `gridline api`: registered in bot/cli.py."""

from __future__ import annotations

import asyncio

import typer

apikey_app = typer.Typer(help="API keys of Open311 clients (12345 platforms, city systems).", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(apikey_app, name="apikey")
    app.command("api")(api)


def _fail(message: str) -> None:
    typer.secho(message, fg=typer.colors.RED, err=True)
    raise typer.Exit(2)


@apikey_app.command("create")
def apikey_create(name: str = typer.Argument(..., help="Who the key is for, e.g. 12345热线.")) -> None:
    """Make a key for a client. It is shown once: only its hash is kept."""
    from bot.open311.keys import ApiKeyRefused, create_key

    try:
        key = _unit_of_work(lambda s, now: create_key(s, name=name, now=now))
    except ApiKeyRefused as error:
        _fail(str(error))
    typer.echo(f"API key for {name}: {key}\nKeep it now: only its hash is stored, it cannot be shown again.")


@apikey_app.command("revoke")
def apikey_revoke(name: str) -> None:
    """Refuse the client's key from now on."""
    from bot.open311.keys import ApiKeyRefused, revoke_key

    try:
        _unit_of_work(lambda s, now: revoke_key(s, name=name, now=now))
    except ApiKeyRefused as error:
        _fail(str(error))
    typer.echo(f"Revoked the API key of {name}.")


@apikey_app.command("list")
def apikey_list() -> None:
    """Every key: name, first characters, made, revoked."""
    from bot.open311.keys import list_keys

    keys = _unit_of_work(lambda s, _now: list_keys(s))
    if not keys:
        typer.echo("No API keys. Make one with: gridline apikey create NAME")
    for key in keys:
        state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "valid"
        typer.echo(f"{key.name:<24} {key.prefix}…  made {key.created_at:%Y-%m-%d}  {state}")


def api(
    host: str | None = typer.Option(None, "--host", help="Address (default GEOREPORT_HOST, 127.0.0.1)."),
    port: int | None = typer.Option(None, "--port", help="Port (default GEOREPORT_PORT, 8311)."),
) -> None:
    """Serve the Open311 GeoReport v2 API alone, under /open311/v2/."""
    from bot.app import prepare_database
    from bot.cli import _services, _settings
    from bot.open311.web import serve_alone

    settings = _settings()

    async def go() -> None:
        services = _services(settings)
        try:
            await prepare_database(services)
            await serve_alone(
                services,
                host or settings.georeport_host,
                port or settings.georeport_port,
                lambda url: typer.echo(f"Open311: {url}"),
            )
        finally:
            await services.db.dispose()

    asyncio.run(go())


def _unit_of_work(work):  # type: ignore[no-untyped-def]
    from bot.cli import _settings, _with_database

    return _with_database(_settings(), work)
