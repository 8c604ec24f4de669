"""`gridline sandbox`: registered in bot/cli.py."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import signal

import typer

from bot.cli_support import load_settings
from bot.cli_text import t

LOOPBACK = "127.0.0.1"


def register(app: typer.Typer) -> None:
    app.command()(sandbox)


def sandbox(
    host: str = typer.Option(
        LOOPBACK, "--host", help="Address to listen on. Anything but loopback lets others on the network play."
    ),
    port: int | None = typer.Option(
        None, "--port", min=0, max=65535, help="Port of the page (default SANDBOX_PORT, 8765)."
    ),
    database: str | None = typer.Option(
        None, "--database", help="Keep the sandbox's data in this database (default: a fresh one at every start)."
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log the bot's work."),
) -> None:
    """Try Gridline without Telegram: the real bot, a local Bot API and a web chat for every role."""
    from bot.sandbox.app import Sandbox, serve

    chosen = port if port is not None else load_settings().sandbox_port
    if not _loopback(host):
        typer.secho(t("cli-sandbox-exposed", host=host), fg=typer.colors.YELLOW, err=True)
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    box = Sandbox(host=host, port=chosen, database_url=database)

    async def go() -> None:
        stopped = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stopped.set)
        await serve(box, stopped, lambda url: typer.echo(t("cli-sandbox-open", url=url)))

    try:
        asyncio.run(go())
    except OSError as error:
        reason = str(error.strerror or error)
        typer.secho(
            t("cli-sandbox-cannot-listen", host=host, port=str(chosen), reason=reason), fg=typer.colors.RED, err=True
        )
        raise typer.Exit(1) from None


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
