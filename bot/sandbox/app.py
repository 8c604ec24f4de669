"""`gridline sandbox`: the real bot (`Gridline`, as `gridline run` starts it) against a local Bot
API, and a web page to play every role. No token, no network: nothing leaves this machine."""

from __future__ import annotations

import asyncio
import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from aiohttp import web

from bot.app import DEMO_ORGANISATION, Gridline, prepare_database
from bot.config import Settings
from bot.i18n import Line, Translator
from bot.jobs.registry import catalogue
from bot.jobs.scheduler import run_job, trigger
from bot.sandbox import world
from bot.sandbox.clock import ShiftedClock
from bot.sandbox.telegram import SandboxTelegram

log = logging.getLogger(__name__)

TOKEN = "1000000:SANDBOX-LOCAL-ONLY"  # the local Bot API takes any token; Telegram never sees it
BOT_USERNAME = "gridline_sandbox_bot"
# Where a stray request for the WeCom API would go: a closed port on this machine.
NOWHERE = "http://127.0.0.1:9"


def sandbox_settings(api_base: str, database_url: str) -> Settings:
    """The configured settings (time zone, duty day ...) with everything that could reach the
    outside world or production data replaced."""
    return Settings(
        bot_token=TOKEN,
        telegram_api_base=api_base,
        wecom_api_base=NOWHERE,
        database_url=database_url,
        demo_org_file=DEMO_ORGANISATION,  # the personas are cast in the demo county's grids
        admin_ids=frozenset({world.ADMIN_ID}),
        webhook_url=None,
        # The local Bot API has no flood limits: the page should not wait a second per message.
        flood_global_per_second=1000,
        flood_private_per_second=1000,
        flood_group_per_minute=60_000,
        citizen_reports_per_hour=0,
    )


@dataclass(frozen=True)
class JumpResult:
    now: datetime
    ran: list[tuple[str, Line]]  # each due job's name, and what it did


class Sandbox:
    """Starts the Bot API, the bot and the page; `stop` undoes it in reverse."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 8765, database_url: str | None = None) -> None:
        self.host, self.port = host, port
        self.clock = ShiftedClock()
        self.telegram = SandboxTelegram(self.clock.now, bot_username=BOT_USERNAME, bot_first_name="民情直通车")
        self._database_url = database_url
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.gridline: Gridline | None = None
        self._bot_task: asyncio.Task[None] | None = None
        self._runner: web.AppRunner | None = None
        self._jump_lock = asyncio.Lock()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    @property
    def settings(self) -> Settings:
        assert self.gridline is not None
        return self.gridline.settings

    @property
    def translator(self) -> Translator:
        assert self.gridline is not None
        return self.gridline.services.translator

    async def start(self) -> None:
        """The page's port first (a port taken fails at once), then the Bot API and the bot."""
        from bot.sandbox.web import build_app

        try:
            await self.telegram.start()
            database_url = self._database_url
            if database_url is None:  # a fresh county at every start
                self._tmp = tempfile.TemporaryDirectory(prefix="gridline-sandbox-")
                database_url = f"sqlite:///{Path(self._tmp.name) / 'sandbox.db'}"
            gridline = Gridline(sandbox_settings(self.telegram.base_url, database_url), clock=self.clock)
            self.gridline = gridline
            self._runner = web.AppRunner(build_app(self), access_log=None, shutdown_timeout=1.0)
            await self._runner.setup()
            await web.TCPSite(self._runner, self.host, self.port).start()
            if self.port == 0:
                self.port = int(self._runner.addresses[0][1])
            await prepare_database(gridline.services)
            await world.cast(gridline.services)
            world.introduce(self.telegram)
            mark = self.telegram.mark()
            self._bot_task = asyncio.create_task(gridline.run_polling(handle_signals=False), name="sandbox-bot")
            await self.telegram.wait_polling(since=mark, timeout=60)
        except BaseException:
            await self.stop()
            raise

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self.gridline is not None and self._bot_task is not None:
            await self.gridline.stop()
            await asyncio.wait_for(self._bot_task, timeout=15)
            self._bot_task = None
        elif self.gridline is not None:  # never started polling: only the database to close
            await self.gridline.db.dispose()
        if self.telegram.port is not None:
            await self.telegram.stop()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    async def jump(self, moment: datetime) -> JumpResult:
        """Move the clock to `moment`, then run every job whose schedule fell due on the way, at
        `moment` (the jobs derive what is due from data and record what they sent, so a job that
        the bot's own scheduler also runs sends nothing twice)."""
        assert self.gridline is not None
        services = self.gridline.services
        async with self._jump_lock:
            before = self.clock.now()
            self.clock.jump_to(moment)
            ran = []
            for spec in catalogue().values():
                due = trigger(spec, services).get_next_fire_time(None, before)
                if due is not None and due <= moment:
                    ran.append((spec.name, await run_job(spec, services, moment)))
        self.telegram.changed.fire()  # the page shows the new time
        return JumpResult(moment, ran)


async def serve(sandbox: Sandbox, stopped: asyncio.Event, announce: Callable[[str], None] = print) -> None:
    """Run until `stopped` is set (Ctrl-C in the command); `announce` is told the page's address."""
    await sandbox.start()
    announce(sandbox.url)
    try:
        await stopped.wait()
    finally:
        await sandbox.stop()
